"""Property-based fuzzing of cleaning: boilerplate, dateline, publication date and language on
any text give a Document or a Rejection with a reason, and dates that are real calendar dates."""
from __future__ import annotations

from fuzzing import WEIRD_DATE_STRINGS, any_text, examples, news_text
from fuzzprops import check_clean, check_given_date
from hypothesis import given, note
from hypothesis import strategies as st


@examples(150)
@given(any_text(600), st.one_of(st.none(), any_text(40)), st.one_of(st.none(), WEIRD_DATE_STRINGS), st.booleans())
def test_clean_gives_a_document_or_a_reason(body, title, published, is_html):
    note(f"body = {body!r}, title = {title!r}, published = {published!r}, is_html = {is_html!r}")
    check_clean(body, title=title, published=published, is_html=is_html)


@examples(60)
@given(st.lists(news_text(3, 25), min_size=1, max_size=12).map("\n\n".join))
def test_clean_on_many_paragraphs(body):
    note(f"body = {body!r}")
    check_clean(body)


@examples(150)
@given(WEIRD_DATE_STRINGS)
def test_a_given_date_parses_to_a_real_date_or_nothing(given_date):
    note(f"given_date = {given_date!r}")
    check_given_date(given_date)
