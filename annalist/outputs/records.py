"""Read the store for people: filtered, paginated records with their sources.

One layer under the web explorer, the JSON API, search, the brief and the event exports.
Every function takes an open DuckDB connection (``Store.con``) and returns plain dicts
(JSON-ready); nested JSON columns (actors, evidence) are decoded. All values reach SQL as
parameters; only our own column and table names are formatted into statements.

Stories come from the ``stories`` table when the store has one; until then they are
derived from ``documents.story_id``; with neither there are simply no stories."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import date as _date
from pathlib import Path

import duckdb

from ..errors import StoreError, UsageError
from ..store import Store

__all__ = [
    "PLOVER_TYPES", "Filters", "StoreBusy", "open_read_only", "check_date", "has_table",
    "list_documents", "get_document", "document_sentences", "list_events", "get_event", "list_quotes",
    "get_quote", "list_amounts", "get_amount", "list_agreements", "get_agreement", "list_entities", "get_entity",
    "list_stories", "get_story", "story_alias", "timeline", "documents_per_month", "month_range", "outlets", "counts",
    "format_date", "safe_url", "context_span", "doc_ids_matching", "as_list", "normalise", "compare_coverage",
]

# The 16 PLOVER event types, cooperative first (the order charts and legends use).
PLOVER_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
                "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_COUNTRY = re.compile(r"^(?:[A-Z]{3}|IGO:[A-Z0-9_-]{1,20})$")


class StoreBusy(StoreError):
    """Another process holds the store for writing (a build is running)."""


def open_read_only(path: str | Path) -> Store:
    """Open the store read-only; a write lock held elsewhere raises StoreBusy, not a raw error."""
    try:
        return Store(path, read_only=True)
    except StoreError as exc:
        cause = exc.__cause__
        text = str(cause or exc).lower()
        if isinstance(cause, (duckdb.IOException, duckdb.ConnectionException)) and (
                "lock" in text or "different configuration" in text):
            raise StoreBusy(f"{path}: the store is busy being written (a build is running); retry shortly") from exc
        raise


# -- filters -------------------------------------------------------------------------------------

def check_date(value: str | None, name: str = "date") -> str | None:
    """'' and None mean no bound; otherwise YYYY, YYYY-MM or YYYY-MM-DD, a real date."""
    if value is None or value == "":
        return None
    m = _DATE.match(value)
    if not m:
        raise UsageError(f"{name} {value!r} is not a date such as 2025, 2025-06 or 2025-06-16")
    y, mo, d = m.groups()
    try:
        _date(int(y), int(mo or 1), int(d or 1))
    except ValueError:
        raise UsageError(f"{name} {value!r} is not a real date") from None
    return value


def check_country(value: str) -> str:
    v = value.strip().upper()
    if not _COUNTRY.match(v):
        raise UsageError(f"country {value!r} is not an ISO 3166 alpha-3 code (KAZ, CHN) or IGO:NAME")
    return v


def check_plover(value: str) -> str:
    v = value.strip().upper()
    if v not in PLOVER_TYPES:
        raise UsageError(f"event type {value!r} is not a PLOVER type ({', '.join(PLOVER_TYPES)})")
    return v


@dataclass(frozen=True)
class Filters:
    """What every listing can be narrowed by. Empty means no restriction.

    Dates compare as ISO text at the precision given: since 2025-06 keeps 2025-06-01 on,
    until 2025-06 keeps everything up to 2025-06-30."""

    since: str | None = None
    until: str | None = None
    countries: tuple[str, ...] = ()
    plover: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    doc_id: str | None = None
    story_id: str | None = None
    q: str | None = None               # entities: name contains

    @classmethod
    def make(cls, since=None, until=None, countries=(), plover=(), outlets=(), **kw) -> "Filters":
        """Validated filters (UsageError on a bad value); blank values are dropped."""
        return cls(since=check_date(since, "since"), until=check_date(until, "until"),
                   countries=tuple(check_country(c) for c in countries if c and c.strip()),
                   plover=tuple(check_plover(p) for p in plover if p and p.strip()),
                   outlets=tuple(o.strip() for o in outlets if o and o.strip()), **kw)

    def with_(self, **changes) -> "Filters":
        return replace(self, **changes)

    def is_empty(self) -> bool:
        return self == Filters()


@dataclass
class _Where:
    parts: list[str] = field(default_factory=list)
    params: list = field(default_factory=list)

    def add(self, sql: str, *params) -> None:
        self.parts.append(sql)
        self.params.extend(params)

    def sql(self) -> str:
        return ("WHERE " + " AND ".join(self.parts)) if self.parts else ""


def _dates(w: _Where, f: Filters, column: str) -> None:
    if f.since:
        w.add(f"{column} >= ?", f.since)
    if f.until:
        w.add(f"{column} <= ? || '~'", f.until)  # '~' sorts after any date suffix


def _outlets(w: _Where, f: Filters, column: str = "d.outlet") -> None:
    if f.outlets:
        w.add(f"list_contains(?, lower({column}))", [o.lower() for o in f.outlets])


_ACTOR_COUNTRY = ("(list_contains(?, json_extract_string({a}.source, '$.country')) OR "
                  "list_contains(?, json_extract_string({a}.target, '$.country')))")


def _doc_countries_sql(alias: str = "d") -> str:
    """A document involves a country when an entity in it or an actor of its events has it."""
    return (f"(EXISTS (SELECT 1 FROM entities x WHERE x.doc_id = {alias}.id AND list_contains(?, x.country)) OR "
            f"EXISTS (SELECT 1 FROM events ev WHERE ev.doc_id = {alias}.id AND "
            f"{_ACTOR_COUNTRY.format(a='ev')}))")


def _doc_plover_sql(alias: str = "d") -> str:
    return f"EXISTS (SELECT 1 FROM events ev WHERE ev.doc_id = {alias}.id AND list_contains(?, ev.plover))"


def _story_docs(con, story_id: str) -> list[str]:
    story = get_story(con, story_id, with_records=False)
    return story["doc_ids"] if story else []


def _scope(con, w: _Where, f: Filters, doc_col: str) -> None:
    """doc_id / story_id restrictions for any record table."""
    if f.doc_id:
        w.add(f"{doc_col} = ?", f.doc_id)
    if f.story_id:
        w.add(f"list_contains(?, {doc_col})", _story_docs(con, f.story_id))


# -- helpers ---------------------------------------------------------------------------------------

def has_table(con, name: str) -> bool:
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0] > 0


def _rows(cur) -> list[dict]:
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _page(con, select: str, where: _Where, order: str, limit: int | None, offset: int) -> tuple[int, list[dict]]:
    base = f"{select} {where.sql()}"
    total = con.execute(f"SELECT count(*) FROM ({base})", where.params).fetchone()[0]
    sql = f"{base} ORDER BY {order}"
    params = list(where.params)
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [int(limit), int(offset)]
    return total, _rows(con.execute(sql, params))


def _json(value):
    if value is None or isinstance(value, (dict, list)):
        return value
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return None


def as_list(value) -> list:
    """List columns may be VARCHAR[] or JSON text, depending on who wrote the table."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    parsed = _json(value)
    return list(parsed) if isinstance(parsed, list) else [value]


