"""store: the DuckDB file. One writer; readers open it read-only.

Every build batch is written in one transaction, so a run killed at any point leaves
either the whole batch or none of it, and the rerun redoes only what is missing. The writer
publishes read snapshots (snapshot.py) that readers such as ``serve`` use instead of the
store itself, so they never stand in the writer's way."""
from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import json
from dataclasses import asdict, dataclass, field, fields, is_dataclass

import duckdb
import pyarrow as pa

from ..errors import SchemaError, StoreError
from ..model import (Actor, Amount, Analysis, DatedValue, DateMention, Document, Event, Evidence, Extraction,
                     FusedEvent, Location, Quote, Rejection)
from .schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["Store", "open_store", "FusionPart", "SCHEMA_VERSION"]

_DOC_COLUMNS = [
    "id", "source", "origin", "format", "outlet", "title", "url",
    "published", "published_precision", "published_from", "published_confidence", "published_basis", "published_peer",
    "own_published", "own_precision", "own_from", "own_confidence", "own_basis",
    "dateline", "text", "boilerplate_removed", "language", "story_id", "duplicate_of", "input_hash",
]
_DEPENDENT_TABLES = ("sentences", "entity_mentions", "dates", "entities", "events", "quotes", "amounts", "agreements")
# Extraction record lists -> tables; nested values (actors, evidence, mentions) become JSON text.
_RECORD_TABLES = {"dates": "dates", "entities": "entities", "events": "events", "quotes": "quotes",
                  "amounts": "amounts", "agreements": "agreements"}
_LIST_COLUMNS = {"aliases", "entities", "parties", "mention_ids", "doc_ids", "outlets"}


@dataclass
class FusionPart:
    """What fusion gives for some whole stories: their fused events, the utterance and event of
    each of their quotes, their figure conflicts and their titles."""

    fused: list[FusedEvent]
    utterance_of: dict[str, str]
    event_of_quote: dict[str, str]
    story_conflicts: dict[str, list]
    story_titles: dict[str, str] = field(default_factory=dict)


def open_store(path: str | Path = ":memory:", read_only: bool = False) -> "Store":
    return Store(path, read_only=read_only)


