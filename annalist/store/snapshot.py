"""Read snapshots: how readers share a store that one process writes.

A DuckDB file has one read-write opener, and a read-only opener excludes it, so a server
that opened the store would stop ``build`` and ``watch`` from writing. Instead the writer
publishes a copy after committed batches, and readers (``serve``) read the newest copy:

    news.duckdb                     the store (the writer holds it)
    news.duckdb.snapshots/
        00001732377000123-4242.duckdb    one immutable copy per publication
        current -> 00001732377000123-4242.duckdb

Publishing is CHECKPOINT (the WAL is folded into the file, between transactions, so the
copy holds whole batches only), a copy to a temporary name, fsync, rename, then an atomic
swap of the ``current`` link. Readers resolve the link and open that file read-only; a new
file name per publication matters because DuckDB caches open databases per path within a
process, so a file replaced under the same name would keep being read from the old one.
Old copies are removed after a grace period; a reader that still has one open keeps
reading it (an unlinked file lives on while open).
"""
from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ..errors import StoreError

__all__ = ["snapshot_dir", "current_snapshot", "publish_file", "publish_from_store_file", "SnapshotReader",
           "Publisher"]

CURRENT = "current"
KEEP = 3                 # newest copies kept, besides any younger than GRACE seconds
GRACE = 60.0


def snapshot_dir(db: str | Path) -> Path:
    return Path(f"{db}.snapshots")


def current_snapshot(db: str | Path) -> Path | None:
    """The newest published copy of the store, or None when there is none."""
    link = snapshot_dir(db) / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    path = link.parent / target
    return path if path.exists() else None


def _copy(src: Path, dst: Path) -> None:
    # copy_file_range lets the kernel share extents (reflink) where the file system can.
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        size = os.fstat(fin.fileno()).st_size
        copied = 0
        try:
            while copied < size:
                n = os.copy_file_range(fin.fileno(), fout.fileno(), size - copied)
                if n == 0:
                    break
                copied += n
        except OSError as exc:
            if exc.errno not in (18, 22, 38, 95):   # EXDEV, EINVAL, ENOSYS, EOPNOTSUPP: copy by hand
                raise
            fin.seek(copied), fout.seek(copied)
            while chunk := fin.read(1 << 20):
                fout.write(chunk)
        fout.flush()
        os.fsync(fout.fileno())


def _install(db: str | Path, fill) -> Path:
    """Write a new copy with ``fill(tmp_path)``, make it current, prune old ones."""
    folder = snapshot_dir(db)
    try:
        folder.mkdir(exist_ok=True)
        name = f"{time.time_ns():020d}-{os.getpid()}.duckdb"
        tmp = folder / f".{name}.tmp"
        try:
            fill(tmp)
            os.replace(tmp, folder / name)
        finally:
            if tmp.exists():
                tmp.unlink()
        link_tmp = folder / f".{CURRENT}.{os.getpid()}.{threading.get_ident()}"
        if link_tmp.is_symlink():
            link_tmp.unlink()
        os.symlink(name, link_tmp)
        os.replace(link_tmp, folder / CURRENT)
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except (OSError, duckdb.Error) as exc:
        raise StoreError(f"{db}: cannot publish the read snapshot in {folder} ({exc})") from exc
    _prune(folder, keep=name)
    return folder / name


def _prune(folder: Path, keep: str) -> None:
    now = time.time()
    copies = sorted((p for p in folder.glob("*.duckdb") if p.name != keep), reverse=True)
    for p in copies[KEEP - 1:]:
        try:
            if now - p.stat().st_mtime > GRACE:
                p.unlink()
        except OSError:
            pass   # another publisher removed it first
    for p in folder.glob(".*.tmp"):   # left by a publisher that was killed
        try:
            if now - p.stat().st_mtime > GRACE:
                p.unlink()
        except OSError:
            pass


def publish_file(con: duckdb.DuckDBPyConnection, db: str | Path) -> Path:
    """Publish the store that ``con`` (its writer, between transactions) has open."""
    try:
        con.execute("CHECKPOINT")
    except duckdb.Error as exc:
        raise StoreError(f"{db}: cannot checkpoint the store to publish a read snapshot ({exc})") from exc
    return _install(db, lambda tmp: _copy(Path(db), tmp))


