"""Faults: kill -9 of `annalist build` and `annalist watch` at random points, then a rerun.

    python bench/faults.py [--kills 24] [--per-trial 3] [--seed 1] [--corpus examples/corpus]
                           [--json] [--keep DIR]

One clean build of the corpus gives the reference: its exports (every record type, jsonl).
Then, trial after trial until --kills kills have landed, a fresh store is written by a chain of runs, each one `build` or
`watch` (chosen at random) killed with SIGKILL at a random moment of its run (uniform over
the time a clean run takes, so kills land in start-up, in the parse, inside store
transactions and in linking alike). After every kill `annalist check` must pass (what was
committed is sound); at the end of a trial one run finishes (`build`, or `watch --once`) and
`annalist check` passes again and the exports equal the clean run's byte for byte.
Small batches (2 documents per transaction) make many commit points to land between.

Exit code 0 when every trial ends equal to the clean run and every check passed, 1 otherwise.
Everything runs through the CLI as a user runs it, in subprocesses, on this machine only."""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "corpus"
TODAY = "2026-11-23"


def annalist(*args: str) -> list[str]:
    return [sys.executable, "-m", "annalist", *args]


def build_cmd(corpus: Path, db: Path) -> list[str]:
    return annalist("build", str(corpus), "--db", str(db), "--reference-date", TODAY, "--batch-size", "2",
                    "--no-progress")


def watch_cmd(corpus: Path, db: Path, once: bool = False) -> list[str]:
    return annalist("watch", str(corpus), "--db", str(db), "--reference-date", TODAY, "--batch-size", "2",
                    "--interval", "0.2", *(["--once"] if once else []))


def exports(db: Path, out: Path) -> dict[str, bytes]:
    subprocess.run(annalist("export", "--db", str(db), "--format", "jsonl", "--out", str(out)), check=True,
                   capture_output=True)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def check(db: Path) -> tuple[bool, int, list]:
    """`annalist check`: passed, documents stored, problems."""
    if not db.exists():
        return True, 0, []          # killed before it created the store: nothing to check
    done = subprocess.run(annalist("check", "--db", str(db), "--json"), capture_output=True, text=True)
    try:
        report = json.loads(done.stdout)
    except ValueError:
        return False, -1, [done.stderr.strip()[-500:]]
    return done.returncode == 0 and report.get("ok", False), report.get("counts", {}).get("documents", 0), \
        report.get("problems", [])


@dataclass
class Kill:
    trial: int
    command: str
    after_s: float
    killed: bool          # still running when the signal came (else it had finished)
    stray_workers: bool   # a worker process outlived the killed run
    documents: int        # documents in the store afterwards
    check_ok: bool
    problems: list = field(default_factory=list)


@dataclass
class Trial:
    trial: int
    kills: list[Kill]
    finish: str
    finish_rc: int
    check_ok: bool
    equal: bool
    differing: list[str]


def run_and_kill(cmd: list[str], after: float) -> tuple[bool, bool]:
    """Run ``cmd``, kill -9 its main process after ``after`` seconds: (killed mid-run, a
    worker process outlived it by more than two seconds)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        proc.wait(timeout=after)
        return False, False
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)   # the main process only, as `kill -9 PID` does
        proc.wait()
    # Its workers notice the parent is gone and exit on their own; any left are counted, then reaped.
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline and _group_alive(proc.pid):
        time.sleep(0.05)
    stray = _group_alive(proc.pid)
    if stray:
        os.killpg(proc.pid, signal.SIGKILL)
    return True, stray


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kills", type=int, default=24, help="kills in all (at least 20 for the issue)")
    ap.add_argument("--per-trial", type=int, default=3, help="kills into one store before it is finished")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--corpus", type=Path, default=EXAMPLES)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--keep", type=Path, help="keep the stores of failed trials here")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="annalist-faults-"))
    try:
        clean_db = work / "clean.duckdb"
        t0 = time.perf_counter()
        subprocess.run(build_cmd(args.corpus, clean_db), check=True, capture_output=True)
        clean_s = time.perf_counter() - t0
        reference = exports(clean_db, work / "clean-export")
        trials: list[Trial] = []
        done_kills, t = 0, -1
        while done_kills < args.kills:
            t += 1
            db = work / f"t{t}.duckdb"
            kills = []
            while len(kills) < args.per_trial and done_kills < args.kills:
                command = rng.choice(["build", "watch"])
                after = rng.uniform(0.3, clean_s * 1.1)
                cmd = build_cmd(args.corpus, db) if command == "build" else watch_cmd(args.corpus, db)
                killed, stray = run_and_kill(cmd, after)
                ok, docs, problems = check(db)
                kills.append(Kill(t, command, round(after, 2), killed, stray, docs, ok, problems))
                if not args.json:
                    print(f"trial {t}: {command:5} killed after {after:4.1f} s "
                          f"({'mid-run' if killed else 'had finished'}), {docs} documents stored, "
                          f"check {'ok' if ok else 'FAILED ' + str(problems)[:200]}", flush=True)
                done_kills += killed
                if not killed:
                    break           # a run finished: the store is whole, the trial moves to its check
            finish = rng.choice(["build", "watch --once"])
            cmd = build_cmd(args.corpus, db) if finish == "build" else watch_cmd(args.corpus, db, once=True)
            done = subprocess.run(cmd, capture_output=True, text=True)
            ok, _, problems = check(db)
            got = exports(db, work / f"t{t}-export") if done.returncode == 0 else {}
            differing = sorted(k for k in set(reference) | set(got) if reference.get(k) != got.get(k))
            trials.append(Trial(t, kills, finish, done.returncode, ok, not differing, differing))
            if not args.json:
                print(f"trial {t}: finished by {finish} (exit {done.returncode}), check {'ok' if ok else 'FAILED'}, "
                      f"exports {'equal to the clean run' if not differing else 'DIFFER: ' + ', '.join(differing)}",
                      flush=True)
            if differing and args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(db, args.keep / db.name)
            db.unlink(missing_ok=True)
        all_kills = [k for t in trials for k in t.kills]
        summary = {
            "kills": sum(k.killed for k in all_kills),
            "runs": len(all_kills),
            "kills_of_build": sum(k.killed and k.command == "build" for k in all_kills),
            "kills_of_watch": sum(k.killed and k.command == "watch" for k in all_kills),
            "kills_with_partial_store": sum(k.killed and 0 < k.documents < len_docs(reference) for k in all_kills),
            "stray_workers": sum(k.stray_workers for k in all_kills),
            "checks_failed": sum(not k.check_ok for k in all_kills) + sum(not t.check_ok for t in trials),
            "trials": len(trials),
            "trials_equal_to_clean_run": sum(t.equal for t in trials),
            "clean_build_s": round(clean_s, 1),
        }
        ok = summary["checks_failed"] == 0 and summary["stray_workers"] == 0 and summary["trials_equal_to_clean_run"] == len(trials)
        if args.json:
            print(json.dumps({"summary": summary, "trials": [asdict(t) for t in trials]}, indent=2))
        else:
            print(json.dumps(summary, indent=2))
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


def len_docs(reference: dict[str, bytes]) -> int:
    return reference.get("documents.jsonl", b"").count(b"\n")


if __name__ == "__main__":
    sys.exit(main())
