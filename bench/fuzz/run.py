"""Coverage-guided fuzzing (atheris, i.e. libFuzzer) of every reader, the cleaner and the extractors.

    python bench/fuzz/run.py [--seconds 60] [--targets timex,amounts] [--corpus DIR] [--max-seeds N]
                             [--seed N] [--runs N] [--json]

Each target feeds libFuzzer's inputs to one public function and checks the invariants in
tests/fuzzprops.py (the ones the hypothesis tests check): evidence offsets reproduce their text,
TIMEX3 values are well formed, amounts are finite, readers give documents or rejections. Any
other exception, or a broken invariant, is a crash: libFuzzer stops that target and saves the
input as ``<corpus>/crashes/<target>-crash-<sha1>``; replay it with
``python bench/fuzz/run.py --targets NAME --replay FILE``, then turn it into a regression test.

annalist is instrumented once, the spaCy model loaded once, then each target runs in a forked
child for ``--seconds`` (so a short run costs little more than its fuzzing time). The corpus
of interesting inputs grows in ``--corpus`` (default bench/out/fuzz/, gitignored) from one run
to the next, seeded from the example corpus. Exit code 1 when any target crashed.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

SPACY_TARGETS = {"quotes", "amounts", "agreements"}
INSTRUMENTED = ["annalist.ingest", "annalist.clean", "annalist.extract.timex", "annalist.extract.dates",
                "annalist.extract.quotes", "annalist.extract.amounts", "annalist.extract.agreements",
                "annalist.extract.actors"]


def _not_under_test() -> list[str]:
    """annalist's other modules (atheris excludes by full module name, not by prefix)."""
    names = [".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
             for p in (ROOT / "annalist").rglob("*.py")]  # from the files: importing would defeat the hook
    return [n for n in names if not any(n == p or n.startswith(p + ".") for p in INSTRUMENTED)]


def _targets(fp) -> dict[str, tuple[object, int]]:
    """name -> (function of one input's bytes, the largest input libFuzzer makes)."""
    names = ["a.txt", "a.html", "a.jsonl", "a.xml", "a", "a.json"]

    def read_file(data: bytes) -> None:
        fp.check_read_file(data[1:], names[data[0] % len(names)] if data else "a")

    def text_of(data: bytes) -> str:
        return fp.text_from_bytes(data)

    return {
        "decode": (fp.check_decode, 8192),
        "read_file": (read_file, 16384),
        "jsonl": (lambda d: fp.check_jsonl_lines(d.decode("utf-8", "replace")), 8192),
        "feed": (lambda d: fp.check_feed(d.decode("utf-8", "replace")), 8192),
        "html": (lambda d: fp.check_html(d.decode("utf-8", "replace")), 8192),
        "clean": (lambda d: fp.check_clean(text_of(d)), 4096),
        "pubdate": (lambda d: fp.check_given_date(d.decode("utf-8", "replace")[:200]), 256),
        "timex": (lambda d: fp.check_timexes(text_of(d), fp.anchor_from_bytes(d)), 4096),
        "quotes": (lambda d: fp.check_one_extractor("quotes", text_of(d)[:1500]), 2048),
        "amounts": (lambda d: fp.check_one_extractor("amounts", text_of(d)[:1500], fp.anchor_from_bytes(d)), 2048),
        "agreements": (lambda d: fp.check_one_extractor("agreements", text_of(d)[:1500], fp.anchor_from_bytes(d)),
                       2048),
    }


def _seed(target: str, folder: Path, max_files: int | None) -> None:
    """Start an empty corpus from the example articles (raw bytes, or text in raw-UTF-8 mode)."""
    if folder.is_dir() and any(folder.iterdir()):
        return
    folder.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in (ROOT / "examples" / "corpus").rglob("*") if p.is_file())[:max_files]
    for n, path in enumerate(files):
        data = path.read_bytes()
        if target in ("decode", "read_file"):
            seeds = [bytes([n]) + data[:16000]]
        elif target in ("jsonl", "feed", "html"):
            seeds = [data[:8000]]
        elif target == "pubdate":
            seeds = [m for m in re.findall(rb"\d{4}-\d\d-\d\d[T\d:+]*|\w+ \d{1,2}, \d{4}", data)[:3]]
        else:  # text targets: one paragraph each, in raw mode (odd first byte)
            paras = [p for p in data.decode("utf-8", "replace").split("\n\n") if len(p) > 80][:3]
            seeds = [b"\x01" + p.encode()[:1400] for p in paras]
        for k, seed in enumerate(seeds):
            (folder / f"seed-{n}-{k}").write_bytes(seed)


