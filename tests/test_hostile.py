"""`annalist build` over a folder of hostile files (tests/hostile.py makes it at test time): the
build finishes, names every problem by file (and line) with the reason, exits 0 (1 under
--strict), stores what is readable, passes `annalist check`, and the explorer shows the script
payloads as text, never as something a browser would run."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, TODAY
from hostile import PAYLOAD_MARKERS, make_hostile_corpus

from annalist.store import Store

pytestmark = pytest.mark.slow

HANG_GUARD = 1200  # seconds: a hung build fails the test instead of stalling the suite (not a speed target)


def _annalist(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "annalist", *args], capture_output=True, text=True,
                          timeout=HANG_GUARD, env=env, cwd=ROOT)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    folder = base / "in"
    expect = make_hostile_corpus(folder)
    db = base / "hostile.duckdb"
    run = _annalist("build", str(folder), "--db", str(db), "--json", "--no-progress", "--reference-date", TODAY)
    yield folder, expect, db, run
    (folder / "unreadable.txt").chmod(0o644)  # so the temporary folder can be removed


@pytest.fixture(scope="module")
def report(hostile):
    _, _, _, run = hostile
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


def _rejections(report) -> dict[tuple[str, int | None], list[str]]:
    found: dict[tuple[str, int | None], list[str]] = {}
    for r in report["rejections"]:
        found.setdefault((r["source"], r["line"]), []).append(r["reason"])
    return found


def test_the_corpus_is_hostile_enough(hostile):
    folder, expect, _, _ = hostile
    assert len(expect) >= 30
    assert (folder / "one-line-50mb.txt").stat().st_size >= 50 * 1024 * 1024
    jsonl = expect[str(folder / "broken.jsonl")]
    assert len((folder / "broken.jsonl").read_text(encoding="utf-8").split("\n")) == 10_000 and len(jsonl.lines) > 5000


def test_build_finishes_with_exit_0_and_a_report(report):
    assert report["new"] > 20 and report["rejected"] > 9000


def test_every_problem_names_its_file_line_and_reason(hostile, report):
    _, expect, _, _ = hostile
    found = _rejections(report)
    for path, e in expect.items():
        if e.outcome == "rejected":
            reasons = found.get((path, None), [])
            assert reasons and all(e.reason in r for r in reasons), (path, e.reason, reasons)
        elif e.outcome in ("document", "read", "skipped"):
            assert not any(src == path for src, _ in found), (path, [found[k] for k in found if k[0] == path])
        elif e.outcome == "items":
            for line, part in e.lines.items():
                reasons = found.get((path, line))
                assert reasons and all(part in r for r in reasons), (path, line, part, reasons)
            rejected_lines = {line for src, line in found if src == path}
            assert rejected_lines == set(e.lines), (path, sorted(rejected_lines ^ set(e.lines))[:10])


def test_the_terminal_report_prints_names_as_they_are(hostile):
    folder, _, _, run = hostile
    assert f"rejected {folder}/empty.txt: empty file" in run.stderr
    assert f"{folder}/broken.jsonl:6000: invalid JSON (nested too deeply)" in run.stderr
    # a name that looks like terminal markup is printed, not interpreted
    assert f"rejected {folder}/[bold]markup[red] [link=javascript:alert(1)]name.txt: empty file" in run.stderr


def test_readable_files_are_stored(hostile, report):
    folder, expect, db, _ = hostile
    with Store(db, read_only=True) as store:
        sources = {d.source: d for d in store.documents()}
        stored_inputs = dict(store.con.execute("SELECT source, status FROM inputs").fetchall())
    for path, e in expect.items():
        if e.outcome == "document":
            assert path in sources, path
            assert len(sources[path].text) > 200
    for path in ("utf16-bom.txt", "utf16le-no-bom.txt", "utf16be-no-bom.txt", "cp1252.txt", "crlf.txt", "cr-only.txt"):
        text = sources[str(folder / path)].text
        assert "\r" not in text and "\ufffd" not in text and "\x00" not in text, path
    assert "\u200b" not in sources[str(folder / "rtl-zero-width.txt")].text
    # JSON Lines and feed items: the good ones became documents (the rest were rejected, line by line)
    for name in ("broken.jsonl", "feed-1000.xml"):
        assert sum(1 for d in sources.values() if d.origin == str(folder / name)) >= 5, name


def test_a_rerun_adds_nothing_and_strict_exits_1(hostile, report):
    folder, _, db, _ = hostile
    run = _annalist("build", str(folder), "--db", str(db), "--json", "--no-progress", "--strict",
                    "--reference-date", TODAY)
    assert run.returncode == 1, run.stderr[-2000:]
    again = json.loads(run.stdout)
    assert again["new"] == 0 and again["updated"] == 0
    assert _rejections(again) == _rejections(report)   # the same problems, named the same way


def test_the_store_passes_check(hostile, report):
    _, _, db, _ = hostile
    run = _annalist("check", "--db", str(db), "--json")
    assert run.returncode == 0, run.stdout[-3000:]
    assert json.loads(run.stdout)["ok"]


# -- the explorer --------------------------------------------------------------------------------

def _payload_docs(db: Path) -> list[str]:
    with Store(db, read_only=True) as store:
        return [d.id for d in store.documents()
                if any(m in " ".join([d.text, d.title or "", d.outlet or "", d.url or ""]).lower() for m in PAYLOAD_MARKERS)]


def test_explorer_shows_payloads_as_text(hostile, report):
    pytest.importorskip("fastapi", reason="the explorer needs fastapi (pip install -e '.[test]')")
    from fastapi.testclient import TestClient
    from web.test_pages import scan

    from annalist.web import create_app

    _, _, db, _ = hostile
    ids = _payload_docs(db)
    assert len(ids) >= 4, "the payload articles were stored"
    pages = [f"/documents/{i}" for i in ids] + [
        "/", "/documents", "/stories", "/events", "/quotes", "/amounts", "/agreements", "/entities",
        "/search?q=alert", "/search?q=script", "/search?q=onerror"]
    with TestClient(create_app(db)) as client:
        for path in pages:
            r = client.get(path)
            assert r.status_code == 200, path
            found = scan(r.text)
            assert found.scripts == ["/static/app.js"], (path, found.scripts)   # only our own script
            assert not found.handlers, (path, found.handlers)                    # no <img>/<iframe>, no on*=
            assert not any(h.strip().lower().startswith(("javascript:", "data:", "vbscript:")) for h in found.hrefs), path
        for i in ids:
            html = client.get(f"/documents/{i}").text
            assert "alert(" in html.lower() and "<script>alert" not in html.lower(), i   # shown, escaped
            api = client.get(f"/api/documents/{i}")
            assert api.status_code == 200 and api.headers["content-type"].startswith("application/json")
