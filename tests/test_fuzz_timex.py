"""Property-based fuzzing of the temporal tagger: every expression found reproduces its slice of
the text and carries a well-formed TIMEX3 value (real months, days, weeks and clock times)."""
from __future__ import annotations

from datetime import date

from fuzzing import TEXT, examples, news_text
from fuzzprops import check_timexes, timex_value_ok
from hypothesis import given, note
from hypothesis import strategies as st

ANCHORS = st.one_of(st.none(), st.dates(date(1, 1, 1), date(9999, 12, 31)),
                    st.sampled_from([date(2025, 6, 16), date(2024, 2, 29), date(1, 1, 1), date(9999, 12, 31),
                                     date(2025, 12, 31), date(2026, 1, 1)]))


@examples(300)
@given(news_text(0, 60), ANCHORS)
def test_timexes_in_news_words_are_well_formed(text, anchor):
    note(f"text = {text!r}, anchor = {anchor!r}")
    check_timexes(text, anchor)


@examples(100)
@given(st.text(TEXT, max_size=300), ANCHORS)
def test_timexes_in_any_text_are_well_formed(text, anchor):
    note(f"text = {text!r}, anchor = {anchor!r}")
    check_timexes(text, anchor)


def test_the_value_check_rejects_malformed_values():
    """The invariant itself: a check that passes everything would prove nothing."""
    for typ, bad in [("DATE", "2025-13"), ("DATE", "2025-02-30"), ("DATE", "2025-W54"), ("DATE", "20250616"),
                     ("DURATION", "P"), ("DURATION", "Pinf"), ("TIME", "2025-06-16T25:00"), ("DATE", "")]:
        assert not timex_value_ok(typ, bad), bad
    for typ, good in [("DATE", "2024-02-29"), ("DATE", "XXXX-WXX-2TEV"), ("DURATION", "PT5H30M"), ("SET", "P1W"),
                      ("DATE", "198"), ("DATE", "2025-H1"), ("DATE", "PAST_REF"), ("DURATION", "PXY")]:
        assert timex_value_ok(typ, good), good
