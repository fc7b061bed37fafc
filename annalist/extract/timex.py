"""Rule-based temporal-expression tagger (TIMEX3 values, TempEval-3 conventions).

Regex rules find candidate spans; overlaps are settled longest-first; the
survivors are then resolved left to right so that document context (the last
quarter, month, day or year mentioned) can inform later relative expressions.
Relative expressions resolve against ``anchor`` (the publication date); without
one, values keep ``X`` placeholders or REF tokens and no year is ever guessed.
Vocabulary lives in ``annalist/knowledge/timex.json``.

Rule families: calendar dates (``May 20``, ``16 June 2025``, ``Monday (16 June)``,
ISO and numeric dates), month+year, bare months, years and fiscal years, decades
and centuries, weekdays (tense decides past or coming one), yesterday/today/
tomorrow and parts of day, ``last/this/next`` + unit, anaphoric ``that year`` /
``the following month``, ``N units ago``, quarters and halves (earnings-story
context for ``a year earlier``), seasons, holidays, clock times, durations,
sets (``every week``, ``daily``) and fuzzy PAST/PRESENT/FUTURE_REF words.
Measured against TimeBank with ``python -m eval.timebank``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Callable

from dateutil.easter import easter

from annalist.knowledge import load

__all__ = ["Timex", "find_timexes"]


@dataclass(frozen=True, slots=True)
class Timex:
    start: int
    end: int
    text: str
    type: str
    value: str
    precision: str | None
    anchor: str | None
    weekday: int | None
    explicit_year: bool


# --------------------------------------------------------------------------- vocabulary
_K = load("timex")


def _alt(words) -> str:
    """Regex alternation, longest first so the longest phrase wins."""
    out = []
    for w in sorted(set(words), key=len, reverse=True):
        out.append(re.escape(w).replace(r"\ ", r"\s+").replace(" ", r"\s+").replace(r"\-", "[\\s-]"))
    return "|".join(out)


def _i(p: str) -> str:
    return f"(?i:{p})"


_MONTHS = {k.lower(): v for k, v in _K["months"].items()}
_MONTHS.update({k.lower(): v for k, v in _K["month_abbreviations"].items()})
_AMBIG_MONTHS = {m.lower() for m in _K["ambiguous_months"]}
_MONTH_CTX = set(_K["month_context_words"])
_WEEKDAYS = _K["weekdays"]
_NUMBERS = _K["numbers"]
_VAGUE = set(_K["vague_numbers"])
_ORDINALS = _K["ordinals"]
_QORD = _K["quarter_ordinals"]
_UNITS = _K["units"]
_REL = _K["relative"]
_DEICTIC = _K["deictic_days"]
_POD = _K["parts_of_day"]
_SEASONS = _K["seasons"]
_DECADE_WORDS = _K["decade_words"]
_YW = _K["year_words"]
_REFS = {k: v for k, v in _K["refs"].items() if k in set(_K["refs_enabled"])}
_PLURAL_VAGUE = _K["plural_vague"]
_SETS = _K["sets"]
_HOLIDAYS = _K["holidays"]
_CUES_FUT = set(_K["tense_cues"]["future"])
_CUES_PAST = set(_K["tense_cues"]["past"])
_NOT_PAST = set(_K["tense_cues"]["not_past"])
_PAST_SUFFIX = _K["tense_cues"]["past_suffix"]
_REPORTING = set(_K["tense_cues"]["reporting"])
TENSE_LEFT, TENSE_RIGHT = 6, 4  # token windows for tense cues
MONTH_DEFAULT, WEEKDAY_DEFAULT = "closest", "past"  # when no tense cue is found

# --------------------------------------------------------------------------- sub-patterns
_full = list(_K["months"])
MON_FULL = "(?:" + "|".join(_full + [m.upper() for m in _full]) + ")"
_abbr = sorted(_K["month_abbreviations"], key=len, reverse=True)
MON_ABBR = "(?:" + "|".join(f"{a}\\.|{a}(?=\\s*\\d)" for a in _abbr) + ")"
MON = f"(?:{MON_FULL}|{MON_ABBR})"
_wd_full = [w for w in _WEEKDAYS if not w.endswith(".")]
WD = _i("|".join(_wd_full))
WD_ANY = "(?:" + WD + "|" + "|".join(w.capitalize().replace(".", r"\.") for w in _WEEKDAYS if w.endswith(".")) + ")"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d|%|[.,:]\d)"
DAYW = _i(_alt(_ORDINALS))
_units_, _teens_, _tens_ = (_alt(_YW[k]) for k in ("units", "teens", "tens"))
_yw_tail = f"(?:(?:{_tens_})(?:[\\s-]+(?:{_units_}))?|{_teens_}|oh[\\s-]+(?:{_units_}))"
YEARW = _i(f"(?:eighteen|nineteen)[\\s-]+(?:hundred[\\s-]+(?:and[\\s-]+)?)?{_yw_tail}"
           f"|two[\\s-]+thousand(?:[\\s-]+(?:and[\\s-]+)?(?:{_yw_tail}|{_units_}))?")
YEAR = r"(?:1\d{3}|20\d\d)(?![\d%]|[.,]\d)"
_numw = _alt([w for w in _NUMBERS if " " not in w and w not in ("a", "an", "couple", "dozen")])
NUM = ("(?:" + r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?:\s+1/2)?" + "|" +
       _i(f"(?:{_numw})(?:[\\s-]+(?:and[\\s-]+)?(?:{_numw})){{0,3}}") + "|" +
       _i(_alt([w for w in _NUMBERS if " " in w or w in ("a", "an", "couple", "dozen")] + list(_VAGUE))) + ")")
UNIT = _i(_alt(_UNITS)) + r"(?![\w])"
POS = _i(_alt(_K["position_modifiers"]))
DURMOD = _i(_alt(_K["duration_modifiers"]))
DURPRE = _i(_alt(_K["duration_pre"]))
DURPOST = _i(_alt(_K["duration_post"]))
PODW = _i("morning|afternoon|evening|night")
SEASON = _i(_alt(_SEASONS))
TZ = r"(?:[ECMP][SD]T|GMT|UTC|BST|CET|CEST)"
OCLOCK = _i("o'clock")


# --------------------------------------------------------------------------- value helpers
def _day_s(d: date) -> str:
    return d.isoformat()


def _week_s(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    t = y * 12 + (m - 1) + k
    return t // 12, t % 12 + 1


def _fmt(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else f"{n:g}"


def _num(s: str) -> float | None:
    """Number phrase -> value; None for vague quantities ("several")."""
    s = re.sub(r"\s+", " ", s.lower().replace("-", " ")).strip()
    frac = 0.0
    if s.endswith("1/2"):
        frac, s = 0.5, s[:-3].strip()
    if s in _VAGUE:
        return None
    if s in _NUMBERS:
        return _NUMBERS[s] + frac
    digits = s.replace(",", "")
    try:
        return float(digits) + frac
    except ValueError:
        pass
    total = cur = 0.0
    for w in s.split():
        if w == "and":
            continue
        v = _NUMBERS.get(w)
        if v is None:
            return None
        if v == 100:
            cur = (cur or 1) * 100
        elif v == 1000:
            total += (cur or 1) * 1000
            cur = 0
        else:
            cur += v
    return total + cur + frac


def _year_words(s: str) -> int | None:
    ws = [w for w in re.split(r"[\s-]+", s.lower()) if w not in ("and", "hundred", "oh")]
    if not ws:
        return None
    vals = {**_YW["units"], **_YW["teens"], **_YW["tens"]}
    if ws[:2] == ["two", "thousand"]:
        return 2000 + sum(vals.get(w, 0) for w in ws[2:])
    head = vals.get(ws[0])
    if head is None:
        return None
    return head * 100 + sum(vals.get(w, 0) for w in ws[1:])


def _year(s: str | None) -> int | None:
    if not s:
        return None
    s = s.strip()
    return int(s) if s.isdigit() else _year_words(s)


def _dur(n: float | None, code: str) -> str:
    """TIMEX3 duration value for n units (None = unknown number)."""
    if code == "2W":
        code, n = "W", None if n is None else 2 * n
    if code == "WE":
        code, n = "D", None if n is None else 2 * n
    if code in ("DE", "CE"):
        if n is None:
            return "PXY"
        code, n = "Y", n * (10 if code == "DE" else 100)
    if n is None:
        return ("PTX" + code[1]) if code.startswith("T") else f"PX{code}"
    whole, half = int(n), n - int(n)
    sub = {"Y": ("M", 12), "M": ("D", 30), "W": ("D", 7), "D": ("TH", 24), "Q": ("M", 3),
           "TH": ("TM", 60), "TM": ("TS", 60), "TS": ("TS", 1)}[code]
    parts: list[tuple[str, float]] = []
    if whole:
        parts.append((code, whole))
    if half:
        parts.append((sub[0], round(half * sub[1], 3)))
    if not parts:
        parts.append((code, 0))
    date_part = "".join(f"{_fmt(v)}{c}" for c, v in parts if not c.startswith("T"))
    time_part = "".join(f"{_fmt(v)}{c[1]}" for c, v in parts if c.startswith("T"))
    return "P" + date_part + (("T" + time_part) if time_part else "")


# --------------------------------------------------------------------------- context
_TOKEN = re.compile(r"[A-Za-z][A-Za-z']*")
_SENT_END = re.compile(r"[.!?][\"')\]]*\s+(?=[\"'(\[]?[A-Z])|\n\s*\n")


class _Ctx:
    __slots__ = ("text", "anchor", "quarter", "quarter_pos", "quarters", "day", "month", "year")

    def __init__(self, text: str, anchor: date | None):
        self.text = text
        self.anchor = anchor
        self.quarter: tuple[int, int] | None = None  # the document's main (year, quarter) so far
        self.quarter_pos = -1
        self.quarters: dict[tuple[int, int], int] = {}
        self.day: date | None = None  # last day-precision date mentioned
        self.month: tuple[int, int] | None = None  # last (year, month) mentioned
        self.year: int | None = None  # last explicit year mentioned

    def note_quarter(self, y: int, q: int, pos: int) -> None:
        """Earnings stories compare against one reporting quarter: keep the most mentioned."""
        self.quarters[(y, q)] = self.quarters.get((y, q), 0) + 1
        if self.quarter is None or self.quarters[(y, q)] >= self.quarters[self.quarter]:
            self.quarter = (y, q)
        self.quarter_pos = pos

    def note_day(self, d: date) -> None:
        self.day = d
        self.month = (d.year, d.month)

    def tense(self, s: int, e: int) -> str | None:
        """'past' / 'future' from the nearest tense cue (in tokens) around the span, else None.

        Reporting verbs ("said") only count right next to the expression: further
        away they date the report, not the event. A participle after "be"
        ("will be paid") defers to its auxiliary.
        """
        text = self.text
        left = text[max(0, s - 80):s]
        cuts = list(_SENT_END.finditer(left))
        if cuts:  # stay within the sentence
            left = left[cuts[-1].end():]
        right = text[e:e + 50]
        m = _SENT_END.search(right)
        if m:
            right = right[:m.start()]
        ltoks = [t.group().lower() for t in _TOKEN.finditer(left)][-TENSE_LEFT:]
        rtoks = [t.group().lower() for t in _TOKEN.finditer(right)][:TENSE_RIGHT]
        best: tuple[int, str] | None = None
        for side, toks in (("L", ltoks), ("R", rtoks)):
            n = len(toks)
            for k, w in enumerate(toks):
                dist = (n - k) if side == "L" else k + 1
                if best is not None and dist >= best[0]:
                    continue
                kind = None
                nxt = toks[k + 1:k + 3]
                if (nxt and f"{w} {nxt[0]}" in _CUES_FUT) or (len(nxt) == 2 and f"{w} {nxt[0]} {nxt[1]}" in _CUES_FUT) \
                        or w in _CUES_FUT:
                    kind = "future"
                elif w in _CUES_PAST or (w.endswith(_PAST_SUFFIX) and len(w) > 4 and w not in _NOT_PAST):
                    if k and toks[k - 1] in ("be", "been", "being", "is", "are"):
                        continue
                    if w in _REPORTING and dist > 2:
                        continue
                    kind = "past"
                if kind is not None:
                    best = (dist, kind)
        return best[1] if best else None


def _pick(cands: list[date], ref: date, tense: str | None) -> date:
    """Choose among candidate dates relative to ref: by tense, else the closest."""
    if tense == "past":
        past = [c for c in cands if c <= ref]
        if past and (ref - max(past)).days < 330:
            return max(past)
    elif tense == "future":
        fut = [c for c in cands if c >= ref]
        if fut and (min(fut) - ref).days < 330:
            return min(fut)
    return min(cands, key=lambda c: (abs((c - ref).days), c > ref))


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


# A resolved value: (type, value, precision, used_anchor, weekday, explicit_year)
Res = tuple[str, str, str | None, bool, int | None, bool]


def _g(m: re.Match, name: str) -> str | None:
    try:
        return m.group(name)
    except IndexError:
        return None


def _month_of(s: str) -> int:
    return _MONTHS[s.rstrip(".").lower()]


def _day_of(s: str) -> int:
    s = s.lower()
    if s in _ORDINALS:
        return _ORDINALS[s]
    return int(re.match(r"\d+", s).group())


def _resolve_md(ctx: _Ctx, s: int, e: int, mon: int, day: int, year: int | None, wd: int | None) -> Res | None:
    if year is not None:
        d = _safe_date(year, mon, day)
        if d is None:
            return None
        return "DATE", _day_s(d), "day", False, wd, True
    a = ctx.anchor
    if a is None:
        if _safe_date(2024, mon, day) is None:  # a leap year: 29 February is a real day without a year
            return None
        return "DATE", f"XXXX-{mon:02d}-{day:02d}", "day", False, wd, False
    cands = [d for y in (a.year - 1, a.year, a.year + 1) if (d := _safe_date(y, mon, day))]
    if wd is not None and any(c.weekday() == wd for c in cands):
        cands = [c for c in cands if c.weekday() == wd]
    if not cands:
        return None
    d = _pick(cands, a, ctx.tense(s, e))
    ctx.note_day(d)
    return "DATE", _day_s(d), "day", True, wd, False


# --------------------------------------------------------------------------- handlers
def h_md(m, ctx, s, e) -> Res | None:
    mon = _month_of(_g(m, "mon") or _g(m, "mon2"))
    day = _day_of(_g(m, "day") or _g(m, "day2"))
    wd_s = _g(m, "wd")
    wd = _WEEKDAYS.get(wd_s.lower()) if wd_s else None
    year = _year(_g(m, "year"))
    r = _resolve_md(ctx, s, e, mon, day, year, wd)
    if r and year:
        ctx.year = year
        ctx.note_day(_safe_date(year, mon, day))
    if r and _g(m, "weekof") and r[1][0].isdigit():  # "the week of March 6"
        return "DATE", _week_s(date.fromisoformat(r[1])), "week", r[3], None, r[5]
    return r


def h_iso(m, ctx, s, e) -> Res | None:
    y = int(m.group("y"))
    if y < 100:
        y += 1900 if y > 40 else 2000
    d = _safe_date(y, int(m.group("m")), int(m.group("d")))
    if d is None:
        return None
    ctx.note_day(d)
    ctx.year = y
    return "DATE", _day_s(d), "day", False, None, True


def h_my(m, ctx, s, e) -> Res | None:
    mon = _month_of(m.group("mon"))
    year = _year(m.group("year"))
    if year is None:
        return None
    ctx.year, ctx.month = year, (year, mon)
    return "DATE", f"{year:04d}-{mon:02d}", "month", False, None, True


def h_mon_rel_year(m, ctx, s, e) -> Res | None:
    mon = _month_of(m.group("mon"))
    a = ctx.anchor
    if a is None:
        return "DATE", f"XXXX-{mon:02d}", "month", False, None, False
    y = a.year + _REL.get(m.group("rel").lower(), 0)
    return "DATE", f"{y:04d}-{mon:02d}", "month", True, None, False


def h_mon(m, ctx, s, e) -> Res | None:
    mon = _month_of(m.group("mon"))
    rel = (m.group("rel") or "").lower()
    rel = re.sub(r"\s+", " ", rel)
    a = ctx.anchor
    if a is None:
        return "DATE", f"XXXX-{mon:02d}", "month", False, None, False
    if rel in ("last", "past", "previous", "this past"):
        y = a.year if mon < a.month else a.year - 1
    elif rel in ("next", "coming", "this coming"):
        y = a.year if mon > a.month else a.year + 1
    elif rel == "this":
        y = a.year
    else:
        tense = ctx.tense(s, e)
        if tense == "future":
            y = a.year + (mon < a.month)
        elif tense == "past":
            y = a.year - (mon > a.month)
        elif MONTH_DEFAULT == "same":
            y = a.year
        elif MONTH_DEFAULT == "past":
            y = a.year - (mon > a.month)
        else:  # the closest such month, the past one on a tie
            y = min((a.year - 1, a.year, a.year + 1), key=lambda yy: (abs(yy * 12 + mon - a.year * 12 - a.month), yy))
    ctx.month = (y, mon)
    return "DATE", f"{y:04d}-{mon:02d}", "month", True, None, False


def h_year(m, ctx, s, e) -> Res | None:
    y = _year(m.group("year"))
    if y is None:
        return None
    ctx.year = y
    half = (m.group("half") or "").lower()
    if half:
        h = 1 if re.search(r"first|1st", half) else 2
        return "DATE", f"{y:04d}-H{h}", "year", False, None, True
    return "DATE", f"{y:04d}", "year", False, None, True


def h_decade(m, ctx, s, e) -> Res | None:
    dig, short, word = m.group("dig"), m.group("short"), m.group("word")
    if dig:
        return "DATE", dig[:3], "decade", False, None, True
    d = int(short) if short else _DECADE_WORDS[word.lower()]
    a = ctx.anchor
    if a is None:  # "the '80s" names no century
        return "DATE", f"XX{d}", "decade", False, None, False
    cent = a.year // 100 - (a.year // 100 * 100 + d * 10 > a.year)  # the latest such decade begun by the anchor
    return "DATE", f"{cent}{d}", "decade", True, None, False


def h_century(m, ctx, s, e) -> Res | None:
    o = m.group("ord").lower()
    n = _ORDINALS.get(o) or int(re.match(r"\d+", o).group())
    return "DATE", f"{n - 1:02d}", "century", False, None, True


def _weekday_date(ctx: _Ctx, wd: int, rel: str, s: int, e: int) -> date:
    a = ctx.anchor
    back = (a.weekday() - wd) % 7  # days since the most recent such weekday (0 = today)
    fwd = (wd - a.weekday()) % 7
    if rel in ("last", "past", "previous", "the previous", "this past"):
        return a - timedelta(days=back or 7)
    if rel in ("next", "coming", "this coming", "the following", "the next"):
        return a + timedelta(days=fwd or 7)
    if back == 0:
        return a
    tense = ctx.tense(s, e)
    if tense is None and WEEKDAY_DEFAULT == "closest":
        tense = "future" if fwd < back else "past"
    if tense == "future":
        return a + timedelta(days=fwd)
    return a - timedelta(days=back)


def h_weekday(m, ctx, s, e) -> Res | None:
    wd = _WEEKDAYS[m.group("wd").lower()]
    rel = re.sub(r"\s+", " ", (m.group("rel") or "").lower())
    pod = m.group("pod")
    a = ctx.anchor
    if a is None:
        base = f"XXXX-WXX-{wd + 1}"
        used = False
    else:
        d = _weekday_date(ctx, wd, rel, s, e)
        ctx.note_day(d)
        base, used = _day_s(d), True
    if pod:  # TimeBank types "Friday night" as a DATE
        return "DATE", base + "T" + _POD[pod.lower()], "time", used, wd, False
    return "DATE", base, "day", used, wd, False


def h_weekday_set(m, ctx, s, e) -> Res | None:
    wd = _WEEKDAYS[(m.group("wd") or m.group("wd2")).lower()]
    pod = m.group("pod")
    v = f"XXXX-WXX-{wd + 1}" + (("T" + _POD[pod.lower().rstrip("s")]) if pod else "")
    return "SET", v, None, False, wd, False


def h_deictic(m, ctx, s, e) -> Res | None:
    w = (m.group("w") or "").lower()
    pod = m.group("pod") or m.group("pod2") or m.group("pod3")
    rel = (m.group("rel") or "").lower()
    ba = (m.group("ba") or "").lower()
    if w:
        off = _DEICTIC[w]
        if w == "tonight":
            pod = "tonight"
    elif rel:
        off = -1 if rel == "last" else 0
        if rel == "last" and pod and pod.lower() != "night":
            return None
    else:
        off = -2 if ba == "before" else 2
    a = ctx.anchor
    if a is None:
        if pod:
            return "TIME", "XXXX-XX-XXT" + _POD[pod.lower()], "time", False, None, False
        ref = "PRESENT_REF" if off == 0 else "PAST_REF" if off < 0 else "FUTURE_REF"
        return "DATE", ref, None, False, None, False
    d = a + timedelta(days=off)
    if pod:
        return "TIME", _day_s(d) + "T" + _POD[pod.lower()], "time", True, None, False
    ctx.note_day(d)
    return "DATE", _day_s(d), "day", True, None, False


def h_pod(m, ctx, s, e) -> Res | None:
    pod = m.group("pod").lower().replace(" ", "-")
    if pod == "midday":
        code = "12:00"  # TimeBank writes midday as a clock time
    else:
        code = _POD.get(pod) or _POD.get(pod.split("-")[-1])
    if code is None:
        return None
    base = ctx.day or ctx.anchor
    if base is None:
        return "TIME", "XXXX-XX-XXT" + code, "time", False, None, False
    return "TIME", _day_s(base) + "T" + code, "time", ctx.day is None, None, False


def _rel_offset(rel: str) -> int | None:
    rel = re.sub(r"\s+", " ", rel.lower())
    rel = re.sub(r"^the ", "", rel)
    return _REL.get(rel)


_ANAPHORIC = _K["anaphoric"]


def _anaphoric(ctx: _Ctx, rel_s: str, unit: str) -> Res | None:
    """'that year', 'the following month', 'the same day': relative to the last date mentioned."""
    off = _ANAPHORIC[rel_s]
    if unit == "year" and ctx.year:
        return "DATE", f"{ctx.year + off:04d}", "year", False, None, False
    if unit == "month" and ctx.month:
        y, mo = _add_months(*ctx.month, off)
        return "DATE", f"{y:04d}-{mo:02d}", "month", False, None, False
    if ctx.day is None or unit not in ("day", "week", *_POD):
        return None
    if unit == "week":
            return "DATE", _week_s(ctx.day + timedelta(weeks=off)), "week", False, None, False
    d = ctx.day + timedelta(days=off)
    if unit in _POD:
        return "TIME", _day_s(d) + "T" + _POD[unit], "time", False, None, False
    return "DATE", _day_s(d), "day", False, None, False


def h_relunit(m, ctx, s, e) -> Res | None:
    rel_s = re.sub(r"\s+", " ", m.group("rel").lower())
    unit = m.group("unit").lower()
    a = ctx.anchor
    if rel_s == "the next" and (unit == "day" or unit in _POD) and ctx.day:
        rel_s = "the following"
    if rel_s in _ANAPHORIC:
        r = _anaphoric(ctx, rel_s, unit)
        if r is not None or rel_s not in ("the following", "the previous", "the preceding", "the prior"):
            return r
    off = 0 if rel_s == "the" else _rel_offset(rel_s)
    if off is None:
        return None
    if unit == "day" or unit in _POD:
        if a is None:
            return None
        d = a + timedelta(days=off)
        if unit in _POD:
            return "TIME", _day_s(d) + "T" + _POD[unit], "time", True, None, False
        return "DATE", _day_s(d), "day", True, None, False
    if unit == "decade":
        if rel_s in ("the past", "the last", "past", "last"):
            return "DURATION", "P10Y", None, False, None, False
        if a is None:
            return "DATE", "XXX", "decade", False, None, False
        return "DATE", str(a.year // 10 + off), "decade", True, None, False
    if unit == "century":
        if a is None:
            return "DATE", "XX", "century", False, None, False
        return "DATE", f"{a.year // 100 + off:02d}", "century", True, None, False
    if a is None:
        v = {"week": "XXXX-WXX", "month": "XXXX-XX", "year": "XXXX", "quarter": "XXXX-QX",
             "weekend": "XXXX-WXX-WE"}[unit]
        return "DATE", v, {"weekend": "week"}.get(unit, unit), False, None, False
    if unit == "week":
        return "DATE", _week_s(a + timedelta(weeks=off)), "week", True, None, False
    if unit == "weekend":
        sat = a + timedelta(days=5 - a.weekday())  # Saturday of the anchor's ISO week
        if off < 0 or (off == 0 and rel_s != "this" and a.weekday() < 5 and ctx.tense(s, e) != "future"):
            sat -= timedelta(weeks=1)
        elif off > 0 and a.weekday() >= 5:
            sat += timedelta(weeks=1)
        return "DATE", _week_s(sat) + "-WE", "week", True, None, False
    if unit == "month":
        y, mo = _add_months(a.year, a.month, off)
        return "DATE", f"{y:04d}-{mo:02d}", "month", True, None, False
    if unit == "quarter":
        q = (a.month - 1) // 3 + off
        y, q = a.year + (q // 4), q % 4 + 1
        ctx.note_quarter(y, q, s)
        return "DATE", f"{y:04d}-Q{q}", "quarter", True, None, False
    if unit == "year":
        return "DATE", f"{a.year + off:04d}", "year", True, None, False
    return None


def a_relunit(m, text, s) -> bool:
    """'day' and parts of day only with rels that point at one specific day ('the next day', 'that night')."""
    if _title_unit(m, text):
        return False
    unit = m.group("unit").lower()
    if unit == "day" or unit in _POD:
        rel = re.sub(r"\s+", " ", m.group("rel").lower())
        return rel in _ANAPHORIC or rel in ("the next", "next")
    return True


def _prev_quarter(a: date) -> tuple[int, int]:
    q = (a.month - 1) // 3  # 0-based current; previous is q-1
    return (a.year, q) if q else (a.year - 1, 4)


def h_quarter(m, ctx, s, e) -> Res | None:
    q = _QORD.get((_g(m, "ord") or "").lower()) or int(_g(m, "q") or 0) or None
    if q is None:
        return None
    year = _year(_g(m, "year")) or _year(_g(m, "year0"))
    det = re.sub(r"\s+", " ", (_g(m, "det") or "").lower())
    mods = (_g(m, "mods") or "").lower()
    rel = re.sub(r"\s+", " ", (_g(m, "rel") or "").lower()).strip()
    ymod = re.search(r"\b(1\d{3}|20\d\d)\b", mods)
    if year is None and ymod:
        year = int(ymod.group(1))
    a = ctx.anchor
    if year is not None:
        ctx.note_quarter(year, q, s)
        return "DATE", f"{year:04d}-Q{q}", "quarter", False, None, True
    if a is None:
        return "DATE", f"XXXX-Q{q}", "quarter", False, None, False
    y = a.year
    if "last year" in det or "last year" in rel or "year-earlier" in mods or "year-ago" in mods:
        y -= 1
    elif "next year" in det or "next year" in rel:
        y += 1
    ctx.note_quarter(y, q, s)
    return "DATE", f"{y:04d}-Q{q}", "quarter", True, None, False


def h_qref(m, ctx, s, e) -> Res | None:
    """'the quarter', 'the latest period', 'the year-earlier quarter', 'year-ago'."""
    mod = re.sub(r"\s+", " ", (m.group("mod") or "").lower())
    unit = (m.group("unit") or "").lower()
    ago = bool(re.search(r"year-(?:earlier|ago|before)|corresponding|a year|last year", m.group(0).lower()))
    a = ctx.anchor
    ym = re.search(r"\b(1\d{3}|20\d\d)\b", mod)
    cur = ctx.quarter
    if ym:
        y = int(ym.group(1))
        if cur:
            return "DATE", f"{y:04d}-Q{cur[1]}", "quarter", False, None, True
        return "DATE", f"{y:04d}", "year", False, None, True
    if a is None:
        if unit == "quarter" or cur:
            return "DATE", "XXXX-QX", "quarter", False, None, False
        return "DATE", "XXXX", "year", False, None, False
    base = cur or _prev_quarter(a)
    if mod in ("latest", "just-ended", "just-completed", "most recent", "latest fiscal", "previous"):
        base = _prev_quarter(a)  # "latest" is relative to the publication date, not the story
    if mod == "current" and unit == "quarter":
        base = (a.year, (a.month - 1) // 3 + 1)
    if ago:
        if unit or cur:
            return "DATE", f"{base[0] - 1:04d}-Q{base[1]}", "quarter", cur is None, None, False
        return "DATE", f"{a.year - 1:04d}", "year", True, None, False
    if not unit:
        return None
    return "DATE", f"{base[0]:04d}-Q{base[1]}", "quarter", cur is None, None, False


def h_half(m, ctx, s, e) -> Res | None:
    h = 1 if m.group("h").lower() in ("first", "1st", "h1") else 2
    year = _year(m.group("year"))
    yrel = (_g(m, "yrel") or "").lower()
    if year is not None:
        return "DATE", f"{year:04d}-H{h}", "year", False, None, True
    a = ctx.anchor
    if a is None:
        return "DATE", f"XXXX-H{h}", "year", False, None, False
    y = a.year + (-1 if "last" in yrel else 1 if "next" in yrel else 0)
    return "DATE", f"{y:04d}-H{h}", "year", True, None, False


def h_season(m, ctx, s, e) -> Res | None:
    code = _SEASONS[m.group("s").lower()]
    rel = re.sub(r"\s+", " ", (m.group("rel") or "").lower())
    year = _year(m.group("year"))
    if year is not None:
        return "DATE", f"{year:04d}-{code}", "season", False, None, True
    a = ctx.anchor
    if a is None:
        return "DATE", f"XXXX-{code}", "season", False, None, False
    y = a.year
    if rel.startswith("last") or rel in ("the past",):
        y -= 1
    elif rel.startswith("next") or rel in ("the coming",):
        y += 1
    elif code == "WI" and a.month < 3 and rel not in ("this coming", "next"):
        y -= 1  # January's winter started the previous December
    return "DATE", f"{y:04d}-{code}", "season", True, None, False


def a_ago(m, text, s) -> bool:
    """'three days later' is a duration in TimeBank; only whole years before/after are dates."""
    d = m.group("dir").lower()
    return not (d in ("earlier", "later") and _UNITS[m.group("unit").lower()] not in ("Y", "DE", "CE"))


def h_ago(m, ctx, s, e) -> Res | None:
    n = _num(m.group("num"))
    code = _UNITS[m.group("unit").lower()]
    if m.group("half"):
        n = None if n is None else n + 0.5
    dir_ = re.sub(r"\s+", " ", m.group("dir").lower())
    sign = 1 if dir_ in ("later", "from now", "hence", "after") else -1
    a = ctx.anchor
    if n is None or a is None:
        return "DATE", "FUTURE_REF" if sign > 0 else "PAST_REF", None, False, None, False
    if code == "Y" and n == 1 and dir_ in ("ago", "earlier") and ctx.quarter and 0 <= s - ctx.quarter_pos < 2500:
        y, q = ctx.quarter
        return "DATE", f"{y - 1:04d}-Q{q}", "quarter", False, None, False
    k = sign * n
    if code in ("Y", "DE", "CE"):
        mult = {"Y": 1, "DE": 10, "CE": 100}[code]
        if float(k).is_integer():
            return "DATE", f"{a.year + int(k) * mult:04d}", "year", True, None, False
        code, k = "M", k * 12
    if code == "Q":
        code, k = "M", k * 3
    if code == "M":
        y, mo = _add_months(a.year, a.month, int(round(k)))
        return "DATE", f"{y:04d}-{mo:02d}", "month", True, None, False
    if code in ("W", "2W", "WE"):
        k = k * (2 if code == "2W" else 1)
        return "DATE", _week_s(a + timedelta(weeks=k)), "week", True, None, False
    if code == "D":
        d = a + timedelta(days=k)
        return "DATE", _day_s(d), "day", True, None, False
    # hours / minutes: still the publication day at day precision
    return "DATE", _day_s(a), "day", True, None, False


# "$5 billion a year", "twice a day": a rate, so a SET rather than a duration
_SET_BEFORE = re.compile(r"(?:\d[\d,.]*%?|\b(?:" + _alt(_K["rate_words"]) + r"))\s+(?:[a-z]+\s+){0,2}$", re.I)


def h_dur(m, ctx, s, e) -> Res | None:
    code = _UNITS[m.group("unit").lower()]
    numtxt = m.group("num")
    n = _num(numtxt)
    if m.group("half") or m.group("half2"):
        n = None if n is None else n + 0.5
    if numtxt.lower() in ("a", "an") and not m.group("pre") and not m.group("mod"):
        if _SET_BEFORE.search(ctx.text[max(0, s - 40):s]):
            return "SET", _dur(1, code), None, False, None, False
    return "DURATION", _dur(n, code), None, False, None, False


def h_vague_plural(m, ctx, s, e) -> Res | None:
    pre = re.sub(r"\s+", " ", (m.group("pre") or "").lower())
    code = _UNITS[m.group("unit").lower()]
    if pre in _PLURAL_VAGUE and code == "Y" and _PLURAL_VAGUE[pre] == "PAST_REF":
        return "DATE", "PAST_REF", None, False, None, False
    return "DURATION", _dur(None, code), None, False, None, False


def h_ref(m, ctx, s, e) -> Res | None:
    key = re.sub(r"\s+", " ", m.group(0).lower())
    return "DATE", _REFS[key], None, False, None, False


def h_set(m, ctx, s, e) -> Res | None:
    if m.group("adv"):
        return "SET", _SETS[m.group("adv").lower()], None, False, None, False
    if m.group("cal"):
        c = m.group("cal")
        if c.lower() in _WEEKDAYS:
            wd = _WEEKDAYS[c.lower()]
            return "SET", f"XXXX-WXX-{wd + 1}", None, False, wd, False
        if c.lower() in _SEASONS:
            return "SET", f"XXXX-{_SEASONS[c.lower()]}", None, False, None, False
        return "SET", f"XXXX-{_month_of(c):02d}", None, False, None, False
    n = _num(m.group("num")) if m.group("num") else 1
    if m.group("other"):
        n = 2 if n is not None else None
    return "SET", _dur(n, _UNITS[m.group("unit").lower()]), None, False, None, False


def _holiday_date(spec: dict, y: int) -> date:
    if "easter" in spec:
        return easter(y) + timedelta(days=spec["easter"])
    if "day" in spec:
        return date(y, spec["month"], spec["day"])
    wd, mon = spec["weekday"], spec["month"]
    if "on_or_after" in spec:
        d = date(y, mon, spec["on_or_after"])
        return d + timedelta(days=(wd - d.weekday()) % 7)
    nth = spec["nth"]
    if nth > 0:
        d = date(y, mon, 1)
        return d + timedelta(days=(wd - d.weekday()) % 7 + 7 * (nth - 1))
    nxt = date(y + (mon == 12), mon % 12 + 1, 1) - timedelta(days=1)
    return nxt - timedelta(days=(nxt.weekday() - wd) % 7)


def h_holiday(m, ctx, s, e) -> Res | None:
    spec = _HOLIDAYS[re.sub(r"\s+", " ", m.group("h").lower())]
    year = _year(m.group("year"))
    if year is not None:
        return "DATE", _day_s(_holiday_date(spec, year)), "day", False, None, True
    a = ctx.anchor
    if a is None:
        if "day" in spec:
            return "DATE", f"XXXX-{spec['month']:02d}-{spec['day']:02d}", "day", False, None, False
        return "DATE", "XXXX-XX-XX", "day", False, None, False
    rel = (m.group("rel") or "").lower()
    cands = [_holiday_date(spec, y) for y in (a.year - 1, a.year, a.year + 1)]
    tense = "past" if rel == "last" else "future" if rel == "next" else ctx.tense(s, e)
    d = _pick(cands, a, tense)
    ctx.note_day(d)
    return "DATE", _day_s(d), "day", True, None, False


def h_time(m, ctx, s, e) -> Res | None:
    named = (m.group("named") or "").lower()
    if named:
        hh, mi = (24, 0) if named == "midnight" else (12, 0)
    else:
        h = m.group("h") or m.group("h24") or m.group("h2") or m.group("h3")
        hh = int(h)
        mi = int(m.group("mi") or m.group("mi24") or 0)
        ap = (m.group("ap") or "").lower().replace(".", "")
        pod = (m.group("tpod") or "").lower()
        if hh > 12 and ap:
            return None
        if ap == "pm" or pod in ("afternoon", "evening"):
            hh = hh % 12 + 12
        elif ap == "am" or pod == "morning":
            hh = hh % 12
    a = ctx.anchor
    wd = None
    base: str | None = None
    used = False
    if m.group("wd"):
        wd = _WEEKDAYS[m.group("wd").lower()]
        if a is not None:
            base, used = _day_s(_weekday_date(ctx, wd, "", s, e)), True
        else:
            base = f"XXXX-WXX-{wd + 1}"
    elif m.group("dd"):
        if a is not None:
            base, used = _day_s(a + timedelta(days=_DEICTIC[m.group("dd").lower()])), True
    elif m.group("mon"):
        year = _year(m.group("year"))
        r = _resolve_md(ctx, s, e, _month_of(m.group("mon")), _day_of(m.group("day")), year, None)
        if r:
            base, used = r[1], r[3]
    elif ctx.day is not None:
        base = _day_s(ctx.day)
    elif a is not None:
        base, used = _day_s(a), True
    base = base or "XXXX-XX-XX"
    return "TIME", f"{base}T{hh:02d}:{mi:02d}", "time", used, wd, bool(m.group("year"))


# --------------------------------------------------------------------------- accept checks
def _prev_word(text: str, s: int) -> str:
    m = re.search(r"([A-Za-z]+)\W*$", text[max(0, s - 20):s])
    return m.group(1).lower() if m else ""


def a_mon(m, text, s) -> bool:
    mon = m.group("mon")
    if m.group("rel"):
        return True
    if mon.lower() in _AMBIG_MONTHS or mon.isupper():
        return _prev_word(text, s) in _MONTH_CTX
    return True


def a_md(m, text, s) -> bool:
    mon = m.group("mon") or _g(m, "mon2")
    if mon and mon.rstrip(".").lower() == "may" and not _g(m, "year") and not _g(m, "wd"):
        # "may 5" as a modal verb followed by a number is rare; "May 5" capitalised mid-sentence is a date
        return mon[0] == "M"
    return True


_YEAR_CTX = set(_K["year_context_words"])


def a_year(m, text, s) -> bool:
    y = m.group("year")
    pre = text[max(0, s - 2):s]
    post = text[m.end():m.end() + 12]
    if "$" in pre or "#" in pre or re.match(r"\s*(?:%|percent\b|-(?:year|day|month|week|hour)\b)", post):
        return False
    if re.match(r"[-/]\d|\s?-\s?[a-z]", post) or re.search(r"\d[-/]$", pre):
        return False  # ranges, ids, and compounds such as "a 1000-member church"
    if not y.isdigit():
        yv = _year_words(y)
        if yv and yv >= 2000 and not (m.group("pos") or m.group("fy")):
            return _prev_word(text, s) in _YEAR_CTX
        return yv is not None
    v = int(y)
    if m.group("pos") or m.group("fy"):
        return 1000 <= v <= 2100
    if 1900 <= v <= 2100:
        return True
    return 1000 <= v < 1900 and _prev_word(text, s) in _YEAR_CTX


_SEASON_CTX = set(_K["season_context_words"])


def a_season(m, text, s) -> bool:
    if m.group("year"):
        return True
    rel = (m.group("rel") or "").lower()
    if rel == "the" and re.match(r"\s+of\s+(?!\d)", text[m.end():m.end() + 8], re.I):
        return False
    if rel:
        return True
    return _prev_word(text, s) in _SEASON_CTX and m.group("s").lower() != "fall"  # "prices fall"


_SPORTS = re.compile(r"\b(?:" + _alt(_K["sports_cues"]) + r")\b", re.I)


def _sports(text: str, s: int, e: int) -> bool:
    """A game's quarters and halves are not calendar periods."""
    return bool(_SPORTS.search(text, max(0, s - 150), min(len(text), e + 100)))


