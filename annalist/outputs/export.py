"""Export the store per ``spec/export-format.md``: one file per record type.

Record types the store does not hold yet are written as empty files with the contract's
columns, so downstream loaders can rely on every file being there."""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import UsageError
from ..store import Store

__all__ = ["export", "FORMATS", "RECORD_TYPES"]

FORMATS = {"jsonl": ("jsonl", "FORMAT JSON"), "parquet": ("parquet", "FORMAT PARQUET"),
           "csv": ("csv", "FORMAT CSV, HEADER")}

def _linked(actor: str, link: str) -> str:
    """The actor with ``entity_id`` pointing into entities.jsonl (the cross-document entity);
    the per-document id stays as ``doc_entity_id``."""
    return (f"CASE WHEN {link}.global_id IS NULL THEN {actor} ELSE json_merge_patch({actor}, "
            f"json_object('entity_id', {link}.global_id, 'doc_entity_id', {actor}->>'entity_id')) END")


_QUERIES = {
    "documents": """SELECT id, source, outlet, title, published, published_from, dateline, text,
                           boilerplate_removed, language, story_id, duplicate_of,
                           published_precision, published_confidence, published_basis, published_peer,
                           format, url
                    FROM documents ORDER BY id""",
    "dates": """SELECT id, doc_id, text, start, "end", type, value, precision, anchor
                FROM dates ORDER BY doc_id, start""",
    # One event per happening, fused across documents (link/fusion.py); actors' entity_id is
    # the cross-document entity. ``doc_id`` is the first report, ``mention_ids`` each report.
    "events": """SELECT id, story_id, date, date_precision, date_from, plover, cameo, source, target, location,
                        summary, evidence, confidence, status, mode, negated, trigger, first_doc_id AS doc_id,
                        doc_ids, mention_ids, outlets, sources, first_reported, conflicts
                 FROM fused_events ORDER BY id""",
    # Each document's own report of an event, with the fused event it belongs to.
    "event_mentions": f"""SELECT e.id, e.event_id, e.doc_id, e.story_id, e.date, e.date_precision, e.date_from,
                         e.plover, e.cameo, {_linked("e.source", "ls")} AS source, {_linked("e.target", "lt")} AS target,
                         e.location, e.summary, e.evidence, e.confidence, e.status, e.mode, e.negated, e.trigger
                  FROM events e
                  LEFT JOIN entity_links ls ON ls.entity_id = e.source->>'entity_id'
                  LEFT JOIN entity_links lt ON lt.entity_id = e.target->>'entity_id'
                  ORDER BY e.doc_id, e.id""",
    "quotes": f"""SELECT q.id, {_linked("q.speaker", "ls")} AS speaker, q.text, q.direct, q.doc_id, q.evidence,
                         q.story_id, q.event_id, q.utterance_id, q.start, q."end"
                  FROM quotes q LEFT JOIN entity_links ls ON ls.entity_id = q.speaker->>'entity_id'
                  ORDER BY q.doc_id, q.start""",
    "amounts": """SELECT id, value, unit, what, qualifier, period, entities, doc_id, evidence, text, start, "end"
                  FROM amounts ORDER BY doc_id, start""",
    "agreements": """SELECT id, title, kind, parties, signed, topic, story_id, evidence, count, status, doc_id
                     FROM agreements ORDER BY doc_id, id""",
    "stories": """SELECT id, doc_ids, date, date_precision, title, event_ids, outlets,
                         coalesce(conflicts, '[]'::JSON) AS conflicts FROM stories ORDER BY id""",
    # One entity across documents; ``members`` are the per-document entity ids records cite.
    "entities": """SELECT g.id, g.name, g.aliases, g.type, g.country, g.role, g.mentions, g.doc_ids, g.title,
                          list_sort(list(l.entity_id)) AS members
                   FROM global_entities g LEFT JOIN entity_links l ON l.global_id = g.id
                   GROUP BY ALL ORDER BY g.id""",
}
# Columns of the record types later stages will fill (the contract's names, in its order).
_PENDING: dict[str, list[str]] = {}
RECORD_TYPES = ["documents", "stories", "events", "quotes", "amounts", "agreements", "dates", "entities",
                "event_mentions"]


def _query(record_type: str) -> str:
    if record_type in _QUERIES:
        return _QUERIES[record_type]
    cols = ", ".join(f'NULL::VARCHAR AS "{c}"' for c in _PENDING[record_type])
    return f"SELECT {cols} WHERE false"


def export(store: Store, out_dir: str | Path, fmt: str = "jsonl") -> dict[str, tuple[Path, int]]:
    """Write every record type to ``out_dir``; returns {record type: (file, rows)}."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    ext, copy_options = FORMATS[fmt]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for record_type in RECORD_TYPES:
        final = out / f"{record_type}.{ext}"
        partial = out / f".{record_type}.{ext}.partial"  # renamed into place: no half-written files
        query = _query(record_type)
        store.con.execute(f"COPY ({query}) TO '{_sql_path(partial)}' ({copy_options})")
        os.replace(partial, final)
        rows = store.con.execute(f"SELECT COUNT(*) FROM ({query})").fetchone()[0]
        written[record_type] = (final, rows)
    return written


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
