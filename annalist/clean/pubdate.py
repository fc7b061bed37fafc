"""Publication date with its provenance, precision, confidence and the reason.

Order of trust: metadata or header (as given) > a byline or dateline date > the day of
the event the lead reports, completed with a year > a year bound from the years the text
mentions. Nothing is guessed silently: every DatedValue says where it came from and how
sure it is. The confidences of the year-completion rules are what they scored on real
newswire with its dates removed (``python -m eval.dating``): wire copy rarely names the
current year, so a year taken from the years an article mentions is right about a fifth of
the time."""
from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from ..extract.timex import find_timexes
from ..model import DatedValue

if TYPE_CHECKING:
    from ..extract.timex import Timex

__all__ = ["parse_given_date", "publication_date"]

_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ].*)?\s*$")
_FULL_DAY = re.compile(r"^(\d{4}|XXXX)-(\d{2})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})")
# A completed year's figures ("In 2023, trade grew by 30%") are published the year after.
_PAST_FIGURES = re.compile(r"\b(grew|reached|amounted|totall?ed|rose|increased|fell|declined|stood|exceeded|hit|was|were)\b")
# A metadata date outside these years is a placeholder ("0001-01-01"), not a publication day;
# dating events against it would also run past the calendar's ends.
_PLAUSIBLE_YEARS = (1000, 8999)
_LEAD_CHARS = 900
_DATELINE_CHARS = 80
_DATELINE_END = re.compile(r"^\s*(\([^)]{1,30}\))?\s*(—|–|--|-|:)")
# Years named as plans or targets ("by 2030", "water allocation for 2026") bound nothing.
_FUTURE_CONTEXT = re.compile(r"\b(will|would|shall|plans?|planned|expects?|expected|aims?|targets?|scheduled|due|by|for|until|through|next)\b[^.!?]{0,40}$", re.I)


def parse_given_date(given: str) -> tuple[str, str] | None:
    """A date string from metadata or a header -> (ISO value, precision), or None."""
    if m := _ISO.match(given):
        y, mo, d = m.groups()
        if not _PLAUSIBLE_YEARS[0] <= int(y) <= _PLAUSIBLE_YEARS[1]:
            return None
        try:
            if d:
                return date(int(y), int(mo), int(d)).isoformat(), "day"
            if mo and 1 <= int(mo) <= 12:
                return f"{y}-{mo}", "month"
            return y, "year"
        except ValueError:
            return None
    import dateparser  # slow to import; only free-form dates need it

    parsed = dateparser.parse(given, languages=["en"], settings={"RETURN_AS_TIMEZONE_AWARE": False})
    if parsed is None or not _PLAUSIBLE_YEARS[0] <= parsed.year <= _PLAUSIBLE_YEARS[1]:
        return None
    return parsed.date().isoformat(), "day"


def _plausible(value: str) -> bool:
    return _PLAUSIBLE_YEARS[0] <= int(value[:4]) <= _PLAUSIBLE_YEARS[1]


def _years_mentioned(text: str, timexes: list["Timex"], today: date) -> list[tuple[int, "Timex"]]:
    """Years the text names as past or present (not as plans), up to today."""
    out = []
    for t in timexes:
        if t.explicit_year and t.type == "DATE" and (m := _YEAR.match(t.value)):
            before = text[max(0, t.start - 80):t.start]
            if 1900 < int(m.group(1)) <= today.year and not _FUTURE_CONTEXT.search(before):
                out.append((int(m.group(1)), t))
    return out


def _year_for_weekday(month: int, day: int, weekday: int, lo: int, hi: int) -> list[int]:
    years = []
    for y in range(hi, lo - 1, -1):
        try:
            if date(y, month, day).weekday() == weekday:
                years.append(y)
        except ValueError:
            continue
    return years


def publication_date(given: str | None, given_from: str | None, text: str,
                     byline_lines: list[str], today: date) -> DatedValue | None:
    """The best-supported publication date of one document, or None."""
    # 1. metadata or header, as given
    if given and (parsed := parse_given_date(given)):
        return DatedValue(parsed[0], parsed[1], given_from or "metadata", 0.95, f"{given_from or 'metadata'}: {given!r}")
    # 2. a byline date line the cleaner took out ("16 June 2025, 14:30")
    for line in byline_lines:
        for t in find_timexes(line, None):
            if t.explicit_year and _FULL_DAY.match(t.value) and _plausible(t.value):
                return DatedValue(t.value, "day", "text", 0.85, f"byline date {t.text!r}")
    timexes = find_timexes(text, None)
    years = _years_mentioned(text, timexes, today)
    lo = max((y for y, _ in years), default=today.year - 30)
    # 3. the day of the event the lead reports (a full date only counts in the dateline:
    #    elsewhere in a lead it is usually an anniversary, a deadline or a past event)
    for t in timexes:
        if t.start > _LEAD_CHARS or t.type != "DATE":
            continue
        m = _FULL_DAY.match(t.value)
        if not m:
            continue
        month, day = int(m.group(2)), int(m.group(3))
        if m.group(1) != "XXXX":
            if t.start < _DATELINE_CHARS and _plausible(t.value) and _DATELINE_END.search(text[t.end:t.end + 30]):
                return DatedValue(t.value, "day", "text", 0.85, f"dateline date {t.text!r}")
            continue
        if t.weekday is not None:
            fits = _year_for_weekday(month, day, t.weekday, lo, today.year)
            if not fits and years:  # the weekday outweighs a year bound that may be misread
                fits = _year_for_weekday(month, day, t.weekday, today.year - 30, today.year)
                years = []
            if fits:
                # With a year bound the earliest fitting year after it is likeliest (news
                # cites recent years); without one, the latest up to today.
                year = fits[-1] if years else fits[0]
                sure = 0.75 if len(fits) == 1 else 0.6
                return DatedValue(f"{year}-{month:02d}-{day:02d}", "day", "inferred", sure,
                                  f"{t.text!r} falls on that weekday in {year}, "
                                  + (f"the first such year not before {lo} (the latest year the text mentions)"
                                     if years else "the latest such year up to today"))
        if years:
            y, mention = max(years, key=lambda p: p[0])
            after = text[mention.end:mention.end + 120]
            if _PAST_FIGURES.search(after):
                return DatedValue(f"{y + 1}-{month:02d}-{day:02d}", "day", "inferred", 0.3,
                                  f"{t.text!r} with the year after {y}, whose completed figures the text reports")
            return DatedValue(f"{y}-{month:02d}-{day:02d}", "day", "inferred", 0.25,
                              f"{t.text!r} with {y}, the latest year the text mentions")
    # 4. only a lower bound: the latest year the text mentions
    if years:
        y = max(y for y, _ in years)
        return DatedValue(str(y), "year", "inferred", 0.15, f"{y} is the latest year the text mentions (published no earlier)")
    return None
