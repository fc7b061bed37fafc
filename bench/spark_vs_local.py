"""Build throughput: the Spark engine (local[2]) against the local engine (2 workers).

    python bench/spark_vs_local.py [--data ../shared/data/te3-silver-news.jsonl] [--limit N]
                                   [--synthetic N] [--master local[2]] [--workers 2]
                                   [--order local,spark] [--json]

Both engines build a fresh store from the same corpus with the same options; each is timed
from the call to the end of the build (peer dating included). The Spark session is started
before its build and timed apart: a long-running cluster pays it once. Reported: docs/s
(documents written / build seconds), the Spark/local time ratio, and whether the two stores
export the same (every record type: documents, stories, events, quotes, ...).

``--synthetic N``: instead of --data, the synthetic corpus of bench/synthetic.py (the example
corpus copied N times with varied names, figures, dates and wording; 213 copies give about
10,000 documents)."""
from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "te3-silver-news.jsonl"
TODAY = "2026-11-23"

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import synthetic_corpus  # noqa: E402

def exports(db: str, out: Path) -> dict[str, bytes]:
    """Every record type's export (jsonl) as bytes."""
    from annalist import export, open_store

    with open_store(db, read_only=True) as s:
        return {t: path.read_bytes() for t, (path, _rows) in export(s, out, "jsonl").items()}


def _peak_rss_mb() -> int:
    """This process's peak resident memory so far (the driver's, for Spark; the local engine's
    main process, workers aside)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


class _Steps(logging.Handler):
    """Collects the Spark engine's step timings from its log."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="a JSON Lines corpus (default: te3)")
    ap.add_argument("--limit", type=int, default=None, help="first N lines of --data only")
    ap.add_argument("--synthetic", type=int, metavar="N", default=None,
                    help="the example corpus copied N times instead of --data (213: 10,011 documents)")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--workers", type=int, default=2, help="worker processes of the local engine")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--order", default="local,spark",
                    help="engines to run, in this order (a shared machine: alternate and compare)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args()

    from annalist import Options, build
    from annalist.engines.spark import build_spark, spark_session

    steps = _Steps()
    logging.getLogger("annalist.engines.spark").addHandler(steps)
    logging.getLogger("annalist.engines.spark").setLevel(logging.INFO)
    tmp = Path(tempfile.mkdtemp(prefix="annalist-bench-"))
    try:
        corpus = tmp / "corpus"
        corpus.mkdir()
        if args.synthetic:
            n_input = synthetic_corpus(corpus, args.synthetic)
            label = f"example corpus x{args.synthetic}"
        else:
            lines = args.data.read_text(encoding="utf-8").splitlines()[: args.limit]
            (corpus / args.data.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
            n_input = len(lines)
            label = args.data.name + (f" (first {args.limit})" if args.limit else "")
        options = Options(progress=False, batch_size=args.batch_size, reference_date=TODAY)
        results: dict[str, dict] = {}

        def run_local() -> None:
            load = os.getloadavg()[0]
            started = time.perf_counter()
            report = build([str(corpus)], options.with_(db=str(tmp / "local.duckdb"), workers=args.workers))
            seconds = time.perf_counter() - started
            results["local"] = {"engine": f"local, {args.workers} workers", "seconds": round(seconds, 1),
                                "documents": report.new, "docs_per_s": round(report.new / seconds, 2),
                                "load_before": round(load, 1), "peak_rss_mb_so_far": _peak_rss_mb()}

        def run_spark() -> None:
            load = os.getloadavg()[0]
            started = time.perf_counter()
            spark = spark_session(args.master)
            session_seconds = time.perf_counter() - started
            try:
                started = time.perf_counter()
                report = build_spark([str(corpus)], options.with_(db=str(tmp / "spark.duckdb")), master=args.master,
                                     spark=spark)
                seconds = time.perf_counter() - started
            finally:
                spark.stop()
            results["spark"] = {"engine": f"spark {args.master}", "seconds": round(seconds, 1),
                                "documents": report.new, "docs_per_s": round(report.new / seconds, 2),
                                "session_start_seconds": round(session_seconds, 1), "load_before": round(load, 1),
                                "peak_rss_mb_so_far": _peak_rss_mb(), "steps": steps.lines}

        for engine in args.order.split(","):
            {"local": run_local, "spark": run_spark}[engine.strip()]()
        db = str(tmp / "spark.duckdb")
        summary = {"corpus": label, "inputs": n_input, "order": args.order,
                   "load_average": os.getloadavg()[0], "results": results}
        if "local" in results and "spark" in results:
            summary["spark_over_local_time"] = round(results["spark"]["seconds"] / results["local"]["seconds"], 2)
            a, b = exports(str(tmp / "local.duckdb"), tmp / "x-local"), exports(db, tmp / "x-spark")
            summary["same_exports"] = {t: a[t] == b.get(t) for t in a}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    if args.json:
        json.dump(summary, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return
    print(f"corpus: {label} ({n_input:,} inputs); load average at the end {summary['load_average']:.1f}")
    print(f"{'engine':<22} {'documents':>9} {'seconds':>8} {'docs/s':>7} {'load before':>11}")
    for r in results.values():
        print(f"{r['engine']:<22} {r['documents']:>9,} {r['seconds']:>8.1f} {r['docs_per_s']:>7.2f} "
              f"{r['load_before']:>11.1f}")
    if "spark" in results:
        print(f"spark session start: {results['spark']['session_start_seconds']:.1f} s (not in the build time)")
    if "spark_over_local_time" in summary:
        print(f"spark / local time: {summary['spark_over_local_time']:.2f}")
        same = summary["same_exports"]
        print("same exports: " + ("all" if all(same.values()) else ", ".join(f"{t}={v}" for t, v in same.items())))
    if "spark" in results:
        print("spark steps: " + "; ".join(results["spark"]["steps"]))


if __name__ == "__main__":
    main()