def a_quarter(m, text, s) -> int | bool:
    if not _g(m, "year") and _sports(text, s, m.end()):
        return False
    if m.group("det") and m.group("det").lower() == "a" and not m.group("mods"):
        return m.start("ord")
    return _drop_det(m, s, "-" in text[m.start("ord"):m.end()])


def _drop_det(m, s: int, hyphenated: bool) -> int | bool:
    """TimeBank spans keep "the" but not "a"/"its", and no determiner before an adjective ("a two-year")."""
    det = m.group("det")
    if det and det.lower() in ("a", "an") and _g(m, "num") and m.group("num").lower() in ("few", "couple", "dozen"):
        return True  # "a few days": the article belongs to the number
    if det and " " not in det and (hyphenated or det.lower() != "the") and m.start("det") == s:
        nxt = m.end("det")
        while m.string[nxt].isspace():
            nxt += 1
        return nxt
    return True


def _title_unit(m, text: str) -> bool:
    return text[m.start("unit")].isupper()


def a_dur(m, text, s) -> int | bool:
    if _title_unit(m, text):
        return False
    unit = m.group("unit").lower()
    num = m.group("num").lower()
    after = text[m.end():m.end() + 6]
    if unit in ("quarter", "quarters") and re.match(r"\s+of\b", after, re.I):
        return False
    if num in ("a", "an") and unit in ("second", "quarter") and not m.group("pre"):
        return False
    if num in ("a", "an") and (unit.endswith("s") or text[m.end("unit"):m.end("unit") + 5].lower() == "-long"):
        return False  # "a decades-long fight": the adjective alone is the duration
    if unit in ("second", "seconds") and num in ("a", "an", "one") and re.match(r"\s+[a-z]", after):
        return False
    if unit in ("night", "nights", "weekend", "weekends") and num in ("a", "an", "one"):
        return False
    if re.match(r"\s*-?\s*old\b", text[m.end():m.end() + 7]) or m.group(0).lower().endswith("old"):
        return False  # ages ("a 6-year-old") are not durations in TimeBank
    return _drop_det(m, s, "-" in text[m.end("num"):m.start("unit")])


