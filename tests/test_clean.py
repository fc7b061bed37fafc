"""One case per cleaning rule, then the seeds."""
from datetime import date

import pytest

from annalist.clean import clean, document_id
from annalist.clean.boilerplate import line_key, split_boilerplate
from annalist.clean.dateline import find_dateline
from annalist.model import RawDocument, Rejection
from conftest import seed_path

BODY = [
    "Kazakhstan and China signed a railway agreement in Astana on Tuesday, expanding freight links between the two countries.",
    "The deal covers a second border crossing at Khorgos and new container terminals along the route.",
    "Trade and transit",
    "Officials said freight traffic on the railway route between Kazakhstan and China grew by a third last year.",
    "The new border crossing is expected to open to container traffic and freight trains in 2027.",
]


def removed_of(lines, repeated=frozenset()):
    return [line for _, line in split_boilerplate("\n".join(lines), repeated).removed]


@pytest.mark.parametrize("line", [
    "Read more: Kazakhstan opens new consulate", "What is your opinion on this topic?", "Leave the first comment",
    "Comments (0)", "12 comments", "Sign up for our morning briefing newsletter", "Follow us on Telegram",
    "Share this article", "Advertisement", "© 2025 Steppe Ledger. All rights reserved.",
    "Facebook Twitter Telegram WhatsApp", "Photo: Akorda", "The ministers at the ceremony / Photo: MFA",
    "12:30", "16 June 2025, 14:30", "3 hours ago", "Download our app for breaking news",
    "Politics | 16 June 2025, 18:42 | 3 min read", "Last Updated: Nov 22, 2024, 08:10 IST",
    "The post Rail deal signed appeared first on Silk Road Herald.", "Home / Economy",
    "You must be logged in to post a comment.", "Orda Daily on Telegram: news every hour",
])
def test_single_line_signals_are_removed_anywhere(line):
    assert removed_of(BODY[:2] + [line] + BODY[2:]) == [line]


def test_section_headings_inside_the_body_stay():
    assert removed_of(BODY) == []


def test_a_late_read_next_block_goes_whole_even_full_sentences():
    tail = ["Read next", "11:45", "Japan & Vietnam",
            "Japan's prime minister is set to visit Hanoi this week to discuss semiconductors and fisheries.",
            "Flooding in the south of the country has displaced thousands of residents, rescuers said on Sunday."]
    assert removed_of(BODY + tail) == tail


def test_an_early_read_more_line_removes_only_itself():
    lines = [BODY[0], "Read more", *BODY[1:]]
    assert removed_of(lines) == ["Read more"]


def test_trailing_cross_reference_to_another_story_goes_and_names_the_outlet():
    cross = ("Earlier Steppe Ledger reported that Uzbekistan and Turkey upgraded their partnership "
             "during talks in Ankara on January 24.")
    split = split_boilerplate("\n".join(BODY + [cross, "Comments (0)"]))
    assert [line for _, line in split.removed] == [cross, "Comments (0)"]
    assert split.cross_reference_outlet == "Steppe Ledger"


def test_cross_reference_inside_the_body_stays():
    inner = "Earlier Reuters reported that the railway agreement had been delayed by a customs dispute at Khorgos."
    assert removed_of([BODY[0], inner, *BODY[1:]]) == []


LONG_BODY = BODY + [
    "Kazakh railway officials said the new terminals at Khorgos would double container traffic to China.",
    "Chinese officials said freight trains between the two countries now run daily along the route.",
    "The railway agreement also sets common customs rules for container traffic at the border crossing.",
]


def test_distant_lines_at_the_end_go_only_below_other_boilerplate():
    distant = "Flooding in the south of Brazil displaced thousands of residents, rescuers said on Sunday evening."
    assert removed_of(LONG_BODY + [distant]) == []  # could be the article's own last paragraph
    assert removed_of(LONG_BODY + [distant, "Leave a comment"]) == [distant, "Leave a comment"]
    assert removed_of(BODY + [distant, "Leave a comment"]) == ["Leave a comment"]  # too short to have a topic


def test_headline_between_removed_lines_goes():
    assert removed_of(BODY + ["10:04", "Morning Brief", "09:30"]) == ["10:04", "Morning Brief", "09:30"]


