"""Build throughput on real newswire against the bare spaCy parse of the same texts.

    python bench/build_te3.py [--data ../shared/data/te3-silver-news.jsonl] [--limit N] [--json]

The floor is spaCy's own ``nlp.pipe`` over the same texts with the same batch size, timed
in the same run after the model is loaded; the build (ingest + clean + analyse + extract
dates + store) is timed with the model already loaded too. Reported as a ratio of times."""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "te3-silver-news.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from annalist import Options, build
    from annalist.analyse import load_pipeline

    lines = args.data.read_text(encoding="utf-8").splitlines()[: args.limit]
    texts = [json.loads(line)["text"] for line in lines]
    options = Options(progress=False, batch_size=args.batch_size)
    nlp = load_pipeline(options.model)
    list(nlp.pipe(texts[:20]))  # warm up both paths alike

    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=args.batch_size):
        pass
    floor = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "te3.jsonl"
        corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
        started = time.perf_counter()
        report = build([str(corpus)], options.with_(db=str(Path(tmp) / "bench.duckdb")))
        total = time.perf_counter() - started

    result = {
        "documents": len(texts), "new": report.new, "rejected": report.rejected,
        "floor_seconds": round(floor, 2), "floor_docs_per_s": round(len(texts) / floor, 1),
        "build_seconds": round(total, 2), "build_docs_per_s": round(len(texts) / total, 1),
        "build_over_floor": round(total / floor, 2),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{len(texts)} documents from {args.data.name}")
        print(f"  spaCy floor   {result['floor_docs_per_s']:>8.1f} docs/s  ({floor:.1f}s)")
        print(f"  annalist build{result['build_docs_per_s']:>8.1f} docs/s  ({total:.1f}s)")
        print(f"  build / floor  {result['build_over_floor']:.2f}x the floor's time")


if __name__ == "__main__":
    main()