_VAGUE_CTX = set(_K["vague_duration_context_words"])


def a_vague_plural(m, text, s) -> bool:
    """Bare "years", "weeks" only after a modifier or in "for years", "within weeks"."""
    if m.group("pre"):
        return True
    return _prev_word(text, s) in _VAGUE_CTX


def a_ref(m, text, s) -> bool:
    key = re.sub(r"\s+", " ", m.group(0).lower())
    after = text[m.end():m.end() + 2]
    if after[:1] == "-":
        return False
    if key == "current":
        return bool(re.match(r"\s+[a-z]", text[m.end():m.end() + 3]))
    if key == "future":
        return bool(re.match(r"\s+[a-z]", text[m.end():m.end() + 3])) or _prev_word(text, s) in {"the", "near", "in"}
    return True


def a_half(m, text, s) -> bool:
    if not m.group("year") and not m.group("yrel") and ("-" not in m.group(0) or _sports(text, s, m.end())):
        return False  # "the first half" alone is usually a game's; "first-half profit" is not
    after = text[m.end():m.end() + 20]
    return not re.match(r"\s+of\s+(?!(?:the\s+|this\s+|last\s+|next\s+)?(?:year|\d{4}|fiscal))", after, re.I) \
        and not re.match(r"-?\s*(?:point|hour|mile|percent)", after)