def safe_url(url: str | None) -> str | None:
    """The url when it is http(s) with a host, else None: never link javascript:, data:, ..."""
    if not url or not isinstance(url, str):
        return None
    from urllib.parse import urlsplit
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not any(c in url for c in "\r\n\t "):
        return url.strip()
    return None


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_date(value: str | None) -> str:
    """'2025-06-16' -> '16 Jun 2025', '2025-06' -> 'Jun 2025', '2025' -> '2025'; else as given."""
    if not value:
        return ""
    m = _DATE.match(str(value))
    if not m:
        return str(value)
    y, mo, d = m.groups()
    if mo and 1 <= int(mo) <= 12:
        return f"{int(d)} {_MONTHS[int(mo) - 1]} {y}" if d else f"{_MONTHS[int(mo) - 1]} {y}"
    return y


# -- documents -------------------------------------------------------------------------------------

_DOC_COLUMNS = ("id", "published", "published_precision", "published_from", "published_confidence", "published_basis",
                "outlet", "title", "url", "source", "format", "dateline", "language", "story_id", "duplicate_of")
_DOC_SUMMARY = """SELECT d.id, d.published, d.published_precision, d.published_from, d.published_confidence,
       d.published_basis, d.outlet, d.title, d.url, d.source, d.format, d.dateline, d.language, d.story_id,
       d.duplicate_of, length(d.text) AS chars, coalesce(ne.n, 0) AS n_events, coalesce(nq.n, 0) AS n_quotes,
       coalesce(na.n, 0) AS n_amounts, coalesce(ng.n, 0) AS n_agreements
FROM documents d
LEFT JOIN (SELECT doc_id, count(*) AS n FROM events GROUP BY doc_id) ne ON ne.doc_id = d.id
LEFT JOIN (SELECT doc_id, count(*) AS n FROM quotes GROUP BY doc_id) nq ON nq.doc_id = d.id
LEFT JOIN (SELECT doc_id, count(*) AS n FROM amounts GROUP BY doc_id) na ON na.doc_id = d.id
LEFT JOIN (SELECT doc_id, count(*) AS n FROM agreements GROUP BY doc_id) ng ON ng.doc_id = d.id"""
_DOC_ORDER = {"asc": "d.published ASC NULLS LAST, d.outlet, d.id", "desc": "d.published DESC NULLS LAST, d.outlet, d.id"}


