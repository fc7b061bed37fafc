"""watch: follow folders and ingest what arrives, batch by batch, for as long as it runs.

Each poll lists the folders and compares every file with what the store says was read of
it (``watch_files``): unchanged files are skipped without reading; new and changed files
are read whole once they have stopped changing (the same size and modification time at two
polls, or not modified for one interval); JSON Lines files are followed by their tail, from
the byte offset read so far, so a growing file is never read again from the start, and a
last line without its newline waits until it is complete.

What one poll found is one batch: it goes through the build's own steps (scan lines for
boilerplate, clean, analyse, extract, store in transactions of ``batch_size`` documents),
then the cross-document linking, then a read snapshot is published for ``serve``.

Why a crash loses nothing and duplicates nothing: every item is keyed by its content hash
in ``inputs`` and written in the same transaction as its document, so re-reading a file
skips what is stored. The file offsets are saved only after all of a batch's documents
are committed; a kill before that re-reads from the old offset, and the hashes skip what
was done. Linking is redone at start when the documents changed since it last ran.
"""
from __future__ import annotations

import codecs
import hashlib
import json
import os
import stat as stat_mod
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa

from .engines.local import LocalEngine
from .ingest import STDIN, expand_paths, read_bytes, read_file
from .ingest.readers import read_jsonl
from .ingest.sniff import sniff_format
from .model import RawDocument, Rejection
from .options import Options
from .pipeline import BuildReport, _store_files, link_documents, process_items, scan_items
from .store import Store
from .store.snapshot import Publisher

__all__ = ["watch", "Watcher", "WatchBatch", "WatchReport"]

FINGERPRINT = 4096              # bytes hashed at the head and before the offset of a followed file
HEAD_PEEK = 65536               # bytes read to recognise a JSON Lines file
ROUND_FILES = 1000              # a backlog is taken in batches of at most this many files ...
ROUND_BYTES = 64 * 1024 * 1024  # ... and bytes
_LINKED = "linked_documents"    # meta key: the documents' signature when linking last ran

Item = RawDocument | Rejection


@dataclass
class WatchBatch:
    """What one poll found and did."""

    number: int
    at: datetime
    files: int = 0              # files read (new, changed or grown)
    pending: int = 0            # files still being written: they wait for the next poll
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    linked: bool = False
    stopped: bool = False       # a stop request cut the batch short (what was committed stays)
    more: bool = False          # the backlog goes on: the next poll follows at once
    documents: int = 0          # in the store afterwards
    seconds: float = 0.0

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    @property
    def rate(self) -> float:
        """Documents stored (new or updated) per second."""
        return (self.new + self.updated) / self.seconds if self.seconds > 0 else 0.0

    @property
    def idle(self) -> bool:
        return not (self.files or self.rejections or self.linked)

    def as_dict(self) -> dict:
        return {"batch": self.number, "at": self.at.isoformat(timespec="seconds"), "files": self.files,
                "pending": self.pending, "read": self.read, "new": self.new, "updated": self.updated,
                "unchanged": self.unchanged, "rejected": self.rejected, "linked": self.linked,
                "stopped": self.stopped, "documents": self.documents, "seconds": round(self.seconds, 3),
                "docs_per_second": round(self.rate, 2),
                "rejections": [{"source": r.source, "line": r.line, "reason": r.reason} for r in self.rejections]}


@dataclass
class WatchReport:
    db: str
    batches: int = 0
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    pending: int = 0
    stopped: bool = False

    def add(self, b: WatchBatch) -> None:
        self.batches += not b.idle
        self.read += b.read
        self.new += b.new
        self.updated += b.updated
        self.unchanged += b.unchanged
        self.rejected += b.rejected
        self.pending = b.pending
        self.stopped |= b.stopped

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("db", "batches", "read", "new", "updated", "unchanged", "rejected",
                                              "pending", "stopped")}


@dataclass
class FileState:
    """What has been read of one file (a row of ``watch_files``)."""

    path: str
    size: int
    mtime_ns: int
    inode: int
    format: str                 # "jsonl" (followed by its tail) or "whole"
    offset: int = 0
    newlines: int = 0
    head_hash: str | None = None
    tail_hash: str | None = None

    @property
    def stat_key(self) -> tuple[int, int, int]:
        return self.size, self.mtime_ns, self.inode