def test_lines_an_outlet_repeats_go_unless_they_are_most_of_the_text():
    promo = "Steppe Ledger brings you the region's business news every morning."
    assert removed_of(BODY + [promo], frozenset({line_key(promo)})) == [promo]
    everything = frozenset(line_key(line) for line in BODY)
    assert removed_of(BODY, everything) == []  # a republished article repeats everything: keep it


def test_line_key_folds_case_digits_and_spaces():
    assert line_key("  Comments (12) ") == line_key("comments  (34)")


@pytest.mark.parametrize("text,place", [
    ("ASTANA — China never sets", "Astana"), ("ASTANA – President of", "Astana"),
    ("BEIJING, June 16 (Xinhua) -- China and", "Beijing"), ("ALMATY, Kazakhstan — The bank", "Almaty"),
    ("Astana, 16 June (Kazinform) – The talks", "Astana"), ("NEW DELHI (AP) — India", "New Delhi"),
    ("BOGOTÁ — The government", "Bogotá"), ("SÃO PAULO, May 4 (Reuters) — Brazil", "São Paulo"),
    ("China and Kazakhstan — a partnership", None), ("UN - a body", None),
])
def test_datelines(text, place):
    found = find_dateline(text)
    assert (found.place if found else None) == place


def raw(body, **kw):
    return RawDocument(source=kw.pop("source", "a.txt"), origin="a.txt", format="text", body=body, **kw)


def test_a_headline_set_off_by_a_blank_line_becomes_the_title():
    doc = clean(raw("Rail deal signed in Astana\n\n" + "\n\n".join(BODY)), today=date(2026, 1, 1))
    assert doc.title == "Rail deal signed in Astana" and doc.text.startswith("Kazakhstan and China")


def test_too_little_text_after_cleaning_is_rejected():
    assert isinstance(clean(raw("Comments (0)\nShare this article\nHello there"), today=date(2026, 1, 1)), Rejection)


def test_non_english_text_is_flagged():
    doc = clean(raw("Kazakhstan und China haben am Dienstag in Astana ein Eisenbahnabkommen unterzeichnet, "
                    "teilten Beamte mit. Die Strecke soll im nächsten Jahr eröffnet werden."), today=date(2026, 1, 1))
    assert doc.language == "de"


def test_document_id_is_stable_and_ignores_the_path_but_not_the_outlet():
    a, b = raw(BODY[0], source="x/a.txt"), raw(BODY[0] + "  ", source="y/b.txt")
    assert document_id(a) == document_id(b)
    assert document_id(a) != document_id(raw(BODY[0], outlet="Caspian Wire"))


# -- the seeds -------------------------------------------------------------------------------------

def clean_seed(prefix):
    from annalist.ingest import iter_inputs
    (item,) = list(iter_inputs([str(seed_path(prefix))], 10**7))
    return clean(item, today=date(2026, 11, 23))


def test_seed_000_read_next_block_and_comment_prompts_go_body_and_headings_stay():
    doc = clean_seed("000")
    assert "Read next" in doc.boilerplate_removed and "Leave the first comment" in doc.boilerplate_removed
    for gone in ("12:30", "Azerbaijan", "Kyiv", "Morning Brief", "What is your opinion"):
        assert gone not in doc.text
    assert "Deepening strategic partnership" in doc.text and "Xi: Ties remain strong" in doc.text
    assert doc.text.rstrip().endswith("sustainable development.")


def test_seed_001_header_and_dateline():
    doc = clean_seed("001")
    assert doc.dateline == "Astana" and doc.boilerplate_removed == []
    assert doc.text.startswith("ASTANA — China never sets") and "Nuclear power plants" in doc.text


def test_seed_002_other_story_and_comment_count_go_outlet_from_cross_reference():
    doc = clean_seed("002")
    assert doc.text.rstrip().endswith("between the two countries.")
    assert "Uzbekistan" not in doc.text and "Comments" not in doc.text
    assert doc.outlet == "Daryo"
    assert "Economic and Trade Cooperation" in doc.text


def test_seed_003_nothing_removed():
    doc = clean_seed("003")
    assert doc.boilerplate_removed == [] and doc.dateline == "Astana"


def test_seed_004_headline_becomes_title_and_caption_goes():
    doc = clean_seed("004")
    assert doc.title.endswith("Tokayev and Xi Jinping meet in Beijing")
    assert doc.boilerplate_removed == ["The two sides have signed a set of documents / Photo:"]
    assert doc.text.startswith("According to the press service")
