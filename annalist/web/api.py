"""The JSON API under /api: the store's records, filtered and paginated.

Every list takes limit/offset (limit at most 500) and returns {total, limit, offset, items}.
Filters: since/until (YYYY, YYYY-MM or YYYY-MM-DD), country (ISO alpha-3, repeatable),
plover (a PLOVER type, repeatable), outlet (repeatable). Unknown ids answer 404, bad
parameters 422, a store busy being written 503."""
from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Generic, Literal, TypeVar
from urllib.parse import quote as url_quote

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict

from ..outputs import records as R
from ..outputs import search as S

__all__ = ["router", "db_connection"]

T = TypeVar("T")
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
MAX_LIMIT = 500

Plover = Enum("Plover", {t: t for t in R.PLOVER_TYPES}, type=str)
Kind = Enum("Kind", {k: k for k in S.KINDS}, type=str)


class Model(BaseModel):
    model_config = ConfigDict(extra="allow")


class Evidence(Model):
    doc_id: str | None = None
    start: int | None = None
    end: int | None = None
    text: str | None = None


class Actor(Model):
    name: str | None = None
    entity_id: str | None = None
    country: str | None = None
    role: str | None = None
    title: str | None = None


class DocumentSummary(Model):
    id: str
    published: str | None = None
    published_precision: str | None = None
    published_from: str | None = None
    published_confidence: float | None = None
    published_basis: str | None = None
    outlet: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    dateline: str | None = None
    language: str | None = None
    story_id: str | None = None
    duplicate_of: str | None = None
    chars: int | None = None
    n_events: int = 0
    n_quotes: int = 0
    n_amounts: int = 0
    n_agreements: int = 0


class Event(Model):
    id: str
    doc_id: str | None = None
    story_id: str | None = None
    date: str | None = None
    date_precision: str | None = None
    plover: str | None = None
    cameo: str | None = None
    mode: str | None = None
    source: Actor | None = None
    target: Actor | None = None
    location: dict | None = None
    trigger: str | None = None
    summary: str | None = None
    evidence: list[Evidence] = []
    confidence: float | None = None
    status: str | None = None
    negated: bool | None = None
    outlet: str | None = None
    sources: int | None = None           # independent sources (copies and one outlet's articles count once)
    doc_ids: list[str] = []              # every document that reports it
    event_outlets: list[str] = []
    first_reported: str | None = None
    conflicts: list[dict] = []           # facts the sources disagree on, each value with its documents
    mention_ids: list[str] = []          # each document's own report (event_mentions in the export)


class Quote(Model):
    id: str
    doc_id: str | None = None
    speaker: Actor | None = None
    text: str | None = None
    direct: bool | None = None
    start: int | None = None
    end: int | None = None
    evidence: list[Evidence] = []
    event_id: str | None = None
    utterance_id: str | None = None
    outlet: str | None = None
    published: str | None = None


class Amount(Model):
    id: str
    doc_id: str | None = None
    text: str | None = None
    value: float | None = None
    unit: str | None = None
    what: str | None = None
    qualifier: str | None = None
    period: str | None = None
    entities: list[str] = []
    evidence: list[Evidence] = []
    start: int | None = None
    end: int | None = None


class Agreement(Model):
    id: str
    doc_id: str | None = None
    title: str | None = None
    kind: str | None = None
    parties: list[str] = []
    signed: str | None = None
    topic: str | None = None
    count: int | None = None
    status: str | None = None
    evidence: list[Evidence] = []


class Entity(Model):
    id: str
    name: str | None = None
    type: str | None = None
    country: str | None = None
    role: str | None = None


class DocumentDetail(DocumentSummary):
    text: str | None = None
    sentences: list[list[int]] = []
    events: list[Event] = []
    quotes: list[Quote] = []
    amounts: list[Amount] = []
    agreements: list[Agreement] = []
    entities: list[Entity] = []
    dates: list[dict] = []
    story: dict | None = None


class Story(Model):
    id: str
    title: str | None = None
    date: str | None = None
    date_precision: str | None = None
    doc_ids: list[str] = []
    event_ids: list[str] = []
    outlets: list[str] = []