def a_time(m, text, s) -> bool:
    if m.group("h24") and not m.group("tz"):
        return False
    if m.group("named") and _prev_word(text, s) == "high":
        return False  # "high noon"
    return True


# --------------------------------------------------------------------------- rules
_HOL = _i(_alt(_HOLIDAYS))
_SETADV = _i(_alt(_SETS))
_REFALT = _i(_alt(_REFS))
_THE = _i("the")
_OF = _i("of")
_MON_REL = _i(r"last|next|this|this\s+past|this\s+coming|early|late|mid|the\s+end\s+of|the\s+beginning\s+of"
              r"|the\s+middle\s+of|the\s+start\s+of|end|beginning|middle")
_HALF_OF = _i(r"(?:the\s+)?(?:first|second|last)\s+half\s+of")
_FY = _i(r"the\s+fiscal\s+year|the\s+year|fiscal\s+year|fiscal|calendar|FY")
_DEC_POS = _i(r"early|mid|late|the\s+early|the\s+mid|the\s+late")
_WD_REL = _i(r"last|next|this\s+coming|this\s+past|this|coming|the\s+previous|the\s+following|the\s+next"
             r"|early|late|earlier|later")
_EACH = _i("every|each")
_PODS = _i("mornings|afternoons|evenings|nights")
_EARLY = _i("early|late|earlier|later|mid")
_DDAY = _i("yesterday|today|tomorrow")
_DDAY_T = _i("yesterday|today|tomorrow|tonight")
_DAY_BA = _i(r"the\s+day\s+")
_POD_ALONE = _i(r"overnight|midday|mid-?\s?afternoon|mid-?\s?morning|late\s+afternoon|early\s+afternoon")
_UNIT_REL = _i(r"this\s+past|this\s+coming|the\s+past|the\s+previous|the\s+preceding|the\s+prior|the\s+coming"
               r"|the\s+current|the\s+following|the\s+next|the\s+last|that\s+same|the\s+same|last|next|this|past"
               r"|previous|coming|following|current|that")
