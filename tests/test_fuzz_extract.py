"""Property-based fuzzing of the extractors through the loaded spaCy model: quotes, amounts,
agreements, dates (and the entities and events they read) on news-like and arbitrary text. Every
evidence span reproduces its slice of the text and every amount is a finite number."""
from __future__ import annotations

from datetime import date

from fuzzing import TEXT, examples, news_text
from fuzzprops import check_extract
from hypothesis import given, note
from hypothesis import strategies as st

# Short inputs keep the parse cheap (a few milliseconds each); paragraphs exercise the rules
# that look across sentences and lines.
SENTENCES = st.lists(news_text(3, 30), min_size=1, max_size=4).map(lambda ps: "\n\n".join(ps))


@examples(120)
@given(SENTENCES, st.sampled_from([date(2025, 6, 16), date(2024, 2, 29), None]))
def test_extraction_from_news_words_keeps_the_evidence_contract(text, anchor):
    note(f"text = {text!r}, anchor = {anchor!r}")
    check_extract(text, anchor)


@examples(40)
@given(st.text(TEXT, max_size=200))
def test_extraction_from_any_text_keeps_the_evidence_contract(text):
    note(f"text = {text!r}")
    check_extract(text)
