"""The explorer's pages as HTML: what they show, how they link, and that article text never
becomes markup or script."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import duckdb
import pytest

pytest.importorskip("fastapi", reason="the explorer needs fastapi (pip install -e '.[test]')")

from web.fixtures import client, corpus_db  # noqa: F401  (fixtures)
from web.seedstore import copy_store, hostile_doc_id

pytestmark = pytest.mark.slow


class _Scan(HTMLParser):
    """Collects the elements a script could run from."""

    def __init__(self):
        super().__init__()
        self.scripts, self.handlers, self.hrefs, self.ids = [], [], [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts.append(a.get("src"))
        if tag in ("img", "iframe", "object", "embed"):
            self.handlers.append(tag)
        self.handlers += [k for k in a if k.startswith("on")]
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if "id" in a:
            self.ids.add(a["id"])


def scan(html: str) -> _Scan:
    s = _Scan()
    s.feed(html)
    return s


def test_pages_answer(client):
    for path in ("/", "/stories", "/documents", "/events", "/entities", "/quotes", "/amounts", "/agreements",
                 "/search", "/search?q=wind+loan", "/api", "/stories/t-kaz-chn-fm-talks-2025-06",
                 "/documents?since=2025&country=KAZ&plover=AGREE", "/events?page=2", "/?outlet=Orda+Daily"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("text/html")


def test_page_errors_are_pages(client):
    assert client.get("/documents/0000000000000000").status_code == 404
    assert client.get("/stories/nope").status_code == 404
    assert "Not found" in client.get("/events/nope").text
    for bad in ("/?since=June", "/documents?page=0", "/events?plover=HUG", "/documents/725f2cdc3236a94e?start=x&end=2",
                "/search?q=a&type=story", "/entities?type=ALIEN"):
        r = client.get(bad)
        assert r.status_code == 422, bad
        assert r.headers["content-type"].startswith("text/html")


def test_home_shows_chart_and_stories(client):
    html = client.get("/").text
    assert "<svg" in html and "Events per month by type" in html
    assert 'href="/stories/t-kaz-chn-fm-talks-2025-06"' in html
    # Chart bars link to the events of that month and type.
    assert re.search(r'href="/events\?plover=[A-Z]+&amp;since=\d{4}-\d\d&amp;until=\d{4}-\d\d"', html)


def test_evidence_links_land_on_the_offsets(client):
    event = client.get("/api/events", params={"limit": 1, "outlet": "Orda Daily"}).json()["items"][0]
    ev = event["evidence"][0]
    page = client.get(f"/events/{event['id']}").text
    link = f"/documents/{ev['doc_id']}?start={ev['start']}&amp;end={ev['end']}#o-{ev['start']}-{ev['end']}"
    assert link in page
    doc_page = client.get(f"/documents/{ev['doc_id']}", params={"start": ev["start"], "end": ev["end"]}).text
    assert f'id="o-{ev["start"]}-{ev["end"]}"' in doc_page
    marked = re.search(rf'id="o-{ev["start"]}-{ev["end"]}"></span>(<span class="anchor" id="[^"]+"></span>)*'
                       r'<span class="hl [^"]*h-target', doc_page)
    assert marked, "the cited passage is highlighted where the anchor lands"


def test_story_page_lays_coverage_side_by_side(client):
    html = client.get("/stories/t-kaz-chn-fm-talks-2025-06").text
    assert "Coverage compared" in html and "Side by side" in html
    assert html.count('class="column"') == 4
    assert "differs" in html   # the outlets report trade differently ($43.8 vs $44 billion)


def test_hostile_article_is_escaped_everywhere(client, corpus_db):
    doc_id = hostile_doc_id(corpus_db)
    event_id = client.get("/api/events", params={"limit": 500}).json()
    event_id = next(e["id"] for e in event_id["items"] if e["doc_id"] == doc_id)
    early = "?until=2024-01"   # the hostile article is dated 2024-01-15, before the corpus
    pages = [f"/documents/{doc_id}", f"/events/{event_id}", "/documents" + early, "/quotes" + early,
             "/amounts" + early, "/agreements" + early, "/events" + early, "/search?q=script",
             "/search?q=minister&type=quote"]
    for path in pages:
        html = client.get(path).text
        found = scan(html)
        assert found.scripts == ["/static/app.js"], path          # only our own script file
        assert not found.handlers, (path, found.handlers)         # no <img>, no on*= attribute
        assert not any(h.strip().lower().startswith(("javascript:", "data:", "vbscript:")) for h in found.hrefs), path
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html, path
    # The javascript: url is shown as text, never as a link.
    html = client.get(f"/documents/{doc_id}").text
    assert 'href="javascript:' not in html and "javascript:alert(1)" in html


def test_external_links_are_http_only(client):
    html = client.get("/documents/725f2cdc3236a94e").text
    assert 'href="https://orda-daily.example/' in html and 'rel="noopener noreferrer nofollow"' in html


def test_without_stories_the_home_lists_documents(corpus_db, tmp_path):
    from fastapi.testclient import TestClient

    from annalist.web import create_app
    db = copy_store(corpus_db, tmp_path)
    con = duckdb.connect(str(db))
    con.execute("DROP TABLE stories")
    con.execute("UPDATE documents SET story_id = NULL")
    con.close()
    with TestClient(create_app(db)) as c:
        home = c.get("/")
        assert home.status_code == 200 and "no stories linked yet" in home.text
        assert c.get("/stories").status_code == 200
        assert c.get("/api/stories").json() == {"total": 0, "limit": 50, "offset": 0, "items": []}
        assert c.get("/stories/t-kaz-chn-fm-talks-2025-06").status_code == 404
        doc = c.get("/api/documents", params={"limit": 1}).json()["items"][0]
        assert c.get(f"/documents/{doc['id']}").status_code == 200


def test_stories_from_document_story_ids_when_no_table(corpus_db, tmp_path):
    from fastapi.testclient import TestClient

    from annalist.web import create_app
    db = copy_store(corpus_db, tmp_path)
    con = duckdb.connect(str(db))
    con.execute("DROP TABLE stories")
    con.close()
    with TestClient(create_app(db)) as c:
        story = c.get("/api/stories/t-kaz-chn-fm-talks-2025-06").json()
        assert len(story["doc_ids"]) == 4 and story["comparison"]
