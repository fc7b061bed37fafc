"""annalist watch: new files, changed files and appended JSON Lines are taken in batch by
batch; half-written input waits; SIGTERM and SIGKILL leave a store that resumes to the same
result as a clean build."""
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annalist import Options, export, open_store
from annalist.store.check import check_store
from annalist.watch import Watcher
from conftest import CORPUS, TODAY

ARTICLE = ("Title: {title}\nOutlet: Orda Daily\nDate: 2025-03-0{n}\n\n"
           "ASTANA — Kazakhstan and China signed a railway agreement number {n} on Tuesday, officials said.\n\n"
           "The deal covers a border crossing at Khorgos and new container terminals along the route.\n")


def line(n: int) -> str:
    return json.dumps({"title": f"Wheat quota {n}", "outlet": "Caspian Wire", "published": f"2025-04-{n:02d}",
                       "text": f"TASHKENT — Uzbekistan raised its wheat import quota by {n} percent for the season, "
                               "the agriculture ministry said on Monday."}) + "\n"


def write_settled(path: Path, text: str) -> None:
    """A file written a while ago (watch reads such files at the first look)."""
    path.write_text(text)
    old = time.time() - 600
    os.utime(path, (old, old))


def watcher(tmp_path, folder, settle=0.0):
    opts = Options(db=str(tmp_path / "s.duckdb"), reference_date=TODAY, progress=False, workers=1)
    return Watcher([str(folder)], opts, interval=0.01, settle=settle)


def sources(tmp_path) -> list[str]:
    with open_store(tmp_path / "s.duckdb", read_only=True) as s:
        return sorted(d.source for d in s.documents())


def test_a_new_file_is_taken_in_and_a_quiet_poll_reads_nothing(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_settled(inbox / "a1.txt", ARTICLE.format(n=1, title="Rail deal"))
    with watcher(tmp_path, inbox) as w:
        first = w.poll()
        assert (first.files, first.new) == (1, 1) and first.linked
        assert w.poll().idle
        (inbox / "a2.txt").write_text(ARTICLE.format(n=2, title="Second rail deal"))
        second = w.poll()
        assert (second.files, second.new, second.unchanged, second.documents) == (1, 1, 0, 2)


def test_a_changed_file_replaces_its_document(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    f = inbox / "a1.txt"
    f.write_text(ARTICLE.format(n=1, title="Rail deal"))
    with watcher(tmp_path, inbox) as w:
        w.poll()
        f.write_text(ARTICLE.format(n=1, title="Rail deal").replace("Khorgos", "Altynkol"))
        batch = w.poll()
        assert (batch.new, batch.updated, batch.documents) == (0, 1, 1)
    with open_store(tmp_path / "s.duckdb", read_only=True) as s:
        assert "Altynkol" in s.documents()[0].text


def test_appended_json_lines_are_read_from_where_it_left_off(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    feed = inbox / "wire.jsonl"
    feed.write_text(line(1) + line(2))
    with watcher(tmp_path, inbox) as w:
        assert w.poll().new == 2
        with feed.open("a") as f:
            f.write(line(3) + "\n" + line(4))   # a blank line between: numbering as a whole read has it
        batch = w.poll()
        # Only the two new lines are read (a re-read would count the first two as unchanged).
        assert (batch.read, batch.new, batch.unchanged) == (2, 2, 0)
    assert sources(tmp_path) == sorted(f"{feed}:{n}" for n in (1, 2, 3, 5))


def test_a_last_line_without_its_newline_waits_until_complete(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    feed = inbox / "wire.jsonl"
    whole = line(2)
    feed.write_text(line(1) + whole[:40])
    with watcher(tmp_path, inbox, settle=3600) as w:
        batch = w.poll()
        assert (batch.new, batch.rejected, batch.pending) == (1, 0, 0)
        assert w.poll().new == 0
        with feed.open("a") as f:
            f.write(whole[40:])
        assert w.poll().new == 1
    with open_store(tmp_path / "s.duckdb", read_only=True) as s:
        assert s.rejections() == []


def test_a_file_still_changing_waits_one_interval(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a1.txt").write_text(ARTICLE.format(n=1, title="Rail deal"))   # modified just now
    with watcher(tmp_path, inbox, settle=3600) as w:
        first = w.poll()
        assert (first.files, first.pending) == (0, 1)
        second = w.poll()   # the same size and time as at the last look: done being written
        assert (second.files, second.new, second.pending) == (1, 1, 0)


def test_a_restart_reads_only_what_is_new(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_settled(inbox / "a1.txt", ARTICLE.format(n=1, title="Rail deal"))
    (inbox / "wire.jsonl").write_text(line(1))
    with watcher(tmp_path, inbox) as w:
        w.poll()
    with (inbox / "wire.jsonl").open("a") as f:
        f.write(line(2))
    with watcher(tmp_path, inbox) as w:
        batch = w.poll()
        assert (batch.files, batch.read, batch.new, batch.linked) == (1, 1, 1, True)


# -- signals and crashes (subprocesses, the example corpus) ------------------------------------------

def _cmd(db: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "annalist", "watch", str(CORPUS), "--db", str(db), "--reference-date", TODAY,
            "--interval", "0.2", *extra]


def _exports(db: Path, out: Path) -> dict[str, bytes]:
    with open_store(db, read_only=True) as s:
        export(s, out, "jsonl")
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def _wait_for_commits(db: Path, proc, timeout=120) -> bool:
    """Wait until the run has committed some batches but not all (the WAL grows)."""
    wal, deadline = Path(str(db) + ".wal"), time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > 150_000:
            return True
        time.sleep(0.02)
    return False


@pytest.mark.slow
def test_sigterm_mid_batch_stops_cleanly_and_a_restart_finishes(tmp_path, clean_corpus_exports):
    db = tmp_path / "w.duckdb"
    proc = subprocess.Popen(_cmd(db, "--batch-size", "2", "--workers", "1"), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert _wait_for_commits(db, proc), "the watch ended or stalled before it could be stopped"
    proc.send_signal(signal.SIGTERM)
    out, errors = proc.communicate(timeout=120)
    assert proc.returncode == 0, errors
    assert "stopped" in out and "SIGTERM" in errors
    with open_store(db, read_only=True) as s:
        assert check_store(s) == []
        stored = s.count("documents")
        # What was committed is linked: every stored document belongs to a story.
        assert s.con.execute("SELECT count(*) FROM documents WHERE story_id IS NULL").fetchone()[0] == 0
    assert 0 < stored < 47
    rerun = subprocess.run(_cmd(db, "--once", "--json"), capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout.strip().splitlines()[-1])["summary"]
    assert summary["new"] == 47 - stored
    assert _exports(db, tmp_path / "e") == clean_corpus_exports


@pytest.mark.slow
def test_kill_9_at_random_points_then_restart_equals_a_clean_build(tmp_path, clean_corpus_exports):
    db = tmp_path / "w.duckdb"
    rng = random.Random(8)
    kills = 0
    for _ in range(3):
        proc = subprocess.Popen(_cmd(db, "--batch-size", "4"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not db.exists() and time.monotonic() < deadline:   # from the moment it holds the store
            time.sleep(0.02)
        time.sleep(rng.uniform(0.5, 6.0))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
        with open_store(db, read_only=True) as s:
            assert check_store(s) == []
    assert kills == 3
    rerun = subprocess.run(_cmd(db, "--once"), capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    with open_store(db, read_only=True) as s:
        assert check_store(s) == []
    assert _exports(db, tmp_path / "e") == clean_corpus_exports
