"""Boilerplate lines out of plain text, where no HTML structure helps.

No library does this for plain text (trafilatura and jusText need markup), so it is
written here from line-level signals kept in ``knowledge/boilerplate.json``:
 1. strong signals on one line: calls to action, captions, timestamps, share rows,
    lines the outlet repeats across its articles;
 2. a tail block: everything after a "Read next"-style marker late in the text;
 3. the trailing run: from the end upwards, cross-references ("Earlier X reported ..."),
    then headline-like lines and lines sharing almost no topic words with the body
    (measured only when the body is long enough to have a topic), while the run lasts;
 4. smoothing: a short headline-like line between two removed lines goes too.
Section headings inside the body stay (they are neither in a tail nor sandwiched).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from spacy.lang.en.stop_words import STOP_WORDS

from ..knowledge import load

__all__ = ["LineSplit", "split_boilerplate", "line_key", "content_words"]

_WORD = re.compile(r"[^\W\d_][\w'’-]{3,}")
_TERMINAL = ("." , "!", "?", "…", "”", '"', "»", ":", ";", "’")


def line_key(line: str) -> str:
    """Normalised form under which an outlet's repeated lines are counted."""
    return re.sub(r"\s+", " ", re.sub(r"\d", "0", line.strip().lower()))


def content_words(text: str) -> list[str]:
    return [w for w in (m.group().lower().strip("'’-") for m in _WORD.finditer(text)) if w not in STOP_WORDS]


@dataclass(frozen=True, slots=True)
class LineSplit:
    kept: str                            # the text with boilerplate lines taken out
    removed: list[tuple[int, str]]       # (line number from 0, stripped line)
    cross_reference_outlet: str | None   # "Daryo" from a removed "Earlier Daryo reported ..."


@dataclass(frozen=True)
class _Rules:
    cta: re.Pattern
    tail: re.Pattern
    caption: re.Pattern
    cross_ref: re.Pattern
    timestamp: re.Pattern
    social: frozenset[str]
    byline_sep: re.Pattern
    byline_part: re.Pattern
    byline_needs: re.Pattern
    t: dict


@cache
def _rules() -> _Rules:
    k = load("boilerplate")
    any_of = lambda pats: re.compile("|".join(f"(?:{p})" for p in pats), re.I)  # noqa: E731
    return _Rules(any_of(k["call_to_action"]), any_of(k["tail_markers"]), any_of(k["caption"]),
                  re.compile("|".join(k["cross_reference"])),  # case matters: the outlet is capitalised
                  any_of(k["timestamp"]), frozenset(k["social_words"]),
                  re.compile(k["byline_row"]["separators"]), re.compile(k["byline_row"]["meta_part"], re.I),
                  re.compile(k["byline_row"]["needs"], re.I), k["thresholds"])


def _is_social_row(line: str, social: frozenset[str]) -> bool:
    parts = [p for p in re.split(r"[\s|,/·•]+", line.lower()) if p]
    return len(parts) >= 2 and sum(p in social for p in parts) >= 0.8 * len(parts)


def _is_byline_row(line: str, r: "_Rules") -> bool:
    """ "Politics | 16 June 2025, 18:42 | 3 min read": short meta parts, one a date or time."""
    parts = [p.strip() for p in r.byline_sep.split(line) if p.strip()]
    return (len(parts) >= 2 and all(r.byline_part.match(p) for p in parts)
            and any(r.byline_needs.match(p) for p in parts))


def _headline_like(line: str, max_words: int) -> bool:
    return len(line.split()) <= max_words and not line.endswith(_TERMINAL)


def split_boilerplate(text: str, repeated: frozenset[str] = frozenset()) -> LineSplit:
    """Split ``text`` into body and boilerplate lines (see the module docstring)."""
    r, t = _rules(), _rules().t
    lines = text.split("\n")
    idx = [i for i, line in enumerate(lines) if line.strip()]
    stripped = {i: lines[i].strip() for i in idx}
    removed: set[int] = set()

    # 1. strong single-line signals
    for i in idx:
        s = stripped[i]
        if (r.cta.search(s) or r.caption.search(s) or r.timestamp.match(s)
                or _is_social_row(s, r.social) or _is_byline_row(s, r) or re.fullmatch(r"[\W\d_]+", s)):
            removed.add(i)
    rep = {i for i in idx if line_key(stripped[i]) in repeated}
    if rep and len(rep) <= t["repeated_max_share"] * len(idx):  # a republished article repeats everything
        removed |= rep

    # Topic words as 5-letter stems, so "trains" meets "train"; a short text has no topic to measure.
    stems = {i: {w[:5] for w in content_words(stripped[i])} for i in idx}
    vocab = Counter(w for i in idx if i not in removed for w in stems[i])
    measurable = len(idx) - len(removed) >= t["distant_min_lines"]

    def overlap(i: int) -> tuple[float, int]:
        words = stems[i]
        if not words or not measurable:
            return 1.0, len(words)
        return sum(1 for w in words if vocab[w] > (i not in removed)) / len(words), len(words)

    # 2. the tail block after a late "Read next" marker
    for pos, i in enumerate(idx):
        if pos >= t["tail_marker_min_position"] * len(idx) and r.tail.match(stripped[i]):
            for j in idx[pos:]:
                share, n = overlap(j)
                if not (n >= t["tail_keep_min_words"] and share >= t["tail_keep_overlap"]):
                    removed.add(j)
            break

    # 3. the trailing run, from the end upwards
    outlet = None
    run_started = False
    for i in reversed(idx):
        s = stripped[i]
        m = r.cross_ref.match(s)
        share, n = overlap(i)
        if i in removed:
            pass
        elif m:
            outlet = m.group("outlet")
        elif run_started and _headline_like(s, t["headline_max_words"]):
            pass
        elif run_started and n >= t["distant_min_words"] and share < t["distant_overlap"]:
            pass
        else:
            break
        removed.add(i)
        run_started = True

    # 4. smoothing: headline-like lines sandwiched between removed lines
    for pos in range(1, len(idx) - 1):
        i = idx[pos]
        if (i not in removed and idx[pos - 1] in removed and idx[pos + 1] in removed
                and _headline_like(stripped[i], t["headline_max_words"])):
            removed.add(i)

    kept_lines = [lines[i].strip() if i not in removed else None for i in range(len(lines))]
    kept = re.sub(r"\n{3,}", "\n\n", "\n".join(x for x in kept_lines if x is not None)).strip()
    return LineSplit(kept, [(i, stripped[i]) for i in sorted(removed)], outlet)
