"""Where a build's time goes: cProfile over one whole local build, summed by stage.

    python bench/profile_build.py [--synthetic N | --data FILE --limit N] [--top 25] [--save FILE]

One worker (the parse runs in this process, so the profiler sees it), model loading
excluded (loaded before the profile starts). The table gives each stage's cumulative time
and its share of the build: read, clean, spaCy parse, each extractor, the store's writes,
and each cross-document step (peer dates, entities, stories, fusion). Then the functions of
annalist itself with the most time of their own. Profiling slows Python code more than
spaCy's compiled code, so the extractors' shares are upper bounds; bench/build_te3.py times
the stages without a profiler."""
from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from spark_vs_local import DEFAULT_DATA, TODAY  # noqa: E402
from synthetic import synthetic_corpus  # noqa: E402

# stage -> (file suffix, function name) whose cumulative time is the stage's
STAGES = [
    ("read (ingest)", "annalist/ingest/__init__.py", "iter_inputs"),
    ("clean", "annalist/clean/__init__.py", "clean"),
    ("spaCy parse", "annalist/analyse/__init__.py", "analyse_batch"),
    ("extract: all", "annalist/extract/__init__.py", "extract"),
    ("  dates", "annalist/extract/dates.py", "date_mentions"),
    ("  entities and actors", "annalist/extract/actors.py", "resolve_entities"),
    ("  events", "annalist/extract/events.py", "find_events"),
    ("  quotes", "annalist/extract/quotes.py", "find_quotes"),
    ("  amounts", "annalist/extract/amounts.py", "find_amounts"),
    ("  agreements", "annalist/extract/agreements.py", "find_agreements"),
    ("store writes", "annalist/store/__init__.py", "write_batch"),
    ("snapshots for readers", "annalist/store/__init__.py", "publish_snapshot"),
    ("link: all", "annalist/pipeline.py", "link_documents"),
    ("  peer dates", "annalist/pipeline.py", "_date_from_peers"),
    ("  entities across documents", "annalist/pipeline.py", "_link_entities"),
    ("  near-duplicates and stories", "annalist/pipeline.py", "_link_stories"),
    ("  fusion", "annalist/pipeline.py", "fuse"),
]


def stage_table(stats: pstats.Stats) -> list[tuple[str, float, int]]:
    found: dict[tuple[str, str], tuple[float, int]] = {}
    for (file, _line, name), (_cc, ncalls, _tt, ct, _callers) in stats.stats.items():
        for _label, suffix, fn in STAGES:
            if name == fn and file.endswith(suffix):
                old = found.get((suffix, fn), (0.0, 0))
                found[(suffix, fn)] = (max(old[0], ct), old[1] + ncalls)
    return [(label, *found.get((suffix, fn), (0.0, 0))) for label, suffix, fn in STAGES]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--synthetic", type=int, metavar="N", help="the example corpus copied N times (71: 3,337 documents)")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=600)
    ap.add_argument("--top", type=int, default=20, help="annalist functions listed by own time")
    ap.add_argument("--save", type=Path, help="keep the raw profile (for snakeviz, pstats)")
    args = ap.parse_args()

    from annalist import Options, build
    from annalist.analyse import load_pipeline

    tmp = Path(tempfile.mkdtemp(prefix="annalist-prof-"))
    try:
        corpus = tmp / "corpus"
        corpus.mkdir()
        if args.synthetic:
            synthetic_corpus(corpus, args.synthetic)
            label = f"example corpus x{args.synthetic}"
        else:
            lines = args.data.read_text(encoding="utf-8").splitlines()[: args.limit]
            (corpus / args.data.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
            label = f"{args.data.name}, first {len(lines)}"
        options = Options(db=str(tmp / "p.duckdb"), workers=1, progress=False, reference_date=TODAY)
        load_pipeline(options.model)
        prof = cProfile.Profile()
        prof.enable()
        report = build([str(corpus)], options)
        prof.disable()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.save:
        prof.dump_stats(str(args.save))
    stats = pstats.Stats(prof)
    total = stats.total_tt
    print(f"{label}: {report.new:,} documents, {total:.1f} s under the profiler\n")
    print("| stage | seconds | share of the build |\n|---|---|---|")
    for name, seconds, _calls in stage_table(stats):
        print(f"| {name} | {seconds:.1f} | {seconds / total:.0%} |")
    print(f"\nannalist functions by own time (top {args.top}):")
    rows = [(tt, ct, n, f"{Path(file).relative_to(Path(file).parents[2]) if 'annalist' in file else file}:{name}")
            for (file, _l, name), (_cc, n, tt, ct, _c) in stats.stats.items() if "/annalist/" in file]
    for tt, ct, n, where in sorted(rows, reverse=True)[: args.top]:
        print(f"  {tt:7.2f} s own  {ct:7.2f} s with callees  {n:>8,} calls  {where}")


if __name__ == "__main__":
    main()
