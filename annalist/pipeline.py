"""Run the stages: ingest -> clean -> analyse -> extract -> link -> store."""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa

from .analyse import analyse_batch
from .engines.local import LocalEngine
from .clean import clean, line_key
from .clean.boilerplate import _rules as _boilerplate_rules
from .extract import extract
from .ingest import STDIN, iter_inputs
from .link.dedup import DedupIndex
from .link.entities import EntityRow, link_entities
from .link.stories import StoryDoc, cluster
from .link.peerdate import PeerCandidate, peer_dates
from .model import Document, RawDocument, Rejection
from .options import Options
from .store import Store

__all__ = ["build", "BuildReport", "Progress"]


class Progress:
    """Callbacks the CLI implements to draw a progress bar; the default draws nothing."""

    def start(self, total: int) -> None: ...
    def advance(self, n: int = 1) -> None: ...
    def stop(self) -> None: ...


@dataclass
class BuildReport:
    db: str
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    seconds: float = 0.0
    peer_dated: int = 0

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    def as_dict(self) -> dict:
        return {"db": self.db, "read": self.read, "new": self.new, "updated": self.updated,
                "unchanged": self.unchanged, "rejected": self.rejected, "peer_dated": self.peer_dated,
                "seconds": round(self.seconds, 3),
                "rejections": [{"source": r.source, "line": r.line, "reason": r.reason} for r in self.rejections]}


def _line_group(raw: RawDocument) -> str:
    """Boilerplate repeats per outlet; without an outlet, per folder or file."""
    if raw.outlet:
        return "outlet:" + raw.outlet.strip().lower()
    return "dir:" + (os.path.dirname(raw.origin) if raw.format == "text" else raw.origin)


def build(paths: Iterable[str], options: Options = Options(), progress: Progress | None = None,
          store: Store | None = None) -> BuildReport:
    """Build (or update) the store at ``options.db`` from ``paths``; see BuildReport."""
    progress = progress or Progress()
    today = date.fromisoformat(options.reference_date) if options.reference_date else date.today()
    report = BuildReport(db=options.db)
    started = time.perf_counter()
    own_store = store is None
    store = store or Store(options.db)
    paths = list(paths)
    stdin_copy = _spool_stdin(paths)
    try:
        if stdin_copy:
            paths = [stdin_copy if p == STDIN else p for p in paths]
        # 1. scan: count every new plain-text item's lines per outlet, so the cleaner knows
        #    which lines an outlet repeats before it cleans any of them
        total = _scan(paths, options, store)
        progress.start(total)
        # 2. clean, analyse, extract and store new items, one transaction per batch
        _process(paths, options, store, today, report, progress)
        # 3-5. link across documents (every engine runs the same steps)
        link_documents(store, options, report)
    finally:
        progress.stop()
        if own_store:
            store.close()
        if stdin_copy:
            os.unlink(stdin_copy)
    report.seconds = time.perf_counter() - started
    return report


def link_documents(store: Store, options: Options, report: BuildReport) -> None:
    """The cross-document steps that follow the per-document stages, for every engine."""
    # 3. undated articles borrow the date of a dated report of the same happening
    report.peer_dated = _date_from_peers(store, options)
    # 4. one entity per person or organisation across documents
    _link_entities(store)
    # 5. near-duplicates and stories (all coverage of one happening)
    _link_stories(store)


def _store_files(options: Options) -> list[str]:
    return [options.db, options.db + ".wal", options.db + ".tmp"]


def _spool_stdin(paths: Sequence[str]) -> str | None:
    """stdin is read twice (scan, then process), so it is copied to a temporary file first."""
    if STDIN not in paths:
        return None
    fd, name = tempfile.mkstemp(prefix="annalist-stdin-")
    with os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(sys.stdin.buffer, out)
    return name


def _scan(paths: Sequence[str], options: Options, store: Store) -> int:
    total = 0
    items = iter_inputs(paths, options.max_file_bytes, parse_html=False, exclude=_store_files(options))
    for chunk in _chunks((x for x in items if isinstance(x, RawDocument)), 1000):
        total += len(chunk)
        known = store.known_inputs(x.input_hash for x in chunk)
        rows = []
        for raw in chunk:
            if raw.is_html or raw.input_hash in known:
                continue
            group = _line_group(raw)
            rows.extend((group, key, raw.input_hash) for key in {line_key(line) for line in raw.body.split("\n") if line.strip()})
        store.add_line_stats(rows)
    return total


