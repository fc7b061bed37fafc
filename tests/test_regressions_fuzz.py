"""One test per crash or broken invariant that fuzzing and the hostile corpus found, with the
smallest input that showed it (hypothesis, atheris or tests/hostile.py; see bench/RESULTS.md)."""
from __future__ import annotations

import codecs
import json
import math
import os
from datetime import date

import pytest
from fuzzprops import check_extract, check_read_file, check_timexes

from annalist.clean import clean
from annalist.clean.pubdate import parse_given_date
from annalist.ingest import iter_inputs
from annalist.ingest.html import fragment_text
from annalist.ingest.readers import read_feed
from annalist.model import RawDocument, Rejection

LIMIT = 1_000_000
ARTICLE = ("Kazakhstan and China signed a railway agreement in Astana on Tuesday, officials said. "
           "The line will carry freight between the two countries from next year, the ministry said.")


def read(path) -> list:
    return list(iter_inputs([str(path)], LIMIT))


# -- ingest -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [codecs.BOM_UTF8, codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")])
@pytest.mark.parametrize("name", ["a.txt", "a.jsonl"])
def test_a_file_of_only_a_byte_order_mark_is_rejected_as_empty(tmp_path, name, data):
    # hypothesis: read_text raised IndexError on b"\xef\xbb\xbf"; as .jsonl it vanished unreported
    (tmp_path / name).write_bytes(data)
    [item] = read(tmp_path / name)
    assert isinstance(item, Rejection) and item.reason.startswith("empty file")


def test_json_escapes_of_lone_surrogates_become_replacement_characters(tmp_path):
    # hypothesis: "\ud800" escapes gave a body that no UTF-8 store or tokenizer accepts
    f = tmp_path / "a.jsonl"
    f.write_text('{"title": "lone \\udfff", "text": "' + ARTICLE + ' \\ud800"}\n', encoding="utf-8")
    [doc] = read(f)
    assert doc.title == "lone \ufffd" and doc.body.endswith("\ufffd")
    doc.body.encode("utf-8")


def test_a_deeply_nested_json_line_is_rejected_and_the_next_lines_read(tmp_path):
    # hostile corpus: json.loads raised RecursionError, so the whole file was rejected
    f = tmp_path / "a.jsonl"
    f.write_text("[" * 100_000 + "\n" + json.dumps({"text": ARTICLE}) + "\n", encoding="utf-8")
    first, second = read(f)
    assert isinstance(first, Rejection) and first.line == 1 and "nested too deeply" in first.reason
    assert isinstance(second, RawDocument) and second.line == 2


@pytest.mark.parametrize("fragment", ["\x1b", "<!DOCTYPE x>", "<html>", "<html></html>"])
def test_fragments_lxml_refuses_give_text_not_an_exception(fragment):
    # hypothesis (control characters: ValueError) and atheris (ParserError, AssertionError)
    assert isinstance(fragment_text(fragment), str)


def test_one_odd_feed_item_does_not_cost_the_feed_its_other_items():
    items = [("<!DOCTYPE x>", "odd"), (ARTICLE, "good"), ("<html>", "no body")]
    feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>' + "".join(
        f"<item><title>{t}</title><description><![CDATA[{body}]]></description></item>" for body, t in items)
        + "</channel></rss>")
    found = list(read_feed(feed, "f.xml"))
    assert [type(x).__name__ for x in found] == ["Rejection", "RawDocument", "Rejection"]
    assert found[1].body == ARTICLE


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_named_pipe_and_a_device_are_rejected_not_read(tmp_path):
    # hostile corpus: reading a pipe blocked the build; a link to /dev/zero read without end
    os.mkfifo(tmp_path / "pipe.txt")
    os.symlink("/dev/zero", tmp_path / "zero.txt")
    reasons = {os.path.basename(r.source): r.reason for r in read(tmp_path)}
    assert reasons == {"pipe.txt": "not a regular file (a named pipe)", "zero.txt": "not a regular file (a device)"}


# -- cleaning -----------------------------------------------------------------------------------------

