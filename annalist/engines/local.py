"""The local engine: analyse + extract in worker processes, results back in order.

The spaCy model loads once per worker; only plain records (Document in, Analysis and
Extraction out) cross process boundaries, never spaCy objects. A bounded number of batches
is in flight, so memory stays flat however long the input."""
from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from ..analyse import analyse_batch, load_pipeline
from ..extract import extract
from ..model import Analysis, Document, Extraction

__all__ = ["LocalEngine", "process_documents"]

Result = tuple[Analysis, Extraction]


def process_documents(docs: Sequence[Document], model: str, batch_size: int) -> list[Result]:
    """The per-document stages for one batch: what every engine runs."""
    return [(a, extract(d, sp)) for d, (a, sp) in zip(docs, analyse_batch(docs, model, batch_size))]


def _exit_with_parent(parent: int) -> None:
    # A parent killed with SIGKILL cannot stop its pool: the worker notices and leaves.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _die_with_parent() -> None:
    # On Linux the kernel kills the worker the moment its parent dies (a worker busy in the
    # parser, or starved of CPU, may not run its watching thread for seconds).
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _init_worker(model: str, parent: int) -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core per worker; the workers are the parallelism
    if sys.platform.startswith("linux"):
        _die_with_parent()
    if os.getppid() != parent:   # the parent died before the worker got here
        os._exit(0)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    load_pipeline(model)


class LocalEngine:
    """Runs ``process_documents`` in this process (workers=1) or in a pool of processes."""

    def __init__(self, model: str, batch_size: int, workers: int = 1):
        self.model, self.batch_size, self.workers = model, batch_size, max(1, workers)
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "LocalEngine":
        if self.workers > 1:
            # fork shares the parent's imported code; the model itself loads in each worker
            ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
            self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_init_worker, initargs=(self.model, os.getpid()))
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def run(self, batches: Iterable[tuple[object, Sequence[Document]]]) -> Iterator[tuple[object, list[Result]]]:
        """For each (tag, documents) batch, in order: (tag, [(analysis, extraction), ...])."""
        if self._pool is None:
            for tag, docs in batches:
                yield tag, process_documents(docs, self.model, self.batch_size)
            return
        pending: deque[tuple[object, Future]] = deque()
        for tag, docs in batches:
            pending.append((tag, self._pool.submit(process_documents, list(docs), self.model, self.batch_size)))
            while len(pending) > 2 * self.workers:  # bounded: flat memory, workers kept busy
                done_tag, future = pending.popleft()
                yield done_tag, future.result()
        while pending:
            done_tag, future = pending.popleft()
            yield done_tag, future.result()
