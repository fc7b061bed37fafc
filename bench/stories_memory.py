"""Peak memory and time of each step of story linking, on the synthetic corpus.

    python bench/stories_memory.py [--copies 213] [--json]

The corpus is bench/synthetic.py's (213 copies = about 10,000 documents, 2128 = 100,000).
Its items are read and cleaned as a build cleans them (boilerplate lines counted per
outlet first) but not parsed, so the StoryDocs have no names or event days, and peer
dating does not run; then one ``StoryIndex.add`` over all of them, its steps timed and
their peak resident memory taken apart:

    features          ``add`` itself: each document's vectors, the near-duplicate pairs listed
    near-duplicates   ``DedupIndex.add_pairs``
    find links        ``_new_links``
    union             ``_relink`` without the components' stories
    component links   ``_component_stories`` without the two stages (links, units)
    stage one         ``_average_link`` over each component's units
    stage two         ``_split`` of each stage-one group

A step's peak is the process's resident memory at its highest while that step runs (what
is held from before included; "at start" is the resident memory when ``add`` begins), and
its rise: the most it went above where it started, over the step's calls (memory freed
earlier but kept by the allocator can hide a rise: compare the peaks too). The
kernel's high-water mark is reset at each change of step (/proc/self/clear_refs), so short
peaks count; where that is not allowed, /proc/self/statm is sampled every 0.1 s. Times and
peaks are summed / maxed over every call of a step. Also printed: a digest of the doc_id ->
story_id mapping, to check that a change gives the same stories."""
from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from spark_vs_local import TODAY  # noqa: E402
from synthetic import synthetic_corpus  # noqa: E402

STEPS = ("features", "near-duplicates", "find links", "union", "component links", "stage one", "stage two")
_PAGE = os.sysconf("SC_PAGE_SIZE")


def story_docs(corpus: Path, tmp: Path) -> list:
    """The corpus's documents as the build's stories step sees them, unparsed: cleaned with
    the build's boilerplate statistics; one document per id and per source (the later item
    of a source wins, as in a build); ``published`` only when known to the day."""
    from annalist.clean import clean
    from annalist.clean.boilerplate import _rules
    from annalist.ingest import iter_inputs
    from annalist.link.stories import StoryDoc
    from annalist.model import Document, RawDocument
    from annalist.options import Options
    from annalist.pipeline import _line_group, scan_items
    from annalist.store import Store

    today, max_bytes = date.fromisoformat(TODAY), Options().max_file_bytes
    t = _rules().t
    by_source: dict = {}
    store = Store(str(tmp / "lines.duckdb"))
    try:
        scan_items(iter_inputs([str(corpus)], max_bytes, parse_html=False), store)
        repeated: dict = {}
        for item in iter_inputs([str(corpus)], max_bytes, parse_html=True):
            if not isinstance(item, RawDocument):
                continue
            group = _line_group(item)
            if group not in repeated:
                repeated[group] = store.repeated_lines(group, t["repeated_min_docs"], t["repeated_short_min_docs"],
                                                       t["repeated_short_words"])
            doc = clean(item, today=today, repeated=repeated[group])
            if isinstance(doc, Document):
                by_source.pop(doc.source, None)   # keeps insertion order: the later item counts
                by_source[doc.source] = doc
    finally:
        store.close()
    docs, seen = [], set()
    for d in by_source.values():
        if d.id not in seen:
            seen.add(d.id)
            day = d.published.value if d.published and d.published.precision == "day" else None
            docs.append(StoryDoc(d.id, d.text, d.title, day))
    return sorted(docs, key=lambda d: d.doc_id)


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE


def _hwm() -> int:
    with open("/proc/self/status") as f:
        return int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1)) * 1024


def _reset_hwm() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


