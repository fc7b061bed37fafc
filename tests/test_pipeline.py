"""Whole builds: reruns add nothing, new files add only themselves, changed files replace
their document, and a build killed with SIGKILL resumes to the same store."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annalist import Options, build, export, open_store
from annalist.store.check import check_store
from conftest import CORPUS, TODAY

ARTICLE = ("Title: {title}\nOutlet: Orda Daily\nDate: 2025-03-0{n}\n\n"
           "ASTANA — Kazakhstan and China signed a railway agreement number {n} on Tuesday, officials said.\n\n"
           "The deal covers a border crossing at Khorgos and new container terminals along the route.\n")


def write(folder: Path, n: int, title="Rail deal") -> Path:
    f = folder / f"a{n}.txt"
    f.write_text(ARTICLE.format(n=n, title=title))
    return f


def opts(tmp_path, **kw):
    return Options(db=str(tmp_path / "s.duckdb"), reference_date=TODAY, progress=False, **kw)


def test_rerun_adds_nothing_and_new_files_add_only_themselves(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    write(src, 1), write(src, 2)
    first = build([str(src)], opts(tmp_path))
    assert (first.read, first.new, first.unchanged) == (2, 2, 0)
    again = build([str(src)], opts(tmp_path))
    assert (again.read, again.new, again.unchanged) == (2, 0, 2)
    write(src, 3)
    third = build([str(src)], opts(tmp_path))
    assert (third.new, third.unchanged) == (1, 2)
    with open_store(tmp_path / "s.duckdb", read_only=True) as s:
        assert s.count("documents") == 3


def test_changed_file_replaces_its_document(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    f = write(src, 1)
    build([str(src)], opts(tmp_path))
    f.write_text(f.read_text().replace("Khorgos", "Altynkol"))
    report = build([str(src)], opts(tmp_path))
    assert (report.new, report.updated) == (0, 1)
    with open_store(tmp_path / "s.duckdb", read_only=True) as s:
        (doc,) = s.documents()
        assert "Altynkol" in doc.text and s.count("sentences") == len(s.sentences(doc.id))


def test_a_footer_an_outlet_repeats_is_removed_without_any_rule_naming_it(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    footer = "Orda Daily: independent business reporting from Kazakhstan since 2009"
    bodies = ["Kazakhstan and China signed a railway agreement on Tuesday.\n\nThe line opens next year.",
              "Uzbekistan raised its wheat import quota for the season, the ministry said.\n\nPrices fell.",
              "A new terminal opened at the Caspian port of Kuryk on Friday.\n\nIt handles containers."]
    for n, body in enumerate(bodies):
        (src / f"a{n}.txt").write_text(f"Outlet: Orda Daily\nDate: 2025-03-0{n + 1}\n\n{body}\n\n{footer}\n")
    build([str(src)], opts(tmp_path))
    with open_store(tmp_path / "s.duckdb", read_only=True) as s:
        docs = s.documents()
    assert len(docs) == 3 and all(footer not in d.text and footer in d.boilerplate_removed for d in docs)


def test_identical_copies_are_one_document(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    f = write(src, 1)
    (src / "copy.txt").write_text(f.read_text())
    report = build([str(src)], opts(tmp_path))
    assert (report.new, report.unchanged) == (1, 1)


def test_bad_inputs_are_counted_and_reported_again_on_rerun(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    write(src, 1)
    (src / "empty.txt").write_text("")
    (src / "x.jsonl").write_text('{"text": "broken\n')
    report = build([str(src), str(tmp_path / "missing.txt")], opts(tmp_path))
    reasons = sorted((Path(r.source).name, r.line, r.reason.split(" (")[0]) for r in report.rejections)
    assert reasons == [("empty.txt", None, "empty file"), ("missing.txt", None, "no such file or folder"),
                       ("x.jsonl", 1, "invalid JSON")]
    again = build([str(src)], opts(tmp_path))
    assert again.rejected == 2 and again.new == 0


def test_stdin_is_an_input(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "annalist", "build", "-", "--db", str(tmp_path / "s.duckdb"),
                           "--json", "--no-progress"], input=ARTICLE.format(n=1, title="x").encode(),
                          capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads(proc.stdout)["new"] == 1


def _export_bytes(db: Path, out: Path) -> dict[str, bytes]:
    with open_store(db, read_only=True) as s:
        export(s, out, "jsonl")
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.mark.slow
def test_sigkill_mid_build_then_rerun_equals_a_clean_build(tmp_path):
    if not CORPUS.is_dir():
        pytest.skip("the example corpus is missing")
    clean_db, killed_db = tmp_path / "clean.duckdb", tmp_path / "killed.duckdb"
    build([str(CORPUS)], Options(db=str(clean_db), reference_date=TODAY, progress=False))
    cmd = [sys.executable, "-m", "annalist", "build", str(CORPUS), "--db", str(killed_db), "--batch-size", "2", "--workers", "2",
           "--reference-date", TODAY, "--no-progress"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    wal = Path(str(killed_db) + ".wal")
    # Kill once the build has committed some batches (the WAL grows) but before it ends.
    while time.monotonic() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > 200_000:
            break
        time.sleep(0.05)
    killed_mid_run = proc.poll() is None
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert killed_mid_run, "the build finished before it could be killed"
    time.sleep(1.5)
    stray = subprocess.run(["pgrep", "-f", f"--db {killed_db}"], capture_output=True, text=True).stdout.split()
    assert stray == [], "worker processes outlived the killed build"
    rerun = build([str(CORPUS)], Options(db=str(killed_db), reference_date=TODAY, progress=False))
    assert rerun.unchanged > 0 and rerun.new > 0  # it resumed rather than redid everything
    from annalist.store.check import check_store
    with open_store(killed_db, read_only=True) as s:
        assert check_store(s) == []
    assert _export_bytes(killed_db, tmp_path / "e1") == _export_bytes(clean_db, tmp_path / "e2")


@pytest.mark.slow
def test_two_workers_give_the_same_store_as_one(tmp_path):
    if not CORPUS.is_dir():
        pytest.skip("the example corpus is missing")
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    build([str(CORPUS)], Options(db=str(one), reference_date=TODAY, progress=False, workers=1, batch_size=8))
    build([str(CORPUS)], Options(db=str(two), reference_date=TODAY, progress=False, workers=2, batch_size=8))
    assert _export_bytes(one, tmp_path / "e1") == _export_bytes(two, tmp_path / "e2")


@pytest.mark.parametrize("batch_size", [1, 8])
def test_two_json_lines_with_one_url_give_one_document_and_reruns_keep_it(tmp_path, batch_size):
    """The later line wins, in one batch or across batches, and a rerun neither adds nor flips."""
    import json as _json
    body = ("Kazakhstan and China agreed on Tuesday to open a second railway crossing at Bakhty, "
            "the transport ministry said in a statement issued in Astana. ")
    lines = [{"url": "https://example.org/a", "title": "Rail crossing", "text": body * 3, "date": "2025-06-16"},
             {"url": "https://example.org/a", "title": "Rail crossing (updated)", "text": body * 3 + "It opens in 2027.",
              "date": "2025-06-16"}]
    feed = tmp_path / "items.jsonl"
    feed.write_text("\n".join(_json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    db = str(tmp_path / "s.duckdb")
    first = build([str(feed)], Options(db=db, batch_size=batch_size, progress=False, reference_date=TODAY))
    second = build([str(feed)], Options(db=db, batch_size=batch_size, progress=False, reference_date=TODAY))
    with open_store(db, read_only=True) as store:
        docs = store.documents()
        problems = check_store(store)
    assert [d.title for d in docs] == ["Rail crossing (updated)"]
    assert first.new == 1 and second.new == second.updated == 0 and second.unchanged == 2
    assert not problems
