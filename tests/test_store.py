import duckdb
import pytest

from annalist.errors import SchemaError, StoreError
from annalist.model import Analysis, DatedValue, Document, Rejection, Sentence
from annalist.store import SCHEMA_VERSION, Store


def doc(i, source=None, text="Some article text about a railway agreement."):
    return Document(id=f"d{i}", source=source or f"s{i}.txt", origin="x", format="text", text=text,
                    published=DatedValue("2025-06-16", "day", "header", 0.95, "header"), input_hash=f"h{i}")


def test_fresh_store_has_the_current_schema(store):
    assert store.schema_version() == SCHEMA_VERSION


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "s.duckdb"
    Store(path).close()
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(SchemaError, match="newer"):
        Store(path)


def test_read_only_open_of_a_missing_store_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="no such store"):
        Store(tmp_path / "none.duckdb", read_only=True)


def test_batch_is_written_whole(store):
    store.write_batch([doc(1)], [Analysis("d1", "en", [Sentence(0, 4)])], rejections=[Rejection("bad.txt", "empty file", None, "hb")])
    assert store.count("documents") == 1 and store.count("sentences") == 1
    assert store.input_status(["h1", "hb"]) == {"h1": ("doc", None), "hb": ("rejected", "empty file")}
    assert store.documents()[0].published.value == "2025-06-16"


def test_a_failing_batch_leaves_nothing(store):
    store.write_batch([doc(1)], [])
    with pytest.raises(duckdb.ConstraintException):
        store.write_batch([doc(2), doc(1)], [Analysis("d2", "en", [Sentence(0, 4)])])
    assert store.count("documents") == 1 and store.count("sentences") == 0
    assert store.input_status(["h2"]) == {}


def test_replacing_a_document_removes_its_dependents(store):
    store.write_batch([doc(1)], [Analysis("d1", "en", [Sentence(0, 4)])])
    store.write_batch([doc(2, source="s1.txt")], [Analysis("d2", "en", [Sentence(0, 2)])], replaced=["d1"])
    assert [d.id for d in store.documents()] == ["d2"]
    assert store.sentences("d2") == [(0, 2)] and store.sentences("d1") == []


def test_repeated_lines_are_counted_per_group(store):
    store.add_line_stats([("g", "promo", "h1"), ("g", "promo", "h2"), ("g", "promo", "h2"),
                          ("g", "a long line that is repeated by one more input only ok", "h1"),
                          ("other", "promo", "h3")])
    assert store.repeated_lines("g", min_docs=3, short_min_docs=2, short_words=10) == {"promo"}
    assert store.repeated_lines("other", 3, 2, 10) == frozenset()


def test_document_prefix_lookup(store):
    store.write_batch([doc(11), doc(12)], [])
    assert store.document("d11").id == "d11" and store.document("d1") is None


def test_check_finds_bad_offsets_orphans_and_passes_a_sound_store(store):
    from annalist.model import DateMention
    from annalist.store.check import check_store

    d = doc(1, text="Officials met on Monday in Astana.")
    store.write_batch([d], [], dates=[DateMention("d1-t14", "d1", "Monday", 17, 23, "DATE", "2025-06-16", "day", None)])
    assert check_store(store) == []
    store.con.execute("UPDATE dates SET start = 16")
    store.con.execute("INSERT INTO sentences VALUES ('ghost', 0, 0, 4)")
    kinds = sorted((p.kind, p.table) for p in check_store(store))
    assert kinds == [("offset", "dates"), ("orphan", "sentences")]