def _fuzz_child(name: str, fn, max_len: int, seconds: int, corpus: Path, log: Path,
                seed: int | None = None, runs: int | None = None) -> None:
    import atheris

    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    crashes = corpus / "crashes"
    argv = [f"fuzz-{name}", str(corpus / name), f"-max_total_time={seconds}", f"-max_len={max_len}",
            "-timeout=20", "-rss_limit_mb=6144", "-print_final_stats=1", "-close_fd_mask=0",
            f"-artifact_prefix={crashes}/{name}-"]
    # A fixed seed and a count of runs make a run repeatable (CI); time alone is not.
    argv += [f"-seed={seed}"] if seed is not None else []
    argv += [f"-runs={runs}"] if runs is not None else []
    atheris.Setup(argv, fn)
    atheris.Fuzz()


def _stats(log: str) -> dict:
    runs = re.search(r"stat::number_of_executed_units:\s*(\d+)", log)
    cov = re.findall(r"cov: (\d+) ft: (\d+)", log)
    crash = re.search(r"(?:Test unit written to|artifact_prefix.*?)\s*(\S*crash-\w+|\S*timeout-\w+|\S*oom-\w+)", log)
    exc = re.search(r"=== Uncaught Python exception: ===\n(.*?)\n(?:Traceback|\Z)", log, re.S)
    return {"inputs": int(runs.group(1)) if runs else None, "coverage": int(cov[-1][0]) if cov else None,
            "features": int(cov[-1][1]) if cov else None, "crash_file": crash.group(1) if crash else None,
            "exception": exc.group(1).strip().splitlines()[-1] if exc else None}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=int, default=60, help="fuzzing time per target (default 60)")
    ap.add_argument("--targets", help="comma-separated subset (default: all)")
    ap.add_argument("--corpus", type=Path, default=ROOT / "bench" / "out" / "fuzz",
                    help="where the corpora, crashes and logs live (default bench/out/fuzz)")
    ap.add_argument("--max-seeds", type=int, help="seed a new corpus from at most this many example files")
    ap.add_argument("--seed", type=int, help="libFuzzer's random seed (default: a new one each run)")
    ap.add_argument("--runs", type=int, help="stop each target after this many inputs (with --seconds as a cap)")
    ap.add_argument("--replay", type=Path, help="run one saved input through the (single) target and show the error")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args()

    import atheris

    import fuzzprops as fp

    targets = _targets(fp)
    chosen = args.targets.split(",") if args.targets else list(targets)
    unknown = [t for t in chosen if t not in targets]
    if unknown:
        ap.error(f"unknown targets {unknown}; known: {', '.join(targets)}")
    # The str hook lets libFuzzer learn the strings the code compares with. (Its RegEx hook
    # fails on bytes patterns in atheris 3.0, which feedparser and the decoder use.)
    atheris.enabled_hooks.add("str")
    # Only the code under test: instrumenting all of annalist costs ten seconds per start.
    with atheris.instrument_imports(include=["annalist"], exclude=_not_under_test()):
        import annalist.clean  # noqa: F401
        import annalist.clean.pubdate  # noqa: F401
        import annalist.extract  # noqa: F401
        import annalist.ingest  # noqa: F401
    if SPACY_TARGETS & set(chosen):
        fp.nlp()
    if args.replay:
        fn, _ = targets[chosen[0]]
        fn(args.replay.read_bytes())
        print("no crash")
        return 0

    (args.corpus / "crashes").mkdir(parents=True, exist_ok=True)
    (args.corpus / "logs").mkdir(parents=True, exist_ok=True)
    results = {}
    for name in chosen:
        fn, max_len = targets[name]
        _seed(name, args.corpus / name, args.max_seeds)
        log = args.corpus / "logs" / f"{name}.log"
        started = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            # atheris re-raises the target's exception; libFuzzer saves the input from an
            # atexit hook, so the child must leave by a normal interpreter exit (not os._exit).
            try:
                _fuzz_child(name, fn, max_len, args.seconds, args.corpus, log, args.seed, args.runs)
            except BaseException:
                sys.exit(1)
            sys.exit(0)
        _, status = os.waitpid(pid, 0)
        r = _stats(log.read_text(errors="replace"))
        r.update(seconds=round(time.perf_counter() - started, 1), exit=os.waitstatus_to_exitcode(status))
        r["crashed"] = r["exit"] != 0
        results[name] = r
        if not args.json:
            what = f"CRASH {r['exception'] or ''} -> {r['crash_file']}" if r["crashed"] else "ok"
            print(f"{name:<11} {r['inputs'] or 0:>9,} inputs {r['seconds']:>6.1f}s  cov {r['coverage'] or 0:>6}  {what}",
                  flush=True)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        total = sum(r["inputs"] or 0 for r in results.values())
        print(f"{len(results)} targets, {total:,} inputs, {sum(r['crashed'] for r in results.values())} crashed")
    return 1 if any(r["crashed"] for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
