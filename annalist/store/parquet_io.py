"""The store's tables as Parquet: written away from the store, loaded into it in one go.

An engine that runs the per-document stages on other machines (``engines/spark.py``) cannot
write the DuckDB file (one writer). Its tasks write their documents and records as Parquet
files instead, one file per table and task, with exactly the store's columns and types
(nested values as JSON text, lists as lists: the conversions of ``Store.write_batch``), and
the driver loads them with ``load_parquet`` in one transaction, by the local build's rules:
a document already stored is skipped, a document whose source the store holds under another
id replaces it (and everything derived from it).

Layout of a Parquet folder (any file ``<table>/*.parquet`` is read; hidden files are not)::

    documents/ sentences/ entity_mentions/ dates/ entities/ events/ quotes/ amounts/
    agreements/ inputs/ line_stats/
    replaced/      (one column, id: stored documents to delete first, as replaced ones)
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import StoreError
from ..model import Analysis, Document, Extraction
from . import _DEPENDENT_TABLES, _RECORD_TABLES, Store, _documents_table, _records_table

__all__ = ["RECORD_TABLES", "TABLES", "table_schemas", "conform", "batch_tables", "PartWriter",
           "load_parquet", "LoadResult"]

# Tables written per document (documents first), then the run's bookkeeping tables.
RECORD_TABLES = ("documents",) + _DEPENDENT_TABLES
TABLES = RECORD_TABLES + ("inputs", "line_stats")

_ARROW_TYPES = {"VARCHAR": pa.string(), "JSON": pa.string(), "INTEGER": pa.int32(), "BIGINT": pa.int64(),
                "DOUBLE": pa.float64(), "BOOLEAN": pa.bool_(), "VARCHAR[]": pa.list_(pa.string())}


@cache
def table_schemas() -> dict[str, pa.Schema]:
    """Each table's Arrow schema, read from a fresh store (so it follows the migrations)."""
    with Store(":memory:") as store:
        schemas = {}
        for table in TABLES:
            cols = store.con.execute(f"DESCRIBE {table}").fetchall()
            try:
                schemas[table] = pa.schema([(name, _ARROW_TYPES[kind]) for name, kind, *_ in cols])
            except KeyError as exc:
                raise StoreError(f"table {table}: no Parquet type for DuckDB type {exc}") from exc
        return schemas


def conform(table: str, data: pa.Table) -> pa.Table:
    """``data`` with exactly the store's columns for ``table``, in order, cast to its types;
    columns the records lack are null."""
    schema = table_schemas()[table]
    columns = []
    for fld in schema:
        if fld.name in data.column_names:
            col = data.column(fld.name)
            columns.append(col if col.type == fld.type else col.cast(fld.type))
        else:
            columns.append(pa.nulls(data.num_rows, fld.type))
    return pa.Table.from_arrays(columns, schema=schema)


def batch_tables(docs: Sequence[Document], analyses: Sequence[Analysis],
                 extractions: Sequence[Extraction]) -> dict[str, pa.Table]:
    """One batch's rows per table, as ``Store.write_batch`` would insert them (inputs aside)."""
    out: dict[str, pa.Table] = {}
    if docs:
        out["documents"] = conform("documents", _documents_table(docs))
    sent_rows = [(a.doc_id, i, s.start, s.end) for a in analyses for i, s in enumerate(a.sentences)]
    if sent_rows:
        out["sentences"] = conform("sentences", pa.table(dict(zip(["doc_id", "idx", "start", "end"],
                                                                  map(list, zip(*sent_rows))))))
    ent_rows = [(a.doc_id, i, e.start, e.end, e.label, e.text) for a in analyses for i, e in enumerate(a.entities)]
    if ent_rows:
        out["entity_mentions"] = conform("entity_mentions", pa.table(dict(zip(
            ["doc_id", "idx", "start", "end", "label", "text"], map(list, zip(*ent_rows))))))
    for attr, table in _RECORD_TABLES.items():
        records = [r for x in extractions for r in getattr(x, attr)]
        if records:
            out[table] = conform(table, _records_table(records))
    return out


class PartWriter:
    """Writes one task's share of every table: ``<dir>/<table>/<name>.parquet``, a row group
    per batch. Files appear under their final name only when ``close`` succeeds, so a retried
    task overwrites its own earlier attempt and a failed one leaves nothing readable."""

    def __init__(self, out_dir: str | os.PathLike, name: str):
        self.out_dir, self.name = Path(out_dir), name
        self._writers: dict[str, tuple[pq.ParquetWriter, Path]] = {}
        self.rows: dict[str, int] = {}

    def write(self, tables: dict[str, pa.Table]) -> None:
        for table, data in tables.items():
            if table not in self._writers:
                folder = self.out_dir / table
                folder.mkdir(parents=True, exist_ok=True)
                tmp = folder / f".{self.name}.parquet.{os.getpid()}.tmp"
                self._writers[table] = (pq.ParquetWriter(tmp, table_schemas()[table], compression="zstd"), tmp)
            self._writers[table][0].write_table(data)
            self.rows[table] = self.rows.get(table, 0) + data.num_rows

    def close(self) -> dict[str, int]:
        for table, (writer, tmp) in self._writers.items():
            writer.close()
            os.replace(tmp, tmp.parent / f"{self.name}.parquet")
        self._writers.clear()
        return dict(self.rows)

    def abort(self) -> None:
        for writer, tmp in self._writers.values():
            try:
                writer.close()
            finally:
                tmp.unlink(missing_ok=True)
        self._writers.clear()


