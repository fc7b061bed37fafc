"""Temporal-expression tagger: one test per rule family, plus the TimeBank quality gate."""
from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest

from annalist.extract.timex import Timex, find_timexes

ANCHOR = date(2025, 6, 17)  # a Tuesday
DEV_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "timebank-dev"


def one(text: str, anchor: date | None = ANCHOR, *, at: str | None = None) -> Timex:
    """The single timex in text (or the one whose text is `at`)."""
    found = find_timexes(text, anchor)
    if at is not None:
        found = [t for t in found if t.text == at]
    assert len(found) == 1, found
    return found[0]


def values(text: str, anchor: date | None = ANCHOR) -> list[tuple[str, str]]:
    return [(t.text, t.value) for t in find_timexes(text, anchor)]


# --------------------------------------------------------------------------- API contract
def test_timex_is_frozen_slotted_dataclass():
    t = one("The talks ended on May 20.")
    assert dataclasses.is_dataclass(t) and not hasattr(t, "__dict__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.value = "x"  # type: ignore[misc]
    assert [f.name for f in dataclasses.fields(Timex)] == [
        "start", "end", "text", "type", "value", "precision", "anchor", "weekday", "explicit_year"]


SAMPLES = [
    "China and Kazakhstan on Monday (16 June) signed 24 agreements in Astana.",
    "The delegation arrived in the capital on May 20 after a two-day stop in Urumqi.",
    "In 2023, bilateral trade grew 20 percent, and it rose again last year.",
    "The ministers first discussed the corridor during an Oct. 17 meeting.",
    "Xi's state visit to Kazakhstan last year followed a deal announced a decade ago.",
    "Construction is scheduled to begin Tuesday and should take the next three years.",
    "The pipeline has been running since September 2022, officials said on Friday.",
    "Here are the top news stories for June 17th; markets opened this morning at 9:30 a.m. EST.",
    "Profit in the third quarter rose 5% from a year earlier, the company said yesterday.",
    "Prices have doubled over the past three years and now exceed the levels of the 1990s.",
    "Every week the board meets, and it will vote again next month or in early 2026.",
]


@pytest.mark.parametrize("anchor", [None, ANCHOR])
def test_offsets_reproduce_text_sorted_and_disjoint(anchor):
    for s in SAMPLES:
        found = find_timexes(s, anchor)
        assert found, s
        for t in found:
            assert s[t.start:t.end] == t.text
            assert t.type in {"DATE", "TIME", "DURATION", "SET"}
        for a, b in zip(found, found[1:], strict=False):
            assert a.end <= b.start


def test_anchor_none_never_invents_a_year():
    for s in SAMPLES:
        for t in find_timexes(s, None):
            assert t.anchor is None
            if not t.explicit_year:
                assert not re.match(r"\d{3}", t.value), (s, t)


def test_anchor_is_reported_only_when_used():
    assert one("It opened in September 2022.").anchor is None
    assert one("It opened last year.").anchor == ANCHOR.isoformat()


# --------------------------------------------------------------------------- calendar dates
def test_weekday_with_parenthesised_day():
    s = "China and Kazakhstan on Monday (16 June) signed 24 agreements"
    t = one(s, None)
    assert (t.text, t.value, t.weekday, t.precision, t.explicit_year) == (
        "Monday (16 June)", "XXXX-06-16", 0, "day", False)
    t = one(s, ANCHOR)
    assert (t.value, t.weekday, t.anchor) == ("2025-06-16", 0, "2025-06-17")
    # the weekday picks the year in which 16 June really is a Monday
    assert one(s, date(2026, 1, 10)).value == "2025-06-16"


def test_month_day_takes_the_year_closest_to_the_anchor():
    assert one("The delegation arrived on May 20.", None).value == "XXXX-05-20"
    assert one("The delegation arrived on May 20.").value == "2025-05-20"
    assert one("Top news stories for June 17th").value == "2025-06-17"
    assert one("during an Oct. 17 meeting", date(2025, 11, 2)).value == "2025-10-17"
    assert one("The dividend is payable Jan. 2.", date(2025, 11, 2)).value == "2026-01-02"
    assert one("It was signed on Sept. 30, 1989.").value == "1989-09-30"
    assert one("the summit on 16 June 2025 in Astana").value == "2025-06-16"


def test_numeric_dates():
    assert values("published 2025-06-16, signed 06/16/2025 and 16/06/2025") == [
        ("2025-06-16", "2025-06-16"), ("06/16/2025", "2025-06-16"), ("16/06/2025", "2025-06-16")]


def test_month_and_year():
    t = one("The pipeline opened in September 2022.", None)
    assert (t.value, t.precision, t.explicit_year) == ("2022-09", "month", True)
    assert one("The rules took effect in early March 2024.").value == "2024-03"


def test_month_alone_and_modal_may():
    assert one("The accord was signed in April.").value == "2025-04"
    assert one("The summit will be held in January.", date(2025, 10, 20)).value == "2026-01"
    assert one("Talks resumed last November.").value == "2024-11"
    assert find_timexes("Officials may approve it, and troops march on.", ANCHOR) == []


def test_years():
    t = one("In 2023, bilateral trade grew.", None)
    assert (t.text, t.value, t.precision, t.explicit_year) == ("2023", "2023", "year", True)
    assert values("a 2,000-strong force paid $1990 for 1,990 tons") == []
    assert values("the 1000-member church") == []
    assert one("sales in fiscal 1989 were flat").value == "1989"
    assert one("unemployment by the year two thousand", date(1998, 2, 5)).value == "2000"


def test_decades_and_centuries():
    t = one("prices last seen in the 1990s")
    assert (t.text, t.value, t.precision) == ("the 1990s", "199", "decade")
    assert one("in the late '80s", date(1998, 1, 1)).value == "198"
    assert one("since the 20th century").value == "19"


# --------------------------------------------------------------------------- relative dates
def test_relative_units():
    assert values("Xi's state visit to Kazakhstan last year") == [("last year", "2024")]
    assert values("it will grow next year") == [("next year", "2026")]
    assert values("this week") == [("this week", "2025-W25")]
    assert values("last month's figures") == [("last month", "2025-05")]
    assert values("the talks ended earlier this month") == [("earlier this month", "2025-06")]
    assert one("last year", None).value == "XXXX"


def test_ago_expressions():
    t = one("The corridor was announced a decade ago.")
    assert (t.value, t.precision) == ("2015", "year")
    assert one("It was founded five years ago.").value == "2020"
    assert one("Two weeks ago officials met.").value == "2025-W23"
    assert one("a few years ago").value == "PAST_REF"
    assert one("a decade ago", None).value == "PAST_REF"


def test_deictic_days_and_parts_of_day():
    assert values("yesterday, today and tomorrow") == [
        ("yesterday", "2025-06-16"), ("today", "2025-06-17"), ("tomorrow", "2025-06-18")]
    t = one("Ministers met this morning.")
    assert (t.type, t.value, t.precision) == ("TIME", "2025-06-17TMO", "time")
    assert one("Shots were fired last night.").value == "2025-06-16TNI"
    assert one("The vote is today.", None).value == "PRESENT_REF"


def test_weekday_tense():
    wed = date(2025, 6, 18)
    t = one("Construction is scheduled to begin Tuesday.", wed)
    assert (t.value, t.weekday) == ("2025-06-24", 1)
    assert one("The minister said on Tuesday that talks failed.", wed).value == "2025-06-17"
    assert one("The bill passed on Friday.", wed).value == "2025-06-13"
    assert one("He will travel to Paris on Friday.", wed).value == "2025-06-20"
    assert one("Officials met on Wednesday.", wed).value == "2025-06-18"  # the anchor's own weekday
    assert one("last Friday", wed).value == "2025-06-13"
    assert one("Tuesday", None).value == "XXXX-WXX-2"


def test_anaphoric_references():
    text = "The war began in 1998. The following year, troops left; later that year, talks resumed."
    assert values(text)[1:] == [("The following year", "1999"), ("later that year", "1998")]


def test_quarters_and_halves():
    assert one("Q3 margins improved").value == "2025-Q3"
    t = one("Profit rose in the third quarter.")
    assert (t.text, t.value, t.precision) == ("the third quarter", "2025-Q3", "quarter")
    assert one("third-quarter profit").text == "third-quarter"
    assert one("in the fourth quarter of 2024").value == "2024-Q4"
    assert one("in the first half of 2026").value == "2026-H1"
    # in an earnings story, "a year earlier" is the same quarter of the previous year
    assert values("Third-quarter profit rose to $5 million from $4 million a year earlier.") == [
        ("Third-quarter", "2025-Q3"), ("a year earlier", "2024-Q3")]
    assert find_timexes("a quarter of the shares", ANCHOR) == []
    # a game's periods are not calendar quarters or halves
    assert find_timexes("The Steelers scored a touchdown late in the third quarter.", ANCHOR) == []
    assert find_timexes("He had 12 points in the first half.", ANCHOR) == []
    assert one("first-half profit fell").value == "2025-H1"


def test_seasons():
    assert one("Talks collapsed last fall.").value == "2024-FA"
    assert one("The plant opens this summer.").value == "2025-SU"
    assert one("in the winter of 1994").value == "1994-WI"
    assert find_timexes("Prices may fall sharply.", ANCHOR) == []


def test_holidays():
    assert one("Rallies were held on Thanksgiving Day.", date(2025, 12, 2)).value == "2025-11-27"
    assert one("Christmas 2024 sales").value == "2024-12-25"


# --------------------------------------------------------------------------- durations, sets, refs, times
def test_durations():
    t = one("Prices have doubled over the past three years.")
    assert (t.text, t.type, t.value, t.precision, t.anchor) == ("the past three years", "DURATION", "P3Y", None, None)
    assert one("a two-year contract").text == "two-year"
    assert one("the talks lasted 5 1/2 hours").value == "PT5H30M"
    assert one("for several weeks").value == "PXW"
    assert one("within 18 months").value == "P18M"
    assert one("the first nine months").value == "P9M"
    assert one("for two decades").value == "P20Y"
    assert one("it took a few days").text == "a few days"
    assert find_timexes("a 6-year-old boy and a 36 - year - old man", ANCHOR) == []


def test_sets():
    assert values("they meet every week and publish daily") == [("every week", "P1W"), ("daily", "P1D")]
    t = one("flights leave each Thursday")
    assert (t.type, t.value, t.weekday) == ("SET", "XXXX-WXX-4", 3)
    assert one("$5 billion a year").type == "SET"


def test_fuzzy_references():
    assert values("Now prices are currently high") == [("Now", "PRESENT_REF"), ("currently", "PRESENT_REF")]
    assert values("He recently said that in the past it was cheap") == [
        ("recently", "PAST_REF"), ("the past", "PAST_REF")]
    assert values("in the near future") == [("the near future", "FUTURE_REF")]


def test_clock_times():
    t = one("The polls close at 8 p.m. on Friday.", date(2025, 6, 18))
    assert (t.text, t.type, t.value, t.weekday) == ("8 p.m. on Friday", "TIME", "2025-06-13T20:00", 4)
    assert one("The offer expires at 5 p.m. EST, Nov. 6.", date(2025, 10, 30)).value == "2025-11-06T17:00"
    assert one("at noon").value == "2025-06-17T12:00"
    assert one("at 10:35 a.m.", None).value == "XXXX-XX-XXT10:35"


def test_titles_are_not_times():
    assert find_timexes('he said on "60 Minutes" and ABC\'s "This Week"', ANCHOR) == []


# --------------------------------------------------------------------------- performance and quality gate
@pytest.mark.skipif(not DEV_DATA.is_dir(), reason=f"TimeBank dev set not found at {DEV_DATA}")
def test_timebank_quality_gate():
    from eval.timebank import evaluate

    res = evaluate(DEV_DATA)["overall"]
    assert res["value_acc"] >= 0.85, res
    assert res["relaxed_f1"] >= 0.80, res