class Probe:
    """Which step runs (a stack: a step called inside another is its own), its time and peak."""

    def __init__(self):
        self.stack: list[str] = []
        self.seconds = dict.fromkeys(STEPS, 0.0)
        self.peak = dict.fromkeys(STEPS, 0)
        self.calls = dict.fromkeys(STEPS, 0)
        self.rise = dict.fromkeys(STEPS, 0)   # the most one interval of a step added to what it found
        self._at_start = _rss()
        self.exact = _reset_hwm()
        self._since = time.perf_counter()
        self._lock = threading.Lock()
        self._done = threading.Event()
        if not self.exact:
            threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self):
        while not self._done.wait(0.1):
            with self._lock:
                if self.stack:
                    top, rss = self.stack[-1], _rss()
                    self.peak[top] = max(self.peak[top], rss)
                    self.rise[top] = max(self.rise[top], rss - self._at_start)

    def _switch(self, push: str | None) -> None:
        """Close the running step's interval (its time and peak), then push or pop."""
        with self._lock:
            now = time.perf_counter()
            if self.stack:
                top = self.stack[-1]
                self.seconds[top] += now - self._since
                peak = _hwm() if self.exact else _rss()
                self.peak[top] = max(self.peak[top], peak)
                self.rise[top] = max(self.rise[top], peak - self._at_start)
            if self.exact:
                _reset_hwm()
            self._since, self._at_start = now, _rss()
            if push is None:
                self.stack.pop()
            else:
                self.stack.append(push)
                self.calls[push] += 1

    def wrap(self, step: str, fn, unless: str | None = None):
        def run(*a, **kw):
            if unless and self.stack and self.stack[-1] == unless:
                return fn(*a, **kw)
            self._switch(step)
            try:
                return fn(*a, **kw)
            finally:
                self._switch(None)
        return run

    def close(self):
        self._done.set()


def measure(docs: list) -> dict:
    from annalist.link import stories

    gc.collect()
    index = stories.StoryIndex()
    probe = Probe()
    largest = {"documents": 0}
    component = index._component_stories

    def component_stories(root):
        n = len(index._uf.members[root])
        if n > largest["documents"]:
            largest["documents"] = n
            started, at_start = time.perf_counter(), dict(probe.seconds)
            out = component(root)
            largest["seconds"] = round(time.perf_counter() - started, 1)
            largest["stage_one_seconds"] = round(probe.seconds["stage one"] - at_start["stage one"], 1)
            return out
        return component(root)

    index.dedup.add_pairs = probe.wrap("near-duplicates", index.dedup.add_pairs)
    index._new_links = probe.wrap("find links", index._new_links)
    index._relink = probe.wrap("union", index._relink)
    index._component_stories = probe.wrap("component links", component_stories)
    index._split = probe.wrap("stage two", index._split)
    average_link = stories._average_link
    stories._average_link = probe.wrap("stage one", average_link, unless="stage two")   # stage two's own is stage two
    start_mb = _rss() / 2**20
    started = time.perf_counter()
    try:
        probe.wrap("features", index.add)(docs)
    finally:
        stories._average_link = average_link
        probe.close()
    seconds = time.perf_counter() - started
    mapping = sorted((d, index.story_of(d)) for d in index._ids)
    digest = hashlib.sha1(json.dumps(mapping).encode("utf-8")).hexdigest()[:16]
    return {"documents": len(docs), "undated": len(index._undated), "stories": len(set(index._story)),
            "links": int((index._top.other[:len(index._ids)] >= 0).sum()),
            "largest_component": largest, "seconds": round(seconds, 1), "start_mb": round(start_mb),
            "peak_exact": probe.exact,
            "steps": {s: {"seconds": round(probe.seconds[s], 1), "peak_mb": round(probe.peak[s] / 2**20),
                          "rise_mb": round(probe.rise[s] / 2**20), "calls": probe.calls[s]} for s in STEPS},
            "mapping_sha1": digest}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", type=int, default=213, help="copies of the example corpus (213: ~10k documents)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="annalist-stories-mem-"))
    try:
        started = time.perf_counter()
        (tmp / "corpus").mkdir()
        synthetic_corpus(tmp / "corpus", args.copies)
        docs = story_docs(tmp / "corpus", tmp)
        prepared = time.perf_counter() - started
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out = {"copies": args.copies, "prepare_seconds": round(prepared, 1), **measure(docs)}
    if args.json:
        json.dump(out, sys.stdout, indent=2)
        print()
        return
    big = out["largest_component"]
    print(f"{out['documents']:,} documents ({out['undated']:,} undated), corpus and cleaning {out['prepare_seconds']} s; "
          f"add {out['seconds']} s, resident at start {out['start_mb']:,} MB; {out['links']:,} kept link slots, "
          f"{out['stories']:,} stories; largest component {big['documents']:,} documents "
          f"({big.get('seconds', 0)} s, stage one {big.get('stage_one_seconds', 0)} s)")
    print(f"{'step':<16} {'calls':>7} {'seconds':>8} {'peak MB':>8} {'rise MB':>8}"
          + ("" if out["peak_exact"] else "  (sampled)"))
    for step, r in out["steps"].items():
        print(f"{step:<16} {r['calls']:>7,} {r['seconds']:>8.1f} {r['peak_mb']:>8,} {r['rise_mb']:>8,}")
    print(f"stories digest {out['mapping_sha1']}")


if __name__ == "__main__":
    main()
