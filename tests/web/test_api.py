"""The JSON API on the seeded example store, used as a client program would."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

pytest.importorskip("fastapi", reason="the explorer needs fastapi (pip install -e '.[test]')")

from web.fixtures import client, corpus_db  # noqa: F401  (fixtures)
from web.seedstore import copy_store, hostile_doc_id

pytestmark = pytest.mark.slow  # builds the example corpus (once per session)

ODD_QUERIES = ['"', '((', ')', 'AND', 'OR NOT', 'title:', 'kind:', '*', '\\', 'a:b:c', '[1 TO', 'day:[a TO b]',
               "x' OR 1=1 --", "'; DROP TABLE documents; --", '<script>alert(1)</script>', '~2', '^3', '"unclosed phrase',
               '+-', '-', 'Türkiye «brother»', '\x00', 'a' * 600]


def test_lists_paginate_and_filter(client):
    first = client.get("/api/documents", params={"limit": 5}).json()
    assert first["total"] >= 48 and len(first["items"]) == 5 and first["limit"] == 5
    second = client.get("/api/documents", params={"limit": 5, "offset": 5}).json()
    assert {d["id"] for d in first["items"]}.isdisjoint(d["id"] for d in second["items"])

    june = client.get("/api/documents", params={"since": "2025-06", "until": "2025-06", "limit": 500}).json()
    assert june["total"] > 0 and all(d["published"].startswith("2025-06") for d in june["items"])
    orda = client.get("/api/documents", params={"outlet": "orda daily", "limit": 500}).json()
    assert orda["total"] > 0 and {d["outlet"] for d in orda["items"]} == {"Orda Daily"}

    agree = client.get("/api/events", params={"plover": "AGREE", "country": "KAZ", "limit": 500}).json()
    assert agree["total"] > 0
    for e in agree["items"]:
        assert e["plover"] == "AGREE"
        assert "KAZ" in {(e["source"] or {}).get("country"), (e["target"] or {}).get("country")}
        assert e["evidence"] and all(ev["doc_id"] and ev["end"] > ev["start"] for ev in e["evidence"])


def test_records_cite_their_document_text(client):
    quotes = client.get("/api/quotes", params={"limit": 20}).json()["items"]
    assert quotes
    for q in quotes[:10]:
        doc = client.get(f"/api/documents/{q['doc_id']}").json()
        assert doc["text"][q["start"]:q["end"]] == q["text"]
    event = client.get("/api/events", params={"limit": 1}).json()["items"][0]
    detail = client.get(f"/api/events/{event['id']}").json()
    for ev in detail["evidence"]:
        text = client.get(f"/api/documents/{ev['doc_id']}").json()["text"]
        assert text[ev["start"]:ev["end"]] == ev["text"]
        assert ev["context"]["text"] and ev["document"]["id"] == ev["doc_id"]


def test_story_compares_coverage(client):
    stories = client.get("/api/stories", params={"limit": 500}).json()
    assert stories["total"] >= 12
    story = client.get("/api/stories/t-kaz-chn-fm-talks-2025-06").json()
    assert len(story["documents"]) == 4 and story["comparison"]
    kinds = {row["kind"] for row in story["comparison"]}
    assert {"event", "amount"} <= kinds
    # Every cell names one of the story's documents.
    ids = {d["id"] for d in story["documents"]}
    assert all(set(row["cells"]) <= ids for row in story["comparison"])


def test_timeline_counts_events_by_month_and_type(client):
    t = client.get("/api/timeline").json()
    assert t["months"] == sorted(t["months"]) and t["bins"]
    assert set(b["plover"] for b in t["bins"]) <= set(t["types"])
    kaz = client.get("/api/timeline", params={"country": "KAZ", "since": "2025"}).json()
    assert sum(b["count"] for b in kaz["bins"]) <= sum(b["count"] for b in t["bins"])
    assert all(b["month"] >= "2025" for b in kaz["bins"])


def test_entities_grouped_and_one(client):
    grouped = client.get("/api/entities", params={"grouped": "true", "q": "seitkali"}).json()
    assert grouped["total"] >= 1 and "Seitkali" in grouped["items"][0]["name"]
    one = client.get(f"/api/entities/{grouped['items'][0]['id']}").json()
    assert one["records"] and "events" in one and "quotes" in one


def test_unknown_ids_404_bad_params_422(client):
    for path in ("/api/documents/ffffffffffffffff", "/api/events/nope", "/api/stories/nope", "/api/entities/nope",
                 "/api/quotes/nope", "/api/amounts/nope", "/api/agreements/nope", "/api/documents/%3Cscript%3E"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "detail" in r.json()
    for params in ({"limit": 0}, {"limit": 501}, {"offset": -1}, {"since": "June"}, {"since": "2025-13-01"},
                   {"until": "2025-02-30"}, {"plover": "HUG"}, {"country": "Kazakhstan"}, {"limit": "ten"}):
        r = client.get("/api/events", params=params)
        assert r.status_code == 422, params
    assert client.get("/api/search").status_code == 422          # q is required
    assert client.get("/api/search", params={"q": "x", "type": "story"}).status_code == 422


def test_every_route_answers_without_server_errors(client, corpus_db):
    schema = client.get("/api/openapi.json").json()
    examples = {}
    for kind, key in (("documents", "doc_id"), ("events", "event_id"), ("quotes", "quote_id"),
                      ("amounts", "amount_id"), ("agreements", "agreement_id"), ("entities", "entity_id"),
                      ("stories", "story_id")):
        items = client.get(f"/api/{kind}", params={"limit": 1}).json()["items"]
        examples[key] = items[0]["id"] if items else "none"
    assert len(schema["paths"]) >= 16
    for path, ops in schema["paths"].items():
        assert "get" in ops, path
        names = {p["name"] for p in ops["get"].get("parameters", []) if p["in"] == "query"}
        good = path
        for key, value in examples.items():
            good = good.replace("{" + key + "}", value)
        params = {"q": "trade"} if "q" in names and path.endswith("/search") else {}
        r = client.get(good, params=params)
        assert r.status_code == 200, (good, r.text[:200])
        # Invalid values for the parameters this route declares: 422 (or, for free text, 200).
        bad_calls = {"limit": -3, "since": "yesterday", "plover": "NOPE", "offset": "x", "country": "<b>",
                     "q": '((\"', "outlet": "' OR '1'='1", "type": "story", "grouped": "maybe"}
        for name, value in bad_calls.items():
            if name not in names:
                continue
            r = client.get(good, params={**params, name: value})
            assert r.status_code < 500, (good, name, r.text[:200])
            assert r.status_code == (200 if name in ("q", "outlet") else 422), (good, name, r.status_code)
        if "{" in path:
            missing = path.split("{")[0] + "does-not-exist"
            assert client.get(missing).status_code == 404, missing


def test_outlet_text_never_reaches_sql(client):
    total = client.get("/api/documents").json()["total"]
    r = client.get("/api/documents", params={"outlet": "' OR '1'='1"})
    assert r.status_code == 200 and r.json()["total"] == 0
    assert client.get("/api/documents").json()["total"] == total


@pytest.mark.parametrize("q", ODD_QUERIES)
def test_odd_search_queries_never_fail(client, q):
    r = client.get("/api/search", params={"q": q[:500] or "x"})
    assert r.status_code in (200, 422), r.text[:300]
    page = client.get("/search", params={"q": q})
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text


def test_search_phrases_and_snippets(client):
    r = client.get("/api/search", params={"q": '"good neighbours"', "limit": 50}).json()
    assert r["total"] >= 4 and not r["plain_words"]
    for h in r["hits"]:
        assert any(h["snippet"][a:b].lower() in ("good", "neighbours") for a, b in h["highlights"]) or h["kind"] == "entity"
        doc = client.get(f"/api/documents/{h['doc_id']}").json()
        assert 0 <= h["start"] < h["end"] <= len(doc["text"])
    quotes = client.get("/api/search", params={"q": "neighbours", "type": "quote"}).json()
    assert quotes["hits"] and {h["kind"] for h in quotes["hits"]} == {"quote"}


def test_security_headers_and_loopback_default(client):
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get("/api/documents").headers["content-security-policy"] == csp
    from annalist.cli import serve
    host = next(p for p in serve.params if p.name == "host")
    assert host.default == "127.0.0.1"


def test_busy_store_answers_503_not_500(corpus_db, tmp_path):
    """While another process holds the store for writing (a build), requests say: retry."""
    from fastapi.testclient import TestClient

    from annalist.web import create_app
    db = copy_store(corpus_db, tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('locked', flush=True); time.sleep(30)", str(db)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with TestClient(create_app(db)) as c:
            for path in ("/api/documents", "/", "/search?q=trade", "/api/search?q=trade"):
                r = c.get(path)
                assert r.status_code == 503, (path, r.status_code)
                assert r.headers["retry-after"]
                assert "busy" in r.text.lower()
    finally:
        holder.kill()
        holder.wait(10)
    with TestClient(create_app(db)) as c:
        deadline = time.monotonic() + 10
        while c.get("/api/documents").status_code == 503 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert c.get("/api/documents").status_code == 200


def test_missing_store_is_503_with_a_clear_message(tmp_path):
    from fastapi.testclient import TestClient

    from annalist.web import create_app
    with TestClient(create_app(tmp_path / "none.duckdb")) as c:
        r = c.get("/api/documents")
        assert r.status_code == 503 and "no such store" in r.json()["detail"]


def test_hostile_record_is_json_not_markup(client, corpus_db):
    doc = client.get(f"/api/documents/{hostile_doc_id(corpus_db)}")
    assert doc.headers["content-type"].startswith("application/json")
    assert "<script>" in doc.json()["title"]   # data stays data; pages escape it