def _doc_where(con, f: Filters) -> _Where:
    w = _Where()
    _dates(w, f, "d.published")
    _outlets(w, f)
    if f.countries:
        w.add(_doc_countries_sql(), list(f.countries), list(f.countries), list(f.countries))
    if f.plover:
        w.add(_doc_plover_sql(), list(f.plover))
    if f.doc_id:
        w.add("d.id = ?", f.doc_id)
    if f.story_id:
        w.add("list_contains(?, d.id)", _story_docs(con, f.story_id))
    return w


def list_documents(con, f: Filters = Filters(), limit: int | None = 50, offset: int = 0,
                   order: str = "asc") -> tuple[int, list[dict]]:
    return _page(con, _DOC_SUMMARY, _doc_where(con, f), _DOC_ORDER[order], limit, offset)


def doc_ids_matching(con, f: Filters) -> set[str]:
    w = _doc_where(con, f)
    return {r[0] for r in con.execute(f"SELECT d.id FROM documents d {w.sql()}", w.params).fetchall()}


def _find_document(con, doc_id: str) -> str | None:
    """The id for an exact id or a unique prefix (as the CLI accepts)."""
    if not doc_id or len(doc_id) > 200:
        return None
    if con.execute("SELECT 1 FROM documents WHERE id = ?", [doc_id]).fetchone():
        return doc_id
    if len(doc_id) < 6:
        return None
    rows = con.execute("SELECT id FROM documents WHERE starts_with(id, ?) LIMIT 2", [doc_id]).fetchall()
    return rows[0][0] if len(rows) == 1 else None


def document_sentences(con, doc_id: str) -> list[tuple[int, int]]:
    return con.execute('SELECT start, "end" FROM sentences WHERE doc_id = ? ORDER BY idx', [doc_id]).fetchall()


def get_document(con, doc_id: str, with_records: bool = True) -> dict | None:
    """One document with its text, sentences and (optionally) every record drawn from it."""
    real = _find_document(con, doc_id)
    if real is None:
        return None
    # One document: plain look-ups by id (the list query's correlated counts scan whole tables).
    doc = _rows(con.execute(f"""SELECT {', '.join('d.' + c for c in _DOC_COLUMNS)}, length(d.text) AS chars, d.text,
                                   d.boilerplate_removed, d.published_peer FROM documents d WHERE d.id = ?""", [real]))[0]
    doc["boilerplate_removed"] = list(doc["boilerplate_removed"] or [])
    for table, key in (("events", "n_events"), ("quotes", "n_quotes"), ("amounts", "n_amounts"),
                       ("agreements", "n_agreements")):
        doc[key] = con.execute(f"SELECT count(*) FROM {table} WHERE doc_id = ?", [real]).fetchone()[0]  # our names
    doc["sentences"] = [list(s) for s in document_sentences(con, real)]
    if with_records:
        f = Filters(doc_id=real)
        doc["events"] = list_events(con, f, limit=None)[1]
        # as this document reports them: its own date and place (the fused ones may differ)
        own = {eid: (day, prec, loc) for eid, day, prec, loc in con.execute(
            "SELECT event_id, date, date_precision, location FROM events WHERE doc_id = ? ORDER BY id DESC", [real]).fetchall()}
        for e in doc["events"]:
            if e["id"] in own:
                e["event_date"] = e["date"]
                e["date"], e["date_precision"], loc = own[e["id"]]
                e["location"] = _json(loc)
        doc["quotes"] = list_quotes(con, f, limit=None)[1]
        doc["amounts"] = list_amounts(con, f, limit=None)[1]
        doc["agreements"] = list_agreements(con, f, limit=None)[1]
        doc["entities"] = list_entities(con, f, limit=None)[1]
        doc["dates"] = _rows(con.execute(
            'SELECT id, text, start, "end", type, value, precision FROM dates WHERE doc_id = ? ORDER BY start', [real]))
        # Events found in other documents whose evidence also cites this one.
        mine = {e["id"] for e in doc["events"]}
        doc["cited_by_events"] = [e for e in _events_citing(con, real) if e["id"] not in mine]
        doc["story"] = _story_of_document(con, real, doc.get("story_id"))
    return doc


def _events_citing(con, doc_id: str) -> list[dict]:
    rows = _rows(con.execute(f"{_EVENT_SELECT} WHERE contains(CAST(e.evidence AS VARCHAR), ?) ORDER BY e.id", [doc_id]))
    events = [_event(r) for r in rows]
    return [e for e in events if any(ev.get("doc_id") == doc_id for ev in e["evidence"])]


