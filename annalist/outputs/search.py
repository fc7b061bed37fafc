"""Full-text search over the store: BM25 ranking by tantivy, phrases, highlighted snippets.

The index lives beside the store (``news.duckdb`` -> ``news.duckdb.search/``) and is rebuilt
when the store's content changed: a signature of the indexed tables (row counts and a hash of
their rows) is kept in a marker file and compared before a search. A process checks the
signature again only when the store file itself changed (size or modification time).

Documents, events, quotes and entities are indexed; every hit cites a document and the
character offsets of the passage that matched (a sentence, a quote, an evidence span).

Queries use tantivy's language (``"exact phrase"``, ``AND``, ``OR``, ``-word``, ``title:x``);
whatever it cannot parse is searched as plain words instead of failing. Filters (type, dates,
countries, PLOVER type, outlet) are separate term and range queries, never text spliced into
the query."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

import tantivy

from ..errors import UsageError
from .records import Filters, document_sentences, has_table, open_read_only

__all__ = ["KINDS", "Hit", "SearchResult", "search", "build_index", "ensure_index", "index_dir"]

KINDS = ("document", "event", "quote", "entity")
INDEX_VERSION = 1                 # bump when the index layout changes: old indexes are rebuilt
MAX_QUERY = 500
_WORD = re.compile(r"\w+", re.UNICODE)
_MARKER = "annalist-index.json"
_lock = threading.Lock()
_cache: dict[str, tuple[tuple, str, tantivy.Index]] = {}   # index dir -> (file stat, signature, index)


@dataclass
class Hit:
    kind: str                 # document | event | quote | entity
    id: str                   # the record's id (an entity hit: one of the same-named records)
    doc_id: str               # the document it cites
    start: int                # offsets into that document's text
    end: int
    title: str
    snippet: str              # plain text; highlights are [start, end) offsets into it
    highlights: list[tuple[int, int]]
    score: float
    date: str | None = None
    outlet: str | None = None
    url: str | None = None    # the article's url as given (check it before linking)
    plover: str | None = None

    def as_dict(self) -> dict:
        d = asdict(self)
        d["highlights"] = [list(h) for h in self.highlights]
        return d


@dataclass
class SearchResult:
    query: str
    total: int
    hits: list[Hit] = field(default_factory=list)
    plain_words: bool = False   # the query could not be parsed and was searched as plain words
    limit: int = 20
    offset: int = 0

    def as_dict(self) -> dict:
        return {"query": self.query, "total": self.total, "limit": self.limit, "offset": self.offset,
                "plain_words": self.plain_words, "hits": [h.as_dict() for h in self.hits]}


def index_dir(store_path: str | Path) -> Path:
    return Path(str(store_path) + ".search")


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    for name in ("kind", "id", "doc_id", "outlet", "countries", "plover"):
        sb.add_text_field(name, stored=True, tokenizer_name="raw")
    sb.add_text_field("title", stored=True, tokenizer_name="en_stem")
    sb.add_text_field("body", stored=True, tokenizer_name="en_stem")
    sb.add_text_field("meta", stored=True, tokenizer_name="raw", index_option="basic")  # JSON for display
    sb.add_integer_field("day", stored=True, indexed=True, fast=True)
    return sb.build()


# -- keeping the index fresh -------------------------------------------------------------------------

def _stat_key(store_path: Path) -> tuple:
    key = []
    for p in (store_path, Path(str(store_path) + ".wal")):
        try:
            st = p.stat()
            key.append((st.st_mtime_ns, st.st_size))
        except OSError:
            key.append(None)
    return tuple(key)


def _signature(con) -> str:
    """Changes whenever anything the index holds changes."""
    parts = {"version": INDEX_VERSION}
    probes = {"documents": "hash(id, published, outlet, title, url, story_id)", "events": "hash(t)",
              "quotes": "hash(t)", "entities": "hash(t)", "sentences": "hash(t)"}
    if has_table(con, "stories"):
        probes["stories"] = "hash(t)"
    for table, expr in probes.items():
        n, h = con.execute(f"SELECT count(*), coalesce(sum({expr}), 0) FROM {table} t").fetchone()  # our names
        parts[table] = [n, str(h)]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _read_marker(folder: Path) -> str | None:
    try:
        return json.loads((folder / _MARKER).read_text())["signature"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def ensure_index(store_path: str | Path, con=None, snapshot: str | Path | None = None) -> tantivy.Index:
    """The store's index, rebuilt first when the store changed since it was built.

    ``snapshot``: the read snapshot ``con`` reads (its file never changes, so the content
    signature is checked once per snapshot, not whenever the writer touches the store)."""
    store_path = Path(store_path)
    folder = index_dir(store_path)
    stat = (str(snapshot),) + _stat_key(Path(snapshot)) if snapshot else _stat_key(store_path)
    with _lock:
        cached = _cache.get(str(folder))
        if cached and cached[0] == stat:
            return cached[2]
        own = con is None
        if own:
            store = open_read_only(store_path)
            con = store.con
        try:
            sig = _signature(con)
            if cached and cached[1] == sig:
                _cache[str(folder)] = (stat, sig, cached[2])
                return cached[2]
            index = None
            if _read_marker(folder) == sig:
                try:
                    index = tantivy.Index.open(str(folder))
                except (ValueError, OSError):
                    index = None
            if index is None:
                index = _build(con, folder, sig)
            _cache[str(folder)] = (stat, sig, index)
            return index
        finally:
            if own:
                store.close()


def build_index(store_path: str | Path, con=None) -> Path:
    """(Re)build the search index beside the store; returns its folder."""
    store_path = Path(store_path)
    folder = index_dir(store_path)
    own = con is None
    if own:
        store = open_read_only(store_path)
        con = store.con
    try:
        with _lock:
            sig = _signature(con)
            index = _build(con, folder, sig)
            _cache[str(folder)] = (_stat_key(store_path), sig, index)
    finally:
        if own:
            store.close()
    return folder


def _build(con, folder: Path, sig: str) -> tantivy.Index:
    """Write a fresh index in a temporary folder, then swap it in; an unwritable folder gives
    an index in memory (the search still works, it is rebuilt per process)."""
    schema = _schema()
    try:
        tmp = Path(tempfile.mkdtemp(prefix=folder.name + ".tmp-", dir=folder.parent))
    except OSError:
        index = tantivy.Index(schema)
        _fill(index, con)
        return index
    index = tantivy.Index(schema, path=str(tmp))
    _fill(index, con)
    (tmp / _MARKER).write_text(json.dumps({"signature": sig, "version": INDEX_VERSION}))
    old = None
    if folder.exists():
        old = folder.with_name(f"{folder.name}.old-{os.getpid()}-{threading.get_ident()}")
        os.replace(folder, old)
    os.replace(tmp, folder)
    if old:
        shutil.rmtree(old, ignore_errors=True)
    return tantivy.Index.open(str(folder))


def _day(value) -> int:
    """'2025-06-16' -> 20250616, '2025-06' -> 20250600, '2025' -> 20250000, else 0."""
    m = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", str(value or ""))
    if not m:
        return 0
    return int(m.group(1)) * 10000 + int(m.group(2) or 0) * 100 + int(m.group(3) or 0)


def _fill(index: tantivy.Index, con) -> None:
    writer = index.writer(heap_size=64_000_000, num_threads=1)

    def add(kind, rid, doc_id, title, body, outlet, countries, plovers, date, meta):
        writer.add_document(tantivy.Document(
            kind=kind, id=rid, doc_id=doc_id, title=title or "", body=body or "",
            outlet=(outlet or "").lower(), countries=sorted({c for c in countries if c}) or [""],
            plover=sorted({p for p in plovers if p}) or [""], day=_day(date),
            meta=json.dumps(meta | {"date": date, "outlet": outlet}, ensure_ascii=False)))

    doc_countries: dict[str, set] = {}
    for doc_id, c in con.execute("SELECT DISTINCT doc_id, country FROM entities WHERE country IS NOT NULL").fetchall():
        doc_countries.setdefault(doc_id, set()).add(c)
    event_rows = con.execute(
        """SELECT e.id, e.doc_id, e.plover, e.summary, e.trigger, e.evidence, e.source, e.target, e.negated,
                  coalesce(e.date, d.published), d.outlet, d.url
           FROM events e LEFT JOIN documents d ON d.id = e.doc_id""").fetchall()
    doc_plovers: dict[str, set] = {}
    event_plover: dict[str, str] = {}
    for r in event_rows:
        doc_plovers.setdefault(r[1], set()).add(r[2])
        event_plover[r[0]] = r[2]
        for actor in (r[6], r[7]):
            c = (_load(actor) or {}).get("country")
            if c:
                doc_countries.setdefault(r[1], set()).add(c)
    for doc_id, title, text, outlet, published, url in con.execute(
            "SELECT id, title, text, outlet, published, url FROM documents").fetchall():
        add("document", doc_id, doc_id, title, text, outlet, doc_countries.get(doc_id, ()),
            doc_plovers.get(doc_id, ()), published, {"url": url})
    for rid, doc_id, plover, summary, trigger, evidence, source, target, negated, date, outlet, url in event_rows:
        ev = [e for e in (_load(evidence) or []) if isinstance(e, dict)]
        src, tgt = _load(source) or {}, _load(target) or {}
        title = summary or f"{plover}: {src.get('name') or '?'} – {tgt.get('name') or '?'}"
        first = ev[0] if ev else {}
        add("event", rid, first.get("doc_id") or doc_id, title, "\n".join(str(e.get("text") or "") for e in ev),
            outlet, (src.get("country"), tgt.get("country")), (plover,), date,
            {"url": url, "start": first.get("start", 0), "end": first.get("end", 0), "negated": bool(negated),
             "plover": plover})
    for rid, doc_id, text, speaker, start, end, event_id, published, outlet, url in con.execute(
            """SELECT q.id, q.doc_id, q.text, q.speaker, q.start, q."end", q.event_id, d.published, d.outlet, d.url
               FROM quotes q LEFT JOIN documents d ON d.id = q.doc_id""").fetchall():
        sp = _load(speaker) or {}
        add("quote", rid, doc_id, sp.get("name") or "", text, outlet, (sp.get("country"),),
            (event_plover.get(event_id),), published, {"url": url, "start": start or 0, "end": end or 0})
    # One entity hit per name and type: the per-document records are the same person or place.
    for name, etype, ids, docs, countries, aliases, mentions, first_day in con.execute(
            """SELECT any_value(x.name ORDER BY length(x.name) DESC), x.type, list(x.id ORDER BY d.published, x.id),
                      list(x.doc_id ORDER BY d.published, x.id), list(DISTINCT x.country) FILTER (x.country IS NOT NULL),
                      flatten(list(x.aliases)), list(x.mentions ORDER BY d.published, x.id), min(d.published)
               FROM entities x LEFT JOIN documents d ON d.id = x.doc_id GROUP BY lower(x.name), x.type""").fetchall():
        first = next((m for m in (_load(mentions[0]) or []) if isinstance(m, list) and len(m) == 2), [0, 0])
        body = " · ".join(sorted(set(a for a in (aliases or []) if a)))
        add("entity", ids[0], docs[0], name, body, None, countries or (), (), first_day,
            {"start": first[0], "end": first[1], "type": etype, "documents": len(set(docs)), "country": ", ".join(countries or [])})
    writer.commit()
    writer.wait_merging_threads()
    index.reload()


def _load(value):
    if value is None or isinstance(value, (dict, list)):
        return value
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return None


# -- searching ------------------------------------------------------------------------------------------

def _text_query(index: tantivy.Index, query: str) -> tuple[tantivy.Query | None, bool]:
    """The parsed query, or (when it does not parse) its words as plain terms."""
    try:
        return index.parse_query(query, ["title", "body"], field_boosts={"title": 2.0},
                                 conjunction_by_default=True), False
    except ValueError:
        return _words_query(index, query), True


def _words_query(index: tantivy.Index, query: str) -> tantivy.Query | None:
    # Quoted lowercase words: no operator, field name or bracket can survive.
    words = [w.lower() for w in _WORD.findall(query)][:50]
    if not words:
        return None
    try:
        return index.parse_query(" ".join(f'"{w}"' for w in words), ["title", "body"],
                                 field_boosts={"title": 2.0}, conjunction_by_default=True)
    except ValueError:
        return None


def _bound(value: str, upper: bool) -> int:
    day = _day(value)
    if upper:
        if len(value) == 4:
            return day + 9999
        if len(value) == 7:
            return day + 99
    return day


def _filter_queries(schema, kinds, f: Filters) -> list[tantivy.Query]:
    out = []
    if kinds:
        out.append(tantivy.Query.term_set_query(schema, "kind", list(kinds)))
    if f.since or f.until:
        lo = _bound(f.since, False) if f.since else 1   # 1: undated records never pass a date filter
        hi = _bound(f.until, True) if f.until else 99999999
        out.append(tantivy.Query.range_query(schema, "day", tantivy.FieldType.Integer, lo, hi))
    if f.countries:
        out.append(tantivy.Query.term_set_query(schema, "countries", list(f.countries)))
    if f.plover:
        out.append(tantivy.Query.term_set_query(schema, "plover", list(f.plover)))
    if f.outlets:
        out.append(tantivy.Query.term_set_query(schema, "outlet", [o.lower() for o in f.outlets]))
    return out


def search(store_path: str | Path, query: str, kinds: tuple[str, ...] | list[str] = (), filters: Filters = Filters(),
           limit: int = 20, offset: int = 0, con=None, snapshot: str | Path | None = None) -> SearchResult:
    """Ranked hits for ``query`` (BM25), each with a highlighted snippet and its source offsets.

    Never fails on the query text: unparseable queries are searched as plain words, and a
    query with no words at all finds nothing."""
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise UsageError(f"unknown result type {bad[0]!r}; choose from {', '.join(KINDS)}")
    query = (query or "")[:MAX_QUERY]
    limit, offset = max(1, min(int(limit), 500)), max(0, min(int(offset), 100_000))
    own = con is None
    if own:
        store = open_read_only(store_path)
        con = store.con
    try:
        index = ensure_index(store_path, con, snapshot)
        result = SearchResult(query=query, total=0, limit=limit, offset=offset)
        text_q, plain = _text_query(index, query) if query.strip() else (None, False)
        result.plain_words = plain
        if text_q is None:
            return result
        searcher = index.searcher()
        schema = index.schema
        filters = _filter_queries(schema, tuple(kinds), filters)

        def run(q):
            full = tantivy.Query.boolean_query([(tantivy.Occur.Must, x) for x in [q, *filters]]) if filters else q
            return searcher.search(full, limit, count=True, offset=offset)

        try:
            found = run(text_q)
        except ValueError:   # parsed but not executable (a range over text, say): plain words then
            text_q = _words_query(index, query)
            result.plain_words = True
            if text_q is None:
                return result
            found = run(text_q)
        result.total = found.count or 0
        snippets = tantivy.SnippetGenerator.create(searcher, text_q, schema, "body")
        snippets.set_max_num_chars(240)
        sentence_cache: dict[str, list[tuple[int, int]]] = {}
        for score, address in found.hits:
            result.hits.append(_hit(searcher.doc(address), score, snippets, con, sentence_cache))
        return result
    finally:
        if own:
            store.close()


def _first(doc, name, default=None):
    values = doc.get_all(name)
    return values[0] if values else default


def _chars(data: bytes, byte_offset: int) -> int:
    return len(data[:byte_offset].decode("utf-8", errors="ignore"))


def _hit(doc, score, snippets, con, sentence_cache) -> Hit:
    kind, rid, doc_id = _first(doc, "kind"), _first(doc, "id"), _first(doc, "doc_id")
    body = _first(doc, "body", "")
    meta = _load(_first(doc, "meta", "{}")) or {}
    snip = snippets.snippet_from_doc(doc)
    fragment = snip.fragment()
    if fragment:
        fb = fragment.encode("utf-8")
        highlights = [(_chars(fb, h.start), _chars(fb, h.end)) for h in snip.highlighted()]
        frag_start = _chars(body.encode("utf-8"), snip.fragment_range().start)
    else:   # matched on the title only: show the opening
        fragment, highlights, frag_start = body[:240], [], 0
    start, end = int(meta.get("start") or 0), int(meta.get("end") or 0)
    if kind == "document":
        # Cite the sentence holding the first highlighted word.
        at = frag_start + (highlights[0][0] if highlights else 0)
        sentences = sentence_cache.setdefault(doc_id, document_sentences(con, doc_id))
        start, end = next(((s, e) for s, e in sentences if s <= at < e), (0, min(len(body), 240)))
    return Hit(kind=kind, id=rid, doc_id=doc_id, start=start, end=end, title=_first(doc, "title", ""),
               snippet=fragment, highlights=highlights, score=round(float(score), 4), date=meta.get("date"),
               outlet=meta.get("outlet"), url=meta.get("url"), plover=meta.get("plover"))
