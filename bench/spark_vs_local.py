"""Build throughput: the Spark engine (local[2]) against the local engine (2 workers).

    python bench/spark_vs_local.py [--data ../shared/data/te3-silver-news.jsonl] [--limit N]
                                   [--synthetic N] [--master local[2]] [--workers 2]
                                   [--order local,spark] [--json]

Both engines build a fresh store from the same corpus with the same options; each is timed
from the call to the end of the build (peer dating included). The Spark session is started
before its build and timed apart: a long-running cluster pays it once. Reported: docs/s
(documents written / build seconds), the Spark/local time ratio, and whether the two stores
export the same (every record type: documents, stories, events, quotes, ...).

``--synthetic N``: instead of --data, the example corpus (examples/corpus, 47 articles in
text, HTML, JSON Lines and feeds) replicated N times (213 gives 10,011 documents), each copy
with its people renamed and its figures changed, so every copy is a document of its own."""
from __future__ import annotations

import argparse
import json
import logging
import os
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "te3-silver-news.jsonl"
EXAMPLES = ROOT / "examples" / "corpus"
TODAY = "2026-11-23"

# Surnames in the example corpus; each copy gets its own invented ones in their place.
_SURNAMES = ["Seitkali", "Zhaksybekov", "Sadykov", "Temirkhanov", "Kaliyev", "Beisenov", "Sultanov",
             "Tulegenova", "Golubev", "Malyshev", "Arakawa", "Yıldırım", "Möller", "Höffner", "Varadarajan",
             "Zhiyuan", "Jianming", "Hanqing", "Pengfei", "Liqun", "Raghunathan"]
_SYLLABLES = ["ba", "be", "da", "do", "ka", "ke", "la", "lu", "ma", "mi", "na", "no", "ra", "ri", "sa", "ta"]
_NAME = re.compile("|".join(map(re.escape, sorted(_SURNAMES, key=len, reverse=True))))
# a figure: digits not touching letters, digits or - : / . , # & \ ; (dates, times, versions,
# character references and escapes stay), and not a year
_NUMBER = re.compile(r"(?<![\w\-:/.,#&\\])(\d{2,6})(?![\w\-:/;])")
_URL = re.compile(r"(https?://[a-z0-9.-]+\.example)/")


def invented_surname(k: int, i: int) -> str:
    """A surname of four syllables, different for every copy ``k`` and surname ``i``."""
    n, name = k * len(_SURNAMES) + i, ""
    for _ in range(4):
        name += _SYLLABLES[n % len(_SYLLABLES)]
        n //= len(_SYLLABLES)
    return name.capitalize() + "ov"


def vary(text: str, k: int) -> str:
    """Copy ``k`` of an article: surnames invented anew, figures of 32 and more moved up by
    ``k`` (years 1900-2100 and small numbers, often days, kept), links under /c<k>/ (so
    JSON Lines and feed items, whose source is their link, are sources of their own)."""
    if k == 0:
        return text
    rename = {s: invented_surname(k, i) for i, s in enumerate(_SURNAMES)}
    text = _NAME.sub(lambda m: rename[m.group()], text)

    def figure(m: re.Match) -> str:
        n = int(m.group(1))
        return m.group(1) if n < 32 or 1900 <= n <= 2100 else str(n + k)

    text = _NUMBER.sub(figure, text)
    return _URL.sub(lambda m: f"{m.group(1)}/c{k:04d}/", text)


def write_copy(dest: Path, k: int) -> Path:
    """Copy ``k`` of the example corpus, varied, written to ``dest/copy<k>``."""
    folder = dest / f"copy{k:04d}"
    for f in sorted(p for p in EXAMPLES.rglob("*") if p.is_file() and not p.name.startswith(".")):
        out = folder / f.relative_to(EXAMPLES)
        out.parent.mkdir(parents=True, exist_ok=True)
        data = f.read_bytes()
        try:
            out.write_bytes(vary(data.decode("utf-8"), k).encode("utf-8"))
        except UnicodeDecodeError:  # a legacy charset: vary the ASCII, keep every other byte
            out.write_bytes(vary(data.decode("latin-1"), k).encode("latin-1"))
    return folder


def synthetic_corpus(dest: Path, copies: int) -> int:
    for k in range(copies):
        write_copy(dest, k)
    return copies * 47


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
