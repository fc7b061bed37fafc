"""The store's schema as numbered migrations; ``meta.schema_version`` says which ran."""
from __future__ import annotations

__all__ = ["MIGRATIONS", "SCHEMA_VERSION"]

MIGRATIONS: list[tuple[int, list[str]]] = [
    (1, [
        "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
        # One row per input item ever seen (file, JSON line, feed item): what makes reruns cheap.
        """CREATE TABLE inputs (input_hash VARCHAR PRIMARY KEY, source VARCHAR NOT NULL, line INTEGER,
               status VARCHAR NOT NULL, doc_id VARCHAR, reason VARCHAR)""",
        """CREATE TABLE documents (
               id VARCHAR PRIMARY KEY, source VARCHAR NOT NULL, origin VARCHAR, format VARCHAR,
               outlet VARCHAR, title VARCHAR, url VARCHAR,
               published VARCHAR, published_precision VARCHAR, published_from VARCHAR,
               published_confidence DOUBLE, published_basis VARCHAR, published_peer VARCHAR,
               own_published VARCHAR, own_precision VARCHAR, own_from VARCHAR,
               own_confidence DOUBLE, own_basis VARCHAR,
               dateline VARCHAR, text VARCHAR NOT NULL, boilerplate_removed VARCHAR[],
               language VARCHAR, story_id VARCHAR, duplicate_of VARCHAR, input_hash VARCHAR)""",
        "CREATE TABLE sentences (doc_id VARCHAR, idx INTEGER, start INTEGER, \"end\" INTEGER, PRIMARY KEY (doc_id, idx))",
        """CREATE TABLE entity_mentions (doc_id VARCHAR, idx INTEGER, start INTEGER, "end" INTEGER,
               label VARCHAR, text VARCHAR, PRIMARY KEY (doc_id, idx))""",
        # Which inputs of an outlet (or folder) contain a line: lines many of them share are boilerplate.
        "CREATE TABLE line_stats (grp VARCHAR, line_key VARCHAR, input_hash VARCHAR, PRIMARY KEY (grp, line_key, input_hash))",
        """CREATE TABLE dates (id VARCHAR PRIMARY KEY, doc_id VARCHAR, text VARCHAR, start INTEGER, "end" INTEGER,
               type VARCHAR, value VARCHAR, precision VARCHAR, anchor VARCHAR)""",
    ]),
]

MIGRATIONS.append((2, [
    # Extraction records; nested parts (actors, evidence) are JSON, as the export contract has them.
    """CREATE TABLE entities (id VARCHAR PRIMARY KEY, doc_id VARCHAR, name VARCHAR, type VARCHAR,
           country VARCHAR, role VARCHAR, title VARCHAR, aliases VARCHAR[], mentions JSON)""",
    """CREATE TABLE events (id VARCHAR PRIMARY KEY, doc_id VARCHAR, story_id VARCHAR, date VARCHAR,
           date_precision VARCHAR, date_from VARCHAR, plover VARCHAR, cameo VARCHAR, mode VARCHAR,
           source JSON, target JSON, location JSON, trigger VARCHAR, summary VARCHAR, evidence JSON,
           confidence DOUBLE, status VARCHAR, negated BOOLEAN)""",
    """CREATE TABLE quotes (id VARCHAR PRIMARY KEY, doc_id VARCHAR, story_id VARCHAR, speaker JSON, text VARCHAR,
           direct BOOLEAN, evidence JSON, event_id VARCHAR, utterance_id VARCHAR, start INTEGER, "end" INTEGER)""",
    """CREATE TABLE amounts (id VARCHAR PRIMARY KEY, doc_id VARCHAR, text VARCHAR, value DOUBLE, unit VARCHAR,
           what VARCHAR, qualifier VARCHAR, period VARCHAR, entities VARCHAR[], evidence JSON,
           start INTEGER, "end" INTEGER)""",
    """CREATE TABLE agreements (id VARCHAR PRIMARY KEY, doc_id VARCHAR, story_id VARCHAR, title VARCHAR,
           kind VARCHAR, parties VARCHAR[], signed VARCHAR, topic VARCHAR, count INTEGER, status VARCHAR,
           evidence JSON)""",
]))

MIGRATIONS.append((3, [
    # Entities across documents (recomputed at the end of each build) and the map to them.
    """CREATE TABLE global_entities (id VARCHAR PRIMARY KEY, name VARCHAR, type VARCHAR, country VARCHAR,
           role VARCHAR, title VARCHAR, aliases VARCHAR[], mentions INTEGER, doc_ids VARCHAR[])""",
    "CREATE TABLE entity_links (entity_id VARCHAR PRIMARY KEY, global_id VARCHAR)",
]))

MIGRATIONS.append((4, [
    # Stories: all coverage of one happening (recomputed from the documents at each build).
    """CREATE TABLE stories (id VARCHAR PRIMARY KEY, doc_ids VARCHAR[], date VARCHAR, date_precision VARCHAR,
           title VARCHAR, event_ids VARCHAR[], outlets VARCHAR[])""",
]))

MIGRATIONS.append((5, [
    # One event per happening across documents (link/fusion.py); ``events`` keeps each
    # document's report of it, and says which fused event it is part of.
    """CREATE TABLE fused_events (id VARCHAR PRIMARY KEY, story_id VARCHAR, date VARCHAR, date_precision VARCHAR,
           date_from VARCHAR, plover VARCHAR, cameo VARCHAR, mode VARCHAR, source JSON, target JSON,
           location JSON, summary VARCHAR, evidence JSON, confidence DOUBLE, status VARCHAR, negated BOOLEAN,
           mention_ids VARCHAR[], doc_ids VARCHAR[], outlets VARCHAR[], sources INTEGER,
           first_reported VARCHAR, first_doc_id VARCHAR, trigger VARCHAR, conflicts JSON)""",
    "ALTER TABLE events ADD COLUMN event_id VARCHAR",
    "ALTER TABLE stories ADD COLUMN conflicts JSON",
    # Saved state of incremental linking (the story index), written with the stories it gave.
    "CREATE TABLE link_state (name VARCHAR PRIMARY KEY, value BLOB, fingerprints JSON)",
]))

MIGRATIONS.append((6, [
    # What `annalist watch` has read of each file: the file as it was (size, mtime, inode) and,
    # for JSON Lines read by their tail, how far (bytes and newlines) and fingerprints of the
    # head and of the bytes before that offset, to tell an append from a rewrite.
    """CREATE TABLE watch_files (path VARCHAR PRIMARY KEY, size BIGINT, mtime_ns BIGINT, inode BIGINT,
           format VARCHAR, "offset" BIGINT, newlines BIGINT, head_hash VARCHAR, tail_hash VARCHAR)""",
]))

MIGRATIONS.append((7, [
    # Former story ids and the story that now holds most of their documents: a story's id
    # changes when an earlier article joins it or stories merge or split, and links to the
    # old id (bookmarks, the explorer's pages) are redirected rather than broken.
    "CREATE TABLE story_aliases (old_id VARCHAR PRIMARY KEY, new_id VARCHAR NOT NULL)",
]))

SCHEMA_VERSION = MIGRATIONS[-1][0]
