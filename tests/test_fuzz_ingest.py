"""Property-based fuzzing of ingest: any bytes, in any encoding and format, give documents or
rejections that name the reason, never an exception (see fuzzprops for the invariants)."""
from __future__ import annotations

import codecs

from fuzzing import TEXT, _feed, examples, file_bytes, jsonl_line, news_text
from fuzzprops import check_decode, check_feed, check_html, check_jsonl_lines, check_read_file
from hypothesis import given, note
from hypothesis import strategies as st

from annalist.ingest.encoding import decode

NO_NUL = st.characters(codec="utf-8", blacklist_characters="\x00")


@examples(150)
@given(st.binary(max_size=2000))
def test_decoding_any_bytes_gives_text_or_a_unicode_error(data):
    note(f"data = {data!r}")
    check_decode(data)


# Text with NUL characters is left out: ASCII with NULs between the letters IS UTF-16 to the
# decoder, and a UTF-16-LE mark before a NUL is the UTF-32-LE mark.
@examples(100)
@given(st.text(NO_NUL, max_size=300).filter(lambda s: not s.startswith("\ufeff")))
def test_utf8_text_decodes_to_itself(text):
    note(f"text = {text!r}")
    assert decode(text.encode("utf-8"))[0] == text


@examples(60)
@given(st.text(NO_NUL, max_size=300), st.sampled_from([(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                                                      (codecs.BOM_UTF16_BE, "utf-16-be")]))
def test_text_behind_a_byte_order_mark_decodes_to_itself(text, bom):
    note(f"text = {text!r}, bom = {bom!r}")
    mark, enc = bom
    assert decode(mark + text.encode(enc))[0] == text


@examples(250)
@given(file_bytes())
def test_any_file_gives_documents_or_rejections(named):
    note(f"named = {named!r}")
    name, data = named
    check_read_file(data, name)


@examples(100)
@given(st.lists(jsonl_line(), max_size=8).map("\n".join))
def test_jsonl_gives_one_item_per_line(text):
    note(f"text = {text!r}")
    check_jsonl_lines(text)


@examples(60)
@given(st.lists(st.tuples(news_text(0, 8), st.text(TEXT, max_size=30), news_text(0, 30)), max_size=4), st.booleans())
def test_feeds_give_items_with_text_and_real_dates(items, atom):
    note(f"items = {items!r}, atom = {atom!r}")
    check_feed(_feed(items, atom))


@examples(60)
@given(st.one_of(st.text(TEXT, max_size=300), news_text().map(lambda t: "<html><body><p>" + t.replace("\n", "</p><p>"))))
def test_html_pages_and_fragments_give_text_or_a_rejection(html):
    note(f"html = {html!r}")
    check_html(html)
