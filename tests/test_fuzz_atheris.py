"""A short coverage-guided fuzzing run (atheris) of every target in bench/fuzz/run.py: a fixed seed
and a fixed count of inputs from a fresh corpus, so CI catches a crash a small mutation finds and
gives the same verdict on every run (a timed run tries other inputs each time). Long runs are for
``python bench/fuzz/run.py --seconds 60`` (figures in bench/RESULTS.md)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT

pytest.importorskip("atheris", reason="atheris (pip install -e '.[test]') has wheels for Linux x86_64 only")

HANG_GUARD = 600  # seconds: a hang fails the test instead of stalling the suite (not a speed target)


def test_every_target_runs_without_a_crash(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "fuzz" / "run.py"), "--seconds", "30",
                          "--runs", "150", "--seed", "1", "--max-seeds", "4", "--corpus", str(tmp_path), "--json"],
                         capture_output=True, text=True, timeout=HANG_GUARD, env=env, cwd=ROOT)
    results = json.loads(run.stdout)
    crashed = {name: (r["exception"], r["crash_file"]) for name, r in results.items() if r["crashed"]}
    logs = {name: (tmp_path / "logs" / f"{name}.log").read_text(errors="replace")[-2000:] for name in crashed}
    assert not crashed, (crashed, logs)
    assert run.returncode == 0
    assert len(results) >= 11 and all(r["inputs"] for r in results.values()), results
