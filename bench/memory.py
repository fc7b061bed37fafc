"""Peak memory of a whole build as the corpus grows.

    python bench/memory.py [--copies 21,53,106,213] [--workers 2] [--json]

Each size is a fresh `annalist build` (a subprocess, local engine, 2 parse workers) of the
synthetic corpus of bench/synthetic.py (the example corpus copied N times, people,
figures, dates and wording varied: 21 copies = about 1,000 documents, 213 = 10,000, 2128 =
100,000). The resident memory of the whole process tree (the build and its workers) is
sampled every 0.2 s from /proc; reported: the build's time and its linking's (the cross-
document steps), the peak, the peak while documents are still being parsed (before linking
starts: the streaming part), the peak in each cross-document step, and the store's size on
disk when done. The streaming part should stay flat as the corpus grows; what linking holds
grows with the store (see bench/linking.py)."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from spark_vs_local import TODAY  # noqa: E402
from synthetic import synthetic_corpus  # noqa: E402


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants (MB)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        p, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(p)
        rss[p] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total / 2**20


def measure(corpus: Path, db: Path, workers: int) -> dict:
    cmd = [sys.executable, __file__, "--child", str(corpus), str(db), str(workers)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = {"all": 0.0, "parse": 0.0}
    linking = threading.Event()
    err_lines: list[str] = []
    link_started: list[float] = []
    step = ["parse"]
    step_peak: dict[str, float] = {}

    def watch_stderr():   # the build logs when its cross-document steps begin
        for line in proc.stderr:
            err_lines.append(line)
            if line.startswith(_MARK):
                link_started.append(time.perf_counter())
                linking.set()
            elif line.startswith(_STEP):
                step[0] = line[len(_STEP):].strip()

    reader = threading.Thread(target=watch_stderr, daemon=True)
    reader.start()
    while proc.poll() is None:
        mb = _tree_rss_mb(proc.pid)
        peak["all"] = max(peak["all"], mb)
        if not linking.is_set():
            peak["parse"] = max(peak["parse"], mb)
        step_peak[step[0]] = max(step_peak.get(step[0], 0.0), mb)
        time.sleep(0.2)
    out = proc.stdout.read()
    reader.join(timeout=5)
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({proc.returncode}): {''.join(err_lines)[-2000:]}")
    report = json.loads(out)["new"]
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if p.is_file())
    ended = time.perf_counter()
    return {"documents": report, "seconds": round(ended - started, 1),
            "link_seconds": round(ended - link_started[0], 1) if link_started else None,
            "peak_mb": round(peak["all"]), "peak_parse_mb": round(peak["parse"]) if linking.is_set() else None,
            "store_mb": round(size / 2**20, 1),
            "step_peak_mb": {k: round(v) for k, v in step_peak.items()}}


_MARK = "annalist-bench: linking starts"
_STEP = "annalist-bench: step "
_LINK_STEPS = {"_date_from_peers": "peer dates", "_link_entities": "entities", "_link_stories": "stories",
               "fuse": "fusion"}


def _child(corpus: str, db: str, workers: int) -> None:
    """The measured build, as `annalist build` runs it, telling the parent when linking starts."""
    from annalist import Options, build, pipeline

    link = pipeline.link_documents

    def marked(*a, **kw):
        print(_MARK, file=sys.stderr, flush=True)
        return link(*a, **kw)

    pipeline.link_documents = marked

    def stepped(name, fn):
        def run(*a, **kw):
            print(_STEP + name, file=sys.stderr, flush=True)
            return fn(*a, **kw)
        return run

    for attr, name in _LINK_STEPS.items():   # looked up in the module when linking calls them
        setattr(pipeline, attr, stepped(name, getattr(pipeline, attr)))
    report = build([corpus], Options(db=db, workers=workers, reference_date=TODAY, progress=False))
    print(json.dumps({"new": report.new}))


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        return _child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", default="21,53,106,213", help="corpus sizes, as copies of the example corpus")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = []
    for copies in map(int, args.copies.split(",")):
        tmp = Path(tempfile.mkdtemp(prefix="annalist-mem-"))
        try:
            corpus = tmp / "corpus"
            corpus.mkdir()
            synthetic_corpus(corpus, copies)
            rows.append({"copies": copies, **measure(corpus, tmp / "store.duckdb", args.workers)})
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        if not args.json:
            r = rows[-1]
            print(f"{r['documents']:>7,} documents  {r['seconds']:>7.1f} s (linking {r['link_seconds'] or 0:.1f} s)  "
                  f"peak {r['peak_mb']:>6,} MB  "
                  f"parsing {r['peak_parse_mb'] or 0:>6,} MB  store {r['store_mb']:>7.1f} MB", flush=True)
            print("         peak by step: " + ", ".join(f"{k} {v:,} MB" for k, v in r["step_peak_mb"].items()), flush=True)
    if args.json:
        json.dump(rows, sys.stdout, indent=2)
        print()


if __name__ == "__main__":
    main()