def test_a_text_too_long_for_one_article_is_rejected():
    # hostile corpus: a 2 MB one-line file passed the file size limit and spaCy's length
    # limit (1,000,000 characters) stopped the whole build
    raw = RawDocument(source="long.txt", origin="long.txt", format="text", body="word " * 300_000)
    found = clean(raw, today=date(2025, 6, 16))
    assert isinstance(found, Rejection) and "over the limit of 200,000" in found.reason


def test_a_rejected_json_lines_item_is_named_by_file_and_line(tmp_path):
    # hostile corpus: the cleaner named a JSON Lines item "FILE:LINE:LINE"
    f = tmp_path / "a.jsonl"
    f.write_text('{"text": "Too short."}\n', encoding="utf-8")
    [raw] = read(f)
    found = clean(raw, today=date(2025, 6, 16))
    assert isinstance(found, Rejection) and found.where == f"{f}:1"


@pytest.mark.parametrize("given", ["0001-01-01", "9999-12-31", "0000", "1 January 0001"])
def test_a_placeholder_metadata_date_is_not_a_publication_date(given):
    # fuzzing the extractors: a document dated 0001-01-01 made event dating overflow
    assert parse_given_date(given) is None
    raw = RawDocument(source="a", origin="a", format="text", body=ARTICLE, published=given, published_from="metadata")
    doc = clean(raw, today=date(2025, 6, 16))
    assert doc.published is None or doc.published.source != "metadata"
    check_extract(doc.text, None)


# -- dates and amounts ---------------------------------------------------------------------------------

@pytest.mark.parametrize("anchor", [date(1, 1, 1), date(9999, 12, 31)])
def test_relative_dates_against_an_anchor_at_the_calendar_ends(anchor):
    # hypothesis: "Easter" against 0001-01-01 asked dateutil for Easter of year 0
    found = check_timexes("Easter next year, last Christmas, 5 years ago, next week and tomorrow", anchor)
    assert [t.text for t in found][:2] == ["Easter", "next year"]


@pytest.mark.parametrize("text", [f"The ministry said {'9' * 400} trucks crossed the border on Monday.",
                                  f"Trade reached ${'9' * 400} billion in 2024, officials said.",
                                  f"They bought {'9' * 300} million tonnes of grain, officials said."],
                         ids=["count", "money", "scaled"])
def test_numbers_beyond_a_float_are_no_amounts(text):
    # hypothesis: a 400-digit count became float("inf") and int(inf) raised OverflowError
    x = check_extract(text)
    assert all(math.isfinite(a.value) for a in x.amounts)


def test_the_file_checker_accepts_a_plain_article():
    """The invariant checker itself: a check that rejects good input would hide real failures."""
    items = check_read_file(ARTICLE.encode("utf-16"), "a.txt")
    assert isinstance(items[0], RawDocument) and items[0].body == ARTICLE


def test_a_feed_declaring_a_charset_with_null_bytes_is_rejected_not_raised():
    # atheris: feedparser decoded with the declared encoding and raised ValueError (embedded null)
    feed = ('<?xml version="1.0" encoding="UT' + "\x00" * 40 + 'F-8"?>\n<rss version="2.0"><channel>'
            "<item><title>t</title><description>" + ARTICLE + "</description></item></channel></rss>")
    [item] = list(read_feed(feed, "x.xml"))
    assert isinstance(item, Rejection) and item.source == "x.xml" and "not a readable feed" in item.reason


@pytest.mark.parametrize("text", ["on 30 February", "February 31", "31 April"])
def test_an_impossible_day_without_a_year_is_no_date(text):
    # atheris: with no anchor, "30 February" gave the value XXXX-02-30
    assert check_timexes(text, None) == []
    assert [t.value for t in check_timexes("on 29 February", None)] == ["XXXX-02-29"]


def test_a_null_character_token_before_a_known_name_is_no_trie_leaf():
    # hypothesis: the gazetteer trie kept its payloads under the key "\0", and a "\x00" token
    # after "Japan" walked into that list as if it were a node
    x = check_extract("\x00\nJapan \x00\n", date(2025, 6, 16))
    assert [e.country for e in x.entities] == ["JPN"]
