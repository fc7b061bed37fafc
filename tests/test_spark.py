"""The Spark engine (engines/spark.py) ends with the store a local build gives: the same
exports byte for byte, the same tables, the same report and rejections, on first builds and
on reruns. One local[2] session serves the whole module."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import pyarrow as pa

from annalist import Options, build, export, open_store
import annalist.engines.spark as spark_engine
from annalist.engines.spark import _plan, _read_task, build_spark, spark_session
from annalist.ingest import read_file
from annalist.outputs.export import RECORD_TYPES
from annalist.model import (Amount, Analysis, DatedValue, DateMention, Document, Entity, EntityMention, Evidence,
                            Extraction, Sentence)
from annalist.store import Store
from annalist.errors import UsageError
from annalist.store.parquet_io import PartWriter, batch_tables, conform, load_parquet
from conftest import CORPUS, DATA, TODAY


def _java() -> bool:
    try:
        return subprocess.run(["java", "-version"], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas")

# every record type the export writes (documents, dates, entities, events, quotes, amounts,
# agreements, stories, ...)
EXPORTED = list(RECORD_TYPES)
RECORD_TABLES = ["documents", "sentences", "entity_mentions", "dates", "entities", "events", "quotes", "amounts",
                 "agreements", "inputs", "line_stats"]


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'annalist[spark]')")
    if not _java():
        pytest.skip("Java is not installed ('java -version' fails); the Spark engine needs a JVM")
    session = spark_session("local[2]")
    yield session
    session.stop()


def opts(db: Path, **kw) -> Options:
    return Options(db=str(db), reference_date=TODAY, progress=False, **kw)


def tables(db: Path) -> dict[str, list[tuple]]:
    """Every table of the store, rows sorted (the engine's link state aside)."""
    with open_store(db, read_only=True) as s:
        names = [r[0] for r in s.con.execute("SELECT table_name FROM information_schema.tables "
                                             "WHERE table_schema = 'main' ORDER BY 1").fetchall()]
        return {t: s.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in names if t != ENGINE_STATE}


def exported(db: Path, out: Path) -> dict[str, bytes]:
    with open_store(db, read_only=True) as s:
        export(s, out, "jsonl")
    return {t: (out / f"{t}.jsonl").read_bytes() for t in EXPORTED}


def summary(report) -> dict:
    """The report, without what differs by engine: the db, the time, how stories were linked."""
    d = report.as_dict()
    d.pop("db"), d.pop("seconds"), d.pop("stories")
    return d


# The one table that may differ: the local engine keeps its story index for the next build;
# a Spark build keeps none (see engines/spark_link.py).
ENGINE_STATE = "link_state"


def assert_same_store(local_db: Path, spark_db: Path, tmp_path: Path) -> None:
    a, b = exported(local_db, tmp_path / "export-local"), exported(spark_db, tmp_path / "export-spark")
    for record_type in EXPORTED:
        assert a[record_type] == b[record_type], f"{record_type}.jsonl differs"
    ta, tb = tables(local_db), tables(spark_db)
    assert ta.keys() == tb.keys()
    for table in ta:
        assert ta[table] == tb[table], f"table {table} differs"


def test_spark_build_of_the_example_corpus_equals_the_local_build(spark, tmp_path):
    local = build([str(CORPUS)], opts(tmp_path / "local.duckdb"))
    remote = build_spark([str(CORPUS)], opts(tmp_path / "spark.duckdb"), spark=spark)
    assert local.new == 47 and summary(remote) == summary(local)
    # stories and near-duplicates were linked on Spark, not by the local index
    assert remote.stories.startswith("on Spark: 47 documents") and local.stories.startswith("rebuilt")
    with open_store(tmp_path / "spark.duckdb", read_only=True) as s:
        assert s.con.execute("SELECT COUNT(*) FROM link_state WHERE name = 'stories'").fetchone()[0] == 0
        n_stories, n_dups = s.con.execute("SELECT (SELECT COUNT(*) FROM stories), "
                                          "(SELECT COUNT(*) FROM documents WHERE duplicate_of IS NOT NULL)").fetchone()
    assert 1 < n_stories < 47 and n_dups > 0
    assert_same_store(tmp_path / "local.duckdb", tmp_path / "spark.duckdb", tmp_path)
    # the run's records stay as Parquet beside the db, with the store's columns
    import pyarrow.parquet as pq
    with open_store(tmp_path / "spark.duckdb", read_only=True) as s:
        for table in ("documents", "sentences", "dates", "inputs"):
            files = sorted((tmp_path / "spark.duckdb.parquet" / table).glob("*.parquet"))
            columns = [r[0] for r in s.con.execute(f"DESCRIBE {table}").fetchall()]
            assert files and all(pq.read_schema(f).names == columns for f in files), table
    # a rerun reads everything and adds nothing
    again = build_spark([str(CORPUS)], opts(tmp_path / "spark.duckdb"), spark=spark)
    assert (again.read, again.new, again.updated, again.unchanged) == (47, 0, 0, 47)
    assert tables(tmp_path / "spark.duckdb") == tables(tmp_path / "local.duckdb")
    # a local build after a Spark one rebuilds the story index once, to the same stories and state
    after = build([str(CORPUS)], opts(tmp_path / "spark.duckdb"))
    assert after.new == 0 and after.stories == "rebuilt (no saved index)"
    with open_store(tmp_path / "spark.duckdb", read_only=True) as a, open_store(tmp_path / "local.duckdb", read_only=True) as b:
        state = "SELECT name, value, fingerprints FROM link_state ORDER BY name"
        assert a.con.execute(state).fetchall() == b.con.execute(state).fetchall()
    assert tables(tmp_path / "spark.duckdb") == tables(tmp_path / "local.duckdb")


def _messy_corpus(root: Path) -> Path:
    """Text articles, a copy of one of them elsewhere (one document, two inputs), an empty
    file, JSON Lines with a broken line, and a later file giving one URL new content."""
    src = root / "in"
    shutil.copytree(CORPUS / "text", src / "a-text")
    (src / "b-copies").mkdir()
    first = sorted((CORPUS / "text").glob("*.txt"))[0]
    shutil.copy(first, src / "b-copies" / first.name)
    (src / "c-empty.txt").write_text("")
    lines = (CORPUS / "jsonl" / "caspian-wire-2024-2025.jsonl").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1][: len(lines[1]) // 2]          # cut in half: invalid JSON
    (src / "d-wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    record = json.loads(lines[0])
    record["text"] = record["text"].replace("Kazakhstan", "Kazakhstan's government", 1)
    (src / "e-update.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    return src


def test_rejections_duplicates_and_updates_resolve_as_in_the_local_build(spark, tmp_path, monkeypatch):
    monkeypatch.setattr(spark_engine, "_MIN_SLICE_BYTES", 1024)   # a partition per few files: order across them
    src = _messy_corpus(tmp_path)
    paths = [str(src), str(tmp_path / "missing.txt")]
    # batches of 4: a source's replacement lands in a later batch, as in any large build
    local = build(paths, opts(tmp_path / "local.duckdb", batch_size=4))
    remote = build_spark(paths, opts(tmp_path / "spark.duckdb", batch_size=4), spark=spark)
    reasons = [(r.source, r.line, r.reason) for r in local.rejections]
    assert any("empty file" in r for _, _, r in reasons) and any("invalid JSON" in r for _, _, r in reasons)
    assert [(r.source, r.line, r.reason) for r in remote.rejections] == reasons
    assert summary(remote) == summary(local) and local.unchanged == 1 and local.updated == 0
    assert_same_store(tmp_path / "local.duckdb", tmp_path / "spark.duckdb", tmp_path)
    # rerun after a change: the known inputs are skipped (rejections re-reported), the changed file replaced
    changed = src / "a-text" / sorted(p.name for p in (src / "a-text").iterdir())[-1]
    changed.write_text(changed.read_text(encoding="utf-8").replace(" the ", " this ", 1), encoding="utf-8")
    local2 = build(paths, opts(tmp_path / "local.duckdb", batch_size=4))
    remote2 = build_spark(paths, opts(tmp_path / "spark.duckdb", batch_size=4), spark=spark)
    assert local2.updated >= 1 and summary(remote2) == summary(local2)
    assert [(r.source, r.line, r.reason) for r in remote2.rejections] == \
        [(r.source, r.line, r.reason) for r in local2.rejections]
    assert_same_store(tmp_path / "local.duckdb", tmp_path / "spark.duckdb", tmp_path / "2")


def test_a_large_json_lines_file_is_split_into_parts_that_read_as_the_whole(tmp_path):
    lines = []
    for n in range(3000):
        if n % 700 == 5:
            lines.append('{"text": "cut off')
        elif n % 500 == 7:
            lines.append("")
        else:
            lines.append(json.dumps({"url": f"https://x.example/{n}", "text": f"Article {n}. " + "words " * 30}))
    f = tmp_path / "big.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tasks, slices = _plan([str(f)], [], [], target_parts=8)
    assert len(tasks) > 1 and [t for s in slices for t in s] == tasks
    parts = [item for t in tasks for item in _read_task(t, 10 ** 8, parse_html=True)]
    assert parts == list(read_file(str(f), f.read_bytes(), True))


def test_stdin_is_refused(tmp_path):
    with pytest.raises(UsageError, match="stdin"):
        build_spark(["-"], opts(tmp_path / "s.duckdb"))


def _record_batch(n: int, source: str | None = None):
    text = f"Kazakhstan and China signed {n} agreements worth $44 billion on Monday in Astana."
    d = Document(id=f"d{n}", source=source or f"s{n}.txt", origin="x", format="text", text=text,
                 published=DatedValue("2025-06-16", "day", "header", 0.95, "header"), input_hash=f"h{n}",
                 boilerplate_removed=["Share this article"])
    a = Analysis(d.id, "en", [Sentence(0, len(text))], [EntityMention(0, 10, "GPE", "Kazakhstan")])
    ev = [Evidence(d.id, 0, len(text), text)]
    x = Extraction(d.id, dates=[DateMention(f"d{n}-t63", d.id, "Monday", 63, 69, "DATE", "2025-06-16", "day", None)],
                   entities=[Entity(f"d{n}-e0", d.id, "Kazakhstan", "GPE", "KAZ", aliases=["Kazakh"],
                                    mentions=[(0, 10)])],
                   amounts=[Amount(f"d{n}-a42", d.id, "$44 billion", 44_000_000_000, "USD", None, "exact", None,
                                   ["KAZ", "CHN"], ev, 42, 53)])
    return d, a, x


def _parquet(folder: Path, batches, name="part-00000") -> None:
    writer = PartWriter(folder, name)
    for docs, analyses, xs in batches:
        writer.write(batch_tables(docs, analyses, xs))
    writer.close()


def _inputs(folder: Path, rows) -> None:
    (folder / "inputs").mkdir(parents=True, exist_ok=True)
    import pyarrow.parquet as pq
    table = pa.table(dict(zip(["input_hash", "source", "line", "status", "doc_id", "reason"], map(list, zip(*rows)))))
    pq.write_table(conform("inputs", table), folder / "inputs" / "inputs.parquet")


def test_parquet_loads_into_the_tables_write_batch_writes(tmp_path):
    (d1, a1, x1), (d2, a2, x2) = _record_batch(1), _record_batch(2)
    with Store(":memory:") as direct, Store(":memory:") as loaded:
        direct.write_batch([d1, d2], [a1, a2], extractions=[x1, x2])
        _parquet(tmp_path / "pq", [([d1], [a1], [x1]), ([d2], [a2], [x2])])
        _inputs(tmp_path / "pq", [("h1", "s1.txt", None, "doc", "d1", None), ("h2", "s2.txt", None, "doc", "d2", None)])
        result = load_parquet(loaded, tmp_path / "pq")
        assert (result.inserted, result.skipped, result.replaced) == (2, 0, 0)
        for table in RECORD_TABLES:
            rows = f"SELECT * FROM {table} ORDER BY ALL"
            assert direct.con.execute(rows).fetchall() == loaded.con.execute(rows).fetchall(), table
        # again, plus a new document from d1's source: d2 is skipped, d1 replaced with all it had
        d3, a3, x3 = _record_batch(3, source="s1.txt")
        _parquet(tmp_path / "pq", [([d2, d3], [a2, a3], [x2, x3])])
        _inputs(tmp_path / "pq", [("h2", "s2.txt", None, "doc", "d2", None), ("h3", "s1.txt", None, "doc", "d3", None)])
        result = load_parquet(loaded, tmp_path / "pq")
        assert (result.inserted, result.skipped, result.replaced) == (1, 1, 1)
        for table in ("documents", "sentences", "entity_mentions", "dates", "entities", "amounts", "inputs"):
            key = "id" if table == "documents" else "doc_id"
            assert {r[0] for r in loaded.con.execute(f"SELECT {key} FROM {table}").fetchall()} == {"d2", "d3"}, table


# -- stories and near-duplicates on Spark (engines/spark_link.py) ---------------------------------

def _newswire_story_docs():
    """Real text of both kinds the story graph links differently: dated AFP/Xinhua wire
    (time-window links) and undated ECB+ reports (key-term links), with near-copies of some
    (cut short, retitled) and a few undated ones dated only by their events."""
    from annalist.link.stories import StoryDoc

    te3, ecb = DATA / "te3-silver-news.jsonl", DATA / "ecbplus-dev" / "docs.jsonl"
    if not te3.exists() or not ecb.exists():
        pytest.skip(f"the dev sets are not beside the project ({DATA})")
    docs = []
    with te3.open(encoding="utf-8") as f:
        for n, line in zip(range(500), f):
            r = json.loads(line)
            docs.append(StoryDoc(r["url"], r["text"], r.get("title"), r.get("published")))
    with ecb.open(encoding="utf-8") as f:
        for n, line in zip(range(300), f):
            r = json.loads(line)
            day = ("2012-05-0" + str(n % 9 + 1),) if n % 10 == 0 else ()
            docs.append(StoryDoc("ecb/" + r["url"].rsplit("/", 1)[-1], r["text"], None, None, (), day))
    copies = [StoryDoc(d.doc_id + "/copy", d.text[: int(len(d.text) * 0.9)], "Re: " + (d.title or ""),
                       None if i % 2 else d.published) for i, d in enumerate(docs[::37])]
    return docs + copies


def test_stories_linked_on_spark_equal_the_story_index_on_real_newswire(spark, tmp_path):
    from annalist.engines.spark_link import _link
    from annalist.link.dedup import originals
    from annalist.link.stories import StoryIndex

    docs = _newswire_story_docs()
    table = pa.table({"id": [d.doc_id for d in docs], "text": [d.text for d in docs],
                      "title": [d.title for d in docs], "published": [d.published for d in docs],
                      "names": [list(d.names) for d in docs], "event_days": [list(d.event_dates) for d in docs]})
    import pyarrow.parquet as pq
    pq.write_table(table, tmp_path / "docs.parquet")
    stats = _link(spark, str(tmp_path / "docs.parquet"), str(tmp_path / "links"))
    got = {r["id"]: (r["story_id"], r["duplicate_of"]) for r in pq.read_table(tmp_path / "links").to_pylist()}
    index = StoryIndex()
    index.add(sorted(docs, key=lambda d: d.doc_id))
    first = originals(index.duplicate_pairs(), {d.doc_id: d.published for d in docs})
    want = {d.doc_id: (index.story_of(d.doc_id), first.get(d.doc_id)) for d in docs}
    assert got == want
    # the case is not trivial: many components, stories of several documents, near-copies found
    assert stats["components"] > 50 and stats["stories"] < len(docs) - 100
    assert sum(v[1] is not None for v in want.values()) >= len(docs[::37]) // 2


def test_connected_components_on_spark_match_scipy(spark):
    from annalist.engines.spark_link import _components
    import random

    rng = random.Random(7)
    nodes = [f"n{i:04d}" for i in range(600)]
    edges = [(nodes[i], nodes[i + 1]) for i in range(0, 80)]          # a long chain (diameter 80)
    edges += [(a, b) for a, b in ((nodes[rng.randrange(100, 600)], nodes[rng.randrange(100, 600)]) for _ in range(350)) if a != b]
    labels, rounds = _components(spark.createDataFrame(edges, "a string, b string"))
    got = {r["id"]: r["component"] for r in labels.collect()}
    # the oracle: SciPy's connected components, each named by its smallest node
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    linked = sorted({x for e in edges for x in e})
    pos = {x: i for i, x in enumerate(linked)}
    graph = coo_matrix(([1] * len(edges), ([pos[a] for a, _ in edges], [pos[b] for _, b in edges])),
                       shape=(len(linked), len(linked)))
    _n, comp = connected_components(graph, directed=False)
    smallest: dict[int, str] = {}
    for x in linked:
        smallest.setdefault(int(comp[pos[x]]), x)
    assert got == {x: smallest[int(comp[pos[x]])] for x in linked}
    assert rounds < 20   # logarithmic, not one round per step of the chain