_FISCAL = _i("fiscal|calendar")
_RUNITS = _i("week|month|year|weekend|decade|century|day|morning|afternoon|evening|night")
_Q_DET = _i(r"the|its|a|this\s+year.s|last\s+year.s|next\s+year.s|the\s+year.s")
_Q_MODS = _i("fiscal|calendar|current|latest|comparable|same|year-earlier|year-ago|flat|strong|weak|disappointing"
             "|record")
_Q_ORD = _i("first|second|third|fourth|1st|2nd|3rd|4th")
_Q_REL = _i(r"last|this|next") + r"\s+" + _i("year")
_QREF_DET = _i("the|that|its|a")
_QREF_MOD = _i(r"latest|current|previous|comparable|same|year-earlier|year-ago|year-before|corresponding"
               r"|just-ended|just-completed|most\s+recent|latest\s+fiscal")
_QREF_MOD2 = _i("latest|comparable|year-earlier|year-ago|year-before|corresponding|same")
_QREF_TAIL = _i(r"a\s+year\s+(?:ago|earlier)|last\s+year")
_HALF_ORD = _i("first|second|last|latter|1st|2nd")
_HALF_YREL = _i("this|last|next|the")
_SEASON_REL = _i(r"last|next|this\s+past|this\s+coming|this|the\s+past|the\s+coming|early|late|mid|the\s+early"
                 r"|the\s+late|the")
