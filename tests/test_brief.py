"""The brief: readable, sourced, every passage verbatim from the article it cites, and no
article text can run as script in it."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import duckdb
import pytest

from annalist.outputs.brief import compose_brief, write_brief
from annalist.store import Store
from web.seedstore import corpus_store  # tests/web/seedstore.py

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return corpus_store(tmp_path_factory)


def _texts(db) -> dict[str, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(con.execute("SELECT id, text FROM documents").fetchall())
    finally:
        con.close()


class _BriefParser(HTMLParser):
    """Passages (<q class=src> with their [n] citation), sources (<li id=src-n>), and anything
    that could run."""

    def __init__(self):
        super().__init__()
        self.passages, self.sources, self.cites, self.scripts, self.handlers, self.hrefs = [], {}, [], 0, [], []
        self._q = None
        self._li = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.handlers += [k for k in a if k.startswith("on")]
        if tag == "script":
            self.scripts += 1
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
            if "cite" in (a.get("class") or "") and "also" not in a.get("class"):
                self.cites.append(a["href"])
                if self.passages and self.passages[-1]["n"] is None:
                    self.passages[-1]["n"] = int(a["href"].removeprefix("#src-"))
        if tag == "q" and a.get("class") == "src":
            self._q = {"doc": a["data-doc"], "start": int(a["data-start"]), "end": int(a["data-end"]), "text": "", "n": None}
        if tag == "li" and (a.get("id") or "").startswith("src-"):
            self.sources[int(a["id"][4:])] = a["data-doc"]

    def handle_endtag(self, tag):
        if tag == "q" and self._q is not None:
            self.passages.append(self._q)
            self._q = None

    def handle_data(self, data):
        if self._q is not None:
            self._q["text"] += data


def test_html_brief_every_passage_is_verbatim_and_cited(db, tmp_path):
    out = tmp_path / "brief.html"
    with Store(db, read_only=True) as store:
        report = write_brief(store, out, actors=["KAZ", "CHN"], since="2025-01", until="2025-12")
    assert report.developments and report.figures and report.quotes and report.sources
    page = out.read_text(encoding="utf-8")
    for heading in ("Key developments", "Key figures", "Notable quotes", "Agreements", "Sources"):
        assert heading in page
    assert "<svg" in page                                  # the timeline chart, inline
    p = _BriefParser()
    p.feed(page)
    texts = _texts(db)
    assert len(p.passages) >= report.developments + report.quotes
    for passage in p.passages:
        assert passage["n"] in p.sources, passage          # [n] resolves to a listed source
        assert p.sources[passage["n"]] == passage["doc"]   # ... which is the passage's document
        assert texts[passage["doc"]][passage["start"]:passage["end"]] == passage["text"]   # verbatim
    for href in p.cites:
        assert int(href.removeprefix("#src-")) in p.sources
    assert set(p.sources.values()) <= set(texts)
    # Developments are in date order.
    dates = re.findall(r'<span class="when">([^<]+)</span>', page)
    con = duckdb.connect(str(db), read_only=True)
    try:
        brief = compose_brief(con, ["KAZ", "CHN"], "2025-01", "2025-12")
    finally:
        con.close()
    iso = [d["date"] or "9999" for d in brief.developments]
    assert iso == sorted(iso) and len(dates) == len(iso)


def test_figures_show_conflicting_reports(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        brief = compose_brief(con, ["KAZ", "CHN"], "2025-06", "2025-06")
    finally:
        con.close()
    trade = [f for f in brief.figures if f["conflict"]]
    assert trade, "the June 2025 coverage reports trade as both $43.8 and $44 billion"
    assert len({e["value"] for e in trade[0]["entries"]}) > 1


def test_markdown_brief_with_chart_file(db, tmp_path):
    out = tmp_path / "brief.md"
    with Store(db, read_only=True) as store:
        report = write_brief(store, out, actors=["KAZ"])
    chart = tmp_path / "brief.timeline.svg"
    assert chart in report.files and chart.read_text().startswith("<svg")
    text = out.read_text(encoding="utf-8")
    assert "](brief.timeline.svg)" in text
    texts = _texts(db)
    sources = dict(re.findall(r'^(\d+)\. <a id="src-\d+"></a>.*\(document `([0-9a-f]+)`\)$', text, re.M))
    passages = re.findall(r"“(.+?)” \[(\d+)\] \(§(\d+)–(\d+)", text)
    assert passages and sources
    for quoted, n, start, end in passages:
        doc = sources[n]
        original = " ".join(texts[doc][int(start):int(end)].split())
        assert html.unescape(re.sub(r"\\(.)", r"\1", quoted)) == original


def test_hostile_article_cannot_run_in_the_brief(db, tmp_path):
    with Store(db, read_only=True) as store:
        write_brief(store, tmp_path / "b.html", actors=["KAZ", "CHN"], since="2024-01", until="2024-01")
        write_brief(store, tmp_path / "b.md", actors=["KAZ", "CHN"], since="2024-01", until="2024-01")
    page = (tmp_path / "b.html").read_text(encoding="utf-8")
    p = _BriefParser()
    p.feed(page)
    assert p.scripts == 0 and not p.handlers
    assert all(h.startswith(("#", "http://", "https://")) for h in p.hrefs)
    assert "&lt;script&gt;" in page and "<script>" not in page and "<img" not in page
    assert "default-src 'none'" in page                    # CSP: even a slip could not run
    md = (tmp_path / "b.md").read_text(encoding="utf-8")
    assert "<script>" not in md and "<img" not in md and "](javascript:" not in md
    assert "&lt;script&gt;" in md


def test_cli_brief(db, tmp_path):
    from click.testing import CliRunner

    from annalist.cli import cli
    runner = CliRunner()
    out = tmp_path / "kaz.html"
    r = runner.invoke(cli, ["brief", "--db", str(db), "--actor", "KAZ", "--actor", "CHN", "--since", "2025-09",
                            "--out", str(out), "--json"])
    assert r.exit_code == 0, r.output
    assert out.exists() and '"developments"' in r.output
    assert runner.invoke(cli, ["brief", "--db", str(db), "--out", str(tmp_path / "b.pdf")]).exit_code != 0
    assert runner.invoke(cli, ["brief", "--db", str(db), "--actor", "Kazakhstan", "--out", str(out)]).exit_code != 0