class StoryDetail(Story):
    documents: list[DocumentDetail] = []
    comparison: list[dict] = []


class EntityDetail(Entity):
    aliases: list[str] = []
    records: list[dict] = []
    events: list[Event] = []
    quotes: list[Quote] = []


class Page(BaseModel, Generic[T]):
    total: int
    limit: int
    offset: int
    items: list[T]


class TimelineBin(BaseModel):
    month: str
    plover: str
    count: int


class Timeline(BaseModel):
    months: list[str]
    types: list[str]
    bins: list[TimelineBin]
    unplaced: int


class SearchHit(Model):
    kind: str
    id: str
    doc_id: str
    start: int
    end: int
    title: str
    snippet: str
    highlights: list[list[int]]
    score: float


class SearchResponse(BaseModel):
    query: str
    total: int
    limit: int
    offset: int
    plain_words: bool
    hits: list[SearchHit]


# -- dependencies -------------------------------------------------------------------------------------

def db_connection(request: Request):
    """A read-only cursor on the newest read snapshot for one request (see create_app)."""
    with request.app.state.reader.open() as store:
        request.state.snapshot = store.snapshot
        yield store.con


Con = Annotated[Any, Depends(db_connection)]


def filters(
    since: Annotated[str | None, Query(pattern=DATE_PATTERN, description="On or after: YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    until: Annotated[str | None, Query(pattern=DATE_PATTERN, description="On or before (to the precision given).")] = None,
    country: Annotated[list[str], Query(max_length=24, description="Actor country, ISO alpha-3 (KAZ) or IGO:NAME; repeat for several.")] = [],
    plover: Annotated[list[Plover], Query(description="PLOVER event type; repeat for several.")] = [],
    outlet: Annotated[list[str], Query(max_length=200, description="Outlet name (case-insensitive); repeat for several.")] = [],
) -> R.Filters:
    return R.Filters.make(since, until, country, [p.value for p in plover], outlet)


def paging(limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
           offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> tuple[int, int]:
    return limit, offset


F = Annotated[R.Filters, Depends(filters)]
P = Annotated[tuple[int, int], Depends(paging)]
Order = Annotated[Literal["asc", "desc"], Query(description="By date, oldest (asc) or newest (desc) first.")]


def _page(result: tuple[int, list[dict]], p: tuple[int, int]) -> dict:
    total, items = result
    return {"total": total, "limit": p[0], "offset": p[1], "items": items}


def _found(record, what: str, rid: str):
    if record is None:
        raise HTTPException(404, f"no {what} with id {rid!r}")
    return record


router = APIRouter(prefix="/api")


@router.get("/documents", response_model=Page[DocumentSummary], summary="Documents")
def documents(con: Con, f: F, p: P, order: Order = "asc", story: Annotated[str | None, Query(max_length=300)] = None):
    """Documents by publication date; `story` keeps one story's coverage."""
    return _page(R.list_documents(con, f.with_(story_id=story), p[0], p[1], order), p)


@router.get("/documents/{doc_id}", response_model=DocumentDetail, summary="One document with its records")
def document(con: Con, doc_id: str):
    """The cleaned text, sentence offsets and every record drawn from it (an id prefix of 6+ characters works)."""
    return _found(R.get_document(con, doc_id), "document", doc_id)


@router.get("/stories", response_model=Page[Story], summary="Stories")
def stories(con: Con, f: F, p: P, order: Order = "asc"):
    """Stories (all coverage of one happening); empty until the store has stories."""
    return _page(R.list_stories(con, f, p[0], p[1], order), p)


@router.get("/stories/{story_id:path}", response_model=StoryDetail, summary="One story, coverage side by side",
            responses={308: {"description": "A former id of the story: redirects to its current id"}})
def story(request: Request, con: Con, story_id: str):
    """The story's documents with their records, and `comparison`: which document reports
    which fact, and where they disagree. A story's id changes when an earlier article joins
    it or stories merge; its former ids redirect (308) to the current one."""
    found = R.get_story(con, story_id)
    if found is None and (current := R.story_alias(con, story_id)):
        return redirect_to_story(request, current)
    return _found(found, "story", story_id)


def redirect_to_story(request: Request, story_id: str) -> RedirectResponse:
    """A permanent redirect to the same page of another story (query string kept)."""
    prefix = request.url.path[: request.url.path.rindex("/stories/") + len("/stories/")]
    url = prefix + url_quote(story_id, safe="")
    if request.url.query:
        url += "?" + request.url.query
    return RedirectResponse(url, status_code=308)


@router.get("/events", response_model=Page[Event], summary="Events")
def events(con: Con, f: F, p: P, order: Order = "asc",
           status: Annotated[list[Literal["reported", "planned", "background"]], Query()] = [],
           include_negated: bool = True):
    return _page(R.list_events(con, f, p[0], p[1], order, include_negated, tuple(status)), p)


@router.get("/events/{event_id:path}", response_model=Event, summary="One event with its evidence in context")
def event(con: Con, event_id: str):
    return _found(R.get_event(con, event_id), "event", event_id)


@router.get("/entities", response_model=Page[dict], summary="Entities")
def entities(con: Con, f: F, p: P, grouped: bool = False,
             q: Annotated[str | None, Query(max_length=200, description="Name or alias contains.")] = None,
             type: Annotated[list[Literal["PERSON", "ORG", "GPE", "LOC", "EVENT", "FAC"]], Query()] = []):
    """Entity records, or with `grouped=true` one row per name and type across documents."""
    return _page(R.list_entities(con, f.with_(q=q or None), p[0], p[1], grouped, tuple(type)), p)


@router.get("/entities/{entity_id:path}", response_model=EntityDetail, summary="One entity, its events and quotes")
def entity(con: Con, entity_id: str):
    return _found(R.get_entity(con, entity_id), "entity", entity_id)


@router.get("/quotes", response_model=Page[Quote], summary="Quotes")
def quotes(con: Con, f: F, p: P, order: Order = "asc"):
    return _page(R.list_quotes(con, f, p[0], p[1], order), p)


@router.get("/quotes/{quote_id:path}", response_model=Quote, summary="One quote")
def quote(con: Con, quote_id: str):
    return _found(R.get_quote(con, quote_id), "quote", quote_id)


@router.get("/amounts", response_model=Page[Amount], summary="Figures")
def amounts(con: Con, f: F, p: P, order: Order = "asc"):
    return _page(R.list_amounts(con, f, p[0], p[1], order), p)


@router.get("/amounts/{amount_id:path}", response_model=Amount, summary="One figure")
def amount(con: Con, amount_id: str):
    return _found(R.get_amount(con, amount_id), "amount", amount_id)


@router.get("/agreements", response_model=Page[Agreement], summary="Agreements")
def agreements(con: Con, f: F, p: P, order: Order = "asc"):
    return _page(R.list_agreements(con, f, p[0], p[1], order), p)


@router.get("/agreements/{agreement_id:path}", response_model=Agreement, summary="One agreement")
def agreement(con: Con, agreement_id: str):
    return _found(R.get_agreement(con, agreement_id), "agreement", agreement_id)


@router.get("/timeline", response_model=Timeline, summary="Events per month by PLOVER type")
def timeline(con: Con, f: F):
    """Counts of events that happened (not negated, not only planned), per month and type."""
    return R.timeline(con, f)


@router.get("/search", response_model=SearchResponse, summary="Full-text search (BM25)")
def search(request: Request, con: Con, f: F, p: P,
           q: Annotated[str, Query(min_length=1, max_length=S.MAX_QUERY, description='Words, "a phrase", AND/OR/-word.')],
           type: Annotated[list[Kind], Query(description="Only these result types.")] = []):
    """Ranked hits with highlighted snippets; each cites a document and offsets. A query
    that does not parse is searched as plain words (`plain_words` is then true)."""
    result = S.search(request.app.state.db_path, q, tuple(k.value for k in type), f, p[0], p[1], con=con,
                      snapshot=getattr(request.state, "snapshot", None))
    return result.as_dict()
