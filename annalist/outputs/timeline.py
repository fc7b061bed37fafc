"""The timeline: fused events (one per happening) in date order, each with its story and sources.

Background events (a 2022 state visit recalled in a 2025 article) sit at their own date, not
at the date of the article that recalls them; planned ones sit at the date they are planned
for and say so. Negated events ("did not sign") are left out unless asked for: they never
happened."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from ..store import Store
from . import records as R

__all__ = ["TimelineEntry", "TimelineStory", "Timeline", "timeline"]


@dataclass(frozen=True, slots=True)
class TimelineStory:
    id: str
    title: str | None
    date: str | None
    documents: int


@dataclass(slots=True)
class TimelineEntry:
    date: str | None
    date_precision: str | None
    status: str                      # reported | planned | background
    plover: str
    cameo: str
    source: dict | None
    target: dict | None
    location: dict | None
    summary: str
    event_id: str
    story: TimelineStory | None
    sources: int                     # independent sources
    outlets: list[str]
    doc_ids: list[str]
    first_reported: str | None
    evidence: list[dict]
    conflicts: list[dict] = field(default_factory=list)
    negated: bool = False


@dataclass(slots=True)
class Timeline:
    entries: list[TimelineEntry]
    actors: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    types: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"actors": list(self.actors), "since": self.since, "until": self.until, "types": list(self.types),
                "events": [asdict(e) for e in self.entries]}


def _actor_matches(wanted: str, actor: dict | None) -> bool:
    if not actor:
        return False
    if wanted == (actor.get("country") or "").upper() or wanted == (actor.get("entity_id") or ""):
        return True
    return wanted.lower() in (actor.get("name") or "").lower()


def _actor(value: str) -> str:
    """A country code (KAZ, IGO:SCO) is checked; anything else is a name to look for."""
    v = value.strip()
    if len(v) == 3 and v.isalpha() or v.upper().startswith("IGO:"):
        return R.check_country(v)
    return v


def timeline(store: Store, actors=(), since: str | None = None, until: str | None = None, types=(),
             include_negated: bool = False) -> Timeline:
    """Fused events in date order (undated last). Every actor given must take part, as source
    or target (a country code, an entity id or part of a name): ``("KAZ", "CHN")`` is the
    relation between Kazakhstan and China."""
    actors = tuple(_actor(a) for a in actors)
    since, until = R.check_date(since, "--since"), R.check_date(until, "--until")
    types = tuple(R.check_plover(t) for t in types)
    con = store.con
    stories = {sid: TimelineStory(sid, title, day, len(doc_ids or []))
               for sid, title, day, doc_ids in con.execute("SELECT id, title, date, doc_ids FROM stories").fetchall()}
    where, params = [], []
    if since:
        where.append("date >= ?"), params.append(since)
    if until:
        where.append("date <= ? || '~'"), params.append(until)   # '~' sorts after any date suffix
    if types:
        where.append("list_contains(?, plover)"), params.append(list(types))
    if not include_negated:
        where.append("NOT negated")
    sql = f"""SELECT id, date, date_precision, status, plover, cameo, source, target, location, summary, story_id,
                     sources, outlets, doc_ids, first_reported, evidence, conflicts, negated
              FROM fused_events {('WHERE ' + ' AND '.join(where)) if where else ''}
              ORDER BY date NULLS LAST, first_reported NULLS LAST, story_id, id"""
    entries = []
    for (eid, day, prec, status, plover, cameo, src, tgt, loc, summary, sid, n_sources, outlets, doc_ids,
         first, evidence, conflicts, negated) in con.execute(sql, params).fetchall():
        src, tgt = json.loads(src) if src else None, json.loads(tgt) if tgt else None
        if not all(_actor_matches(a, src) or _actor_matches(a, tgt) for a in actors):
            continue
        entries.append(TimelineEntry(day, prec, status, plover, cameo, src, tgt, json.loads(loc) if loc else None,
                                     summary or "", eid, stories.get(sid), n_sources or 0, list(outlets or []),
                                     list(doc_ids or []), first, json.loads(evidence or "[]"),
                                     json.loads(conflicts or "[]"), bool(negated)))
    return Timeline(entries, actors, since, until, types)
