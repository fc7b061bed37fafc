"""One case per dating rule, then the seeds' expected dates."""
from datetime import date

import pytest

from annalist import Options, build, open_store
from annalist.clean.pubdate import parse_given_date, publication_date
from conftest import TODAY

T = date(2026, 11, 23)


@pytest.mark.parametrize("given,expected", [
    ("2025-06-16", ("2025-06-16", "day")), ("2025-06-16T09:00:00+05:00", ("2025-06-16", "day")),
    ("2025-06", ("2025-06", "month")), ("2025", ("2025", "year")),
    ("Tue, 04 Mar 2025 10:00:00 GMT", ("2025-03-04", "day")), ("16 June 2025", ("2025-06-16", "day")),
    ("2025-13-45", None), ("soon", None),
])
def test_given_dates_are_parsed_with_their_precision(given, expected):
    assert parse_given_date(given) == expected


def test_metadata_wins_and_says_so():
    dv = publication_date("2025-03-04", "metadata", "Officials met on Monday (16 June).", [], T)
    assert (dv.value, dv.source, dv.confidence) == ("2025-03-04", "metadata", 0.95)


def test_a_byline_date_line_counts_as_text():
    dv = publication_date(None, None, "Officials met in Astana.", ["16 June 2025, 14:30"], T)
    assert (dv.value, dv.source) == ("2025-06-16", "text")


def test_a_full_date_in_the_dateline_counts_as_text():
    dv = publication_date(None, None, "BEIJING, June 16, 2025 (Xinhua) -- China and Kazakhstan signed 24 deals.", [], T)
    assert (dv.value, dv.precision, dv.source) == ("2025-06-16", "day", "text")


def test_a_full_date_elsewhere_in_the_lead_is_not_the_publication_date():
    # Wire leads cite anniversaries and deadlines ("the accord of August 15, 1975").
    assert publication_date(None, None, "The accord signed on August 15, 1975 was recalled on Tuesday.", [], T).precision == "year"


def test_weekday_and_day_give_the_latest_fitting_year():
    dv = publication_date(None, None, "The ministers met on Tuesday (4 March) in Astana.", [], T)
    assert (dv.value, dv.source) == ("2025-03-04", "inferred") and "weekday" in dv.basis


def test_weekday_year_respects_years_the_text_mentions():
    text = "The ministers met on Monday (16 June) in Astana. Trade reached $44 billion in 2024."
    assert publication_date(None, None, text, [], T).value == "2025-06-16"


def test_completed_year_figures_push_the_year_forward():
    text = "The minister arrived in Astana on May 20. In 2023, bilateral trade grew by 30%."
    dv = publication_date(None, None, text, [], T)
    assert dv.value == "2024-05-20" and dv.confidence < 0.5 and "2023" in dv.basis


def test_day_without_any_year_clue_is_not_guessed():
    assert publication_date(None, None, "The minister arrived in Astana on May 20 for talks.", [], T) is None


def test_only_a_year_gives_a_low_confidence_lower_bound():
    dv = publication_date(None, None, "In September 2022 the leaders signed a statement. They met again.", [], T)
    assert (dv.value, dv.precision, dv.source) == ("2022", "year", "inferred") and dv.confidence < 0.5


def test_years_named_as_plans_do_not_bound_the_year():
    text = "The ministers met on Monday (16 June). A commission will meet to discuss water allocation for 2026."
    assert publication_date(None, None, text, [], T).value == "2025-06-16"


def test_future_years_are_not_taken_as_the_publication_year():
    assert publication_date(None, None, "The plant will be built by 2035, officials said.", [], T) is None


# -- the seeds, through a full build (document 004 borrows 003's date) ---------------------------

@pytest.fixture(scope="module")
def seed_store(tmp_path_factory):
    from conftest import SEEDS
    if not SEEDS.is_dir():
        pytest.skip(f"the seed articles are not at {SEEDS}")
    db = str(tmp_path_factory.mktemp("seeds") / "seeds.duckdb")
    build([str(SEEDS)], Options(db=db, reference_date=TODAY, progress=False))
    with open_store(db, read_only=True) as s:
        yield {d.source.rsplit("/", 1)[-1][:3]: d for d in s.documents()}


@pytest.mark.parametrize("seed,value,source", [
    ("000", "2025-06-16", "inferred"), ("001", "2025-06-16", "header"), ("002", "2024-05-20", "inferred"),
    ("003", "2023-10-17", "header"), ("004", "2023-10-17", "inferred"),
])
def test_seed_publication_dates(seed_store, seed, value, source):
    pub = seed_store[seed].published
    assert (pub.value, pub.source) == (value, source)
    if source == "inferred":
        assert pub.confidence < 0.95 and pub.basis


def test_seed_004_says_which_document_its_date_came_from(seed_store):
    assert seed_store["003"].id in seed_store["004"].published.basis


def test_seed_datelines(seed_store):
    assert {k: d.dateline for k, d in seed_store.items()} == {
        "000": None, "001": "Astana", "002": None, "003": "Astana", "004": None}


def test_seed_stories(seed_store):
    s = {k: d.story_id for k, d in seed_store.items()}
    assert s["000"] == s["001"] and s["003"] == s["004"]
    assert len({s["000"], s["002"], s["003"]}) == 3