# -- events ----------------------------------------------------------------------------------------

# One event per happening (fused across documents, link/fusion.py); ``doc_id`` is its first report.
_EVENT_FROM = """FROM (SELECT *, first_doc_id AS doc_id FROM fused_events) e LEFT JOIN documents d ON d.id = e.doc_id"""
_EVENT_SELECT = f"""SELECT e.id, e.doc_id, e.story_id, e.date, e.date_precision, e.date_from, e.plover, e.cameo, e.mode,
       e.source, e.target, e.location, e.trigger, e.summary, e.evidence, e.confidence, e.status, e.negated,
       d.outlet, d.title AS doc_title, d.published, d.url,
       e.sources, e.doc_ids, e.outlets AS event_outlets, e.first_reported, e.conflicts, e.mention_ids
{_EVENT_FROM}"""


def _event(r: dict) -> dict:
    for k in ("source", "target", "location", "conflicts"):
        r[k] = _json(r[k])
    r["conflicts"] = r.get("conflicts") or []
    r["evidence"] = [ev for ev in as_list(r["evidence"]) if isinstance(ev, dict)]
    return r


def _event_where(con, f: Filters, include_negated: bool = True, statuses: tuple[str, ...] = ()) -> _Where:
    w = _Where()
    _dates(w, f, "coalesce(e.date, d.published)")
    _outlets(w, f)
    if f.countries:
        w.add(_ACTOR_COUNTRY.format(a="e"), list(f.countries), list(f.countries))
    if f.plover:
        w.add("list_contains(?, e.plover)", list(f.plover))
    if not include_negated:
        w.add("NOT coalesce(e.negated, false)")
    if statuses:
        w.add("list_contains(?, e.status)", list(statuses))
    # a fused event belongs to every document that reports it
    if f.doc_id:
        w.add("list_contains(e.doc_ids, ?)", f.doc_id)
    if f.story_id:
        w.add("e.story_id = ?", f.story_id)
    return w


def list_events(con, f: Filters = Filters(), limit: int | None = 50, offset: int = 0, order: str = "asc",
                include_negated: bool = True, statuses: tuple[str, ...] = ()) -> tuple[int, list[dict]]:
    direction = "ASC" if order == "asc" else "DESC"
    total, rows = _page(con, _EVENT_SELECT, _event_where(con, f, include_negated, statuses),
                        f"coalesce(e.date, d.published) {direction} NULLS LAST, e.doc_id, e.id", limit, offset)
    return total, [_event(r) for r in rows]


def get_event(con, event_id: str) -> dict | None:
    rows = _rows(con.execute(f"{_EVENT_SELECT} WHERE e.id = ?", [event_id]))
    if not rows:
        return None
    event = _event(rows[0])
    docs: dict[str, dict] = {}
    for ev in event["evidence"]:
        did = ev.get("doc_id")
        if did and did not in docs:
            d = get_document(con, did, with_records=False)
            if d:
                docs[did] = d
        d = docs.get(did)
        ev["document"] = {k: d[k] for k in ("id", "title", "outlet", "published", "url")} if d else None
        if d and isinstance(ev.get("start"), int) and isinstance(ev.get("end"), int):
            ev["context"] = context_span(d["text"], ev["start"], ev["end"])
    event["quotes"] = list_quotes(con, Filters(), limit=None, event_id=event_id)[1]
    event["story"] = _story_of_document(con, event["doc_id"], event.get("story_id"))
    return event


def context_span(text: str, start: int, end: int, around: int = 1) -> dict:
    """The paragraph(s) holding [start, end), with `around` paragraphs either side: where a
    reader sees a sentence inside its article."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    bounds = [0] + [m.end() for m in re.finditer(r"\n+", text)]
    para = max(i for i, b in enumerate(bounds) if b <= start)
    last = max(i for i, b in enumerate(bounds) if b <= max(start, end - 1))
    lo = bounds[max(0, para - around)]
    hi_idx = last + around + 1
    hi = bounds[hi_idx] if hi_idx < len(bounds) else len(text)
    return {"start": lo, "end": hi, "text": text[lo:hi], "before": lo > 0, "after": hi < len(text)}


# -- quotes, amounts, agreements -------------------------------------------------------------------

_QUOTE_SELECT = """SELECT q.id, q.doc_id, q.story_id, q.speaker, q.text, q.direct, q.evidence, q.event_id, q.utterance_id,
       q.start, q."end", d.outlet, d.title AS doc_title, d.published, d.url