class Store:
    """A DuckDB-backed store of documents and the records derived from them.

    Opened for writing, it waits up to ``lock_wait`` seconds for another process to let go
    of the store (a reader's short look, or the end of another build), then fails with a
    StoreError naming the store and the process holding it. Closing a store opened for
    writing publishes a read snapshot (see snapshot.py)."""

    snapshot: Path | None = None    # set when the store is a published snapshot

    def __init__(self, path: str | Path = ":memory:", read_only: bool = False, lock_wait: float = 10.0):
        self.path = str(path)
        if read_only and self.path != ":memory:" and not Path(self.path).exists():
            raise StoreError(f"{self.path}: no such store (run 'annalist build' first)")
        deadline = time.monotonic() + (0.0 if read_only else lock_wait)
        while True:
            try:
                self.con = duckdb.connect(self.path, read_only=read_only)
                break
            except duckdb.Error as exc:
                locked = "lock" in str(exc).lower()
                if locked and time.monotonic() < deadline:
                    time.sleep(0.1)
                    continue
                if locked and not read_only:
                    raise StoreError(f"{self.path}: another process is using the store and only one can write it "
                                     f"at a time ({exc})") from exc
                how = "read" if read_only else "write"
                raise StoreError(f"{self.path}: cannot open the store to {how} it ({exc})") from exc
        self.read_only = read_only
        self._commits = 0          # transactions committed by this Store object
        self._published = -1       # ... as of the last published snapshot
        try:
            self._migrate()
        except BaseException:
            self.con.close()
            raise

    @classmethod
    def over(cls, con: duckdb.DuckDBPyConnection, path: str | Path, snapshot: Path | None = None) -> "Store":
        """A read-only Store over a connection someone else opened (a snapshot's cursor)."""
        self = cls.__new__(cls)
        self.path, self.con, self.read_only, self.snapshot = str(path), con, True, snapshot
        self._commits, self._published = 0, 0
        version = self.schema_version()
        if version != SCHEMA_VERSION:
            raise StoreError(f"{snapshot or path}: schema version {version}, this annalist reads {SCHEMA_VERSION}")
        return self

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        """Close; a store opened for writing first publishes its read snapshot. When an
        exception is already on its way, a failure to publish does not replace it."""
        try:
            if self._writes_file() and self._published != self._commits:
                try:
                    self.publish_snapshot()
                except StoreError:
                    if sys.exc_info()[0] is None:
                        raise
        finally:
            self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _writes_file(self) -> bool:
        return not self.read_only and self.path != ":memory:"

    def publish_snapshot(self) -> Path | None:
        """Publish the committed state for readers (call between transactions)."""
        if not self._writes_file():
            return None
        from .snapshot import publish_file

        path = publish_file(self.con, self.path)
        self._published = self._commits
        return path

    def schema_version(self) -> int:
        try:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except duckdb.CatalogException:
            return 0
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise SchemaError(f"{self.path}: schema version {current} is newer than this annalist "
                              f"understands ({SCHEMA_VERSION}); upgrade annalist")
        if current == SCHEMA_VERSION:
            return
        if self.read_only:
            raise StoreError(f"{self.path}: schema version {current} needs migrating; open it for writing once")
        with self.transaction():
            for version, statements in MIGRATIONS:
                if version > current:
                    for sql in statements:
                        self.con.execute(sql)
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])

    def transaction(self):
        return _Transaction(self)

    # -- what has been seen ----------------------------------------------------------------
    def known_inputs(self, hashes: Iterable[str]) -> set[str]:
        hashes = list(set(hashes))
        if not hashes:
            return set()
        rows = self.con.execute("SELECT input_hash FROM inputs WHERE input_hash IN (SELECT UNNEST(?))", [hashes]).fetchall()
        return {r[0] for r in rows}

    def input_status(self, hashes: Iterable[str]) -> dict[str, tuple[str, str | None]]:
        """input_hash -> (status, reason) for the inputs already seen."""
        hashes = list(set(hashes))
        if not hashes:
            return {}
        rows = self.con.execute("SELECT input_hash, status, reason FROM inputs WHERE input_hash IN (SELECT UNNEST(?))",
                                [hashes]).fetchall()
        return {h: (s, r) for h, s, r in rows}

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        ids = list(set(ids))
        if not ids:
            return set()
        rows = self.con.execute("SELECT id FROM documents WHERE id IN (SELECT UNNEST(?))", [ids]).fetchall()
        return {r[0] for r in rows}

    def ids_by_source(self, sources: Iterable[str]) -> dict[str, str]:
        sources = list(set(sources))
        if not sources:
            return {}
        rows = self.con.execute("SELECT source, id FROM documents WHERE source IN (SELECT UNNEST(?))", [sources]).fetchall()
        return dict(rows)

    # -- line statistics for boilerplate -----------------------------------------------------
    def add_line_stats(self, rows: Sequence[tuple[str, str, str]]) -> None:
        if not rows:
            return
        table = pa.table({"grp": [r[0] for r in rows], "line_key": [r[1] for r in rows],
                          "input_hash": [r[2] for r in rows]})
        with self.transaction():
            self.con.register("_line_rows", table)
            self.con.execute("INSERT OR IGNORE INTO line_stats SELECT DISTINCT * FROM _line_rows")
            self.con.unregister("_line_rows")

    def repeated_lines(self, group: str, min_docs: int, short_min_docs: int, short_words: int) -> frozenset[str]:
        rows = self.con.execute(
            """SELECT line_key FROM line_stats WHERE grp = ? GROUP BY line_key
               HAVING COUNT(*) >= ? OR (COUNT(*) >= ? AND len(string_split(line_key, ' ')) <= ?)""",
            [group, min_docs, short_min_docs, short_words]).fetchall()
        return frozenset(r[0] for r in rows)

    # -- writing -------------------------------------------------------------------------------
    def write_batch(self, docs: Sequence[Document], analyses: Sequence[Analysis],
                    rejections: Sequence[Rejection] = (), aliases: Sequence[tuple[str, str, str]] = (),
                    replaced: Sequence[str] = (), dates: Sequence[DateMention] = (),
                    extractions: Sequence[Extraction] = ()) -> None:
        """Write one batch in one transaction.

        ``aliases``: (input_hash, source, doc_id) for inputs whose document already exists;
        ``replaced``: ids of documents whose source now has new content (removed first)."""
        with self.transaction():
            for doc_id in replaced:
                self._delete_document(doc_id)
            if docs:
                self._insert("documents", _documents_table(docs))
            sent_rows = [(a.doc_id, i, s.start, s.end) for a in analyses for i, s in enumerate(a.sentences)]
            if sent_rows:
                self._insert("sentences", pa.table(dict(zip(["doc_id", "idx", "start", "end"], zip(*sent_rows)))))
            ent_rows = [(a.doc_id, i, e.start, e.end, e.label, e.text) for a in analyses for i, e in enumerate(a.entities)]
            if ent_rows:
                self._insert("entity_mentions", pa.table(dict(zip(
                    ["doc_id", "idx", "start", "end", "label", "text"], zip(*ent_rows)))))
            if dates:
                self._insert("dates", _records_table(dates))
            for attr, table in _RECORD_TABLES.items():
                records = [r for x in extractions for r in getattr(x, attr)]
                if records:
                    self._insert(table, _records_table(records))
            inputs = [(d.input_hash, d.source, None, "doc", d.id, None) for d in docs]
            inputs += [(h, s, None, "doc", i, None) for h, s, i in aliases]
            inputs += [(r.input_hash, r.source, r.line, "rejected", None, r.reason) for r in rejections if r.input_hash]
            if inputs:
                table = pa.table(dict(zip(["input_hash", "source", "line", "status", "doc_id", "reason"], zip(*inputs))),
                                 schema=pa.schema([("input_hash", pa.string()), ("source", pa.string()), ("line", pa.int32()),
                                                   ("status", pa.string()), ("doc_id", pa.string()), ("reason", pa.string())]))
                self.con.register("_inputs", table)
                self.con.execute("INSERT OR REPLACE INTO inputs SELECT DISTINCT ON (input_hash) * FROM _inputs")
                self.con.unregister("_inputs")

    def _insert(self, table: str, data: pa.Table) -> None:
        self.con.register("_batch", data)
        cols = ", ".join(f'"{c}"' for c in data.column_names)
        self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _batch")
        self.con.unregister("_batch")

    def _delete_document(self, doc_id: str) -> None:
        for table in _DEPENDENT_TABLES:
            self.con.execute(f"DELETE FROM {table} WHERE doc_id = ?", [doc_id])
        self.con.execute("DELETE FROM inputs WHERE doc_id = ?", [doc_id])
        self.con.execute("DELETE FROM documents WHERE id = ?", [doc_id])

    def set_published(self, updates: Sequence[tuple[str, DatedValue | None, str | None]],
                      extractions: Sequence[Extraction] = ()) -> None:
        """Replace the final publication date of documents, (doc_id, date, peer doc id), and
        the extraction records that were resolved against the old date."""
        with self.transaction():
            for x in extractions:
                for table in _RECORD_TABLES.values():
                    self.con.execute(f"DELETE FROM {table} WHERE doc_id = ?", [x.doc_id])
            for attr, table in _RECORD_TABLES.items():
                records = [r for x in extractions for r in getattr(x, attr)]
                if records:
                    self._insert(table, _records_table(records))
            for doc_id, dv, peer in updates:
                self.con.execute(
                    """UPDATE documents SET published = ?, published_precision = ?, published_from = ?,
                       published_confidence = ?, published_basis = ?, published_peer = ? WHERE id = ?""",
                    [dv and dv.value, dv and dv.precision, dv and dv.source, dv and dv.confidence,
                     dv and dv.basis, peer, doc_id])

    def replace_global_entities(self, entities: Sequence) -> None:
        """Swap in a new set of cross-document entities (link.entities.GlobalEntity)."""
        with self.transaction():
            self.con.execute("DELETE FROM global_entities")
            self.con.execute("DELETE FROM entity_links")
            if not entities:
                return
            cols = ["id", "name", "type", "country", "role", "title", "aliases", "mentions", "doc_ids"]
            self._insert("global_entities", pa.table(
                {c: [getattr(e, c) for e in entities] for c in cols},
                schema=pa.schema([(c, pa.list_(pa.string()) if c in ("aliases", "doc_ids") else
                                   pa.int32() if c == "mentions" else pa.string()) for c in cols])))
            links = [(m, e.id) for e in entities for m in e.members]
            self._insert("entity_links", pa.table({"entity_id": [m for m, _ in links], "global_id": [g for _, g in links]}))

    # -- reading -------------------------------------------------------------------------------
    # -- records, for the cross-document steps ----------------------------------------------------
    # ``doc_ids``: only these documents' records (fusion reads whole stories a part at a time).
    @staticmethod
    def _of_docs(doc_ids: Sequence[str] | None) -> tuple[str, list]:
        return ("", []) if doc_ids is None else ("WHERE doc_id IN (SELECT UNNEST(?))", [list(doc_ids)])

    def _global_ids(self, doc_ids: Sequence[str] | None = None) -> dict[str, str]:
        where, params = self._of_docs(doc_ids)
        if where:
            where = f"WHERE entity_id IN (SELECT id FROM entities {where})"
        return dict(self.con.execute(f"SELECT entity_id, global_id FROM entity_links {where}", params).fetchall())

    def events(self, doc_ids: Sequence[str] | None = None) -> list[Event]:
        """Every document's events (or ``doc_ids``'); actors carry their cross-document entity id."""
        ids = self._global_ids(doc_ids)
        where, params = self._of_docs(doc_ids)
        rows = self.con.execute(f"""SELECT id, doc_id, plover, cameo, source, target, trigger, evidence, date,
                                           date_precision, date_from, location, status, mode, negated, summary,
                                           confidence, story_id FROM events {where} ORDER BY id""", params).fetchall()
        return [Event(i, d, pl, ca, _actor(src, ids), _actor(tgt, ids), trig, _evidence(ev), dt, prec, dfrom,
                      Location(**json.loads(loc)) if loc else None, st, mode, bool(neg), summ or "", conf or 0.5, story)
                for i, d, pl, ca, src, tgt, trig, ev, dt, prec, dfrom, loc, st, mode, neg, summ, conf, story in rows]

    def quotes(self, doc_ids: Sequence[str] | None = None) -> list[Quote]:
        ids = self._global_ids(doc_ids)
        where, params = self._of_docs(doc_ids)
        rows = self.con.execute(f"""SELECT id, doc_id, text, direct, speaker, evidence, start, "end", story_id
                                    FROM quotes {where} ORDER BY id""", params).fetchall()
        return [Quote(i, d, t, bool(direct), _actor(sp, ids), _evidence(ev), s or 0, e or 0, story_id=story)
                for i, d, t, direct, sp, ev, s, e, story in rows]

    def amounts(self, doc_ids: Sequence[str] | None = None) -> list[Amount]:
        where, params = self._of_docs(doc_ids)
        rows = self.con.execute(f"""SELECT id, doc_id, text, value, unit, what, qualifier, period, entities, evidence,
                                           start, "end" FROM amounts {where} ORDER BY id""", params).fetchall()
        return [Amount(i, d, t, v, u, w, q, p, list(ents or []), _evidence(ev), s or 0, e or 0)
                for i, d, t, v, u, w, q, p, ents, ev, s, e in rows]

    def replace_fusion(self, fused: Sequence[FusedEvent], utterance_of: dict[str, str],
                       event_of_quote: dict[str, str], story_conflicts: dict[str, list],
                       story_titles: dict[str, str] | None = None) -> None:
        """Swap in the fused events and what points to them, in one transaction."""
        self.replace_fusion_parts([FusionPart(list(fused), utterance_of, event_of_quote, story_conflicts,
                                              story_titles or {})])

    def replace_fusion_parts(self, parts: Iterable["FusionPart"]) -> None:
        """Swap in the fused events and what points to them, in one transaction, a part (whole
        stories) at a time: ``parts`` may be computed as they are written, so that only one part's
        records are in memory."""
        with self.transaction():
            self.con.execute("DELETE FROM fused_events")
            self.con.execute("UPDATE events SET event_id = NULL")
            self.con.execute("UPDATE quotes SET utterance_id = NULL, event_id = NULL")
            self.con.execute("UPDATE stories SET conflicts = NULL")
            for part in parts:
                if part.fused:
                    self._insert("fused_events", _records_table(part.fused))
                self._set_values("events", "event_id", {m: f.id for f in part.fused for m in f.mention_ids})
                self._set_values("quotes", "utterance_id", part.utterance_of)
                self._set_values("quotes", "event_id", part.event_of_quote)
                self._set_values("stories", "conflicts", {k: json.dumps(_plain(v), ensure_ascii=False)
                                                          for k, v in part.story_conflicts.items()})
                # a headline written from the main event; the first report's headline otherwise
                self._set_values("stories", "title", part.story_titles)
            self.con.execute("""UPDATE stories SET event_ids = coalesce(
                                    (SELECT list(f.id ORDER BY f.date NULLS LAST, f.id) FROM fused_events f
                                     WHERE f.story_id = stories.id), [])""")

    def _set_values(self, table: str, column: str, values: dict[str, str]) -> None:
        """Set ``column`` from an id -> value map (rows of other ids keep theirs)."""
        if values:
            self.con.register("_values", pa.table({"id": list(values), "value": list(values.values())}))
            try:
                self.con.execute(f"UPDATE {table} SET {column} = _values.value FROM _values WHERE {table}.id = _values.id")
            finally:
                self.con.unregister("_values")

    def count(self, table: str) -> int:
        return self.con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # table names are ours

    def documents(self, where: str = "", params: Sequence = (), order: str = "published NULLS LAST, outlet, id",
                  limit: int | None = None) -> list[Document]:
        sql = f"SELECT {', '.join(_DOC_COLUMNS)} FROM documents {('WHERE ' + where) if where else ''} ORDER BY {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        cur = self.con.execute(sql, list(params))
        return [_row_to_document(dict(zip(_DOC_COLUMNS, row))) for row in cur.fetchall()]

    def document(self, id_or_prefix: str) -> Document | None:
        found = self.documents("id LIKE ? || '%'", [id_or_prefix.replace("%", "")], limit=2)
        return found[0] if len(found) == 1 else None

    def sentences(self, doc_id: str) -> list[tuple[int, int]]:
        return self.con.execute('SELECT start, "end" FROM sentences WHERE doc_id = ? ORDER BY idx', [doc_id]).fetchall()

    def entity_mentions(self, doc_id: str) -> list[tuple[int, int, str, str]]:
        return self.con.execute('SELECT start, "end", label, text FROM entity_mentions WHERE doc_id = ? ORDER BY idx',
                                [doc_id]).fetchall()

    def own_dates(self) -> list[tuple[str, DatedValue | None]]:
        rows = self.con.execute(
            "SELECT id, own_published, own_precision, own_from, own_confidence, own_basis FROM documents ORDER BY id").fetchall()
        return [(r[0], DatedValue(r[1], r[2], r[3], r[4], r[5]) if r[1] else None) for r in rows]

    def rejections(self) -> list[tuple[str, int | None, str]]:
        return self.con.execute(
            "SELECT source, line, reason FROM inputs WHERE status = 'rejected' ORDER BY source, line").fetchall()