@dataclass
class _Read:
    """One file's part of a batch: its items (read twice: scan, then process) and the
    state to save once they are stored."""

    path: str
    bytes: int
    items: Callable[[bool], Iterator[Item]]
    state: FileState


def watch(paths: Iterable[str], options: Options = Options(), interval: float = 2.0, once: bool = False,
          on_batch: Callable[[WatchBatch], None] | None = None, stop: threading.Event | None = None) -> WatchReport:
    """Follow ``paths`` (folders or files) and ingest what arrives into ``options.db`` until
    ``stop`` is set (``once``: until the backlog is done). ``on_batch`` gets every batch
    that did something; see the module's docstring for what is read when."""
    with Watcher(paths, options, interval=interval, stop=stop) as watcher:
        return watcher.run(on_batch, once=once)


class Watcher:
    """The state of one ``watch`` run: the store (its single writer), the engine (its
    worker processes stay up between batches) and what each file looked like last poll."""

    def __init__(self, paths: Iterable[str], options: Options = Options(), interval: float = 2.0,
                 settle: float | None = None, stop: threading.Event | None = None, store: Store | None = None):
        self.paths = [p for p in paths if p != STDIN]
        self.options, self.interval = options, interval
        self.settle = interval if settle is None else settle
        self.stop_event = stop or threading.Event()
        self._own_store = store is None
        self.store = store or Store(options.db)
        self.publisher = Publisher(self.store)
        self.engine: LocalEngine | None = None
        self._engine_cm: LocalEngine | None = None
        self._seen: dict[str, tuple[int, int, int]] = {}     # path -> stat key at the previous poll
        self._state = self._load_state()
        exclude = {os.path.realpath(p) for p in _store_files(options)}
        self._exclude = (exclude, tuple(e + os.sep for e in exclude))
        self._number = 0

    # -- lifecycle ---------------------------------------------------------------------------------
    def __enter__(self) -> "Watcher":
        self._engine_cm = LocalEngine(self.options.model, self.options.batch_size, self.options.workers)
        self.engine = self._engine_cm.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        try:
            if self._engine_cm is not None:
                self._engine_cm.__exit__(None, None, None)
                self._engine_cm = self.engine = None
        finally:
            if self._own_store:
                self.store.close()   # publishes the last snapshot

    def stop(self) -> None:
        """Ask the run to end after the transaction in hand (safe from a signal handler)."""
        self.stop_event.set()

    # -- the loop ----------------------------------------------------------------------------------
    def run(self, on_batch: Callable[[WatchBatch], None] | None = None, once: bool = False) -> WatchReport:
        report = WatchReport(db=self.options.db)
        while not self.stop_event.is_set():
            batch = self.poll()
            report.add(batch)
            if on_batch and not batch.idle:
                on_batch(batch)
            if batch.more:
                continue
            if once:
                break
            self.publisher.maybe()
            self.stop_event.wait(self.interval)
        report.stopped = self.stop_event.is_set()
        return report

    def poll(self) -> WatchBatch:
        """Look once: read what is new, store it, link, publish. Returns the batch."""
        started = time.perf_counter()
        self._number += 1
        batch = WatchBatch(self._number, datetime.now().astimezone())
        reads, batch.pending, batch.more, rejected = self._plan()
        batch.files = len(reads)
        report = BuildReport(db=self.options.db)
        today = date.fromisoformat(self.options.reference_date) if self.options.reference_date else date.today()
        finished = True
        if reads:
            def items(parse_html: bool) -> Iterator[Item]:
                for r in reads:
                    yield from _guarded(r.path, r.items(parse_html))

            scan_items(items(False), self.store)
            finished = process_items(items(True), self.options, self.store, today, report, engine=self.engine,
                                     should_stop=self.stop_event.is_set)
        batch.rejections = rejected + report.rejections
        # Link when documents changed (and at the first poll, if a run died before linking).
        signature = self._signature()
        if signature != self._linked_signature():
            link_documents(self.store, self.options, report)
            self._set_linked(signature)
            batch.linked = True
        if finished:
            self._save_state([r.state for r in reads])
        else:
            batch.stopped, batch.more = True, False
        if reads or batch.linked:
            self.publisher.changed()
            self.publisher.maybe()
        batch.read, batch.new, batch.updated, batch.unchanged = report.read, report.new, report.updated, report.unchanged
        batch.documents = self.store.count("documents")
        batch.seconds = time.perf_counter() - started
        return batch

    # -- what to read --------------------------------------------------------------------------------
    def _plan(self) -> tuple[list[_Read], int, bool, list[Rejection]]:
        reads: list[_Read] = []
        rejected: list[Rejection] = []
        pending, size, now = 0, 0, time.time()
        exact, below = self._exclude
        for path in expand_paths(self.paths):
            if isinstance(path, Rejection):
                continue     # a watched folder that went away: nothing to read there now
            real = os.path.realpath(path)
            if real in exact or real.startswith(below):
                continue
            try:
                st = os.stat(path)
            except OSError:
                continue     # removed between listing and looking
            key = (st.st_size, st.st_mtime_ns, st.st_ino)
            prev = self._state.get(path)
            if prev is not None and prev.stat_key == key:
                continue
            if not stat_mod.S_ISREG(st.st_mode):
                if self._seen.get(path) != key:
                    rejected.append(Rejection(path, "not a regular file (a pipe or device is not read)"))
                self._seen[path] = key
                continue
            settled = self._seen.get(path) == key or now - st.st_mtime >= self.settle
            self._seen[path] = key
            read = self._read(path, st, prev, settled)
            if read is None:
                pending += 1
                continue
            reads.append(read)
            size += read.bytes
            if len(reads) >= ROUND_FILES or size >= ROUND_BYTES:
                return reads, pending, True, rejected
        return reads, pending, False, rejected

    def _read(self, path: str, st: os.stat_result, prev: FileState | None, settled: bool) -> _Read | None:
        """How to read one new or changed file now, or None to wait for it."""
        limit = self.options.max_file_bytes
        state = FileState(path, st.st_size, st.st_mtime_ns, st.st_ino, "whole", offset=st.st_size)
        if st.st_size > limit:
            if not settled:
                return None
            rejection = Rejection(path, f"file is {st.st_size:,} bytes, over the limit of {limit:,} (see --max-file-size)")
            return _Read(path, 0, lambda _html: iter([rejection]), state)
        start = _follow_from(path, prev)
        if start is None and _looks_jsonl(path):
            start = (0, 0)
        if start is not None:
            read = _read_tail(path, st, start[0], start[1], settled)
            if read is not _NOT_UTF8:
                return read   # None: only part of a line was added; it waits for the rest
        if not settled:
            return None
        data = read_bytes(path, limit)
        if isinstance(data, Rejection):
            return _Read(path, 0, lambda _html: iter([data]), state)
        state.size = state.offset = len(data)
        return _Read(path, len(data), lambda parse_html: read_file(path, data, parse_html), state)

    # -- what the store remembers ------------------------------------------------------------------------
    def _load_state(self) -> dict[str, FileState]:
        rows = self.store.con.execute(
            'SELECT path, size, mtime_ns, inode, format, "offset", newlines, head_hash, tail_hash FROM watch_files').fetchall()
        return {r[0]: FileState(*r) for r in rows}

    def _save_state(self, states: list[FileState]) -> None:
        if not states:
            return
        cols = ["path", "size", "mtime_ns", "inode", "format", "offset", "newlines", "head_hash", "tail_hash"]
        table = pa.table({c: [getattr(s, c) for s in states] for c in cols},
                         schema=pa.schema([(c, pa.int64() if c in ("size", "mtime_ns", "inode", "offset", "newlines")
                                            else pa.string()) for c in cols]))
        con = self.store.con
        with self.store.transaction():
            con.register("_watch_files", table)
            con.execute("INSERT OR REPLACE INTO watch_files SELECT * FROM _watch_files")
            con.unregister("_watch_files")
        for s in states:
            self._state[s.path] = s

    def _signature(self) -> str:
        n, h = self.store.con.execute(
            "SELECT count(*), coalesce(sum(hash(id)), 0) FROM documents").fetchone()
        return f"{n}:{h}"

    def _linked_signature(self) -> str | None:
        row = self.store.con.execute("SELECT value FROM meta WHERE key = ?", [_LINKED]).fetchone()
        return row[0] if row else None

    def _set_linked(self, signature: str) -> None:
        with self.store.transaction() as con:
            con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [_LINKED, signature])