FROM quotes q LEFT JOIN documents d ON d.id = q.doc_id"""


def _quote(r: dict) -> dict:
    r["speaker"] = _json(r["speaker"])
    r["evidence"] = [ev for ev in as_list(r["evidence"]) if isinstance(ev, dict)]
    return r


def list_quotes(con, f: Filters = Filters(), limit: int | None = 50, offset: int = 0, order: str = "asc",
                event_id: str | None = None, entity_ids: tuple[str, ...] = (), speaker: str | None = None
                ) -> tuple[int, list[dict]]:
    w = _Where()
    _dates(w, f, "d.published")
    _outlets(w, f)
    if f.countries:
        w.add("list_contains(?, json_extract_string(q.speaker, '$.country'))", list(f.countries))
    if f.plover:
        w.add("EXISTS (SELECT 1 FROM events ev WHERE ev.id = q.event_id AND list_contains(?, ev.plover))", list(f.plover))
    if event_id:
        w.add("q.event_id = ?", event_id)
    if entity_ids or speaker:
        w.add("(list_contains(?, json_extract_string(q.speaker, '$.entity_id')) OR "
              "lower(json_extract_string(q.speaker, '$.name')) = lower(?))", list(entity_ids), speaker or "\x00")
    _scope(con, w, f, "q.doc_id")
    direction = "ASC" if order == "asc" else "DESC"
    total, rows = _page(con, _QUOTE_SELECT, w, f"d.published {direction} NULLS LAST, q.doc_id, q.start", limit, offset)
    return total, [_quote(r) for r in rows]


def get_quote(con, quote_id: str) -> dict | None:
    rows = _rows(con.execute(f"{_QUOTE_SELECT} WHERE q.id = ?", [quote_id]))
    return _quote(rows[0]) if rows else None


_AMOUNT_SELECT = """SELECT a.id, a.doc_id, a.text, a.value, a.unit, a.what, a.qualifier, a.period, a.entities, a.evidence,
       a.start, a."end", d.outlet, d.title AS doc_title, d.published, d.url
FROM amounts a LEFT JOIN documents d ON d.id = a.doc_id"""


def _amount(r: dict) -> dict:
    r["entities"] = as_list(r["entities"])
    r["evidence"] = [ev for ev in as_list(r["evidence"]) if isinstance(ev, dict)]
    return r


def list_amounts(con, f: Filters = Filters(), limit: int | None = 50, offset: int = 0, order: str = "asc"
                 ) -> tuple[int, list[dict]]:
    w = _Where()
    _dates(w, f, "d.published")
    _outlets(w, f)
    if f.countries:
        w.add("list_has_any(a.entities, ?)", list(f.countries))
    if f.plover:
        w.add(_doc_plover_sql("d"), list(f.plover))
    _scope(con, w, f, "a.doc_id")
    direction = "ASC" if order == "asc" else "DESC"
    total, rows = _page(con, _AMOUNT_SELECT, w, f"d.published {direction} NULLS LAST, a.doc_id, a.start", limit, offset)
    return total, [_amount(r) for r in rows]


def get_amount(con, amount_id: str) -> dict | None:
    rows = _rows(con.execute(f"{_AMOUNT_SELECT} WHERE a.id = ?", [amount_id]))
    return _amount(rows[0]) if rows else None


_AGREEMENT_SELECT = """SELECT g.id, g.doc_id, g.story_id, g.title, g.kind, g.parties, g.signed, g.topic, g.count, g.status,
       g.evidence, d.outlet, d.title AS doc_title, d.published, d.url
FROM agreements g LEFT JOIN documents d ON d.id = g.doc_id"""


def _agreement(r: dict) -> dict:
    r["parties"] = as_list(r["parties"])
    r["evidence"] = [ev for ev in as_list(r["evidence"]) if isinstance(ev, dict)]
    return r


def list_agreements(con, f: Filters = Filters(), limit: int | None = 50, offset: int = 0, order: str = "asc"
                    ) -> tuple[int, list[dict]]:
    w = _Where()
    _dates(w, f, "coalesce(g.signed, d.published)")
    _outlets(w, f)
    if f.countries:
        w.add("list_has_any(g.parties, ?)", list(f.countries))
    if f.plover:
        w.add(_doc_plover_sql("d"), list(f.plover))
    _scope(con, w, f, "g.doc_id")
    direction = "ASC" if order == "asc" else "DESC"
    total, rows = _page(con, _AGREEMENT_SELECT, w,
                        f"coalesce(g.signed, d.published) {direction} NULLS LAST, g.doc_id, g.id", limit, offset)
    return total, [_agreement(r) for r in rows]


def get_agreement(con, agreement_id: str) -> dict | None:
    rows = _rows(con.execute(f"{_AGREEMENT_SELECT} WHERE g.id = ?", [agreement_id]))
    return _agreement(rows[0]) if rows else None


# -- entities --------------------------------------------------------------------------------------

_ENTITY_SELECT = """SELECT x.id, x.doc_id, x.name, x.type, x.country, x.role, x.title, x.aliases, x.mentions,
       d.outlet, d.title AS doc_title, d.published