# Errors of the disk or the database file (full disk, read-only file, I/O): the store cannot
# be written. Others (a constraint, a bad query) are bugs and keep their own type.
_STORAGE_ERRORS = (duckdb.IOException, duckdb.TransactionException, duckdb.FatalException,
                   duckdb.PermissionException, duckdb.OutOfMemoryException)


class _Transaction:
    def __init__(self, store: Store):
        self.store, self.con = store, store.con

    def __enter__(self):
        self.con.execute("BEGIN TRANSACTION")
        return self.con

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            try:
                self.con.execute("COMMIT")
            except duckdb.Error as error:
                self._rollback()
                raise StoreError(f"{self.store.path}: cannot write the store ({error}); "
                                 "nothing of this batch was stored") from error
            self.store._commits += 1
            return False
        self._rollback()
        if isinstance(exc, _STORAGE_ERRORS):
            raise StoreError(f"{self.store.path}: cannot write the store ({exc}); "
                             "nothing of this batch was stored") from exc
        return False

    def _rollback(self) -> None:
        try:
            self.con.execute("ROLLBACK")
        except duckdb.Error:
            pass   # the failed COMMIT already ended the transaction


def _documents_table(docs: Sequence[Document]) -> pa.Table:
    def pub(d: Document, attr: str):
        return getattr(d.published, attr) if d.published else None

    columns = {
        "id": [d.id for d in docs], "source": [d.source for d in docs], "origin": [d.origin for d in docs],
        "format": [d.format for d in docs], "outlet": [d.outlet for d in docs], "title": [d.title for d in docs],
        "url": [d.url for d in docs],
        "own_published": [pub(d, "value") for d in docs], "own_precision": [pub(d, "precision") for d in docs],
        "own_from": [pub(d, "source") for d in docs], "own_confidence": [pub(d, "confidence") for d in docs],
        "own_basis": [pub(d, "basis") for d in docs],
        "published": [pub(d, "value") for d in docs], "published_precision": [pub(d, "precision") for d in docs],
        "published_from": [pub(d, "source") for d in docs], "published_confidence": [pub(d, "confidence") for d in docs],
        "published_basis": [pub(d, "basis") for d in docs],
        "dateline": [d.dateline for d in docs], "text": [d.text for d in docs],
        "boilerplate_removed": [list(d.boilerplate_removed) for d in docs], "language": [d.language for d in docs],
        "story_id": [d.story_id for d in docs], "duplicate_of": [d.duplicate_of for d in docs],
        "input_hash": [d.input_hash for d in docs],
    }
    schema = pa.schema([(k, pa.list_(pa.string()) if k == "boilerplate_removed" else
                         pa.float64() if k.endswith("confidence") else pa.string()) for k in columns])
    return pa.table(columns, schema=schema)


