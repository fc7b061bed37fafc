"""The explorer in headless Chromium, as a person uses it: open the timeline, search, follow
an evidence link, read a story, on a laptop and on a phone. Screenshots go to
tests/web/screenshots/ (gitignored) for a human to look at."""
from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the explorer needs fastapi (pip install -e '.[test]')")

from web.fixtures import corpus_db  # noqa: F401  (fixture)
from web.seedstore import hostile_doc_id

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("ANNALIST_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).parent / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="the browser tests need playwright (pip install playwright)")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium; or set ANNALIST_CHROMIUM)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(corpus_db):
    """uvicorn on a free loopback port in a thread; stopped when the module is done."""
    import uvicorn

    from annalist.web import create_app
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(corpus_db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


def _page(browser, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(10_000)
    page.dialogs, page.errors = [], []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return page


def _shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_desktop_search_story_event_evidence(browser, server):
    page = _page(browser, 1280, 900)
    page.goto(server + "/")
    assert page.locator("svg.chart rect").count() > 5
    _shot(page, "desktop-1-home")

    page.fill("header input[name=q]", '"good neighbours"')
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?**")
    assert page.locator("ol.hits li").count() >= 4
    assert page.locator("ol.hits mark").first.inner_text().lower() in ("good", "neighbours")
    _shot(page, "desktop-2-search")

    page.locator("ol.hits a.cite").first.click()
    page.wait_for_url("**/documents/**#o-*")
    target = page.locator(".hl.h-target").first
    assert target.is_visible() and target.bounding_box()["y"] < 900   # scrolled to the cited passage
    _shot(page, "desktop-3-document-at-citation")

    page.goto(server + "/stories")
    page.locator("ol.stories a.title", has_text="Seitkali").first.click()
    assert page.locator("table.compare").is_visible()
    assert page.locator("section.column").count() == 4
    _shot(page, "desktop-4-story")

    page.locator("table.compare a[href^='/events/']").first.click()
    assert page.locator("blockquote.context .h-target").count() >= 1
    _shot(page, "desktop-5-event")
    page.get_by_text("Open in the article").first.click()
    page.wait_for_url("**/documents/**#o-*")
    assert page.locator(".hl.h-target").first.is_visible()

    # The legend's script hides one kind of highlight.
    page.uncheck("#legend input[data-toggle=h-q]")
    assert "hide-h-q" in page.get_attribute("#article", "class")
    assert not page.errors and not page.dialogs
    page.close()


def test_hostile_article_runs_nothing(browser, server, corpus_db):
    page = _page(browser, 1280, 900)
    page.add_init_script("window.__xss = 0;")
    doc_id = hostile_doc_id(corpus_db)
    for path in (f"/documents/{doc_id}", "/search?q=script", "/quotes", "/agreements", "/events"):
        response = page.goto(server + path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert page.locator("script").count() == 1          # our app.js, nothing from the article
        assert page.locator("main img").count() == 0
    page.goto(server + f"/documents/{doc_id}")
    assert "<script>alert(1)</script>" in page.locator("h1").inner_text()   # shown as text
    _shot(page, "desktop-6-hostile-article")
    assert page.dialogs == [], "an article payload ran"
    page.close()


def test_phone_layout(browser, server):
    page = _page(browser, 390, 844)
    for i, path in enumerate(("/", "/documents/725f2cdc3236a94e?start=0&end=167#o-0-167",
                              "/stories/t-kaz-chn-fm-talks-2025-06", "/search?q=wind+loan")):
        page.goto(server + path)
        # Nothing wider than the screen except inside the scrollable comparison table.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (path, overflow)
        _shot(page, f"phone-{i + 1}-{path.strip('/').split('/')[0].split('?')[0] or 'home'}")
    assert not page.errors and not page.dialogs
    page.close()