_AND_HALF = _i(r"and\s+a\s+half")
_AGO_DIR = _i(r"ago|earlier|later|from\s+now|hence|back")
_DUR_DET = _i("the|a|an|its|their|his|her|our|this|that")
_DUR_TAIL = "-" + _i("long|old") + r"|\s+" + _i(r"or\s+so")
_VAGUE_PRE = _i(r"recent|the\s+past\s+few|the\s+last\s+few|the\s+next\s+few|the\s+coming|coming|upcoming|the\s+past"
                r"|the\s+last|past|next\s+few")
_VAGUE_UNITS = _i("years|months|weeks|days|decades|hours|minutes|centuries")
_NOT_AGO = _i("ago|earlier|later")
_AHEAD = _i("ahead")
_SETQ = _i("every|each|per")
_OTHER = _i("other")
_HOL_REL = _i("last|next|this")
_APPROX = _i(r"around|about|approximately|roughly|shortly\s+before|shortly\s+after|just\s+before|just\s+after"
             r"|at\s+about|at\s+around")
_AMPM = _i(r"a\.m\.?|p\.m\.?|am\b|pm\b")
_NOON = _i("noon|midnight")
_IN_THE = _i(r"in\s+the")
_TPOD = _i("morning|afternoon|evening")
_ON = _i("on")
_YEARAGO = _i("year-(?:earlier|ago|before)")
_HALF = _i("half")
_QUARTER = _i("quarter")
_QUNITS = _i("period|quarter")
_CENTURY = _i("century")
_DECW = _i(_alt(_DECADE_WORDS))
_WEEKEND = _i("weekend")

_WEEK_OF = _i(r"the\s+week\s+of")
_PREPOST = _i("pre|post")
_YEAR_END = "(?:" + _THE + r"\s+)?" + _i(r"end\s+of\s+the\s+year|year[-\s]end")

