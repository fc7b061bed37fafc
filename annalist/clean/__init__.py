"""clean: RawDocument -> Document (boilerplate out, title, dateline, date, language, id)."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date

from ..model import Document, RawDocument, Rejection
from .boilerplate import line_key, split_boilerplate
from .dateline import find_dateline
from .language import detect_language
from .pubdate import publication_date

__all__ = ["clean", "document_id", "normalise", "line_key"]

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_TITLE_MAX_WORDS = 25
# Longer "articles" are rejected: a long feature runs to 60,000 characters, and spaCy refuses
# texts over 1,000,000 (its parser needs memory in proportion), which would stop the whole build.
MAX_CHARS = 200_000


def normalise(text: str) -> str:
    """NFC, no invisible characters, plain spaces, no trailing blanks."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = text.replace("\u00a0", " ").replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n"))


def document_id(raw: RawDocument) -> str:
    """Stable id from the article's own content (not its path), so a rerun, a move or a
    second copy of the same file gives the same id."""
    basis = "\x1f".join([re.sub(r"\s+", " ", normalise(raw.body)).strip(), raw.title or "", raw.outlet or ""])
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


def _split_title(body: str) -> tuple[str | None, str]:
    """A headline on the first line, set off by a blank line, becomes the title."""
    parts = body.strip().split("\n", 2)
    if len(parts) == 3 and not parts[1].strip():
        first = parts[0].strip()
        if len(first.split()) <= _TITLE_MAX_WORDS and not first.endswith((".", ",")) and parts[2].count("\n\n") >= 2:
            return first, parts[2]
    return None, body


def clean(raw: RawDocument, *, today: date, repeated: frozenset[str] = frozenset(),
          min_chars: int = 40, max_chars: int = MAX_CHARS) -> Document | Rejection:
    """Clean one raw article; a Rejection when no article text is left, or far too much."""
    body = normalise(raw.body).strip()
    # The item's file (and line), not a JSON Lines item's "FILE:LINE" source: that would print twice.
    where = raw.origin if raw.line is not None else raw.source
    if len(body) > max_chars:
        return Rejection(where, f"text is {len(body):,} characters, over the limit of {max_chars:,} "
                                "for one article", raw.line, raw.input_hash)
    title = normalise(raw.title).strip() if raw.title else None
    # 1. a headline at the top of plain text is the title, not body (or repeats the title)
    if not raw.is_html:
        found, rest = _split_title(body)
        if found and (title is None or line_key(found) == line_key(title)):
            title, body = title or found, rest
    # 2. boilerplate lines out, kept aside
    split = split_boilerplate(body, repeated)
    text = split.kept
    if len(text) < min_chars:
        return Rejection(where, f"no article text left after cleaning ({len(text)} characters)",
                         raw.line, raw.input_hash)
    # 3. dateline, then the publication date with its provenance
    dateline = find_dateline(text)
    first_kept = next((i for i, line in enumerate(body.split("\n")) if line.strip() and
                       i not in {n for n, _ in split.removed}), 0)
    byline = [line for n, line in split.removed if n < first_kept]
    published = publication_date(raw.published, raw.published_from, text, byline, today)
    # 4. language: non-English is stored but not analysed
    language, _prob = detect_language(text)
    return Document(
        id=document_id(raw), source=raw.source, origin=raw.origin, format=raw.format, text=text,
        title=title, outlet=raw.outlet or split.cross_reference_outlet, url=raw.url,
        published=published, dateline=dateline.place if dateline else None,
        boilerplate_removed=[line for _, line in split.removed], language=language,
        input_hash=raw.input_hash)
