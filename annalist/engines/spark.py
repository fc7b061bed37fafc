"""The Spark engine: a build whose per-document stages run as Spark jobs.

    build_spark(paths, options, master="local[2]", parquet_dir=None) -> BuildReport

The stages are the local build's own functions (ingest readers, ``clean``,
``engines.local.process_documents``); only where they run changes. Work on items (reading,
keying lines, cleaning, analysing, extracting, writing records) runs in Spark tasks; what
needs the store or input order (which inputs are known, which lines a group repeats, which
document of an id comes first) runs on the driver in the store's DuckDB, over small
per-item rows the tasks write as Parquet: the corpus itself never reaches the driver, whose
Python memory holds only the task list (a few per file), the repeated line keys, counts,
rejections and the (task, item) numbers of duplicate documents. Steps, numbered as in ``pipeline.build``:

0. tasks: the driver expands the paths (files only: stdin cannot be shared with executors)
   into read tasks, one per file; a JSON Lines file larger than the split size becomes one
   task per range of lines, so one big file still spreads over every core. Tasks are cut
   into contiguous partitions of about equal bytes, a few per core; (task, item number) is
   an item's place in input order.
1. scan (job): every item read without HTML parsing; each task writes its items' input
   hashes and, for plain text, normalised line keys per outlet group. The store adds the new
   items' keys to ``line_stats`` exactly as the local scan does and answers which lines each
   group repeats (``Store.repeated_lines``' rule and thresholds); those keys are broadcast.
   The items the store knows are written to a file each task reads its share of.
2. clean (job): read with HTML parsing, skip known items, ``clean`` with the broadcast
   repeated lines. Cleaned documents stay persisted on the executors; one row per item
   (document id, or rejection and reason, or known) goes to Parquet.
3. resolve (driver, DuckDB over those rows): as ``pipeline._process``, the first document of
   an id in input order is the document, later ones and ids the store has are alias inputs;
   of several documents of one source the last replaces the earlier ones. Gives the report's
   counts and rejections, and the ``inputs`` table.
4. analyse + extract (job): over the persisted documents that stay, in batches through
   ``process_documents`` (the spaCy model loads once per Python worker; workers are reused);
   each task writes its records as Parquet with the store's columns (``store/parquet_io``).
5. the driver loads the Parquet folder into the store in one transaction (``load_parquet``)
   and runs the steps the local build runs after its batches, with the same functions
   (``pipeline._date_from_peers``, ``_link_entities``, ``fuse``), except near-duplicates and
   stories: those are linked on Spark (``engines/spark_link.py``), with the same result.

Every task writes its own files under fixed names, so a retried task replaces its output;
``parquet_dir`` must be visible to the driver and every executor (a shared file system).
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..clean import clean, line_key
from ..clean.boilerplate import _rules as _boilerplate_rules
from ..errors import UsageError
from ..ingest import STDIN, expand_paths, read_bytes, read_file
from ..ingest.encoding import binary_kind, decode
from ..ingest.readers import read_jsonl
from ..ingest.sniff import sniff_format
from ..model import Document, RawDocument, Rejection
from ..options import Options

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import SparkSession

    from ..pipeline import BuildReport
    from ..store import Store

__all__ = ["build_spark", "spark_session", "default_parquet_dir"]

log = logging.getLogger(__name__)

_MIN_SPLIT_BYTES = 256 * 1024     # a JSON Lines file is split only into ranges at least this big
_PARTS_PER_CORE = 4               # partitions per core: small enough tails, few enough tasks
_MIN_SLICE_BYTES = 32 * 1024      # a small corpus gets fewer partitions: each costs a task per job


# -- the session ---------------------------------------------------------------------------------

def _cores(master: str) -> int:
    m = re.fullmatch(r"local\[(\d+|\*)(?:,\d+)?\]", master.strip())
    if m:
        return (os.cpu_count() or 1) if m.group(1) == "*" else int(m.group(1))
    return 1 if master.strip() == "local" else 0   # a cluster: ask Spark


def spark_session(master: str = "local[2]", app_name: str = "annalist") -> "SparkSession":
    """A SparkSession set up for annalist: Python workers reused (the spaCy model loads once
    per worker), no UI, one BLAS thread per worker. An active session is returned as is."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise UsageError("the Spark engine needs pyspark: pip install 'annalist[spark]'") from exc
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        raise UsageError("the Spark engine needs Java (17 or later) on PATH or in JAVA_HOME")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    shuffle = max(2, 2 * (_cores(master) or 8))
    builder = (SparkSession.builder.master(master).appName(app_name)
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.python.worker.reuse", "true")
               .config("spark.executorEnv.OMP_NUM_THREADS", "1")
               .config("spark.sql.shuffle.partitions", str(shuffle))
               .config("spark.pyspark.python", os.environ["PYSPARK_PYTHON"]))
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # no JVM, a bad master URL, ...
        raise UsageError(f"cannot start Spark with master {master!r} ({type(exc).__name__}: {exc})") from exc
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def default_parquet_dir(db: str) -> str:
    return db + ".parquet"


