"""Full-text search: ranked hits that cite their passage, phrases, filters, an index kept
fresh beside the store, and queries that never fail."""
from __future__ import annotations

import json

import duckdb
import pytest
from click.testing import CliRunner

pytest.importorskip("tantivy", reason="search needs tantivy (pip install -e .)")

from annalist.cli import cli  # noqa: E402
from annalist.outputs.records import Filters  # noqa: E402
from annalist.outputs.search import KINDS, build_index, index_dir, search  # noqa: E402
from web.seedstore import copy_store, corpus_store  # noqa: E402  (tests/web/seedstore.py)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return corpus_store(tmp_path_factory)


def _text(db, doc_id):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()[0]
    finally:
        con.close()


def test_hits_are_ranked_and_cite_their_passage(db):
    result = search(db, "wind loan", limit=10)
    assert result.total >= 5 and not result.plain_words
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)
    top = result.hits[0]
    assert "wind" in top.title.lower() or "wind" in top.snippet.lower()
    for h in result.hits:
        text = _text(db, h.doc_id)
        assert 0 <= h.start < h.end <= len(text)
        for a, b in h.highlights:
            assert h.snippet[a:b].lower().startswith(("wind", "loan", "lend"))
        if h.kind == "document":   # the cited sentence holds the first highlighted word
            assert h.snippet[h.highlights[0][0]:h.highlights[0][1]] in text[h.start:h.end]


def test_phrase_query_matches_only_the_phrase(db):
    phrase = search(db, '"good neighbours"', limit=50)
    words = search(db, "good neighbours", limit=50)
    assert 0 < phrase.total <= words.total
    for h in phrase.hits:
        if h.kind in ("quote", "document"):
            assert "good neighbours" in " ".join(h.snippet.lower().split())


def test_types_and_filters(db):
    quotes = search(db, "trade", kinds=("quote",), limit=50)
    assert quotes.hits and {h.kind for h in quotes.hits} == {"quote"}
    june = search(db, "trade", filters=Filters.make(since="2025-06", until="2025-06"), limit=50)
    assert june.hits and all(h.date and h.date.startswith("2025-06") for h in june.hits)
    orda = search(db, "trade", filters=Filters.make(outlets=["ORDA DAILY"]), limit=50)
    assert orda.hits and {h.outlet for h in orda.hits} == {"Orda Daily"}
    agree = search(db, "signed", kinds=("event",), filters=Filters.make(plover=["AGREE"]), limit=50)
    assert agree.hits and {h.plover for h in agree.hits} == {"AGREE"}
    kaz = search(db, "Seitkali", filters=Filters.make(countries=["KAZ"]), limit=50)
    rus = search(db, "Seitkali", filters=Filters.make(countries=["VNM"]), limit=50)
    assert kaz.total > rus.total
    people = search(db, "Seitkali", kinds=("entity",))
    assert people.hits and people.hits[0].kind == "entity"
    with pytest.raises(Exception):
        search(db, "x", kinds=("story",))
    assert KINDS == ("document", "event", "quote", "entity")


@pytest.mark.parametrize("q", ['"', "((", "AND", "OR NOT -", "title:", "foo:bar", "day:[a TO b]", "*", "\\", "[1 TO",
                               "x' OR 1=1 --", "<script>", "~2", "^3", '"unclosed phrase', "a:b:c", "", "   ",
                               "Türkiye «brother»", "a" * 2000])
def test_odd_queries_never_error(db, q):
    result = search(db, q)
    assert result.total >= 0
    assert json.dumps(result.as_dict())


def test_unparseable_query_falls_back_to_its_words(db):
    result = search(db, '(wind "loan')
    assert result.plain_words and result.total > 0


def test_index_is_rebuilt_when_the_store_changes(db, tmp_path):
    private = copy_store(db, tmp_path)
    folder = build_index(private)
    assert folder == index_dir(private) and (folder / "annalist-index.json").exists()
    marker = (folder / "annalist-index.json").read_text()
    assert search(private, "zanzibarium").total == 0
    con = duckdb.connect(str(private))
    doc_id = con.execute("SELECT id FROM documents LIMIT 1").fetchone()[0]
    con.execute("UPDATE documents SET title = 'The zanzibarium accord' WHERE id = ?", [doc_id])
    con.close()
    hits = search(private, "zanzibarium")
    assert hits.total == 1 and hits.hits[0].doc_id == doc_id
    assert (folder / "annalist-index.json").read_text() != marker
    again = (folder / "annalist-index.json").stat().st_mtime_ns
    search(private, "zanzibarium")                  # unchanged store: no rebuild
    assert (folder / "annalist-index.json").stat().st_mtime_ns == again


def test_cli_search(db):
    runner = CliRunner()
    r = runner.invoke(cli, ["search", '"good neighbours"', "--db", str(db), "--type", "quote", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["hits"] and all(h["kind"] == "quote" and h["end"] > h["start"] for h in data["hits"])
    r = runner.invoke(cli, ["search", "wind loan", "--db", str(db), "--limit", "2"])
    assert r.exit_code == 0 and "hits for" in r.output and "§" in r.output
    r = runner.invoke(cli, ["search", "(((", "--db", str(db)])
    assert r.exit_code == 0 and "plain words" in r.output
    r = runner.invoke(cli, ["search", "x", "--db", str(db), "--since", "soon"])
    assert r.exit_code != 0