_RULES_SRC: list[tuple[str, str, Callable | None, Callable | None]] = [
    ("paren", rf"\b(?P<wd>{WD})\s*\(\s*(?:(?P<day>{DAY})\s+(?P<mon>{MON})|(?P<mon2>{MON})\s+(?P<day2>{DAY}))"
              rf"(?:,?\s+(?P<year>{YEAR}))?\s*\)", h_md, None),
    ("md", rf"\b(?:(?P<weekof>{_WEEK_OF})\s+)?(?:(?P<wd>{WD_ANY})(?:,\s*|\s+)(?:{_THE}\s+)?)?"
           rf"(?P<mon>{MON})\s+(?P<day>{DAY}|{DAYW})\b"
           rf"(?:,?\s+(?P<year>{YEAR}|{YEARW}))?", h_md, a_md),
    ("dm", rf"\b(?:(?P<wd>{WD_ANY})(?:,\s*|\s+))?(?:{_THE}\s+)?(?P<day>{DAY}|{DAYW})(?:\s+{_OF})?\s+"
           rf"(?P<mon>{MON})(?:,?\s+(?P<year>{YEAR}))?", h_md, None),
    ("iso", r"\b(?P<y>1\d{3}|20\d\d)-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])\b"
            r"|\b(?P<m2>[0-3]?\d)/(?P<d2>[0-3]?\d)/(?P<y2>(?:19|20)\d\d|\d\d)\b", None, None),
    ("my", rf"\b(?:(?P<pos>{POS})[\s-]*)?(?P<mon>{MON_FULL}|{MON_ABBR})\.?,?\s+(?:{_OF}\s+)?(?P<year>{YEAR}|{YEARW})",
     h_my, None),
    ("monrel", rf"\b(?P<mon>{MON_FULL})\s+(?:{_OF}\s+)?(?P<rel>{_HOL_REL})\s+{_i('year')}\b", h_mon_rel_year, None),
    ("mon", rf"\b(?:(?P<rel>{_MON_REL})[\s-]+)?(?P<mon>{MON_FULL})\b(?!\s*\d)", h_mon, a_mon),
    ("year", rf"(?<![\w$#.,-])(?:(?P<half>{_HALF_OF})\s+)?(?:(?P<pos>{POS}|{_PREPOST})[\s-]*)?(?:(?P<fy>{_FY})[\s-]*)?"
             rf"(?P<year>{YEAR}|{YEARW})\b(?!'?s\b)", h_year, a_year),
    ("decade", rf"(?:\b{_THE}\s+)?(?:(?P<pos>{_DEC_POS})[\s-]+)?"
               rf"(?:\b(?P<dig>(?:1\d|20)\d0)'?s\b|'(?P<short>\d)0'?s\b|\b(?P<word>{_DECW})\b)", h_decade, None),
    ("century", rf"\b(?:{_THE}\s+)?(?P<ord>\d{{1,2}}(?:st|nd|rd|th)|{DAYW})[\s-]+{_CENTURY}\b", h_century, None),
    ("weekday", rf"\b(?:(?P<rel>{_WD_REL})\s+)?(?P<wd>{WD})(?:\s+(?P<pod>{PODW}))?\b(?!\s*\()", h_weekday, None),
    ("wdset", rf"\b(?:(?P<q>{_EACH})\s+(?P<wd>{WD})|(?P<wd2>{WD})s)\b(?:\s+(?P<pod>{_PODS}))?", h_weekday_set, None),
    ("deictic", rf"\b(?:{_EARLY}[\s-]+)?(?:(?P<pod3>{PODW})\s+(?={_DDAY}))?"
                rf"(?:(?P<w>{_DDAY_T})(?:\s+(?P<pod>{PODW}))?"
                rf"|(?P<rel>{_i('this|last')})\s+(?P<pod2>{PODW})"
                rf"|{_DAY_BA}(?P<ba>{_i('before|after')})\s+{_i('yesterday|tomorrow')})\b", h_deictic, None),
    ("pod", rf"\b(?P<pod>{_POD_ALONE})\b", h_pod, None),
    ("relunit", rf"\b(?:(?P<pos>{POS})\s+)?(?P<rel>{_UNIT_REL})\s+(?:{_FISCAL}\s+)?(?P<unit>{_RUNITS})\b(?!-)",
     h_relunit, a_relunit),
    ("theweekend", rf"\b(?P<rel>{_THE})\s+(?P<unit>{_WEEKEND})\b", h_relunit, None),
    ("quarter", rf"\b(?:(?P<det>{_Q_DET})\s+)?(?P<mods>(?:(?:{_Q_MODS}|\d{{4}})[\s-]+)*)"
                rf"(?P<ord>{_Q_ORD})[\s-]+(?:{_FISCAL}[\s-]+)?{_QUARTER}(?!s)\b"
                rf"(?:\s+(?:{_OF}\s+)?(?:{_i('fiscal')}\s+)?(?P<year>{YEAR})|(?P<rel>\s+(?:{_OF}\s+)?{_Q_REL}))?",
     h_quarter, a_quarter),
    ("qnum", rf"\b(?:(?P<year0>{YEAR})\s+)?Q(?P<q>[1-4])\b(?:\s+(?P<year>{YEAR}))?", h_quarter, None),
    ("hnum", rf"\b(?P<h>H[12])\s+(?P<year>{YEAR})", h_half, None),
    ("qref", rf"\b(?:(?:(?P<det>{_QREF_DET})\s+)(?:(?P<mod>{_QREF_MOD}|1\d{{3}}|20\d\d)\s+)?(?P<unit>{_QUARTER})"
             rf"|(?:(?P<det2>{_QREF_DET})\s+)(?P<mod2>{_QREF_MOD2}|1\d{{3}}|20\d\d)\s+(?P<unit2>{_QUNITS}))"
             rf"\b(?!\s+{_OF}\b|-)"
             rf"(?:\s+{_QREF_TAIL})?", None, None),
    ("yearago", rf"\b{_YEARAGO}\b", None, None),
    ("wholeyear", rf"\b(?:{_THE}\s+(?:{_FISCAL}\s+)?{_i('year')}(?=\s+{_i('end(?:ed|ing)')}\b)"
                  rf"|(?P<full>{_THE}\s+{_i('full')}\s+(?:{_FISCAL}\s+)?{_i('year')}|{_YEAR_END}))\b(?!-)", None, None),
    ("long", rf"\b(?P<unit>{_i('day|week|month|year|decade|century|centuries')})(?P<pl>s)?-{_i('long')}\b", None, None),
    ("half", rf"\b(?:{_THE}\s+)?(?P<h>{_HALF_ORD})[\s-]+{_HALF}\b"
             rf"(?:\s+{_OF}\s+(?:(?P<yrel>{_HALF_YREL})\s+{_i('year')}|(?:{_i('fiscal')}\s+)?(?P<year>{YEAR})))?",
     h_half, a_half),
    ("season", rf"\b(?:(?P<rel>{_SEASON_REL})[\s-]+)?(?P<s>{SEASON})\b(?:\s+(?:{_OF}\s+)?(?P<year>{YEAR}|{YEARW}))?",
     h_season, a_season),
    ("ago", rf"\b(?:(?P<mod>{DURMOD})\s+)?(?P<num>{NUM})(?P<half>\s+{_AND_HALF})?[\s-]+(?P<unit>{UNIT})\s+"
            rf"(?P<dir>{_AGO_DIR})\b", h_ago, a_ago),
    ("dur", rf"\b(?:(?P<mod>{DURMOD})\s+)?(?:(?P<det>{_DUR_DET})\s+)?(?:(?P<pre>{DURPRE})\s+)?"
            rf"(?P<num>{NUM})(?P<half>\s+{_AND_HALF})?(?:\s+(?P<post>{DURPOST}))?[\s-]+(?P<unit>{UNIT})"
            rf"(?P<half2>\s+{_AND_HALF})?(?:{_DUR_TAIL})?", h_dur, a_dur),
    ("vague", rf"\b(?:(?P<pre>{_VAGUE_PRE})\s+)?(?P<unit>{_VAGUE_UNITS})\b(?!\s+(?:{_NOT_AGO}))(?:\s+{_AHEAD})?",
     h_vague_plural, a_vague_plural),
    ("ref", rf"\b(?:{_REFALT})\b", h_ref, a_ref),
    ("set", rf"\b(?:(?P<adv>{_SETADV})"
            rf"|(?P<q>{_SETQ})\s+(?:(?P<other>{_OTHER})\s+)?(?:(?P<num>{NUM})\s+)?(?P<unit>{UNIT})"
            rf"|{_EACH}\s+(?P<cal>{WD}|{MON_FULL}|{SEASON}))\b", h_set, None),
    ("holiday", rf"\b(?:(?P<rel>{_HOL_REL})\s+)?(?P<h>{_HOL})\b(?:\s+(?P<year>{YEAR}))?", h_holiday, None),
    ("time", rf"\b(?:{_APPROX}\s+)?"
             rf"(?:(?P<h>1[0-2]|0?[1-9])(?:[:.](?P<mi>[0-5]\d))?\s*(?P<ap>{_AMPM})"
             rf"|(?P<h24>[01]?\d|2[0-3]):(?P<mi24>[0-5]\d)(?![\d:])"
             rf"|(?P<h2>1[0-2]|0?[1-9])\s+{OCLOCK}"
             rf"|(?P<named>{_NOON})"
             rf"|(?P<h3>1[0-2]|0?[1-9])\s+{_IN_THE}\s+(?P<tpod>{_TPOD}))"
             rf"(?:\s+(?P<tz>{TZ}))?(?:(?:,\s*|\s+)(?:{_ON}\s+)?(?:(?P<wd>{WD})\b|(?P<dd>{_DDAY})\b"
             rf"|(?P<mon>{MON})\s+(?P<day>{DAY})(?:,?\s+(?P<year>{YEAR}))?))?", h_time, a_time),
]


