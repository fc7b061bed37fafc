"""Verify a store: schema version, evidence offsets, orphans, duplicates."""
from __future__ import annotations

import json
from dataclasses import dataclass

from . import SCHEMA_VERSION, Store

__all__ = ["Problem", "check_store"]

_SPAN_TABLES = ("dates", "quotes", "amounts")           # start/"end"/text columns of their own
_EVIDENCE_TABLES = ("events", "fused_events", "quotes", "amounts", "agreements")
_CHILD_TABLES = ("sentences", "entity_mentions", "dates", "entities", "events", "quotes", "amounts", "agreements")


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str       # schema | offset | orphan | duplicate
    table: str
    record: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.table} {self.record}: {self.detail}"


def check_store(store: Store) -> list[Problem]:
    """Every problem found; an empty list means the store is sound."""
    problems: list[Problem] = []
    version = store.schema_version()
    if version != SCHEMA_VERSION:
        problems.append(Problem("schema", "meta", "schema_version", f"{version}, expected {SCHEMA_VERSION}"))
        return problems
    con = store.con
    for table in _CHILD_TABLES:
        for (doc_id, n) in con.execute(
                f"SELECT doc_id, COUNT(*) FROM {table} WHERE doc_id NOT IN (SELECT id FROM documents) GROUP BY doc_id").fetchall():
            problems.append(Problem("orphan", table, doc_id, f"{n} records of a document that is not stored"))
    for (source, n) in con.execute("SELECT source, COUNT(*) FROM documents GROUP BY source HAVING COUNT(*) > 1").fetchall():
        problems.append(Problem("duplicate", "documents", source, f"{n} documents from one source"))
    for (doc_id,) in con.execute("SELECT doc_id FROM inputs WHERE status = 'doc' AND doc_id NOT IN (SELECT id FROM documents)").fetchall():
        problems.append(Problem("orphan", "inputs", doc_id, "an input points to a document that is not stored"))
    for (rid, missing) in con.execute("""SELECT id, list(d ORDER BY d) FROM (SELECT id, unnest(doc_ids) AS d FROM fused_events)
                                         WHERE d NOT IN (SELECT id FROM documents) GROUP BY id ORDER BY id""").fetchall():
        problems.append(Problem("orphan", "fused_events", rid, f"cites documents that are not stored: {missing}"))
    for (rid, event_id) in con.execute("""SELECT id, event_id FROM events WHERE event_id IS NOT NULL
                                          AND event_id NOT IN (SELECT id FROM fused_events)""").fetchall():
        problems.append(Problem("orphan", "events", rid, f"points to fused event {event_id}, which is not stored"))
    texts = dict(con.execute("SELECT id, text FROM documents").fetchall())

    def slice_ok(doc_id: str, start: int, end: int, text: str) -> bool:
        body = texts.get(doc_id)
        return body is not None and 0 <= start <= end <= len(body) and body[start:end] == text

    for table in _SPAN_TABLES:
        for rid, doc_id, start, end, text in con.execute(f'SELECT id, doc_id, start, "end", text FROM {table}').fetchall():
            if table == "quotes":
                continue  # a quote's text may join interrupted parts; its evidence is checked below
            if not slice_ok(doc_id, start, end, text):
                problems.append(Problem("offset", table, rid, f"[{start}:{end}] does not reproduce {text!r}"))
    for table in _EVIDENCE_TABLES:
        for rid, evidence in con.execute(f"SELECT id, evidence FROM {table}").fetchall():
            for ev in json.loads(evidence or "[]"):
                if not slice_ok(ev["doc_id"], ev["start"], ev["end"], ev["text"]):
                    problems.append(Problem("offset", table, rid,
                                            f"evidence [{ev['start']}:{ev['end']}] of {ev['doc_id']} does not reproduce its text"))
    for doc_id, start, end in con.execute('SELECT doc_id, start, "end" FROM sentences').fetchall():
        if doc_id in texts and not (0 <= start <= end <= len(texts[doc_id])):
            problems.append(Problem("offset", "sentences", doc_id, f"[{start}:{end}] outside the text"))
    return problems
