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

_QUERIES = {
    "documents": """SELECT id, source, outlet, title, published, published_from, dateline, text,
                           boilerplate_removed, language, story_id, duplicate_of,
                           published_precision, published_confidence, published_basis, published_peer,
                           format, url
                    FROM documents ORDER BY id""",
    "dates": """SELECT id, doc_id, text, start, "end", type, value, precision, anchor
                FROM dates ORDER BY doc_id, start""",
    "events": """SELECT id, story_id, date, date_precision, date_from, plover, cameo, source, target, location,
                        summary, evidence, confidence, status, mode, negated, trigger, doc_id
                 FROM events ORDER BY doc_id, id""",
    "quotes": """SELECT id, speaker, text, direct, doc_id, evidence, story_id, event_id, utterance_id, start, "end"
                 FROM quotes ORDER BY doc_id, start""",
    "amounts": """SELECT id, value, unit, what, qualifier, period, entities, doc_id, evidence, text, start, "end"
                  FROM amounts ORDER BY doc_id, start""",
    "agreements": """SELECT id, title, kind, parties, signed, topic, story_id, evidence, count, status, doc_id
                     FROM agreements ORDER BY doc_id, id""",
    # Until cross-document linking lands, an entity is one document's; mentions is their count.
    "entities": """SELECT id, name, aliases, type, country, role, json_array_length(mentions) AS mentions,
                          [doc_id] AS doc_ids, title
                   FROM entities ORDER BY doc_id, id""",
}
# Columns of the record types later stages will fill (the contract's names, in its order).
_PENDING = {
    "stories": ["id", "doc_ids", "date", "date_precision", "title", "event_ids", "outlets"],
}
RECORD_TYPES = ["documents", "stories", "events", "quotes", "amounts", "agreements", "dates", "entities"]


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
