"""Build throughput on real newswire, stage by stage, against the bare spaCy parse.

    python bench/build_te3.py [--data ../shared/data/te3-silver-news.jsonl] [--limit N]
                              [--synthetic N] [--no-stages] [--workers 1,2] [--json]

Floor: spaCy's own ``nlp.pipe`` over the same texts with the same batch size, model already
loaded, timed in the same run. Stages: the library's own functions timed one after another
in this process (ingest, clean, parse, extract, store). Build: the whole ``build()`` with 1
and 2 worker processes. Everything is reported as docs/s and as a ratio to the floor.

``--synthetic N``: the synthetic corpus of bench/synthetic.py instead (the example corpus
copied N times with varied names, figures, dates and wording, in text, HTML, JSON Lines and
feeds; 213 copies are about 10,000 documents); the floor then parses the texts the build
parses (the cleaned documents). ``--no-stages`` skips the stage-by-stage timing, which holds
every parsed document in memory at once."""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "te3-silver-news.jsonl"


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--workers", default="1,2", help="worker counts for the whole-build runs")
    ap.add_argument("--synthetic", type=int, metavar="N", default=None,
                    help="the example corpus copied N times instead of --data (213: about 10,000 documents)")
    ap.add_argument("--no-stages", action="store_true", help="time the floor and the builds only")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from annalist import Options, build
    from annalist.analyse import analyse_batch, load_pipeline
    from annalist.clean import clean
    from annalist.extract import extract
    from annalist.ingest import iter_inputs
    from annalist.model import Document, RawDocument
    from annalist.store import Store

    options = Options(progress=False, batch_size=args.batch_size)
    nlp = load_pipeline(options.model)

    with tempfile.TemporaryDirectory() as tmp:
        if args.synthetic:
            sys.path.insert(0, str(Path(__file__).resolve().parent))
            from synthetic import synthetic_corpus

            corpus = Path(tmp) / "corpus"
            corpus.mkdir()
            synthetic_corpus(corpus, args.synthetic)
            name = f"the example corpus x{args.synthetic}"
        else:
            lines = args.data.read_text(encoding="utf-8").splitlines()[: args.limit]
            corpus = Path(tmp) / "te3.jsonl"
            corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
            name = args.data.name
        raws, ingest_s = timed(lambda: [r for r in iter_inputs([str(corpus)], options.max_file_bytes)
                                        if isinstance(r, RawDocument)])
        docs, clean_s = timed(lambda: [clean(r, today=date.today()) for r in raws])
        docs = [d for d in docs if isinstance(d, Document)]
        texts = [json.loads(x)["text"] for x in lines] if not args.synthetic else [d.text for d in docs]
        n = len(texts)
        list(nlp.pipe(texts[:20]))  # warm up
        _, floor = timed(lambda: [None for _ in nlp.pipe(texts, batch_size=args.batch_size)])

        stages: dict[str, float] = {}
        if not args.no_stages:
            stages["ingest"], stages["clean"] = ingest_s, clean_s
            parsed, stages["parse"] = timed(lambda: list(analyse_batch(docs, options.model, args.batch_size)))
            extractions, stages["extract"] = timed(lambda: [extract(d, sp) for d, (_a, sp) in zip(docs, parsed)])
            with Store(Path(tmp) / "stages.duckdb") as store:
                _, stages["store"] = timed(lambda: store.write_batch(docs, [a for a, _ in parsed], extractions=extractions))
            del parsed

        builds = {}
        for workers in [int(w) for w in args.workers.split(",")]:
            db = Path(tmp) / f"build{workers}.duckdb"
            report, seconds = timed(lambda: build([str(corpus)], options.with_(db=str(db), workers=workers)))
            builds[workers] = (seconds, report.new)

    result = {
        "documents": n, "floor_seconds": round(floor, 2), "floor_docs_per_s": round(n / floor, 1),
        "stages": {k: {"seconds": round(v, 2), "docs_per_s": round(n / v, 1) if v else None,
                       "of_floor": round(v / floor, 3)} for k, v in stages.items()},
        "extract_over_parse": round(stages["extract"] / stages["parse"], 3) if stages else None,
        "builds": {str(w): {"seconds": round(s, 2), "docs_per_s": round(n / s, 1), "over_floor": round(s / floor, 2),
                            "new": new} for w, (s, new) in builds.items()},
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{n} documents from {name}; floor = bare spaCy nlp.pipe, one process")
    print(f"  {'floor (spaCy)':<22}{result['floor_docs_per_s']:>9.1f} docs/s  {floor:7.1f}s")
    for k, v in result["stages"].items():
        print(f"  {'stage ' + k:<22}{v['docs_per_s'] or 0:>9.1f} docs/s  {v['seconds']:7.1f}s  {v['of_floor']:.2f} of floor")
    if stages:
        print(f"  extract / parse time: {result['extract_over_parse']:.2f}")
    for w, v in result["builds"].items():
        print(f"  {'build, ' + w + ' worker(s)':<22}{v['docs_per_s']:>9.1f} docs/s  {v['seconds']:7.1f}s  {v['over_floor']:.2f}x floor time")


if __name__ == "__main__":
    main()