def publish_from_store_file(db: str | Path) -> Path | None:
    """Publish a copy of a store no process is writing (what ``serve`` does at start).

    Returns None when a writer holds the store: it publishes its own copies."""
    db = Path(db)
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return None
    try:
        if Path(f"{db}.wal").exists():
            # Batches a killed writer committed are in the WAL: copy through DuckDB.
            def fill(tmp: Path) -> None:
                mem = duckdb.connect(":memory:")
                try:
                    mem.execute(f"ATTACH '{_sql_str(db)}' AS src (READ_ONLY)")
                    mem.execute(f"ATTACH '{_sql_str(tmp)}' AS dst")
                    mem.execute("COPY FROM DATABASE src TO dst")
                    mem.execute("DETACH dst")
                finally:
                    mem.close()
        else:
            def fill(tmp: Path) -> None:   # our read lock keeps writers out while we copy
                _copy(db, tmp)
        return _install(db, fill)
    finally:
        con.close()


def _sql_str(path: Path) -> str:
    return str(path).replace("'", "''")


class Publisher:
    """Publishes after committed batches, at most as often as keeps the copying under
    ``share`` of the writer's time (and not more than once per ``min_gap`` seconds)."""

    def __init__(self, store, min_gap: float = 1.0, share: float = 0.1):
        self.store, self.min_gap, self.share = store, min_gap, share
        self._last = 0.0
        self._cost = 0.0
        self.pending = False
        self.published = 0

    def changed(self) -> None:
        self.pending = True

    def changed_and_maybe(self) -> None:
        self.pending = True
        self.maybe()

    def maybe(self, force: bool = False) -> bool:
        """Publish if something changed and enough time passed (or ``force``)."""
        if not self.pending:
            return False
        now = time.monotonic()
        if not force and now - self._last < max(self.min_gap, self._cost / self.share):
            return False
        self.store.publish_snapshot()
        done = time.monotonic()
        self._cost, self._last, self.pending = done - now, done, False
        self.published += 1
        return True


class _Held:
    """One open read-only database (a snapshot) shared by requests, closed when replaced
    and no request uses it any more."""

    def __init__(self, path: Path):
        self.path = path
        self.con = duckdb.connect(str(path), read_only=True)
        self.users = 0
        self.retired = False

    def close_if_idle(self) -> None:
        if self.retired and self.users == 0:
            self.con.close()


class SnapshotReader:
    """Readers' side: a store opened per request from the newest snapshot.

    Falls back to opening the store itself (read-only) when no snapshot exists; then a
    writer holding the store makes ``open`` raise the busy error of ``fallback``."""

    def __init__(self, db: str | Path, fallback):
        self.db = Path(db)
        self.fallback = fallback          # path -> Store, read-only (raises StoreBusy when locked)
        self._lock = threading.Lock()
        self._held: _Held | None = None
        self._tried_publish = 0.0

    def refresh(self) -> Path | None:
        """Make sure a snapshot exists: publish one when the store is not being written."""
        if not self.db.exists():
            return None
        try:
            return publish_from_store_file(self.db)
        except StoreError:
            return None        # e.g. a read-only folder: read the store itself instead

    def _acquire(self) -> _Held | None:
        path = current_snapshot(self.db)
        if path is None:
            with self._lock:
                retry = time.monotonic() - self._tried_publish > 5.0
                if retry:
                    self._tried_publish = time.monotonic()
            if retry:
                self.refresh()
                path = current_snapshot(self.db)
        with self._lock:
            held = self._held
            if path is not None and (held is None or held.path != path):
                try:
                    fresh = _Held(path)
                except duckdb.Error:
                    fresh = None      # pruned between resolving and opening: keep the one we have
                if fresh is not None:
                    if held is not None:
                        held.retired = True
                        held.close_if_idle()
                    self._held = held = fresh
            if held is None:
                return None
            held.users += 1
            return held

    def _release(self, held: _Held) -> None:
        with self._lock:
            held.users -= 1
            held.close_if_idle()

    @contextmanager
    def open(self):
        """A read-only Store for one request."""
        from . import Store

        held = self._acquire()
        if held is None:
            store = self.fallback(self.db)
            try:
                yield store
            finally:
                store.close()
            return
        cursor = held.con.cursor()
        try:
            yield Store.over(cursor, self.db, snapshot=held.path)
        finally:
            cursor.close()
            self._release(held)

    def close(self) -> None:
        with self._lock:
            if self._held is not None:
                self._held.retired = True
                self._held.close_if_idle()
                self._held = None