# -- reading files ------------------------------------------------------------------------------------

def _guarded(path: str, items: Iterator[Item]) -> Iterator[Item]:
    """A reader bug must not stop the watch: report it by file (as ``build`` does)."""
    try:
        yield from items
    except Exception as exc:
        yield Rejection(path, f"could not be read ({type(exc).__name__}: {exc})")


def _fingerprints(f, offset: int) -> tuple[str, str]:
    f.seek(0)
    head = f.read(min(FINGERPRINT, offset))
    f.seek(max(0, offset - FINGERPRINT))
    tail = f.read(offset - max(0, offset - FINGERPRINT))
    return hashlib.sha256(head).hexdigest(), hashlib.sha256(tail).hexdigest()


def _follow_from(path: str, prev: FileState | None) -> tuple[int, int] | None:
    """(offset, newlines) to go on reading a followed file from, if it only grew since."""
    if prev is None or prev.format != "jsonl":
        return None
    try:
        st = os.stat(path)
        if st.st_ino != prev.inode or st.st_size < prev.offset:
            return None
        with open(path, "rb") as f:
            if _fingerprints(f, prev.offset) != (prev.head_hash, prev.tail_hash):
                return None   # rewritten, not appended to: read from the start
    except OSError:
        return None
    return prev.offset, prev.newlines