def h_iso_any(m, ctx, s, e):
    if m.group("y"):
        return h_iso(m, ctx, s, e)
    y = int(m.group("y2"))
    if y < 100:
        y += 1900 if y > 40 else 2000
    a, b = int(m.group("m2")), int(m.group("d2"))
    if a > 12 >= b:  # day first (16/06/2025); otherwise read it the US way
        a, b = b, a
    d = _safe_date(y, a, b)
    if d is None:
        return None
    ctx.note_day(d)
    return "DATE", _day_s(d), "day", False, None, True


class _Merged:
    """A match of a two-branch pattern seen through the first branch's group names."""

    def __init__(self, m: re.Match):
        self.m = m

    def group(self, k):
        if k in ("mod", "unit", "det"):
            return self.m.group(k) or self.m.group(k + "2")
        return self.m.group(k)


def h_qref_any(m, ctx, s, e):
    return h_qref(_Merged(m), ctx, s, e)


def h_yearago(m, ctx, s, e):
    a = ctx.anchor
    if ctx.quarter and 0 <= s - ctx.quarter_pos < 2500:
        y, q = ctx.quarter
        return "DATE", f"{y - 1:04d}-Q{q}", "quarter", False, None, False
    if a is None:
        return "DATE", "PAST_REF", None, False, None, False
    return "DATE", f"{a.year - 1:04d}", "year", True, None, False


def h_wholeyear(m, ctx, s, e):
    """'the year ended Sept. 30' is a fiscal-year duration; 'the full year', 'year-end' the anchor's year."""
    if not m.group("full"):
        return "DURATION", "P1Y", None, False, None, False
    a = ctx.anchor
    if a is None:
        return "DATE", "XXXX", "year", False, None, False
    return "DATE", f"{a.year:04d}", "year", True, None, False


def h_long(m, ctx, s, e):
    code = _UNITS[m.group("unit").lower()]
    return "DURATION", _dur(None if m.group("pl") else 1, code), None, False, None, False


_FIX = {"iso": h_iso_any, "qref": h_qref_any, "yearago": h_yearago, "wholeyear": h_wholeyear, "long": h_long}

# Speed: a rule's full regex (slow: optional prefixes, case-insensitive parts) only
# runs in windows around cheap trigger hits. A trigger is a plain literal
# alternation, searched in the lower-cased text (or the original text when
# case matters), plus how far a match can reach left and right of it.
_UNIT_T = "year|month|week|day|hour|minute|second|decade|centur|quarter|night|fortnight|weekend"
_MON_T = "|".join(sorted({m[:3] for m in _full} | {m[:3].upper() for m in _full}))
_WD_T = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_POD_T = "morning|afternoon|evening|night|overnight|midday"
_REF_T = "(?:" + "|".join(sorted({re.escape(k.split()[-1]) for k in _REFS})) + r")\b"
_HOL_T = "|".join(sorted(re.escape(k).replace(r"\ ", " ") for k in _HOLIDAYS))
_SET_T = "(?:" + "|".join(sorted({re.escape(k) for k in _SETS} | {"every", "each", "per"})) + r")\b"
_TRIGGERS: dict[str, tuple[str, bool, int, int]] = {  # rule: (trigger, on lower-cased text, left, right)
    "paren": (r"\(", False, 30, 40),
    "md": (_MON_T, False, 60, 50),
    "dm": (_MON_T, False, 45, 25),
    "iso": (r"\d[-/]\d", False, 12, 12),
    "my": (_MON_T, False, 35, 50),
    "monrel": (_MON_T, False, 2, 30),
    "mon": (_MON_T, False, 35, 15),
    "year": (r"[12]\d\d\d|nineteen|eighteen|thousand", True, 65, 45),
    "decade": (r"0'?s\b|ties\b", True, 25, 3),
    "century": ("centur", True, 35, 10),
    "weekday": (_WD_T, True, 25, 20),
    "wdset": (_WD_T, True, 12, 20),
    "deictic": ("yesterday|today|tomorrow|tonight|" + _POD_T, True, 25, 25),
    "pod": (_POD_T, True, 12, 12),
    "relunit": ("year|month|week|day|decade|centur|" + _POD_T, True, 45, 12),
    "theweekend": ("weekend", True, 6, 10),
    "quarter": ("quarter", True, 75, 35),
    "qnum": ("q[1-4]", True, 12, 12),
    "hnum": ("H1|H2", False, 2, 10),
    "qref": ("quarter|period", True, 45, 30),
    "yearago": ("year-", True, 2, 14),
    "wholeyear": ("year", True, 25, 15),
    "long": ("-long", True, 12, 2),
    "half": (r"half\b", True, 25, 35),
    "season": ("spring|summer|fall|autumn|winter", True, 25, 45),
    "ago": (r"(?:ago|earlier|later|from now|hence|back)\b", True, 90, 12),
    "dur": (_UNIT_T, True, 80, 25),
    "vague": (_UNIT_T, True, 35, 12),
    "ref": (_REF_T, True, 25, 8),
    "set": (_SET_T, True, 6, 45),
    "holiday": (_HOL_T, True, 12, 45),
    "time": (r"m\.|[ap]m\b|o'clock|noon|midnight|:\d\d|in the (?:morning|afternoon|evening)", True, 40, 50),
}
# Rules whose patterns are case-blind run on the lower-cased text without (?i:),
# which Python's regex engine matches several times faster.
_ON_LOW = {"dur", "ago", "vague", "relunit", "holiday", "ref", "deictic", "weekday", "wdset", "theweekend", "pod",
           "season", "half", "quarter", "qref", "century"}
_TRIG_RX: dict[str, re.Pattern] = {}
_RULES = [(name, re.compile(src.replace("(?i:", "(?:") if name in _ON_LOW else src), handler or _FIX[name], accept,
           _TRIG_RX.setdefault(_TRIGGERS[name][0], re.compile(_TRIGGERS[name][0])), *_TRIGGERS[name][1:],
           name in _ON_LOW)
          for name, src, handler, accept in _RULES_SRC]


def _lower(text: str) -> str:
    """Lower-case with offsets kept (a few characters change length when lowered)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


# --------------------------------------------------------------------------- main entry
# Anchors far enough from datetime's limits that "N years ago", holidays and ISO weeks stay in range.
_ANCHOR_RANGE = (date(1000, 1, 1), date(8999, 12, 31))


def find_timexes(text: str, anchor: date | None = None) -> list[Timex]:
    """All temporal expressions in text, sorted by start, non-overlapping."""
    if isinstance(anchor, datetime):
        anchor = anchor.date()
    if anchor is not None and not _ANCHOR_RANGE[0] <= anchor <= _ANCHOR_RANGE[1]:
        anchor = None  # a bogus publication date ("0001-01-01"): resolving against it overflows
    cands: list[tuple[int, int, int, re.Match, Callable]] = []
    low = _lower(text)
    n = len(text)
    hits: dict[tuple[re.Pattern, bool], list[tuple[int, int]]] = {}  # triggers shared by several rules
    for prio, (_, rx, handler, accept, trig, on_low, left, right, rx_low) in enumerate(_RULES):
        key = (trig, on_low)
        if key not in hits:
            hits[key] = [t.span() for t in trig.finditer(low if on_low else text)]
        windows: list[list[int]] = []
        for ts, te in hits[key]:
            lo, hi = max(0, ts - left), min(n, te + right)
            if windows and lo <= windows[-1][1]:
                windows[-1][1] = hi
            else:
                windows.append([lo, hi])
        src = low if rx_low else text
        for m in (m for lo, hi in windows for m in rx.finditer(src, lo, hi)):
            s, e = m.span()
            # trim whitespace the optional groups may have left at the edges
            while e > s and text[e - 1].isspace():
                e -= 1
            if accept is not None:
                ok = accept(m, text, s)
                if not ok:
                    continue
                if ok is not True:  # the check moved the start past a determiner
                    s = ok
            if e <= s:
                continue
            cands.append((s, e, prio, m, handler))
    # longest first, then earliest, then rule order
    cands.sort(key=lambda c: (c[0] - c[1], c[0], c[2]))
    taken: list[tuple[int, int, re.Match, Callable]] = []
    occupied = bytearray(len(text) + 1)
    for s, e, _, m, handler in cands:
        if any(occupied[s:e]):
            continue
        occupied[s:e] = b"\x01" * (e - s)
        taken.append((s, e, m, handler))
    taken.sort(key=lambda c: c[0])
    ctx = _Ctx(text, anchor)
    out: list[Timex] = []
    iso = anchor.isoformat() if anchor else None
    for s, e, m, handler in taken:
        r = handler(m, ctx, s, e)
        if r is None:
            continue
        typ, value, prec, used, wd, explicit = r
        out.append(Timex(s, e, text[s:e], typ, value, prec, iso if used else None, wd, explicit))
    return out