@dataclass
class LoadResult:
    inserted: int = 0          # documents added
    skipped: int = 0           # documents the store already held (their records are not loaded)
    replaced: int = 0          # stored documents whose source now has another document
    rows: dict[str, int] | None = None   # rows inserted per table


def _source(parquet_dir: Path, table: str) -> str:
    """A FROM clause with the store's columns of ``table`` from the folder's files (none: empty)."""
    cols = ", ".join(f'"{f.name}"' for f in table_schemas()[table])
    files = sorted(str(p) for p in (parquet_dir / table).glob("*.parquet")) if (parquet_dir / table).is_dir() else []
    if not files:
        return f"(SELECT {cols} FROM {table} WHERE false)"
    listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
    return f"(SELECT {cols} FROM read_parquet([{listed}], union_by_name = true))"


def _delete(con) -> int:
    """Delete the documents in ``_pq_replaced`` with everything derived from them and the
    inputs pointing to them (``Store._delete_document``); returns how many."""
    for table in _DEPENDENT_TABLES:
        con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT id FROM _pq_replaced)")
    con.execute("DELETE FROM inputs WHERE doc_id IN (SELECT id FROM _pq_replaced)")
    return con.execute("DELETE FROM documents WHERE id IN (SELECT id FROM _pq_replaced)").fetchone()[0]


def load_parquet(store: Store, parquet_dir: str | os.PathLike) -> LoadResult:
    """Insert a Parquet folder (see the module doc) into ``store`` in one transaction.

    Documents whose id is stored already are skipped with their records; a stored document
    whose source a loaded document has (under another id) is deleted first with everything
    derived from it and the inputs pointing to it, as ``Store.write_batch`` does for
    ``replaced``; so is every document named in ``replaced/``, before anything else. ``inputs``
    rows replace those with the same hash; ``line_stats`` rows are added when new."""
    folder = Path(parquet_dir)
    con = store.con
    result = LoadResult(rows={})
    cols = {t: ", ".join(f'"{f.name}"' for f in table_schemas()[t]) for t in TABLES}
    with store.transaction():
        con.execute(f"CREATE OR REPLACE TEMP TABLE _pq_docs AS SELECT id, source FROM {_source(folder, 'documents')}")
        dup = con.execute("SELECT id FROM _pq_docs GROUP BY id HAVING COUNT(*) > 1 LIMIT 1").fetchone()
        if dup:
            raise StoreError(f"{folder}: document {dup[0]} appears twice in the Parquet files")
        # named replacements first (a document may be replaced and then written again)
        replaced = sorted(str(p) for p in (folder / "replaced").glob("*.parquet")) if (folder / "replaced").is_dir() else []
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in replaced)
        con.execute("CREATE OR REPLACE TEMP TABLE _pq_replaced AS " + (
            f"SELECT DISTINCT id FROM read_parquet([{listed}]) WHERE id IN (SELECT id FROM documents)" if replaced
            else "SELECT id FROM documents WHERE false"))
        result.replaced = _delete(con)
        con.execute("CREATE OR REPLACE TEMP TABLE _pq_new AS SELECT id, source FROM _pq_docs "
                    "WHERE id NOT IN (SELECT id FROM documents)")
        # then those whose source a new document has
        con.execute("""CREATE OR REPLACE TEMP TABLE _pq_replaced AS SELECT DISTINCT d.id FROM documents d
                       JOIN _pq_new n ON d.source = n.source AND d.id <> n.id""")
        result.replaced += _delete(con)
        result.skipped = con.execute("SELECT COUNT(*) FROM _pq_docs").fetchone()[0] - \
            con.execute("SELECT COUNT(*) FROM _pq_new").fetchone()[0]
        for table in RECORD_TABLES:
            key = "id" if table == "documents" else "doc_id"
            n = con.execute(f"INSERT INTO {table} ({cols[table]}) SELECT {cols[table]} FROM {_source(folder, table)} "
                            f"WHERE {key} IN (SELECT id FROM _pq_new)").fetchone()[0]
            result.rows[table] = n
        result.inserted = result.rows["documents"]
        result.rows["inputs"] = con.execute(
            f"INSERT OR REPLACE INTO inputs ({cols['inputs']}) SELECT DISTINCT ON (input_hash) {cols['inputs']} "
            f"FROM {_source(folder, 'inputs')}").fetchone()[0]
        result.rows["line_stats"] = con.execute(
            f"INSERT OR IGNORE INTO line_stats ({cols['line_stats']}) SELECT DISTINCT {cols['line_stats']} "
            f"FROM {_source(folder, 'line_stats')}").fetchone()[0]
        for tmp in ("_pq_docs", "_pq_new", "_pq_replaced"):
            con.execute(f"DROP TABLE {tmp}")
    return result