def _looks_jsonl(path: str) -> bool:
    """A UTF-8 file that ``build`` would read as JSON Lines (the same sniffing rules)."""
    try:
        with open(path, "rb") as f:
            head = f.read(HEAD_PEEK)
    except OSError:
        return False
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8):]
    if not head.strip() or b"\x00" in head:
        return False
    try:   # strict, but a character cut at the end of the peek is fine
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return sniff_format(text.replace("\r\n", "\n").replace("\r", "\n"), path) == "jsonl"


def _is_json_object(data: bytes) -> bool:
    try:
        return isinstance(json.loads(data), dict)
    except ValueError:
        return False


_NOT_UTF8 = object()


def _read_tail(path: str, st: os.stat_result, offset: int, newlines: int, settled: bool):
    """The complete lines appended since ``offset``; None when nothing complete was added
    yet; ``_NOT_UTF8`` when the file cannot be followed (it is then read whole)."""
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            data = f.read(max(0, st.st_size - offset))
            end = data.rfind(b"\n") + 1
            rest = data[end:]
            # A last line without its newline may still be being written: take it only once
            # the file stopped changing and the line is a whole JSON object.
            take = len(data) if (not rest.strip() or (settled and not rest.endswith(b"\r")
                                                        and _is_json_object(rest))) else end
            chunk = data[:take]
            new_offset = offset + take
            head_hash, tail_hash = _fingerprints(f, new_offset)
    except OSError:
        return _NOT_UTF8   # let the whole-file reader name the problem
    body = chunk[len(codecs.BOM_UTF8):] if offset == 0 and chunk.startswith(codecs.BOM_UTF8) else chunk
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return _NOT_UTF8
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    complete = take == len(data)
    # While a line is incomplete, remember a size that differs from the file's, so the next
    # poll looks again even if the writer has paused.
    state = FileState(path, st.st_size if complete else new_offset, st.st_mtime_ns, st.st_ino, "jsonl",
                      new_offset, newlines + text.count("\n"), head_hash, tail_hash)
    if not chunk and not complete:
        return None
    first = newlines + 1
    return _Read(path, len(chunk), lambda parse_html: read_jsonl(text, path, parse_html, first_line=first), state)
