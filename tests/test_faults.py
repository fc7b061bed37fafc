"""Faults of the disk: a full disk and a read-only store end a run with a store error that
names the store (exit code 3), and nothing stored is lost: once there is room, a rerun
finishes to the same store as a clean build."""
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from annalist import export, open_store
from annalist.store.check import check_store
from conftest import CORPUS, TODAY

EXIT_STORE = 3


@contextmanager
def small_disk(folder: Path, size: str):
    """A tmpfs of ``size`` at ``folder`` (a real full disk, not a simulated one)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()})")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def annalist(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "annalist", *args], capture_output=True, text=True, timeout=600)


def exports(db: Path, out: Path) -> dict[str, bytes]:
    with open_store(db, read_only=True) as s:
        export(s, out, "jsonl")
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.mark.slow
def test_a_full_disk_stops_the_build_with_a_store_error_and_loses_nothing(tmp_path, clean_corpus_exports):
    with small_disk(tmp_path / "disk", "5m") as disk:
        db = disk / "news.duckdb"
        full = annalist("build", str(CORPUS), "--db", str(db), "--reference-date", TODAY, "--no-progress")
        assert full.returncode == EXIT_STORE, full.stderr
        assert str(db) in full.stderr and "No space left on device" in full.stderr
        assert "Traceback" not in full.stderr
        subprocess.run(["mount", "-o", "remount,size=256m", str(disk)], check=True)
        rerun = annalist("build", str(CORPUS), "--db", str(db), "--reference-date", TODAY, "--no-progress")
        assert rerun.returncode == 0, rerun.stderr
        with open_store(db, read_only=True) as s:
            assert check_store(s) == []
        assert exports(db, tmp_path / "e1") == clean_corpus_exports


def _article(folder: Path) -> Path:
    (folder / "a.txt").write_text("Title: Rail deal\nOutlet: Orda Daily\nDate: 2025-03-01\n\n"
                                  "ASTANA — Kazakhstan and China signed a railway agreement on Tuesday, officials said.\n")
    return folder / "a.txt"


def test_a_read_only_store_is_a_store_error_for_build_and_watch(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    _article(src)
    if os.geteuid() == 0:   # root writes through file modes: make the file system read-only
        ctx = small_disk(tmp_path / "ro", "16m")
    else:
        ctx = _chmod_read_only(tmp_path / "ro")
    with ctx as folder:
        db = folder / "news.duckdb"
        made = annalist("build", str(src), "--db", str(db), "--reference-date", TODAY, "--no-progress")
        assert made.returncode == 0, made.stderr
        if os.geteuid() == 0:
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        else:
            os.chmod(db, 0o444), os.chmod(folder, 0o555)
        _article(src).write_text(_article(src).read_text() + "\nThe line opens next year.\n")
        for command in (["build", str(src)], ["watch", str(src), "--once"]):
            result = annalist(*command, "--db", str(db), "--reference-date", TODAY)
            assert result.returncode == EXIT_STORE, (command, result.stdout, result.stderr)
            assert str(db) in result.stderr and "Traceback" not in result.stderr
        # Readers still read it.
        docs = annalist("docs", "--db", str(db), "--json")
        assert docs.returncode == 0 and '"Rail deal"' in docs.stdout


@contextmanager
def _chmod_read_only(folder: Path):
    folder.mkdir()
    try:
        yield folder
    finally:
        os.chmod(folder, 0o755)
