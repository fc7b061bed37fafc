"""Run the stages: ingest -> clean -> analyse -> extract -> link -> store."""
from __future__ import annotations

import contextlib
import hashlib
import json
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
from .link.entities import EntityRow, link_entities
from .link.fusion import Report, figure_conflicts, fuse_events, quote_events, story_title, utterances
from .link.dedup import originals
from .link.stories import Settings, StoryDoc, StoryIndex
from .link.peerdate import PeerCandidate, peer_dates
from .model import Document, RawDocument, Rejection
from .options import Options
from .store import FusionPart, Store
from .store.snapshot import Publisher

__all__ = ["build", "BuildReport", "Progress", "scan_items", "process_items", "link_documents"]


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
    stories: str = ""            # how stories were linked: "incremental, N added" or "rebuilt (why)"

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    def as_dict(self) -> dict:
        return {"db": self.db, "read": self.read, "new": self.new, "updated": self.updated,
                "unchanged": self.unchanged, "rejected": self.rejected, "peer_dated": self.peer_dated, "stories": self.stories,
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

        def items(parse_html: bool):
            return iter_inputs(paths, options.max_file_bytes, parse_html=parse_html, exclude=_store_files(options))

        # 1. scan: count every new plain-text item's lines per outlet, so the cleaner knows
        #    which lines an outlet repeats before it cleans any of them
        total = scan_items(items(False), store)
        progress.start(total)
        # 2. clean, analyse, extract and store new items, one transaction per batch; readers
        #    get a snapshot now and then on the way (snapshot.Publisher bounds the cost)
        publisher = Publisher(store, min_gap=5.0)
        process_items(items(True), options, store, today, report, progress, on_commit=publisher.changed_and_maybe)
        # 3-5. link across documents (every engine runs the same steps)
        link_documents(store, options, report)
    finally:
        progress.stop()
        if own_store:
            store.close()   # publishes the final snapshot
        if stdin_copy:
            os.unlink(stdin_copy)
    report.seconds = time.perf_counter() - started
    return report


def link_documents(store: Store, options: Options, report: BuildReport,
                   link_stories: Callable[[Store], str] | None = None) -> None:
    """The cross-document steps that follow the per-document stages, for every engine.
    ``link_stories``: how step 5 runs (default: in this process, incrementally; the Spark
    engine passes its own, which gives the same stories)."""
    # 3. undated articles borrow the date of a dated report of the same happening
    report.peer_dated = _date_from_peers(store, options)
    # 4. one entity per person or organisation across documents
    _link_entities(store)
    # 5. near-duplicates and stories (all coverage of one happening), incrementally
    report.stories = (link_stories or _link_stories)(store)
    # 6. one event per happening and one id per utterance, across the story's documents
    fuse(store)


def _store_files(options: Options) -> list[str]:
    """The store and what lives beside it (never read as articles when the store sits among them)."""
    return [options.db + suffix for suffix in ("", ".wal", ".tmp", ".snapshots", ".search")]


def _spool_stdin(paths: Sequence[str]) -> str | None:
    """stdin is read twice (scan, then process), so it is copied to a temporary file first."""
    if STDIN not in paths:
        return None
    fd, name = tempfile.mkstemp(prefix="annalist-stdin-")
    with os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(sys.stdin.buffer, out)
    return name


def scan_items(items: Iterable[RawDocument | Rejection], store: Store) -> int:
    """Record which lines each new plain-text item holds (boilerplate statistics); returns
    how many items there are."""
    total = 0
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


def process_items(items: Iterable[RawDocument | Rejection], options: Options, store: Store, today: date,
                  report: BuildReport, progress: Progress | None = None, engine: LocalEngine | None = None,
                  on_commit: Callable[[], None] | None = None, should_stop: Callable[[], bool] | None = None) -> bool:
    """Clean, analyse, extract and store ``items`` that are new, one transaction per batch.

    ``engine``: a running LocalEngine to reuse (else one is started for the call);
    ``on_commit`` runs after each committed batch; ``should_stop`` is asked after each
    one, and True ends the run there. Returns False when it was stopped early."""
    progress = progress or Progress()
    thresholds = _boilerplate_rules().t
    repeated_cache: dict[str, frozenset[str]] = {}
    # Documents of this run by id and source: batches in flight are not in the store yet.
    run_ids: set[str] = set()
    run_sources: dict[str, str] = {}                       # source -> doc id
    run_inputs: dict[str, list[tuple[str, str]]] = {}      # doc id -> its inputs (hash, source) of this run

    def repeated(group: str) -> frozenset[str]:
        if group not in repeated_cache:
            repeated_cache[group] = store.repeated_lines(
                group, thresholds["repeated_min_docs"], thresholds["repeated_short_min_docs"],
                thresholds["repeated_short_words"])
        return repeated_cache[group]

    def batches():
        for chunk in _chunks(items, options.batch_size):
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
                    run_inputs.setdefault(doc.id, []).append((doc.input_hash, doc.source))
                    report.unchanged += 1
                    continue
                earlier_doc = run_sources.get(doc.source)
                if earlier_doc:
                    # Two items of this run share a source (JSON lines with one url): the later
                    # wins, and every input of the earlier one points to it, whichever batch
                    # it came in, so a rerun skips them all instead of flipping back.
                    if any(d.id == earlier_doc for d in batch.docs):
                        batch.docs = [d for d in batch.docs if d.id != earlier_doc]
                    else:
                        batch.replaced.append(earlier_doc)
                    moved = run_inputs.pop(earlier_doc, [])
                    batch.aliases = [a for a in batch.aliases if a[2] != earlier_doc]
                    batch.aliases += [(h, src, doc.id) for h, src in moved]
                    run_inputs[doc.id] = moved
                    run_ids.discard(earlier_doc)
                else:
                    old = previous.get(doc.source)
                    report.updated += old is not None
                    report.new += old is None
                    if old:
                        batch.replaced.append(old)
                batch.docs.append(doc)
                run_ids.add(doc.id)
                run_sources[doc.source] = doc.id
                run_inputs.setdefault(doc.id, []).append((doc.input_hash, doc.source))
            yield batch, batch.docs

    # Analyse and extract where the engine says; write here, in input order, one
    # transaction per batch (the store has one writer).
    with (contextlib.nullcontext(engine) if engine is not None else
          LocalEngine(options.model, options.batch_size, options.workers)) as running:
        for batch, results in running.run(batches()):
            store.write_batch(batch.docs, [a for a, _ in results], rejections=batch.rejected,
                              aliases=batch.aliases, replaced=batch.replaced,
                              extractions=[x for _, x in results])
            progress.advance(batch.size)
            if on_commit:
                on_commit()
            if should_stop and should_stop():
                return False
    return True


def _chunks(items: Iterable, size: int):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# What story clustering sees of a document besides its text, title and day (StoryDoc): its
# own names (the fullest form it uses), not the cross-document ones, which change as the
# corpus grows (a document's vectors must not), and the days of the events it reports.
STORY_NAMES = """SELECT doc_id, list(DISTINCT name ORDER BY name) AS names FROM entities
                 WHERE type IN ('PERSON', 'ORG', 'GPE', 'LOC') GROUP BY doc_id"""
STORY_EVENT_DAYS = """SELECT doc_id, list(date ORDER BY date) AS event_days FROM events
                      WHERE date_precision = 'day' AND status = 'reported' AND NOT negated GROUP BY doc_id"""
STORY_DAY = "CASE WHEN published_precision = 'day' THEN published END"


def _link_stories(store: Store) -> str:
    """Near-duplicates and stories. The story index is saved in the store with the stories it
    gave; a later build adds only its new documents to it (``link.stories``: the same stories
    as one build over everything). The index is rebuilt when an indexed document changed what
    clustering sees (text, day, names, event days; peer dating can change a day) or left the
    store. Returns what was done, for the build report."""
    con = store.con
    # What clustering sees of each document, without fetching every text: a digest of it.
    rows = con.execute(f"""SELECT id, md5(coalesce(title, '') || chr(0) || text), {STORY_DAY}
                           FROM documents ORDER BY id""").fetchall()
    names = dict(con.execute(STORY_NAMES).fetchall())
    event_days = dict(con.execute(STORY_EVENT_DAYS).fetchall())
    seen = {i: (tuple(names.get(i, ())), tuple(event_days.get(i, ()))) for i, _d, _p in rows}
    prints = {i: hashlib.sha1(json.dumps([digest, pub, *seen[i]]).encode("utf-8")).hexdigest()
              for i, digest, pub in rows}
    index, saved, how = _saved_story_index(store, prints)
    new_ids = sorted(set(prints) - set(saved))
    if new_ids:
        texts = dict(((i, (t, ti)) for i, t, ti in con.execute(
            "SELECT id, text, title FROM documents WHERE id IN (SELECT UNNEST(?))", [new_ids]).fetchall()))
        pubs = {i: pub for i, _d, pub in rows}
        index.add([StoryDoc(i, texts[i][0], texts[i][1], pubs[i], *seen[i]) for i in new_ids])
    how += f", {len(new_ids)} added" if how.startswith("incremental") else ""
    published = {i: pub for i, _d, pub in rows}
    duplicate_of = originals(index.duplicate_pairs(), published)
    ids = [i for i, _d, _p in rows]
    links = pa.table({"id": ids, "story_id": [index.story_of(i) for i in ids],
                      "duplicate_of": [duplicate_of.get(i) for i in ids]},
                     schema=pa.schema([("id", pa.string()), ("story_id", pa.string()), ("duplicate_of", pa.string())]))
    write_story_links(store, links, (index.to_bytes(), json.dumps(prints)) if rows else None)
    return how


def write_story_links(store: Store, links: "pa.Table | str", state: tuple[bytes, str] | None) -> None:
    """Give every document the story and original of ``links`` (an Arrow table, or SQL for a
    relation, of ``id, story_id, duplicate_of``, one row per document), set the records' stories and
    write the stories table, in one transaction. ``state``: the story index and its
    fingerprints to keep for the next build (None: nothing kept, the next local build
    rebuilds it). Every engine ends here, so the stored stories do not depend on which ran."""
    con = store.con
    with store.transaction():
        con.execute("CREATE OR REPLACE TEMP TABLE _old_story AS "
                    "SELECT id AS doc_id, story_id FROM documents WHERE story_id IS NOT NULL")
        con.execute("UPDATE documents SET story_id = NULL, duplicate_of = NULL")
        con.execute("DELETE FROM stories")
        con.execute("DELETE FROM link_state WHERE name = 'stories'")
        if isinstance(links, pa.Table):
            con.register("_links", links)
        try:
            con.execute(f"""UPDATE documents SET story_id = l.story_id, duplicate_of = l.duplicate_of
                            FROM {'_links' if isinstance(links, pa.Table) else links} l WHERE documents.id = l.id""")
        finally:
            if isinstance(links, pa.Table):
                con.unregister("_links")
        for table in ("events", "quotes", "agreements"):
            con.execute(f"UPDATE {table} SET story_id = d.story_id FROM documents d WHERE {table}.doc_id = d.id")
        # A story's date is its first day of coverage; its title, the headline of its first report
        # (fusion replaces it with one written from the story's main event).
        con.execute("""
            INSERT INTO stories (id, doc_ids, date, date_precision, title, event_ids, outlets)
            SELECT d.story_id,
                   list(d.id ORDER BY d.published NULLS LAST, d.id),
                   min(d.published) FILTER (WHERE d.published_precision = 'day'),
                   CASE WHEN min(d.published) FILTER (WHERE d.published_precision = 'day') IS NULL THEN NULL ELSE 'day' END,
                   coalesce(arg_min(d.title, coalesce(d.published, '9999') || d.id) FILTER (WHERE d.title IS NOT NULL),
                            arg_min(left(split_part(d.text, chr(10), 1), 120), d.id)),
                   [],
                   list_sort(list(DISTINCT d.outlet) FILTER (WHERE d.outlet IS NOT NULL))
            FROM documents d WHERE d.story_id IS NOT NULL GROUP BY d.story_id""")
        if state is not None:
            con.execute("INSERT INTO link_state VALUES ('stories', ?, ?)", list(state))
        _record_story_aliases(con)


def _record_story_aliases(con) -> None:
    """Point every story id that went away at the story now holding most of its documents
    (the smallest id on a tie), and earlier aliases of it along with it."""
    con.execute("""CREATE OR REPLACE TEMP TABLE _moves AS
        SELECT old_id, first(new_id ORDER BY n DESC, new_id) AS new_id FROM (
            SELECT o.story_id AS old_id, d.story_id AS new_id, count(*) AS n
            FROM _old_story o JOIN documents d ON d.id = o.doc_id
            WHERE d.story_id IS NOT NULL AND o.story_id NOT IN (SELECT id FROM stories)
            GROUP BY ALL)
        GROUP BY old_id""")
    con.execute("UPDATE story_aliases SET new_id = m.new_id FROM _moves m WHERE story_aliases.new_id = m.old_id")
    con.execute("INSERT OR REPLACE INTO story_aliases SELECT old_id, new_id FROM _moves")
    con.execute("DELETE FROM story_aliases WHERE old_id IN (SELECT id FROM stories)")
    con.execute("DROP TABLE _moves")
    con.execute("DROP TABLE _old_story")


def _saved_story_index(store: Store, prints: dict[str, str]) -> tuple[StoryIndex, dict[str, str], str]:
    """The saved index if it still describes the stored documents, else a new one."""
    row = store.con.execute("SELECT value, fingerprints FROM link_state WHERE name = 'stories'").fetchone()
    if row is None:
        return StoryIndex(), {}, "rebuilt (no saved index)"
    saved = json.loads(row[1])
    changed = sum(prints.get(i) != p for i, p in saved.items())
    if changed:
        return StoryIndex(), {}, f"rebuilt ({changed} indexed documents changed or left)"
    try:
        index = StoryIndex.from_bytes(row[0])
    except (ValueError, KeyError, OSError) as exc:
        return StoryIndex(), {}, f"rebuilt (saved index unreadable: {exc})"
    if index.settings != Settings.default():
        return StoryIndex(), {}, "rebuilt (clustering settings changed)"
    return index, saved, "incremental"


# Documents per fusion part: the records of whole stories are read, fused and written a part at
# a time, so memory does not grow with the store (every record at once was 2.1 GB at 100k).
FUSION_PART_DOCS = 2000


def fuse(store: Store) -> None:
    """Fuse the stored records across documents (one event per happening, utterance ids,
    conflicts, story titles) from the current stories. Part of every build; public for stores
    whose records or stories were written by other means."""
    rows = store.con.execute("""SELECT id, story_id, CASE WHEN published_precision = 'day' THEN published END,
                                       outlet, duplicate_of FROM documents""").fetchall()
    reports = {i: Report(i, story, pub, outlet, dup or i) for i, story, pub, outlet, dup in rows}
    store.replace_fusion_parts(_fusion_part(store, reports, doc_ids)
                               for doc_ids in _whole_stories(rows, FUSION_PART_DOCS))


def _whole_stories(rows: Sequence[tuple], size: int):
    """Lists of about ``size`` document ids, never splitting a story (a document without one is
    its own): fusion looks only within a story."""
    part, key = [], None
    for doc_id, story, *_ in sorted(rows, key=lambda r: (r[1] or f"doc:{r[0]}", r[0])):
        here = story or f"doc:{doc_id}"
        if len(part) >= size and here != key:
            yield part
            part = []
        part.append(doc_id)
        key = here
    if part:
        yield part


def _fusion_part(store: Store, reports: dict[str, Report], doc_ids: list[str]) -> FusionPart:
    events = store.events(doc_ids)
    fused = fuse_events(events, reports)
    fused_of = {m: f.id for f in fused for m in f.mention_ids}
    quotes = store.quotes(doc_ids)
    by_story: dict[str, list] = {}
    for f in fused:
        by_story.setdefault(f.story_id, []).append(f)
    titles = {sid: t for sid, evs in by_story.items() if sid and (t := story_title(evs))}
    return FusionPart(fused, utterances(quotes, reports), quote_events(quotes, events, fused_of),
                      figure_conflicts(store.amounts(doc_ids), reports), titles)


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
    # A batch at a time: parsed documents are large, their extractions small.
    extractions = [extract(d, sp) for chunk in _chunks(redo, options.batch_size)
                   for d, (_a, sp) in zip(chunk, analyse_batch(chunk, options.model, options.batch_size))]
    store.set_published(updates, extractions)
    return len(borrowed)
