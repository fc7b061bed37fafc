"""The command line: help on every command, exit codes, JSON output, export files."""
import json

import pytest
from click.testing import CliRunner

from annalist.cli import EXIT_NOT_FOUND, EXIT_REJECTED, cli
from annalist.outputs.export import RECORD_TYPES
from conftest import TODAY

ARTICLE = ("Title: Rail deal\nOutlet: Orda Daily\nDate: 2025-03-04\n\n"
           "ASTANA — Kazakhstan and China signed a railway agreement on Tuesday, officials said.\n\n"
           "The deal covers a border crossing at Khorgos and new container terminals along the route.\n")


def all_commands():
    return sorted(cli.commands)


@pytest.mark.parametrize("name", all_commands())
def test_every_command_has_help_that_teaches(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert len(cli.commands[name].help or "") > 30, f"{name} has no real help text"
    assert "Usage:" in result.output


@pytest.fixture
def built(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "empty.txt").write_text("")
    db = str(tmp_path / "s.duckdb")
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "--db", db, "--json", "--reference-date", TODAY])
    assert result.exit_code == 0, result.output
    return db, json.loads(result.stdout)


def test_build_json_summary(built):
    _db, summary = built
    assert (summary["read"], summary["new"], summary["rejected"]) == (1, 1, 1)
    assert summary["rejections"][0]["reason"] == "empty file"


def test_strict_makes_rejections_an_error(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "--db", str(tmp_path / "s.duckdb"), "--strict"])
    assert result.exit_code == EXIT_REJECTED
    assert "empty.txt: empty file" in result.stderr


def test_docs_and_show(built):
    db, _ = built
    docs = json.loads(CliRunner().invoke(cli, ["docs", "--db", db, "--json"]).stdout)
    assert [(d["published"], d["outlet"], d["dateline"]) for d in docs] == [("2025-03-04", "Orda Daily", "Astana")]
    shown = CliRunner().invoke(cli, ["show", docs[0]["id"][:6], "--db", db, "--json"])
    record = json.loads(shown.stdout)
    assert record["text"].startswith("ASTANA") and record["published_from"] == "header"
    assert any(e["text"] == "Khorgos" for e in record["entities"]) or record["entities"]


def test_show_unknown_id_exits_not_found(built):
    db, _ = built
    assert CliRunner().invoke(cli, ["show", "ffffffff", "--db", db]).exit_code == EXIT_NOT_FOUND


def test_export_writes_every_record_type(built, tmp_path):
    db, _ = built
    for fmt in ("jsonl", "parquet"):
        result = CliRunner().invoke(cli, ["export", "--db", db, "--format", fmt, "--out", str(tmp_path / fmt), "--json"])
        assert result.exit_code == 0, result.output
        written = json.loads(result.stdout)
        assert sorted(written) == sorted(RECORD_TYPES) and written["documents"]["rows"] == 1
    line = json.loads((tmp_path / "jsonl" / "documents.jsonl").read_text())
    for field in ("id", "source", "outlet", "title", "published", "published_from", "dateline", "text",
                  "boilerplate_removed", "language", "story_id", "duplicate_of"):
        assert field in line
    import pyarrow.parquet as pq
    assert pq.read_table(tmp_path / "parquet" / "documents.parquet").num_rows == 1


def test_reading_a_missing_store_is_a_store_error(tmp_path):
    import subprocess, sys
    proc = subprocess.run([sys.executable, "-m", "annalist", "docs", "--db", str(tmp_path / "none.duckdb")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3 and "no such store" in proc.stderr
