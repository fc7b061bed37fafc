"""Readers and the one writer: the explorer and the read commands keep answering while a
build writes the store, from the snapshots the writer publishes; a writer waits for a
short reader instead of failing."""
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annalist import Options, build, open_store
from annalist.store.check import check_store
from annalist.store.snapshot import current_snapshot, snapshot_dir
from conftest import CORPUS, TODAY

HOLD = ("import sys, time, duckdb; c = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == 'r'); "
        "print('holding', flush=True); time.sleep(float(sys.argv[3]))")


def hold(db: Path, mode: str, seconds: float) -> subprocess.Popen:
    """Another process with the store open ('w': a writer, 'r': a reader)."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(db), mode, str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "holding"
    return proc


@pytest.fixture
def text_store(tmp_path):
    if not CORPUS.is_dir():
        pytest.skip("the example corpus is missing")
    db = tmp_path / "news.duckdb"
    build([str(CORPUS / "text")], Options(db=str(db), reference_date=TODAY, progress=False))
    return db


def test_a_build_publishes_a_sound_snapshot_of_what_it_stored(text_store):
    snapshot = current_snapshot(text_store)
    assert snapshot is not None and snapshot.parent == snapshot_dir(text_store)
    with open_store(snapshot, read_only=True) as snap, open_store(text_store, read_only=True) as main:
        assert check_store(snap) == []
        assert snap.count("documents") == main.count("documents") == 16


@pytest.mark.slow
def test_the_explorer_answers_while_a_build_writes_and_then_shows_its_result(text_store):
    from fastapi.testclient import TestClient

    from annalist.web import create_app
    writer = subprocess.Popen([sys.executable, "-m", "annalist", "build", str(CORPUS), "--db", str(text_store),
                               "--reference-date", TODAY, "--no-progress", "--batch-size", "4"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    totals, during = [], 0
    with TestClient(create_app(text_store)) as client:
        while writer.poll() is None:
            r = client.get("/api/documents", params={"limit": 1})
            assert r.status_code == 200, r.text       # never 503: the snapshot is read, not the store
            totals.append(r.json()["total"])
            during += 1
            time.sleep(0.05)
        out, err = writer.communicate()
        assert writer.returncode == 0, err          # the readers did not stand in its way
        deadline = time.monotonic() + 10
        while client.get("/api/documents").json()["total"] != 47 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert client.get("/api/documents").json()["total"] == 47
        assert client.get("/").status_code == 200
    assert during > 10 and totals == sorted(totals) and totals[0] == 16


def test_read_commands_use_the_snapshot_while_a_writer_holds_the_store(text_store):
    holder = hold(text_store, "w", 60)
    try:
        docs = subprocess.run([sys.executable, "-m", "annalist", "docs", "--db", str(text_store), "--json"],
                              capture_output=True, text=True, timeout=120)
    finally:
        holder.kill()
        holder.wait()
    assert docs.returncode == 0, docs.stderr
    assert len(json.loads(docs.stdout)) == 16 and "snapshot" in docs.stderr


def test_a_writer_waits_for_a_reader_that_is_about_to_finish(text_store):
    reader = hold(text_store, "r", 2)
    try:
        started = time.monotonic()
        with open_store(text_store) as s:   # opens once the reader lets go
            assert s.count("documents") == 16
        assert time.monotonic() - started > 0.5
    finally:
        reader.kill()
        reader.wait()
