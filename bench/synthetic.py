"""The benchmarks' synthetic corpus: the example corpus (examples/corpus, 47 articles in text,
HTML, JSON Lines and feeds) copied N times, each copy with its people renamed, its figures
changed, every date k weeks earlier, its own wording and about one paragraph in three cut, so
that every copy is a document of its own: about 2% of the pairs of copies of one article are
near-duplicates (tests/test_bench_corpus.py), and stories do not run across copies. 213
copies give about 10,000 documents, 2128 about 100,000.

    from synthetic import synthetic_corpus; synthetic_corpus(folder, copies)"""
from __future__ import annotations

import json
import re
import zlib
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "corpus"

# Surnames in the example corpus; each copy gets its own invented ones in their place.
_SURNAMES = ["Seitkali", "Zhaksybekov", "Sadykov", "Temirkhanov", "Kaliyev", "Beisenov", "Sultanov",
             "Tulegenova", "Golubev", "Malyshev", "Arakawa", "Yıldırım", "Möller", "Höffner", "Varadarajan",
             "Zhiyuan", "Jianming", "Hanqing", "Pengfei", "Liqun", "Raghunathan"]
_SYLLABLES = ["ba", "be", "da", "do", "ka", "ke", "la", "lu", "ma", "mi", "na", "no", "ra", "ri", "sa", "ta"]
_NAME = re.compile("|".join(map(re.escape, sorted(_SURNAMES, key=len, reverse=True))))
# a figure: digits not touching letters, digits or - : / . , # & \ ; (dates, times, versions,
# character references and escapes stay), and not a year
_NUMBER = re.compile(r"(?<![\w\-:/.,#&\\])(\d{2,6})(?![\w\-:/;])")
_URL = re.compile(r"(https?://[a-z0-9.-]+\.example)/")


def invented_surname(k: int, i: int) -> str:
    """A surname of four syllables, different for every copy ``k`` and surname ``i``."""
    n, name = k * len(_SURNAMES) + i, ""
    for _ in range(4):
        name += _SYLLABLES[n % len(_SYLLABLES)]
        n //= len(_SYLLABLES)
    return name.capitalize() + "ov"