@dataclass
class _Batch:
    """What one store transaction writes, besides the documents' analyses and extractions."""

    docs: list[Document] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    aliases: list[tuple[str, str, str]] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    skipped: int = 0   # already-known inputs, for the progress bar

    @property
    def size(self) -> int:
        return len(self.docs) + len(self.aliases) + len(self.rejected) + self.skipped


def _process(paths: Sequence[str], options: Options, store: Store, today: date,
             report: BuildReport, progress: Progress) -> None:
    thresholds = _boilerplate_rules().t
    repeated_cache: dict[str, frozenset[str]] = {}
    # Documents of this run by id and source: batches in flight are not in the store yet.
    run_ids: set[str] = set()
    run_sources: dict[str, str] = {}

    def repeated(group: str) -> frozenset[str]:
        if group not in repeated_cache:
            repeated_cache[group] = store.repeated_lines(
                group, thresholds["repeated_min_docs"], thresholds["repeated_short_min_docs"],
                thresholds["repeated_short_words"])
        return repeated_cache[group]

    def batches():
        inputs = iter_inputs(paths, options.max_file_bytes, exclude=_store_files(options))
        for chunk in _chunks(inputs, options.batch_size):
            batch = _Batch()
            status = store.input_status(x.input_hash for x in chunk if x.input_hash)
            cleaned: list[Document] = []
            for item in chunk:
                known = status.get(item.input_hash) if item.input_hash else None
                if isinstance(item, Rejection):
                    report.rejections.append(item)
                    if known:
                        batch.skipped += 1
                    else:
                        batch.rejected.append(item)
                    continue
                report.read += 1
                if known:
                    if known[0] == "rejected":  # named by file and line, as clean() names it
                        where = item.origin if item.line is not None else item.source
                        report.rejections.append(Rejection(where, known[1], item.line, item.input_hash))
                    else:
                        report.unchanged += 1
                    batch.skipped += 1
                    continue
                doc = clean(item, today=today, repeated=repeated(_line_group(item)), min_chars=options.min_chars)
                if isinstance(doc, Rejection):
                    report.rejections.append(doc)
                    batch.rejected.append(doc)
                else:
                    cleaned.append(doc)
            # One look-up per chunk: which documents exist already, which sources had another one.
            existing = store.existing_ids(d.id for d in cleaned)
            previous = store.ids_by_source(d.source for d in cleaned)
            for doc in cleaned:
                if doc.id in run_ids or doc.id in existing:
                    batch.aliases.append((doc.input_hash, doc.source, doc.id))
                    report.unchanged += 1
                    continue
                old = run_sources.get(doc.source) or previous.get(doc.source)
                report.updated += old is not None
                report.new += old is None
                if old:
                    batch.replaced.append(old)
                batch.docs.append(doc)
                run_ids.add(doc.id)
                run_sources[doc.source] = doc.id
            yield batch, batch.docs

    # Analyse and extract where the engine says; write here, in input order, one
    # transaction per batch (the store has one writer).
    with LocalEngine(options.model, options.batch_size, options.workers) as engine:
        for batch, results in engine.run(batches()):
            store.write_batch(batch.docs, [a for a, _ in results], rejections=batch.rejected,
                              aliases=batch.aliases, replaced=batch.replaced,
                              extractions=[x for _, x in results])
            progress.advance(batch.size)