# -- step 0: read tasks --------------------------------------------------------------------------

class Task(NamedTuple):
    idx: int              # place in input order
    path: str
    part: int = 0         # this task reads part ``part`` of ``parts`` of the file's JSON lines
    parts: int = 1
    reason: str | None = None   # set: the path itself is rejected (no such file, no glob match)
    size: int = 0


def _plan(paths: Sequence[str], exclude: Iterable[str], exclude_dirs: Iterable[str],
          target_parts: int) -> tuple[list[Task], list[list[Task]]]:
    """Tasks in input order, and the same cut into contiguous slices of about equal bytes."""
    skip = {os.path.realpath(p) for p in exclude}
    skip_dirs = [os.path.realpath(d) + os.sep for d in exclude_dirs]
    files: list[tuple[str, int] | Rejection] = []
    for path in expand_paths(paths):
        if isinstance(path, Rejection):
            files.append(path)
            continue
        if path == STDIN:
            raise UsageError("the Spark engine reads files only, not stdin ('-'); save the input to a file first")
        real = os.path.realpath(path)
        if real in skip or any(real.startswith(d) for d in skip_dirs):
            continue
        try:
            size = os.path.getsize(path)
        except OSError:
            size = 0   # the task reports why it cannot be read
        files.append((path, size))
    total = sum(f[1] for f in files if not isinstance(f, Rejection))
    split = max(_MIN_SPLIT_BYTES, total // max(1, target_parts))
    tasks: list[Task] = []
    for f in files:
        if isinstance(f, Rejection):
            tasks.append(Task(len(tasks), f.source, reason=f.reason))
            continue
        path, size = f
        parts = min(target_parts, -(-size // split)) if size > 1.5 * split else 1
        tasks.extend(Task(len(tasks) + p, path, p, parts, size=size // parts) for p in range(parts))
    # contiguous slices, cut when a slice reaches its share of the bytes (at least one task each)
    slices: list[list[Task]] = []
    share = max(_MIN_SLICE_BYTES, sum(t.size for t in tasks) // max(1, target_parts))
    current, weight = [], 0
    for t in tasks:
        current.append(t)
        weight += max(t.size, 1)
        if weight >= share:
            slices.append(current)
            current, weight = [], 0
    if current:
        slices.append(current)
    return tasks, slices


def _jsonl_text(path: str, data: bytes) -> str | None:
    """The decoded text when ``read_file`` would read ``data`` as JSON Lines, else None."""
    if not data.strip() or binary_kind(data):
        return None
    try:
        text, _encoding = decode(data)
    except UnicodeError:
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if sniff_format(text, path) == "jsonl" else None


def _read_task(task: Task, max_bytes: int, parse_html: bool) -> Iterator[RawDocument | Rejection]:
    """The items of one task, as ``ingest.iter_inputs`` gives them for its file (or its part)."""
    if task.reason is not None:
        yield Rejection(task.path, task.reason)
        return
    data = read_bytes(task.path, max_bytes)
    if isinstance(data, Rejection):
        if task.part == 0:
            yield data
        return
    try:
        text = _jsonl_text(task.path, data) if task.parts > 1 else None
        if text is not None:
            # Lines outside this part become blank (JSON Lines readers skip blank lines), so
            # line numbers, hashes and sources are the whole file's. A line belongs to the part
            # its first character falls in.
            lines = text.split("\n")
            lo = len(text) * task.part // task.parts
            hi = len(text) * (task.part + 1) // task.parts if task.part < task.parts - 1 else len(text) + 1
            kept, offset = [], 0
            for line in lines:
                kept.append(line if lo <= offset < hi else "")
                offset += len(line) + 1
            yield from read_jsonl("\n".join(kept), task.path, parse_html)
        elif task.part == 0:
            yield from read_file(task.path, data, parse_html)
    except Exception as exc:  # as iter_inputs: a reader bug is reported by file, the run goes on
        yield Rejection(task.path, f"could not be read ({type(exc).__name__}: {exc})")


def _line_group(raw: RawDocument) -> str:
    from ..pipeline import _line_group as group
    return group(raw)


# -- Parquet files written by tasks ---------------------------------------------------------------

def _write_table(table: "pa.Table", path: Path) -> None:
    """Write atomically: a retried task replaces its earlier attempt, a failed one leaves nothing."""
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)


# -- step 1: scan ------------------------------------------------------------------------------------

def _scan_partition(index: int, slices: Iterable[list[Task]], max_bytes: int, work: str) -> Iterator[int]:
    """Writes (task, input_hash, group, line keys) for every item with a hash; group and keys
    only for plain-text items (the lines the local build's scan counts). Yields the row count."""
    import pyarrow as pa

    cols: dict[str, list] = {"task": [], "input_hash": [], "grp": [], "keys": []}
    for tasks in slices:
        for task in tasks:
            for item in _read_task(task, max_bytes, parse_html=False):
                if not item.input_hash:
                    continue
                plain = isinstance(item, RawDocument) and not item.is_html
                cols["task"].append(task.idx)
                cols["input_hash"].append(item.input_hash)
                cols["grp"].append(_line_group(item) if plain else None)
                cols["keys"].append(sorted({line_key(line) for line in item.body.split("\n") if line.strip()})
                                    if plain else None)
    _write_table(pa.table(cols, schema=_scan_schema()), Path(work) / "scan" / f"part-{index:05d}.parquet")
    yield len(cols["task"])


def _scan_schema():
    import pyarrow as pa
    return pa.schema([("task", pa.int32()), ("input_hash", pa.string()), ("grp", pa.string()),
                      ("keys", pa.list_(pa.string()))])


# -- step 2: clean -------------------------------------------------------------------------------------

# What became of one item (one row each, ``rows/``): kind is one of
#   rejected        ingest rejected it (written to inputs when it has a hash)
#   known_rejected  a Rejection whose input is known: reported, not written again
#   known_doc       a known input that gave a document (known_id): read, unchanged
#   was_rejected    an article whose input was rejected before: read, reported with the old reason
#   clean_rejected  the cleaner rejected it: read, reported, written
#   doc             cleaned into a document (doc_id)
def _row_schema():
    import pyarrow as pa
    return pa.schema([("task", pa.int32()), ("seq", pa.int32()), ("kind", pa.string()), ("input_hash", pa.string()),
                      ("source", pa.string()), ("line", pa.int32()), ("reason", pa.string()), ("doc_id", pa.string()),
                      ("known_id", pa.string())])


def _known_for(tasks: list[Task], known_file: str | None) -> dict[str, tuple[str, str | None, str | None]]:
    """input_hash -> (status, reason, doc_id) of the known inputs among these tasks' items."""
    if not known_file or not tasks:
        return {}
    import pyarrow.parquet as pq

    table = pq.read_table(known_file, filters=[("task", ">=", tasks[0].idx), ("task", "<=", tasks[-1].idx)])
    cols = [table.column(c).to_pylist() for c in ("input_hash", "status", "reason", "doc_id")]
    return {h: (s, r, d) for h, s, r, d in zip(*cols)}


def _clean_partition(index: int, slices: Iterable[list[Task]], max_bytes: int, today: date, min_chars: int,
                     repeated: Any, known_file: str | None, rows_dir: str,
                     only: Any = None) -> Iterator[tuple[int, int, Document]]:
    """Read with HTML parsing, skip known inputs, clean. Writes one row per item to
    ``rows_dir`` and yields the cleaned documents as (task, item number, document).
    ``only``: a broadcast set of (task, item number): clean just these, as unknown."""
    import pyarrow as pa

    rows: list[tuple] = []
    groups = repeated.value
    wanted = only.value if only is not None else None
    for tasks in slices:
        known = _known_for(tasks, known_file) if wanted is None else {}
        for task in tasks:
            for seq, item in enumerate(_read_task(task, max_bytes, parse_html=True)):
                if wanted is not None and (task.idx, seq) not in wanted:
                    continue
                status = known.get(item.input_hash) if item.input_hash else None
                if isinstance(item, Rejection):
                    kind = "known_rejected" if status else "rejected"
                    rows.append((task.idx, seq, kind, item.input_hash, item.source, item.line, item.reason, None, None))
                    continue
                if status:
                    if status[0] == "rejected":
                        rows.append((task.idx, seq, "was_rejected", item.input_hash, item.source, item.line,
                                     status[1], None, None))
                    else:
                        rows.append((task.idx, seq, "known_doc", item.input_hash, item.source, item.line, None, None,
                                     status[2]))
                    continue
                doc = clean(item, today=today, repeated=groups.get(_line_group(item), frozenset()),
                            min_chars=min_chars)
                if isinstance(doc, Rejection):
                    rows.append((task.idx, seq, "clean_rejected", doc.input_hash, doc.source, doc.line, doc.reason,
                                 None, None))
                else:
                    rows.append((task.idx, seq, "doc", doc.input_hash, doc.source, item.line, None, doc.id, None))
                    yield task.idx, seq, doc
    schema = _row_schema()
    columns = list(zip(*rows)) if rows else [[] for _ in schema]
    _write_table(pa.table(dict(zip(schema.names, map(list, columns))), schema=schema),
                 Path(rows_dir) / f"part-{index:05d}.parquet")


# -- step 3: resolve (driver, DuckDB) -------------------------------------------------------------------

# Input order as one comparable value.
_BEFORE = "({a}.task < {b}.task OR ({a}.task = {b}.task AND {a}.seq < {b}.seq))"


def _resolve(con) -> None:
    """Which cleaned documents the local build would keep, given the run's rows (``_rows``).

    ``pipeline._process`` goes item by item: a document whose id an earlier document of the
    run has, or the store has at that moment, is an alias; otherwise it is written, and
    replaces the document its source had (in the run, or in the store: deleted then, with the
    inputs that point to it). Here the same in sets: ``_del`` holds the stored documents
    deleted and when (the first new document of their source), ``_docs`` every cleaned
    document with ``exists_then``, ``_cand`` the written ones with the next one of their
    source (``next_task``, ``next_seq``: when it is replaced). Deleting a stored document can
    turn a later copy of it from alias into document, which can delete another stored
    document: repeated until nothing changes."""
    con.execute("CREATE OR REPLACE TEMP TABLE _del (id VARCHAR, t_task INTEGER, t_seq INTEGER)")
    previous: list | None = None
    while True:
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _docs AS
            SELECT r.*, (r.doc_id IN (SELECT id FROM documents))
                        AND (d.id IS NULL OR {_BEFORE.format(a="r", b="d")}) AS exists_then
            FROM _rows r LEFT JOIN (SELECT id, t_task AS task, t_seq AS seq FROM _del) d ON d.id = r.doc_id
            WHERE r.kind = 'doc'""")
        con.execute("""CREATE OR REPLACE TEMP TABLE _cand AS
            SELECT *, row_number() OVER w AS source_rank, lead(task) OVER w AS next_task, lead(seq) OVER w AS next_seq,
                   source IN (SELECT source FROM documents) AS stored_source
            FROM (SELECT *, row_number() OVER (PARTITION BY doc_id ORDER BY task, seq) AS id_rank
                  FROM _docs WHERE NOT exists_then)
            WHERE id_rank = 1
            WINDOW w AS (PARTITION BY source ORDER BY task, seq)""")
        deleted = con.execute("""SELECT d.id, c.task, c.seq FROM documents d
                                 JOIN _cand c ON c.source = d.source AND c.source_rank = 1
                                 ORDER BY ALL""").fetchall()
        if deleted == previous:
            return
        previous = deleted
        con.execute("DELETE FROM _del")
        if deleted:
            con.executemany("INSERT INTO _del VALUES (?, ?, ?)", deleted)


def _revived(con) -> list[tuple[int, int]]:
    """Known inputs whose document was deleted before their turn: the local build reads
    them as new (their inputs row went with the document)."""
    return con.execute(f"""SELECT r.task, r.seq FROM _rows r JOIN (SELECT id, t_task AS task, t_seq AS seq FROM _del) d
                           ON r.known_id = d.id WHERE r.kind = 'known_doc' AND {_BEFORE.format(a="d", b="r")}
                           ORDER BY ALL""").fetchall()


# -- step 4: analyse + extract ---------------------------------------------------------------------------

def _analyse_partition(index: int, docs: Iterable[tuple[int, int, Document]], model: str, batch_size: int,
                       out_dir: str, skip: Any) -> Iterator[dict[str, int]]:
    """Analyse and extract the documents that stay, a batch at a time, writing their records
    (``<out_dir>/<table>/part-<index>.parquet``); yields rows written per table."""
    from ..store.parquet_io import PartWriter, batch_tables
    from .local import process_documents

    dropped = skip.value
    writer = PartWriter(out_dir, f"part-{index:05d}")

    def flush(batch: list[Document]) -> None:
        results = process_documents(batch, model, batch_size)
        writer.write(batch_tables(batch, [a for a, _ in results], [x for _, x in results]))

    try:
        batch: list[Document] = []
        for idx, seq, doc in docs:
            if (idx, seq) in dropped:
                continue
            batch.append(doc)
            if len(batch) >= batch_size:
                flush(batch)
                batch = []
        if batch:
            flush(batch)
        yield writer.close()
    except BaseException:
        writer.abort()
        raise


# -- the build ---------------------------------------------------------------------------------------------

def build_spark(paths: Iterable[str], options: Options = Options(), master: str = "local[2]",
                parquet_dir: str | None = None, *, spark: "SparkSession | None" = None) -> "BuildReport":
    """Build (or update) the store at ``options.db`` from ``paths`` with Spark; the store ends
    as a local build's would. ``parquet_dir`` (default ``<db>.parquet``) keeps this run's new
    documents, records and inputs as Parquet (see ``store/parquet_io.py``). ``spark``: a
    session to use (left running); otherwise one is started on ``master`` and stopped after."""
    from .. import pipeline
    from ..pipeline import BuildReport, _store_files
    from ..store import Store
    from ..store.parquet_io import load_parquet
    from .spark_link import link_stories_spark

    paths = list(paths)
    if STDIN in paths:
        raise UsageError("the Spark engine reads files only, not stdin ('-'); save the input to a file first")
    started = time.perf_counter()
    today = date.fromisoformat(options.reference_date) if options.reference_date else date.today()
    report = BuildReport(db=options.db)
    out = Path(parquet_dir or default_parquet_dir(options.db))
    store = Store(options.db)   # the write lock first: a busy store fails before Spark starts
    own_spark = spark is None and _no_active_session()
    try:
        spark = spark or spark_session(master)
        _reset(out)
        target = max(1, spark.sparkContext.defaultParallelism) * _PARTS_PER_CORE
        tasks, slices = _plan(paths, _store_files(options), [str(out)], target)
        if tasks:
            _run(spark, store, tasks, slices, options, today, out, report)
            clock = _Clock()
            load_parquet(store, out)
            clock.lap("load into the store")
        # the local build's steps after its batches, with stories and near-duplicates on Spark
        def stories_on_spark(st: "Store") -> str:
            clock = _Clock()
            how = link_stories_spark(spark, st, out / _WORK / "link")
            clock.lap(f"stories and near-duplicates {how}")
            return how

        clock = _Clock()
        pipeline.link_documents(store, options, report, link_stories=stories_on_spark)
        clock.lap("cross-document steps (peer dates, entities, stories, fusion)")
    finally:
        for tmp in _TEMP_TABLES:
            try:
                store.con.execute(f"DROP TABLE IF EXISTS {tmp}")
            except Exception:
                pass
        store.close()
        shutil.rmtree(out / _WORK, ignore_errors=True)
        if own_spark and spark is not None:
            spark.stop()
    report.seconds = time.perf_counter() - started
    return report


_WORK = "_work"
_TEMP_TABLES = ("_rows", "_docs", "_cand", "_del", "_alias")   # the run's scratch files, beside the Parquet tables


class _Clock:
    def __init__(self, what: str | None = None):
        self.last = time.perf_counter()
        if what:
            log.info(what)

    def lap(self, what: str) -> None:
        now = time.perf_counter()
        log.info("%s (%.1f s)", what, now - self.last)
        self.last = now


def _no_active_session() -> bool:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return True
    return SparkSession.getActiveSession() is None


def _reset(out: Path) -> None:
    """Empty the Parquet folder of an earlier run (only the folders this engine writes)."""
    from ..store.parquet_io import TABLES

    for name in (*TABLES, "replaced", _WORK):
        shutil.rmtree(out / name, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)


def _files(folder: Path) -> str:
    """A DuckDB list literal of the Parquet files in ``folder``."""
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in sorted(folder.glob("*.parquet"))) + "]"


def _run(spark: "SparkSession", store: "Store", tasks: list[Task], slices: list[list[Task]], options: Options,
         today: date, out: Path, report: "BuildReport") -> None:
    from pyspark import StorageLevel

    sc = spark.sparkContext
    con = store.con
    thresholds = _boilerplate_rules().t
    max_bytes, model, batch_size, min_chars = options.max_file_bytes, options.model, options.batch_size, options.min_chars
    work = out / _WORK
    work_dir = str(work)
    slice_rdd = sc.parallelize(slices, len(slices))   # one slice (a list of tasks) per partition
    clock = _Clock(f"{len(tasks)} read tasks in {len(slices)} partitions")

    # 1. scan: the job writes every item's hash and, for plain text, its line keys; the store
    #    takes the new items' keys as line_stats (as the local scan does) and says which
    #    lines each group repeats; those few keys are broadcast.
    slice_rdd.mapPartitionsWithIndex(lambda i, it: _scan_partition(i, it, max_bytes, work_dir)).collect()
    scan = f"read_parquet({_files(work / 'scan')})"
    with store.transaction():
        con.execute(f"""INSERT OR IGNORE INTO line_stats
                        SELECT DISTINCT grp, line_key, input_hash FROM (
                            SELECT grp, UNNEST(keys) AS line_key, input_hash FROM {scan}
                            WHERE keys IS NOT NULL AND input_hash NOT IN (SELECT input_hash FROM inputs))""")
    repeated: dict[str, set[str]] = {}
    for grp, key in con.execute(
            """SELECT grp, line_key FROM line_stats GROUP BY grp, line_key
               HAVING COUNT(*) >= ? OR (COUNT(*) >= ? AND len(string_split(line_key, ' ')) <= ?)""",
            [thresholds["repeated_min_docs"], thresholds["repeated_short_min_docs"],
             thresholds["repeated_short_words"]]).fetchall():
        repeated.setdefault(grp, set()).add(key)
    repeated_b = sc.broadcast({g: frozenset(keys) for g, keys in repeated.items()})
    # Known inputs per task, for the clean step to skip: a file the tasks read their share of.
    known_file = work / "known.parquet"
    con.execute(f"""COPY (SELECT DISTINCT s.task, s.input_hash, i.status, i.reason, i.doc_id FROM {scan} s
                          JOIN inputs i USING (input_hash) ORDER BY s.task)
                    TO '{_sql(known_file)}' (FORMAT PARQUET)""")
    has_known = con.execute(f"SELECT COUNT(*) FROM read_parquet('{_sql(known_file)}')").fetchone()[0] > 0
    known_path = str(known_file) if has_known else None
    clock.lap(f"scan: {sum(len(v) for v in repeated.values())} repeated lines in {len(repeated)} groups")

    # 2. clean: documents stay on the executors (persisted); one row per item comes to rows/.
    def clean_pass(rdd, rows_dir: Path, only=None):
        target = str(rows_dir)
        docs = rdd.mapPartitionsWithIndex(lambda i, it: _clean_partition(
            i, it, max_bytes, today, min_chars, repeated_b, known_path, target, only))
        docs.persist(StorageLevel.MEMORY_AND_DISK)
        docs.count()
        return docs

    cleaned = [clean_pass(slice_rdd, work / "rows" / "0")]
    con.execute(f"CREATE OR REPLACE TEMP TABLE _rows AS SELECT * FROM read_parquet({_files(work / 'rows' / '0')})")
    clock.lap("clean")

    # 3. resolve, in input order (task, item number), as pipeline._process does item by item;
    #    known inputs whose document an earlier new one replaces are read again, as there.
    passes = 0
    while True:
        _resolve(con)
        revive = _revived(con)
        if not revive:
            break
        passes += 1
        only = sc.broadcast(set(revive))
        by_idx = {task.idx: task for task in tasks}
        again = sorted({idx for idx, _seq in revive})
        rows_dir = work / "rows" / str(passes)
        cleaned.append(clean_pass(sc.parallelize([[by_idx[i]] for i in again], len(again)), rows_dir, only))
        new_rows = f"read_parquet({_files(rows_dir)})"
        con.execute(f"""DELETE FROM _rows WHERE EXISTS (SELECT 1 FROM {new_rows} n
                                                         WHERE n.task = _rows.task AND n.seq = _rows.seq)""")
        con.execute(f"INSERT INTO _rows SELECT * FROM {new_rows}")
        clock.lap(f"clean again: {len(revive)} known inputs whose document was replaced")
    counts = dict(con.execute("SELECT kind, COUNT(*) FROM _rows GROUP BY kind").fetchall())
    con.execute("""CREATE OR REPLACE TEMP TABLE _alias AS SELECT * FROM _docs d
                   WHERE NOT EXISTS (SELECT 1 FROM _cand c WHERE c.task = d.task AND c.seq = d.seq)""")
    n_aliases = con.execute("SELECT COUNT(*) FROM _alias").fetchone()[0]
    # A later document of a source this run already gave one replaces it and counts as nothing new.
    report.updated, report.new, n_candidates = con.execute(
        """SELECT COUNT(*) FILTER (WHERE source_rank = 1 AND stored_source),
                  COUNT(*) FILTER (WHERE source_rank = 1 AND NOT stored_source), COUNT(*) FROM _cand""").fetchone()
    report.read = sum(counts.get(k, 0) for k in ("known_doc", "was_rejected", "clean_rejected", "doc"))
    report.unchanged = counts.get("known_doc", 0) + n_aliases
    cur = con.execute("""SELECT source, reason, line, input_hash FROM _rows
                         WHERE kind IN ('rejected', 'known_rejected', 'was_rejected', 'clean_rejected')
                         ORDER BY task, seq""")
    while chunk := cur.fetchmany(10_000):
        report.rejections.extend(Rejection(*r) for r in chunk)
    # Analysed and written: the documents no later one replaces. The rest are skipped.
    skip = {(task, seq) for task, seq in con.execute(
        """SELECT task, seq FROM _docs EXCEPT SELECT task, seq FROM _cand WHERE next_task IS NULL""").fetchall()}
    skip_b = sc.broadcast(skip)
    # inputs: the written documents; aliases, unless their document is deleted after them
    # (the local build deletes the inputs pointing to a replaced document); the inputs of a
    # document a later one of its source replaces in this run point to the source's last one;
    # new rejections with a hash. One row per hash: the first in input order. replaced:
    # stored documents deleted (load_parquet removes them first).
    (out / "inputs").mkdir(parents=True, exist_ok=True)
    con.execute(f"""COPY (
        WITH kills AS (SELECT doc_id AS id, next_task AS task, next_seq AS seq FROM _cand WHERE next_task IS NOT NULL
                       UNION ALL SELECT id, t_task, t_seq FROM _del),
             moved AS (SELECT c.doc_id AS id, c.task AS c_task, c.seq AS c_seq, c.input_hash, c.source,
                              c.next_task AS task, c.next_seq AS seq, f.doc_id AS final_id
                       FROM _cand c JOIN _cand f ON f.source = c.source AND f.next_task IS NULL
                       WHERE c.next_task IS NOT NULL)
        SELECT input_hash, source, line, status, doc_id, reason FROM (
            SELECT *, row_number() OVER (PARTITION BY input_hash ORDER BY task, seq) AS n FROM (
                SELECT task, seq, input_hash, source, NULL::INTEGER AS line, 'doc' AS status, doc_id,
                       NULL::VARCHAR AS reason FROM _cand WHERE next_task IS NULL
                UNION ALL
                SELECT c_task, c_seq, input_hash, source, NULL, 'doc', final_id, NULL FROM moved
                UNION ALL
                SELECT a.task, a.seq, a.input_hash, a.source, NULL, 'doc', m.final_id, NULL FROM _alias a
                JOIN moved m ON m.id = a.doc_id AND {_BEFORE.format(a="a", b="m")}
                UNION ALL
                SELECT task, seq, input_hash, source, NULL, 'doc', doc_id, NULL FROM _alias a
                WHERE NOT EXISTS (SELECT 1 FROM kills k WHERE k.id = a.doc_id AND {_BEFORE.format(a="a", b="k")})
                UNION ALL
                SELECT task, seq, input_hash, source, line, 'rejected', NULL, reason FROM _rows
                WHERE kind IN ('rejected', 'clean_rejected') AND input_hash IS NOT NULL))
        WHERE n = 1) TO '{_sql(out / "inputs" / "inputs.parquet")}' (FORMAT PARQUET)""")
    (out / "replaced").mkdir(parents=True, exist_ok=True)
    con.execute(f"COPY (SELECT DISTINCT id FROM _del) TO '{_sql(out / 'replaced' / 'replaced.parquet')}' (FORMAT PARQUET)")
    for tmp in _TEMP_TABLES:
        con.execute(f"DROP TABLE {tmp}")
    clock.lap(f"resolve: {n_candidates} documents, {n_aliases} aliases, {len(skip)} not analysed")

    # 4. analyse + extract, writing Parquet from the tasks
    out_dir = str(out)
    docs = cleaned[0] if len(cleaned) == 1 else sc.union(cleaned)
    written = docs.mapPartitionsWithIndex(
        lambda i, it: _analyse_partition(i, it, model, batch_size, out_dir, skip_b)).collect()
    for rdd in cleaned:
        rdd.unpersist()
    skip_b.destroy()
    repeated_b.destroy()
    clock.lap(f"analyse + extract: {sum(w.get('documents', 0) for w in written)} documents written")


def _sql(path: Path) -> str:
    return str(path).replace("'", "''")