# Wording: each copy has its own house style, one of these per word (plain English, so the
# parse and the extractors see ordinary text); with the names, figures and dates varied as
# well, two copies of an article are no longer near-duplicates of each other, as distinct
# reports of distinct happenings are not.
_WORDING = [
    ["billion", "bn"], ["trade", "commerce", "turnover"], ["energy", "power"],
    ["joint", "shared", "common"], ["region", "area", "province"], ["regions", "areas", "provinces"],
    ["border", "frontier"], ["projects", "schemes", "ventures"], ["countries", "nations", "states"],
    ["exports", "shipments", "sales abroad"], ["financing", "funding", "finance"],
    ["sides", "parties", "delegations"], ["plan", "programme", "roadmap"], ["held", "hosted", "convened"],
    ["business", "industry", "commercial"], ["reached", "hit", "totalled"], ["crossing", "checkpoint"],
    ["river", "waterway"], ["push", "drive", "campaign"], ["forum", "conference", "summit"],
    ["worth", "valued at"], ["green", "clean", "low-carbon"], ["rail", "railway", "train"],
    ["farms", "parks", "fields"], ["told", "informed", "briefed"], ["phase", "stage"],
    ["materials", "supplies", "inputs"], ["services", "operations"], ["training", "instruction", "courses"],
    ["plant", "facility", "station"], ["build", "construct", "develop"], ["electricity", "power", "current"],
    ["expected", "likely", "set"], ["good", "strong", "solid"], ["comment", "remark", "statement"],
    ["engineers", "technicians", "specialists"], ["target", "goal", "aim"], ["construction", "building", "works"],
    ["increase", "rise", "growth"], ["press", "media"], ["rate", "pace", "level"], ["project", "scheme", "venture"],
    ["output", "production", "capacity"], ["share", "portion", "part"], ["investment", "capital", "funds"],
    ["companies", "firms", "enterprises"], ["partner", "counterpart", "ally"], ["according", "per"],
    ["partners", "counterparts", "allies"], ["largest", "biggest", "leading"], ["help", "assist", "support"],
    ["close", "near", "tight"], ["start", "launch", "outset"], ["deals", "contracts", "accords"],
    ["second", "next", "further"], ["corridor", "route", "link"], ["policy", "strategy", "line"],
    ["hours", "hrs"], ["investors", "backers", "financiers"], ["half", "part"], ["chaired", "led", "headed"],
    ["container", "cargo", "freight"], ["discussed", "reviewed", "considered"], ["company", "firm", "enterprise"],
    ["water", "irrigation"], ["deficit", "gap", "shortfall"], ["prepared", "drafted", "readied"],
    ["consider", "weigh", "examine"], ["pledged", "promised", "vowed"], ["morning", "forenoon"],
    ["continuing", "ongoing", "persisting"], ["important", "key", "major"], ["new", "fresh", "novel"],
    ["development", "growth", "progress"], ["cooperation", "partnership", "collaboration"],
    ["economic", "financial", "commercial"], ["officials", "representatives", "authorities"],
    ["also", "further", "additionally"], ["meeting", "session", "encounter"], ["talks", "discussions", "negotiations"],
    ["week", "seven days"], ["city", "town"], ["capital", "metropolis"], ["statement", "communique", "release"],
]
_WORDING_ALTS = {w: group for group in _WORDING for w in group}
_WORDING_RE = re.compile(r"(?<![\w<>/=\"'.-])(" + "|".join(sorted(map(re.escape, _WORDING_ALTS), key=len, reverse=True))
                         + r")(?![\w>\"'=-])")
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]
_MON = {m[:3]: i for i, m in enumerate(_MONTHS, 1)}
_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_MONTH_NAME = "(?:" + "|".join(_MONTHS) + r"|(?:Jan|Feb|Aug|Sept|Oct|Nov|Dec)\.?)"
# One pass over every form, so a date is moved once: ISO dates and timestamps, feed dates,
# "16 June 2025", "June 16, 2025", "Oct. 17".
_DATE = re.compile(
    r"(?P<iso>\b(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})(?!\d))"
    r"|(?P<rfc>\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (?P<rd>\d{2}) (?P<rm>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (?P<ry>\d{4})\b)"
    rf"|(?P<dm>\b(?P<dd>\d{{1,2}}) (?P<dmm>{_MONTH_NAME})(?: (?P<dy>\d{{4}}))?\b)"
    rf"|(?P<md>\b(?P<mdm>{_MONTH_NAME}) (?P<mdd>\d{{1,2}})\b(?:, (?P<mdy>\d{{4}}))?)")
_YEARLESS = 2025   # the base year of a date written without one


def _shifted(year: int, month: int, day: int, days: int) -> date | None:
    try:
        return date(year, month, day) + timedelta(days=days)
    except ValueError:   # not a date after all
        return None


def shift_dates(text: str, weeks: int) -> str:
    """Every written date moved by ``weeks`` weeks, so weekdays still fit ("on Monday (16 June)"):
    ISO dates and timestamps, feed dates, "16 June 2025", "June 16, 2025", "Oct. 17"."""
    days = 7 * weeks

    def moved(m: re.Match) -> str:
        if m["iso"]:
            d = _shifted(int(m["iy"]), int(m["im"]), int(m["id"]), days)
            return d.isoformat() if d else m[0]
        if m["rfc"]:
            d = _shifted(int(m["ry"]), _MON[m["rm"]], int(m["rd"]), days)
            return f"{_DAYS[d.weekday()]}, {d.day:02d} {_MONTHS[d.month - 1][:3]} {d.year}" if d else m[0]
        if m["dm"]:
            d = _shifted(int(m["dy"] or _YEARLESS), _MON[m["dmm"][:3]], int(m["dd"]), days)
            return (f"{d.day} {_MONTHS[d.month - 1]}" + (f" {d.year}" if m["dy"] else "")) if d else m[0]
        d = _shifted(int(m["mdy"] or _YEARLESS), _MON[m["mdm"][:3]], int(m["mdd"]), days)
        return (f"{_MONTHS[d.month - 1]} {d.day}" + (f", {d.year}" if m["mdy"] else "")) if d else m[0]

    return _DATE.sub(moved, text)


