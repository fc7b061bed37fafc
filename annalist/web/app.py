"""The explorer: server-rendered pages over the store, and the JSON API (api.py).

Requests read the newest read snapshot the writer (build, watch) published, so the server
never stands in the writer's way and never sees half a batch (store/snapshot.py). A store
without a snapshot is opened read-only per request; while a writer holds it, requests
answer 503 with Retry-After."""
from __future__ import annotations

import contextlib
import re
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import StoreError, UsageError
from ..outputs import records as R
from ..outputs import search as S
from ..outputs.chart import timeline_svg
from ..store.snapshot import SnapshotReader
from . import render
from .api import redirect_to_story
from .api import router as api_router

__all__ = ["create_app"]

STATIC = Path(__file__).parent / "static"
PER_PAGE = 30
# Our own JS and CSS are files; nothing inline may run, nothing may be framed or posted elsewhere.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
SECURITY_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}


def create_app(db_path: str | Path) -> FastAPI:
    """The explorer and API over the store at ``db_path`` (its newest read snapshot)."""
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.reader.close()

    app = FastAPI(title="annalist", lifespan=lifespan, version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Sourced records from news coverage: documents, stories, events, quotes, figures, "
                              "agreements, entities. Every record carries evidence offsets into its document.")
    app.state.db_path = str(db_path)
    app.state.reader = SnapshotReader(db_path, fallback=R.open_read_only)
    app.state.reader.refresh()   # a current snapshot, unless a writer is at work (it publishes its own)
    env = render.make_env()
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.include_router(api_router)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    def page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        context.setdefault("filters", R.Filters())
        html = env.get_template(template).render(request=request, path=request.url.path, **context)
        return HTMLResponse(html, status_code=status)

    def is_api(request: Request) -> bool:
        return request.url.path == "/api" or request.url.path.startswith("/api/")

    def problem(request: Request, status: int, title: str, message: str, headers: dict | None = None):
        if is_api(request):
            return JSONResponse({"detail": message}, status_code=status, headers=headers)
        resp = page(request, "error.html", status=status, title=title, message=message)
        for k, v in (headers or {}).items():
            resp.headers[k] = v
        return resp

    @app.exception_handler(R.StoreBusy)
    async def busy(request: Request, exc: R.StoreBusy):
        return problem(request, 503, "Store busy", "The store is busy being written (a build is running); "
                       "retry in a few seconds.", {"Retry-After": "5"})

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError):
        return problem(request, 503, "Store unavailable", str(exc), {"Retry-After": "30"})

    @app.exception_handler(UsageError)
    async def usage(request: Request, exc: UsageError):
        if is_api(request):
            return JSONResponse({"detail": [{"loc": ["query"], "msg": str(exc), "type": "value_error"}]},
                                status_code=422)
        return problem(request, 422, "Bad request", str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        titles = {404: "Not found", 405: "Method not allowed"}
        message = exc.detail if isinstance(exc.detail, str) else "Not found"
        return problem(request, exc.status_code, titles.get(exc.status_code, "Error"), message,
                       getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        if is_api(request):
            return JSONResponse({"detail": _plain_errors(exc.errors())}, status_code=422)
        return problem(request, 422, "Bad request", "; ".join(str(e.get("msg")) for e in exc.errors()))

    # -- helpers for pages -------------------------------------------------------------------------
    def con_for(request: Request):
        return app.state.reader.open()

    def page_filters(request: Request) -> R.Filters:
        qp = request.query_params
        countries = [c for v in qp.getlist("country") for c in re.split(r"[\s,;]+", v) if c]
        return R.Filters.make(qp.get("since"), qp.get("until"), countries, qp.getlist("plover"), qp.getlist("outlet"))

    def page_number(request: Request) -> int:
        raw = request.query_params.get("page") or "1"
        if not raw.isdigit() or not 1 <= int(raw) <= 100_000:
            raise UsageError(f"page {raw!r} is not a page number")
        return int(raw)

    def offsets(request: Request, text_len: int) -> tuple[int, int] | None:
        qp = request.query_params
        if qp.get("start") is None and qp.get("end") is None:
            return None
        s, e = qp.get("start", ""), qp.get("end", "")
        if not (s.isdigit() and e.isdigit()) or len(s) > 9 or len(e) > 9:
            raise UsageError("start and end must be character offsets (whole numbers)")
        s, e = int(s), int(e)
        return (s, e) if s < e <= text_len else None

    def params_of(request: Request) -> dict:
        qp = request.query_params
        return {k: qp.getlist(k) for k in ("since", "until", "country", "plover", "outlet", "q", "type")
                if qp.getlist(k)}

    def common(con, request: Request) -> dict:
        return {"outlets": R.outlets(con), "counts": R.counts(con), "params": params_of(request),
                "store_name": Path(app.state.db_path).name}

    # -- pages ---------------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request):
        f, n = page_filters(request), page_number(request)
        with con_for(request) as store:
            con = store.con
            ctx = common(con, request)
            events_timeline = R.timeline(con, f)
            if events_timeline["bins"]:
                chart = timeline_svg(events_timeline, title="Events per month by type",
                                     link=lambda m, t: render.link("/events", plover=t, since=m, until=m))
            else:
                chart = timeline_svg(R.documents_per_month(con, f), title="Documents per month by outlet "
                                     "(no events extracted yet)", link=lambda m, t: render.link("/documents", since=m, until=m))
            total, stories = R.list_stories(con, f, PER_PAGE, (n - 1) * PER_PAGE, order="desc")
            docs_total, docs = (0, [])
            if not stories and not ctx["counts"]["stories"]:
                docs_total, docs = R.list_documents(con, f, PER_PAGE, (n - 1) * PER_PAGE, order="desc")
        return page(request, "home.html", nav="home", filters=f, chart=Markup(chart), stories=stories,
                    total=total or docs_total, documents=docs, page_no=n, per_page=PER_PAGE, **ctx)

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(request: Request):
        f, n = page_filters(request), page_number(request)
        with con_for(request) as store:
            ctx = common(store.con, request)
            total, items = R.list_stories(store.con, f, PER_PAGE, (n - 1) * PER_PAGE, order="desc")
        return page(request, "stories.html", nav="stories", filters=f, stories=items, total=total, page_no=n,
                    per_page=PER_PAGE, **ctx)

    @app.get("/stories/{story_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: str):
        with con_for(request) as store:
            story = R.get_story(store.con, story_id)
            if story is None and (current := R.story_alias(store.con, story_id)):
                return redirect_to_story(request, current)
            if story is None:
                raise HTTPException(404, "No story with that id. Stories appear once the store links "
                                    "coverage of the same happening.")
            ctx = common(store.con, request)
        return page(request, "story.html", nav="stories", story=story, **ctx)

    @app.get("/documents", response_class=HTMLResponse, include_in_schema=False)
    def documents_page(request: Request):
        f, n = page_filters(request), page_number(request)
        with con_for(request) as store:
            ctx = common(store.con, request)
            total, items = R.list_documents(store.con, f, PER_PAGE, (n - 1) * PER_PAGE, order="desc")
        return page(request, "documents.html", nav="documents", filters=f, documents=items, total=total,
                    page_no=n, per_page=PER_PAGE, **ctx)

    @app.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, doc_id: str):
        with con_for(request) as store:
            doc = R.get_document(store.con, doc_id)
            if doc is None:
                raise HTTPException(404, f"No document with id {doc_id!r}.")
            ctx = common(store.con, request)
        target = offsets(request, len(doc["text"]))
        spans = _document_spans(doc, target)
        body = render.highlight(doc["text"], spans, anchors=[s for s, _ in doc["sentences"]])
        return page(request, "document.html", nav="documents", doc=doc, body=body, target=target, **ctx)

    @app.get("/events", response_class=HTMLResponse, include_in_schema=False)
    def events_page(request: Request):
        f, n = page_filters(request), page_number(request)
        with con_for(request) as store:
            ctx = common(store.con, request)
            total, items = R.list_events(store.con, f, PER_PAGE, (n - 1) * PER_PAGE, order="desc")
        return page(request, "events.html", nav="events", filters=f, events=items, total=total, page_no=n,
                    per_page=PER_PAGE, **ctx)

    @app.get("/events/{event_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def event_page(request: Request, event_id: str):
        with con_for(request) as store:
            event = R.get_event(store.con, event_id)
            if event is None:
                raise HTTPException(404, f"No event with id {event_id!r}.")
            ctx = common(store.con, request)
        for ev in event["evidence"]:
            c = ev.get("context")
            if c:
                ev["html"] = render.highlight(c["text"], [{"start": ev["start"] - c["start"],
                                                            "end": ev["end"] - c["start"], "cls": "h-ev h-target"}])
        return page(request, "event.html", nav="events", event=event, **ctx)

    @app.get("/entities", response_class=HTMLResponse, include_in_schema=False)
    def entities_page(request: Request):
        f, n = page_filters(request), page_number(request)
        name = (request.query_params.get("q") or "").strip()[:200] or None
        kind = request.query_params.get("type") or ""
        if kind and kind not in ("PERSON", "ORG", "GPE", "LOC", "EVENT", "FAC"):
            raise UsageError(f"type {kind!r} is not an entity type")
        with con_for(request) as store:
            ctx = common(store.con, request)
            total, items = R.list_entities(store.con, f.with_(q=name), PER_PAGE, (n - 1) * PER_PAGE, grouped=True,
                                           types=(kind,) if kind else ())
        return page(request, "entities.html", nav="entities", filters=f, entities=items, total=total, page_no=n,
                    per_page=PER_PAGE, q=name, etype=kind, **ctx)

    @app.get("/entities/{entity_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def entity_page(request: Request, entity_id: str):
        with con_for(request) as store:
            entity = R.get_entity(store.con, entity_id)
            if entity is None:
                raise HTTPException(404, f"No entity with id {entity_id!r}.")
            ctx = common(store.con, request)
        bins: dict[tuple[str, str], int] = {}
        for e in entity["events"]:
            m = str(e.get("date") or e.get("published") or "")[:7]
            if len(m) == 7:
                bins[(m, e["plover"])] = bins.get((m, e["plover"]), 0) + 1
        data = {"months": R.month_range([m for m, _ in bins]), "types": sorted({t for _, t in bins}),
                "bins": [{"month": m, "plover": t, "count": c} for (m, t), c in bins.items()]}
        chart = Markup(timeline_svg(data, title="Events over time", height=200)) if bins else None
        return page(request, "entity.html", nav="entities", entity=entity, chart=chart, **ctx)

    def record_list(kind: str, lister):
        def view(request: Request):
            f, n = page_filters(request), page_number(request)
            with con_for(request) as store:
                ctx = common(store.con, request)
                total, items = lister(store.con, f, PER_PAGE, (n - 1) * PER_PAGE, order="desc")
            return page(request, "records.html", nav=kind, kind=kind, filters=f, items=items, total=total,
                        page_no=n, per_page=PER_PAGE, **ctx)
        return view

    app.add_api_route("/quotes", record_list("quotes", R.list_quotes), response_class=HTMLResponse,
                      include_in_schema=False)
    app.add_api_route("/amounts", record_list("amounts", R.list_amounts), response_class=HTMLResponse,
                      include_in_schema=False)
    app.add_api_route("/agreements", record_list("agreements", R.list_agreements), response_class=HTMLResponse,
                      include_in_schema=False)

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request):
        f, n = page_filters(request), page_number(request)
        q = (request.query_params.get("q") or "").strip()[:S.MAX_QUERY]
        kinds = [k for k in request.query_params.getlist("type") if k]
        bad = [k for k in kinds if k not in S.KINDS]
        if bad:
            raise UsageError(f"type {bad[0]!r} is not one of {', '.join(S.KINDS)}")
        with con_for(request) as store:
            ctx = common(store.con, request)
            result = S.search(app.state.db_path, q, tuple(kinds), f, PER_PAGE, (n - 1) * PER_PAGE,
                              con=store.con, snapshot=store.snapshot) if q else None
        hits = []
        for h in (result.hits if result else []):
            d = h.as_dict()
            d["html"] = render.mark_snippet(h.snippet, h.highlights)
            hits.append(d)
        return page(request, "search.html", nav="search", filters=f, q=q, kinds=kinds, result=result, hits=hits,
                    total=result.total if result else 0, page_no=n, per_page=PER_PAGE, **ctx)

    @app.get("/api", response_class=HTMLResponse, include_in_schema=False)
    def api_index(request: Request):
        schema = app.openapi()
        routes = [(p, op.get("summary") or "", op.get("description") or "", [x["name"] for x in op.get("parameters", [])])
                  for p, ops in schema["paths"].items() for m, op in ops.items() if m == "get"]
        return page(request, "api.html", nav="api", routes=routes)

    return app


def _plain_errors(errors) -> list[dict]:
    """Validation errors as JSON-safe dicts (some carry exception objects in ``ctx``)."""
    out = []
    for e in errors:
        out.append({k: (v if k != "ctx" else {ck: str(cv) for ck, cv in v.items()}) for k, v in e.items()
                    if k in ("loc", "msg", "type", "ctx")})
    return out


def _document_spans(doc: dict, target: tuple[int, int] | None) -> list[dict]:
    """Every record's place in the text, as highlight spans."""
    spans = []
    doc_id = doc["id"]
    for e in doc.get("events", []) + doc.get("cited_by_events", []):
        label = f"{e.get('plover')}: {e.get('summary') or e.get('trigger') or ''}" + (" (negated)" if e.get("negated") else "")
        for ev in e.get("evidence", []):
            if ev.get("doc_id") == doc_id:
                spans.append({"start": ev.get("start"), "end": ev.get("end"), "cls": "h-ev", "title": label})
    for q in doc.get("quotes", []):
        who = (q.get("speaker") or {}).get("name") or "unattributed"
        spans.append({"start": q.get("start"), "end": q.get("end"), "cls": "h-q", "title": f"quote: {who}"})
    for a in doc.get("amounts", []):
        spans.append({"start": a.get("start"), "end": a.get("end"), "cls": "h-amt",
                      "title": f"figure: {a.get('what') or ''} {render.format_amount(a)}".strip()})
    for g in doc.get("agreements", []):
        for ev in g.get("evidence", []):
            if ev.get("doc_id") == doc_id:
                spans.append({"start": ev.get("start"), "end": ev.get("end"), "cls": "h-agr",
                              "title": f"agreement: {g.get('title') or g.get('kind') or ''}"})
    for x in doc.get("entities", []):
        for m in x.get("mentions", []):
            spans.append({"start": m[0], "end": m[1], "cls": "h-ent",
                          "title": f"{x.get('type')}: {x.get('name')}" + (f" ({x['country']})" if x.get("country") else "")})
    for d in doc.get("dates", []):
        spans.append({"start": d.get("start"), "end": d.get("end"), "cls": "h-date", "title": f"date: {d.get('value')}"})
    if target:
        spans.append({"start": target[0], "end": target[1], "cls": "h-target", "title": "cited passage"})
    return spans