def _column(name: str, values: list) -> pa.Array:
    if name in _LIST_COLUMNS:
        return pa.array([[str(v) for v in vs] for vs in values], type=pa.list_(pa.string()))
    sample = next((v for v in values if v is not None), None)
    if sample is None or is_dataclass(sample) or isinstance(sample, (list, dict, tuple)):
        return pa.array([None if v is None else json.dumps(_plain(v), ensure_ascii=False) for v in values],
                        type=pa.string())
    return pa.array(values)


def _plain(value):
    if is_dataclass(value):
        return asdict(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _records_table(records: Sequence) -> pa.Table:
    """Dataclass records -> an Arrow table with one column per field."""
    names = [f.name for f in fields(records[0])]
    return pa.table({n: _column(n, [getattr(r, n) for r in records]) for n in names})


def _evidence(value: str | None) -> list[Evidence]:
    return [Evidence(**e) for e in json.loads(value)] if value else []


def _actor(value: str | None, global_ids: dict[str, str]) -> Actor | None:
    """An actor from its JSON, its entity id replaced by the cross-document one."""
    if not value:
        return None
    actor = Actor(**json.loads(value))
    if actor.entity_id in global_ids:
        actor = Actor(actor.name, global_ids[actor.entity_id], actor.country, actor.role, actor.title)
    return actor


def _row_to_document(row: dict) -> Document:
    published = None
    if row["published"]:
        published = DatedValue(row["published"], row["published_precision"], row["published_from"],
                               row["published_confidence"], row["published_basis"])
    return Document(
        id=row["id"], source=row["source"], origin=row["origin"], format=row["format"], text=row["text"],
        title=row["title"], outlet=row["outlet"], url=row["url"], published=published, dateline=row["dateline"],
        boilerplate_removed=list(row["boilerplate_removed"] or []), language=row["language"],
        input_hash=row["input_hash"], story_id=row["story_id"], duplicate_of=row["duplicate_of"])
