"""One reader per format: each turns decoded input into RawDocuments or Rejections."""
from __future__ import annotations

import calendar
import hashlib
import json
import re
from collections.abc import Iterator
from datetime import datetime, timezone

import feedparser

from ..model import RawDocument, Rejection
from .html import extract_html, fragment_text

__all__ = ["read_text", "read_html", "read_jsonl", "read_feed", "sha256"]

Item = RawDocument | Rejection

# "Key: value" header lines at the top of a plain-text file, up to a blank line.
_HEADER_LINE = re.compile(
    r"^(title|headline|outlet|source|publication|site|date|published|url|link|author|byline)\s*:\s*(.+?)\s*$",
    re.I)
# The seeds' inline header: " date 2025-06-16 ASTANA — body ..." on the first line.
_INLINE_DATE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2}(?:[T ][\d:]+)?)\s+", re.I)
_HEADER_KEYS = {"headline": "title", "source": "outlet", "publication": "outlet", "site": "outlet",
                "date": "published", "link": "url"}


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def read_text(text: str, path: str, input_hash: str) -> Iterator[Item]:
    """Plain text, with an optional header block or inline ``date YYYY-MM-DD`` prefix."""
    fields: dict[str, str] = {}
    lines = text.lstrip("\ufeff").split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    start = i
    while i < len(lines) and (m := _HEADER_LINE.match(lines[i])):
        key = m.group(1).lower()
        fields.setdefault(_HEADER_KEYS.get(key, key), m.group(2))
        i += 1
    # A header block needs a date, title or outlet and must end at a blank line.
    if i > start and (i == len(lines) or not lines[i].strip()) and fields.keys() & {"published", "title", "outlet"}:
        body = "\n".join(lines[i:]).lstrip("\n")
    else:
        fields, rest = {}, lines[start:]
        # The prefix opens the body: the first line, or the line after a headline.
        opening = next((n for n, line in enumerate(rest[1:], 1) if line.strip()), None) if len(rest) > 1 else None
        for n in (0, opening) if opening is not None and not rest[1].strip() else (0,) if rest else ():
            if m := _INLINE_DATE.match(rest[n]):
                fields["published"] = m.group(1)
                rest = rest[:n] + [rest[n][m.end():]] + rest[n + 1:]
                break
        body = "\n".join(rest)
    yield RawDocument(
        source=path, origin=path, format="text", body=body, title=fields.get("title"),
        outlet=fields.get("outlet"), published=fields.get("published"), url=fields.get("url"),
        published_from="header" if "published" in fields else None, input_hash=input_hash)


def read_html(html: str, path: str, input_hash: str, *, url: str | None = None,
              line: int | None = None, fmt: str = "html", defaults: dict | None = None,
              parse_html: bool = True) -> Iterator[Item]:
    """An HTML page: trafilatura finds the article body and metadata."""
    if not parse_html:
        yield RawDocument(source=url or path, origin=path, format=fmt, body="", is_html=True,
                          line=line, input_hash=input_hash)
        return
    try:
        found = extract_html(html, url=url)
    except Exception as exc:  # trafilatura/lxml raise many types on broken markup
        yield Rejection(path, f"HTML could not be parsed ({type(exc).__name__}: {exc})", line, input_hash)
        return
    if found is None:
        yield Rejection(path, "no article text found in the HTML", line, input_hash)
        return
    defaults = defaults or {}
    source = url or (f"{path}:{line}" if line is not None else path)
    yield RawDocument(
        source=source, origin=path, format=fmt, body=found["text"], is_html=True,
        title=defaults.get("title") or found["title"], outlet=defaults.get("outlet") or found["outlet"],
        published=defaults.get("published") or found["published"], url=url or found["url"],
        published_from="metadata" if (defaults.get("published") or found["published"]) else None,
        line=line, input_hash=input_hash)


# "\ud800" escapes decode to lone surrogates, which no UTF-8 store or tokenizer accepts.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_lone_surrogates(s: str) -> str:
    return _LONE_SURROGATE.sub("\ufffd", s)


def read_jsonl(text: str, path: str, parse_html: bool = True, first_line: int = 1) -> Iterator[Item]:
    """JSON Lines: one article per line with ``text`` or ``html`` and optional metadata.

    ``first_line``: the line number ``text`` starts at (``watch`` reads appended tails)."""
    for number, raw_line in enumerate(text.split("\n"), start=first_line):
        if not raw_line.strip():
            continue
        input_hash = sha256(raw_line)
        try:
            record = json.loads(raw_line)
        except ValueError as exc:
            yield Rejection(path, f"invalid JSON ({exc.msg} at column {exc.colno})", number, input_hash)
            continue
        except RecursionError:
            yield Rejection(path, "invalid JSON (nested too deeply)", number, input_hash)
            continue
        if not isinstance(record, dict):
            yield Rejection(path, f"expected a JSON object, got {type(record).__name__}", number, input_hash)
            continue
        record = {k: _no_lone_surrogates(v) if isinstance(v, str) else v for k, v in record.items()}
        meta = {k: record.get(k) if isinstance(record.get(k), str) else None
                for k in ("url", "title", "published", "outlet")}
        if isinstance(record.get("html"), str) and record["html"].strip():
            yield from read_html(record["html"], path, input_hash, url=meta["url"], line=number,
                                 fmt="jsonl", defaults=meta, parse_html=parse_html)
        elif isinstance(record.get("text"), str):
            yield RawDocument(
                source=meta["url"] or f"{path}:{number}", origin=path, format="jsonl",
                body=record["text"], title=meta["title"], outlet=meta["outlet"],
                published=meta["published"], url=meta["url"], line=number,
                published_from="metadata" if meta["published"] else None, input_hash=input_hash)
        else:
            yield Rejection(path, "the record has no 'text' or 'html' string field", number, input_hash)


def read_feed(text: str, path: str, parse_html: bool = True) -> Iterator[Item]:
    """RSS or Atom: each item's full content (or summary) becomes a document."""
    try:
        feed = feedparser.parse(text)
    except (ValueError, LookupError) as exc:  # feedparser decodes with the declared charset, which may be junk
        yield Rejection(path, f"not a readable feed ({exc})", None, sha256(text))
        return
    if not feed.entries:
        reason = str(getattr(feed, "bozo_exception", "")) or "no items"
        yield Rejection(path, f"not a readable feed ({reason})", None, sha256(text))
        return
    outlet = feed.feed.get("title")
    for number, entry in enumerate(feed.entries, start=1):
        content = entry.get("content", [{}])[0].get("value") or entry.get("summary") or ""
        input_hash = sha256(json.dumps([entry.get("link"), entry.get("title"), content]))
        body = fragment_text(content) if "<" in content and parse_html else content
        if not body.strip():
            yield Rejection(path, "feed item has no content", number, input_hash)
            continue
        published = None
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        if stamp:
            published = datetime.fromtimestamp(calendar.timegm(stamp), tz=timezone.utc).isoformat()
        link = entry.get("link")
        yield RawDocument(
            source=link or f"{path}:{number}", origin=path, format="feed", body=body,
            is_html="<" in content, title=entry.get("title"), outlet=outlet, published=published,
            url=link, line=number, published_from="metadata" if published else None,
            input_hash=input_hash)