def _chunks(items: Iterable, size: int):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _link_stories(store: Store) -> None:
    """Near-duplicates and stories over every stored document. Both are deterministic
    functions of the documents (``link.stories`` explains why), so recomputing them equals
    attaching new documents to the old stories."""
    con = store.con
    rows = con.execute("SELECT id, text, title, published, published_precision FROM documents ORDER BY id").fetchall()
    names = dict(con.execute("""SELECT l.doc_id, list(DISTINCT g.name ORDER BY g.name) FROM entities l
                                JOIN entity_links k ON k.entity_id = l.id JOIN global_entities g ON g.id = k.global_id
                                GROUP BY l.doc_id""").fetchall())
    event_days = dict(con.execute("""SELECT doc_id, list(date ORDER BY date) FROM events
                                     WHERE date_precision = 'day' AND status = 'reported' AND NOT negated
                                     GROUP BY doc_id""").fetchall())
    docs = [StoryDoc(i, text, title, pub if prec == "day" else None, tuple(names.get(i, ())), tuple(event_days.get(i, ())))
            for i, text, title, pub, prec in rows]
    # The earlier report is the original: add in publication order, undated last.
    by_time = sorted(docs, key=lambda d: (d.published or "9999", d.doc_id))
    duplicate_of = DedupIndex().add(by_time)
    stories = cluster(docs)
    with store.transaction():
        con.execute("UPDATE documents SET story_id = NULL, duplicate_of = NULL")
        con.execute("DELETE FROM stories")
        if not docs:
            return
        con.register("_links", pa.table({"id": [d.doc_id for d in docs],
                                         "story_id": [stories.get(d.doc_id) for d in docs],
                                         "duplicate_of": [duplicate_of.get(d.doc_id) for d in docs]}))
        con.execute("""UPDATE documents SET story_id = _links.story_id, duplicate_of = _links.duplicate_of
                       FROM _links WHERE documents.id = _links.id""")
        con.unregister("_links")
        for table in ("events", "quotes", "agreements"):
            con.execute(f"UPDATE {table} SET story_id = d.story_id FROM documents d WHERE {table}.doc_id = d.id")
        # A story's date is its first day of coverage; its title, the headline of its first report.
        con.execute("""
            INSERT INTO stories
            SELECT d.story_id,
                   list(d.id ORDER BY d.published NULLS LAST, d.id),
                   min(d.published) FILTER (WHERE d.published_precision = 'day'),
                   CASE WHEN min(d.published) FILTER (WHERE d.published_precision = 'day') IS NULL THEN NULL ELSE 'day' END,
                   coalesce(arg_min(d.title, coalesce(d.published, '9999') || d.id) FILTER (WHERE d.title IS NOT NULL),
                            arg_min(left(split_part(d.text, chr(10), 1), 120), d.id)),
                   coalesce((SELECT list(e.id ORDER BY e.id) FROM events e WHERE e.story_id = d.story_id), []),
                   list_sort(list(DISTINCT d.outlet) FILTER (WHERE d.outlet IS NOT NULL))
            FROM documents d WHERE d.story_id IS NOT NULL GROUP BY d.story_id""")


def _link_entities(store: Store) -> None:
    rows = store.con.execute(
        "SELECT id, doc_id, name, type, country, role, title, aliases, json_array_length(mentions) FROM entities").fetchall()
    store.replace_global_entities(link_entities(
        EntityRow(i, d, n, t, c, r, ti, tuple(a or ()), m or 0) for i, d, n, t, c, r, ti, a, m in rows))


def _date_from_peers(store: Store, options: Options) -> int:
    own = store.own_dates()
    needy = {doc_id for doc_id, dv in own if dv is None or dv.precision != "day"}
    if not needy:
        return 0
    texts = dict(store.con.execute("SELECT id, text FROM documents").fetchall())
    candidates = [PeerCandidate(doc_id, texts[doc_id], dv) for doc_id, dv in own]
    borrowed = peer_dates(candidates)
    current = {d.id: d for d in store.documents(f"id IN (SELECT UNNEST(?))", [sorted(needy)])}
    updates = []
    for doc_id in needy:
        new = borrowed.get(doc_id)
        now = current[doc_id]
        value = new[0] if new else dict(own)[doc_id]
        if (now.published.value if now.published else None, now.published and now.published.basis) != \
                (value.value if value else None, value and value.basis):
            updates.append((doc_id, value, new[1] if new else None))
    # Dates and events were resolved against the old date: extract those documents again.
    changed = {doc_id: value for doc_id, value, _peer in updates}
    redo = [d for d in current.values() if d.id in changed]
    for d in redo:
        d.published = changed[d.id]
    analysed = analyse_batch(redo, options.model, options.batch_size)
    store.set_published(updates, [extract(d, sp) for d, (_a, sp) in zip(redo, analysed)])
    return len(borrowed)