def reword(text: str, k: int) -> str:
    """Copy ``k``'s house style: each listed word replaced by the copy's choice among its
    alternatives (the choice differs by word and by copy)."""
    def pick(m):
        word = m.group(1)
        group = _WORDING_ALTS[word]
        return group[zlib.crc32(f"{k}:{group[0]}".encode()) % len(group)]
    return _WORDING_RE.sub(pick, text)


_PARAGRAPH = re.compile(r"<p\b[^>]*>.*?</p>\s*", re.S)


def _kept(k: int, i: int) -> bool:
    """Whether copy ``k`` keeps paragraph ``i`` (the first always): outlets cut different ones."""
    return i == 0 or zlib.crc32(f"{k}:{i}".encode()) % 3 != 0


def cut_paragraphs(text: str, k: int, suffix: str) -> str:
    """Copy ``k`` without about one paragraph in three (HTML paragraphs, blank-line paragraphs of
    text files and of JSON Lines texts; feeds are kept whole). Lines that are not JSON objects
    stay as they are (the corpus has broken ones on purpose)."""
    if k == 0:
        return text
    if suffix == ".html":
        n = iter(range(10**9))
        return _PARAGRAPH.sub(lambda m: m[0] if _kept(k, next(n)) else "", text)
    if suffix == ".txt":
        parts = text.split("\n\n")
        return "\n\n".join(p for i, p in enumerate(parts) if i < 2 or _kept(k, i))
    if suffix == ".jsonl":
        lines = []
        for line in text.split("\n"):
            try:
                rec = json.loads(line)
            except ValueError:
                rec = None
            if isinstance(rec, dict) and isinstance(rec.get("text"), str):
                parts = rec["text"].split("\n\n")
                rec["text"] = "\n\n".join(p for i, p in enumerate(parts) if _kept(k, i))
                line = json.dumps(rec, ensure_ascii=False)
            lines.append(line)
        return "\n".join(lines)
    return text


def vary(text: str, k: int) -> str:
    """Copy ``k`` of an article: surnames invented anew, figures of 32 and more moved up by
    ``k`` (years 1900-2100 and small numbers, often days, kept), every date ``k`` weeks earlier,
    its own wording, links under /c<k>/ (so JSON Lines and feed items, whose source is their
    link, are sources of their own)."""
    if k == 0:
        return text
    rename = {s: invented_surname(k, i) for i, s in enumerate(_SURNAMES)}
    text = _NAME.sub(lambda m: rename[m.group()], text)
    text = reword(shift_dates(text, -k), k)

    def figure(m: re.Match) -> str:
        n = int(m.group(1))
        return m.group(1) if n < 32 or 1900 <= n <= 2100 else str(n + k)

    text = _NUMBER.sub(figure, text)
    return _URL.sub(lambda m: f"{m.group(1)}/c{k:04d}/", text)


def write_copy(dest: Path, k: int) -> Path:
    """Copy ``k`` of the example corpus, varied, written to ``dest/copy<k>``."""
    folder = dest / f"copy{k:04d}"
    for f in sorted(p for p in EXAMPLES.rglob("*") if p.is_file() and not p.name.startswith(".")):
        out = folder / f.relative_to(EXAMPLES)
        out.parent.mkdir(parents=True, exist_ok=True)
        data = f.read_bytes()
        try:
            out.write_bytes(vary(cut_paragraphs(data.decode("utf-8"), k, f.suffix), k).encode("utf-8"))
        except UnicodeDecodeError:  # a legacy charset: vary the ASCII, keep every other byte
            out.write_bytes(vary(cut_paragraphs(data.decode("latin-1"), k, f.suffix), k).encode("latin-1"))
    return folder


def synthetic_corpus(dest: Path, copies: int) -> int:
    for k in range(copies):
        write_copy(dest, k)
    return copies * 47