FROM entities x LEFT JOIN documents d ON d.id = x.doc_id"""


def _entity(r: dict) -> dict:
    r["aliases"] = as_list(r["aliases"])
    r["mentions"] = [list(m) for m in (_json(r["mentions"]) or []) if isinstance(m, (list, tuple)) and len(m) == 2]
    return r


def _entity_where(con, f: Filters, types: tuple[str, ...] = ()) -> _Where:
    w = _Where()
    _dates(w, f, "d.published")
    _outlets(w, f)
    if f.countries:
        w.add("list_contains(?, x.country)", list(f.countries))
    if f.plover:
        w.add("EXISTS (SELECT 1 FROM events ev WHERE list_contains(?, ev.plover) AND "
              "(json_extract_string(ev.source, '$.entity_id') = x.id OR json_extract_string(ev.target, '$.entity_id') = x.id))",
              list(f.plover))
    if f.q:
        w.add("(contains(lower(x.name), lower(?)) OR contains(lower(array_to_string(x.aliases, ' | ')), lower(?)))",
              f.q, f.q)
    if types:
        w.add("list_contains(?, x.type)", list(types))
    _scope(con, w, f, "x.doc_id")
    return w


def list_entities(con, f: Filters = Filters(), limit: int | None = 50, offset: int = 0, grouped: bool = False,
                  types: tuple[str, ...] = ()) -> tuple[int, list[dict]]:
    """Entity records, or (grouped) one row per name and type across documents, most documents first."""
    w = _entity_where(con, f, types)
    if not grouped:
        total, rows = _page(con, _ENTITY_SELECT, w, "d.published NULLS LAST, x.doc_id, x.id", limit, offset)
        return total, [_entity(r) for r in rows]
    select = f"""SELECT min(x.id) AS id, any_value(x.name ORDER BY length(x.name) DESC) AS name, x.type,
                   mode(x.country) AS country, mode(x.role) AS role, count(DISTINCT x.doc_id) AS documents,
                   sum(coalesce(json_array_length(x.mentions), 0)) AS mentions, list(x.id ORDER BY x.id) AS ids,
                   min(d.published) AS first_seen, max(d.published) AS last_seen
            FROM entities x LEFT JOIN documents d ON d.id = x.doc_id {w.sql()}
            GROUP BY lower(x.name), x.type"""
    total = con.execute(f"SELECT count(*) FROM ({select})", w.params).fetchone()[0]
    sql = f"{select} ORDER BY documents DESC, mentions DESC, name"
    params = list(w.params)
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [int(limit), int(offset)]
    return total, _rows(con.execute(sql, params))


def get_entity(con, entity_id: str) -> dict | None:
    """An entity with the same-named entities of other documents (until cross-document linking
    gives one id), its events over time and its quotes."""
    rows = _rows(con.execute(f"{_ENTITY_SELECT} WHERE x.id = ?", [entity_id]))
    if not rows:
        return None
    entity = _entity(rows[0])
    same = [_entity(r) for r in _rows(con.execute(
        f"{_ENTITY_SELECT} WHERE lower(x.name) = lower(?) AND x.type = ? ORDER BY d.published NULLS LAST, x.id",
        [entity["name"], entity["type"]]))]
    ids = [e["id"] for e in same]
    entity["records"] = same
    entity["all_aliases"] = sorted({a for e in same for a in e["aliases"]} - {entity["name"]})
    events = _rows(con.execute(
        f"""{_EVENT_SELECT} WHERE list_contains(?, json_extract_string(e.source, '$.entity_id'))
                OR list_contains(?, json_extract_string(e.target, '$.entity_id'))
                OR lower(json_extract_string(e.source, '$.name')) = lower(?)
                OR lower(json_extract_string(e.target, '$.name')) = lower(?)
            ORDER BY coalesce(e.date, d.published) NULLS LAST, e.id""", [ids, ids, entity["name"], entity["name"]]))
    entity["events"] = [_event(r) for r in events]
    entity["quotes"] = list_quotes(con, Filters(), limit=None, entity_ids=tuple(ids), speaker=entity["name"])[1]
    return entity


# -- stories ---------------------------------------------------------------------------------------

def _all_stories(con) -> list[dict]:
    """Every story: from the stories table, else grouped from documents.story_id."""
    if has_table(con, "stories"):
        rows = _rows(con.execute("SELECT * FROM stories"))
        for r in rows:
            for k in ("doc_ids", "event_ids", "outlets"):
                r[k] = [str(v) for v in as_list(r.get(k))]
            r["source"] = "stories"
        return rows
    rows = _rows(con.execute(
        """SELECT d.story_id AS id, list(d.id ORDER BY d.published NULLS LAST, d.id) AS doc_ids,
                  min(d.published) AS date, any_value(d.published_precision) AS date_precision,
                  any_value(d.title ORDER BY d.published NULLS LAST) AS title,
                  list(DISTINCT d.outlet) FILTER (WHERE d.outlet IS NOT NULL) AS outlets
           FROM documents d WHERE d.story_id IS NOT NULL GROUP BY d.story_id"""))
    for r in rows:
        r["outlets"] = sorted(r["outlets"] or [])
        r["event_ids"] = [x[0] for x in con.execute(
            "SELECT id FROM events WHERE list_contains(?, doc_id) ORDER BY id", [r["doc_ids"]]).fetchall()]
        r["source"] = "documents.story_id"
    return rows


def list_stories(con, f: Filters = Filters(), limit: int | None = 50, offset: int = 0, order: str = "asc"
                 ) -> tuple[int, list[dict]]:
    stories = _all_stories(con)
    if not stories:
        return 0, []
    doc_filter = f.with_(since=None, until=None, story_id=None)
    allowed = None if doc_filter.is_empty() else doc_ids_matching(con, doc_filter)
    kept = []
    for s in stories:
        day = str(s.get("date") or "")
        if f.since and (not day or day < f.since):
            continue
        if f.until and (not day or day > f.until + "~"):
            continue
        if allowed is not None and not allowed.intersection(s["doc_ids"]):
            continue
        kept.append(s)
    kept.sort(key=lambda s: (str(s.get("date") or ""), str(s["id"])), reverse=(order == "desc"))
    page = kept[offset:offset + limit] if limit is not None else kept[offset:]
    for s in page:
        s["n_documents"] = len(s["doc_ids"])
        s["n_events"] = len(s["event_ids"])
    return len(kept), page


def get_story(con, story_id: str, with_records: bool = True) -> dict | None:
    if not story_id or len(story_id) > 300:
        return None
    story = next((s for s in _all_stories(con) if str(s["id"]) == story_id), None)
    if story is None or not with_records:
        return story
    docs = []
    for did in story["doc_ids"]:
        d = get_document(con, did, with_records=True)
        if d:
            d.pop("text", None)  # the side-by-side view needs records, not whole texts
            docs.append(d)
    docs.sort(key=lambda d: (d["published"] or "9999", d["outlet"] or "", d["id"]))
    story["documents"] = docs
    story["comparison"] = compare_coverage(docs)
    return story


def story_alias(con, story_id: str) -> str | None:
    """The id of the story a former story id now lives on as (see ``story_aliases``), or None."""
    if not story_id or len(story_id) > 300 or not has_table(con, "story_aliases"):
        return None
    row = con.execute("SELECT new_id FROM story_aliases WHERE old_id = ?", [story_id]).fetchone()
    return row[0] if row else None


def _story_of_document(con, doc_id: str, story_id: str | None) -> dict | None:
    for s in _all_stories(con):
        if (story_id and str(s["id"]) == story_id) or doc_id in s["doc_ids"]:
            return {"id": s["id"], "title": s.get("title"), "date": s.get("date")}
    return None


def normalise(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").strip().lower())


def compare_coverage(docs: list[dict]) -> list[dict]:
    """Rows of facts across the coverage of one story: which document reports what, and where
    the reports disagree (different figures for the same measure, different dates for the same
    kind of event, different counts of documents signed, different wordings of one utterance)."""
    rows: dict[tuple, dict] = {}

    def cell(key, label, kind, doc_id, value, record):
        row = rows.setdefault(key, {"kind": kind, "label": label, "cells": {}})
        row["cells"].setdefault(doc_id, []).append({"value": value, "record": record})

    for d in docs:
        for e in d.get("events", []):
            if e.get("negated"):
                continue
            actors = "–".join(sorted(filter(None, [(e.get("source") or {}).get("country"),
                                                  (e.get("target") or {}).get("country")])))
            cell(("event", e["plover"], actors, e.get("status")), f"{e['plover']} {actors}".strip()
                 + ("" if e.get("status") in (None, "reported") else f" ({e['status']})"),
                 "event", d["id"], e.get("date") or "", e)
        spans = set()   # two records over one span (say, from two extractor versions) count once
        for a in d.get("amounts", []):
            if (a.get("start"), a.get("end")) in spans:
                continue
            spans.add((a.get("start"), a.get("end")))
            what = normalise(a.get("what")) or "(unspecified)"
            cell(("amount", a.get("unit"), what, a.get("period")),
                 f"{a.get('what') or 'figure'} ({a.get('unit')}{', ' + str(a['period']) if a.get('period') else ''})",
                 "amount", d["id"], a.get("value"), a)
        signed = [g for g in d.get("agreements", []) if g.get("status") not in ("negated", "planned")]
        if signed:
            # Named documents and a bare count ("signed 12 documents") may describe the same set.
            titled = [g.get("title") for g in signed if g.get("title")]
            counted = max((g.get("count") or 1 for g in signed if not g.get("title")), default=0)
            cell(("agreements",), "documents signed", "agreements", d["id"], max(len(titled), counted),
                 {"titles": titled})
        for q in d.get("quotes", []):
            if ("q", q.get("start"), q.get("end")) in spans:
                continue
            spans.add(("q", q.get("start"), q.get("end")))
            who = (q.get("speaker") or {}).get("name") or "unattributed"
            if q.get("utterance_id"):   # one utterance, several renderings: wordings may differ
                cell(("utterance", q["utterance_id"]), f"quote: {who}", "utterance", d["id"], q.get("text"), q)
            else:                       # one row per speaker: who is quoted where
                cell(("quote", normalise(who)), f"quotes: {who}", "quote", d["id"], q.get("text"), q)
    out = []
    for key, row in rows.items():
        per_doc = {frozenset(normalise(str(c["value"])) for c in cells) for cells in row["cells"].values()}
        row["reported_by"] = len(row["cells"])
        # A disagreement needs two documents saying different things about the same fact.
        row["disagree"] = row["kind"] != "quote" and row["reported_by"] > 1 and len(per_doc) > 1
        out.append(row)
    order = {"event": 0, "agreements": 1, "amount": 2, "utterance": 3, "quote": 4}
    out.sort(key=lambda r: (order[r["kind"]], -r["reported_by"], r["label"]))
    return out


# -- timeline, outlets, counts -------------------------------------------------------------------------

def timeline(con, f: Filters = Filters()) -> dict:
    """Events per month by PLOVER type: what happened (not negated, not merely planned).

    Events dated only to a year cannot be placed in a month; they are counted apart."""
    w = _event_where(con, f, include_negated=False)
    w.add("coalesce(e.status, 'reported') <> 'planned'")
    rows = con.execute(
        f"""SELECT substr(coalesce(e.date, d.published), 1, 7) AS month, e.plover, count(*) AS n
            {_EVENT_FROM} {w.sql()}
            GROUP BY ALL ORDER BY month, e.plover""", w.params).fetchall()
    bins = [{"month": m, "plover": p, "count": n} for m, p, n in rows if m and len(m) == 7]
    unplaced = sum(n for m, p, n in rows if not m or len(m) != 7)
    types = [t for t in PLOVER_TYPES if any(b["plover"] == t for b in bins)]
    types += sorted({b["plover"] for b in bins} - set(types))
    return {"months": month_range([b["month"] for b in bins]), "types": types, "bins": bins, "unplaced": unplaced}


def documents_per_month(con, f: Filters = Filters()) -> dict:
    """Documents per month by outlet: the chart while the store has no events yet."""
    w = _doc_where(con, f)
    rows = con.execute(f"""SELECT substr(d.published, 1, 7) AS month, coalesce(d.outlet, '(unknown outlet)'), count(*)
                           FROM documents d {w.sql()} GROUP BY ALL ORDER BY 1, 2""", w.params).fetchall()
    bins = [{"month": m, "plover": o, "count": n} for m, o, n in rows if m and len(m) == 7]
    return {"months": month_range([b["month"] for b in bins]), "types": sorted({b["plover"] for b in bins}),
            "bins": bins, "unplaced": sum(n for m, o, n in rows if not m or len(m) != 7)}


def month_range(months: list[str]) -> list[str]:
    """Every month from the first to the last, so gaps show as gaps."""
    valid = sorted({m for m in months if re.match(r"^\d{4}-(0[1-9]|1[0-2])$", m)})
    if not valid:
        return []
    y, m = map(int, valid[0].split("-"))
    end = tuple(map(int, valid[-1].split("-")))
    out = []
    while (y, m) <= end and len(out) < 1200:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def outlets(con) -> list[tuple[str, int]]:
    return con.execute("SELECT outlet, count(*) FROM documents WHERE outlet IS NOT NULL GROUP BY 1 ORDER BY 1").fetchall()


def counts(con) -> dict[str, int]:
    out = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # our table names
           for t in ("documents", "events", "quotes", "amounts", "agreements", "entities")}
    out["stories"] = len(_all_stories(con))
    return out
