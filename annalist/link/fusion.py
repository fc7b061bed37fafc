"""Fusion: one record per happening and per utterance, across every document that reports it.

Extraction codes events, quotes and figures per document. Five outlets reporting one meeting
give five CONSULT events; this module makes them one, with all their evidence, and says how
many *independent* sources report it: near-duplicate copies (``duplicate_of``) and several
articles of one outlet count once, so a wire story and four syndicated copies is one source.

Events are fused inside a story (the coverage of one happening, :mod:`link.stories`): two
reports are the same happening when they have the same PLOVER type, a status that can
describe one happening (``reported`` and ``background`` can; ``planned`` stays apart),
compatible actors (no side names two different countries, or two different titled people)
and compatible dates (the same day in one document; at most ``date_slack_days`` apart across
documents, kept as a conflict). Where sources disagree on a fact (date, place), every value
is kept with the documents that give it.

Quotes of one speaker in one story that render the same words (a translation, a cut) share
an ``utterance_id``; figures for the same measure, unit and period that differ between
documents are story-level conflicts.

Everything is a deterministic function of a story's records, so fusing after each build
equals fusing once over all the documents.
"""
from __future__ import annotations

import difflib
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..knowledge import load
from ..model import Actor, Amount, Conflict, Event, Evidence, FusedEvent, Location, Quote, Variant
from .entities import fold

__all__ = ["Report", "fuse_events", "utterances", "quote_events", "figure_conflicts", "fused_id", "story_title",
           "same_utterance"]

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Report:
    """What fusion needs to know of the document a record comes from."""

    doc_id: str
    story_id: str | None
    published: str | None        # the publication day (ISO), or None when not known to the day
    outlet: str | None
    original: str                # the near-duplicate group's original (the document itself if none)


def fused_id(prefix: str, members: Iterable[str]) -> str:
    """A stable id from the smallest member id (pass the first report alone, so that the id
    stays while later reports join)."""
    return prefix + hashlib.sha1(min(members).encode("utf-8")).hexdigest()[:16]


def _order(reports: Mapping[str, Report], doc_id: str) -> tuple[str, str]:
    r = reports.get(doc_id)
    return ((r.published if r and r.published else "9999"), doc_id)


def _source_key(reports: Mapping[str, Report], doc_id: str) -> str:
    """One independent source: the outlet of the original copy, else the original itself."""
    r = reports.get(doc_id)
    if r is None:
        return doc_id
    original = reports.get(r.original, r)
    return f"outlet:{fold(original.outlet)}" if original.outlet else f"doc:{original.doc_id}"


# -- events --------------------------------------------------------------------------------------

def _side_ok(a: Actor | None, b: Actor | None) -> bool:
    if a is None or b is None:
        return True
    if a.country and b.country and a.country != b.country:
        return False
    # two named people (titled) who are different entities: two different happenings
    return not (a.title and b.title and a.entity_id and b.entity_id and a.entity_id != b.entity_id)


def _side_score(a: Actor | None, b: Actor | None) -> int:
    if a is None or b is None:
        return 0
    if a.entity_id and a.entity_id == b.entity_id:
        return 2
    return int(bool(a.country) and a.country == b.country)


def _day_gap(a: str | None, b: str | None) -> int | None:
    """Days between two ISO days; None unless both are days."""
    from datetime import date
    if not a or not b or len(a) != 10 or len(b) != 10:
        return None
    try:
        return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)
    except ValueError:
        return None


def _dates_ok(a: Event, b: Event, slack: int) -> bool:
    gap = _day_gap(a.date, b.date)
    if gap is not None:
        return gap == 0 or (a.doc_id != b.doc_id and gap <= slack)
    if a.date and b.date:   # coarser precision: one must contain the other ("2025-06" and "2025-06-16")
        return a.date.startswith(b.date) or b.date.startswith(a.date)
    return True


class _Group:
    def __init__(self, first: Event):
        self.members = [first]

    def accepts(self, e: Event, settings: dict) -> int | None:
        """How well ``e`` fits (higher is better), or None when it is another happening."""
        best = None
        for m in self.members:
            if m.plover != e.plover or m.negated != e.negated:
                return None
            if m.status != e.status and frozenset((m.status, e.status)) not in settings["merge_statuses"]:
                return None
            if not _dates_ok(m, e, settings["date_slack_days"]):
                return None
            orientations = [(m.source, m.target, e.source, e.target)]
            if m.plover in settings["symmetric"]:
                orientations.append((m.source, m.target, e.target, e.source))
            scores = [_side_score(a, c) + _side_score(b, d) for a, b, c, d in orientations
                      if _side_ok(a, c) and _side_ok(b, d)]
            if not scores:
                return None
            score = max(scores) + (m.date is not None and m.date == e.date)
            best = score if best is None else max(best, score)
        return best


def _settings() -> dict:
    k = load("fusion")
    return {"date_slack_days": k["date_slack_days"],
            "merge_statuses": {frozenset(pair) for pair in k["merge_statuses"]},
            "symmetric": frozenset(k["symmetric_types"])}


def _information(e: Event) -> tuple:
    """How much an event report says: resolved entities, countries, a day."""
    sides = [s for s in (e.source, e.target) if s is not None]
    return (sum(bool(s.entity_id) for s in sides), sum(bool(s.country) for s in sides), len(sides),
            e.date_precision == "day", e.location is not None)


def _variants(values: Iterable[tuple[str, str]]) -> tuple[Variant, ...]:
    docs: dict[str, list[str]] = defaultdict(list)
    for value, doc_id in values:
        if doc_id not in docs[value]:
            docs[value].append(doc_id)
    return tuple(Variant(v, tuple(d)) for v, d in docs.items())


def _fuse_group(members: list[Event], reports: Mapping[str, Report]) -> FusedEvent:
    members = sorted(members, key=lambda e: (_order(reports, e.doc_id), e.evidence[0].start if e.evidence else 0, e.id))
    rep = max(members, key=_information)      # max keeps the earliest of equals
    conflicts = []
    # the date: the day most reports give (the earliest report's on a tie); other days kept
    days = [(e.date, e.doc_id) for e in members if e.date and e.date_precision == "day" and not e.negated]
    date, precision, date_from = rep.date, rep.date_precision, rep.date_from
    if days:
        counts = Counter(d for d, _ in days)
        date = max(counts, key=lambda d: (counts[d], -next(i for i, (x, _) in enumerate(days) if x == d)))
        precision = "day"
        date_from = next(e.date_from for e in members if e.date == date)
        if len(counts) > 1:
            conflicts.append(Conflict("date", _variants(days)))
    places = [(e.location.name, e.doc_id) for e in members if e.location]
    location = rep.location
    if places:
        counts = Counter(fold(p) for p, _ in places)
        top = max(counts, key=lambda p: (counts[p], -[fold(x) for x, _ in places].index(p)))
        location = next(e.location for e in members if e.location and fold(e.location.name) == top)
        if len(counts) > 1:
            conflicts.append(Conflict("location", _variants(places)))
    evidence: list[Evidence] = []
    seen = set()
    for e in members:
        for ev in e.evidence:
            if (ev.doc_id, ev.start, ev.end) not in seen:
                seen.add((ev.doc_id, ev.start, ev.end))
                evidence.append(ev)
    doc_ids = list(dict.fromkeys(e.doc_id for e in members))
    outlets = sorted({reports[d].outlet for d in doc_ids if d in reports and reports[d].outlet})
    sources = len({_source_key(reports, d) for d in doc_ids})
    first = min(doc_ids, key=lambda d: _order(reports, d))
    statuses = {e.status for e in members}
    status = next(s for s in ("reported", "background", "planned") if s in statuses) \
        if statuses <= {"reported", "background", "planned"} else rep.status
    cameos = Counter(e.cameo for e in members)
    cameo = max(cameos, key=lambda c: (cameos[c], len(c), c == rep.cameo))
    return FusedEvent(
        id=fused_id("ev", [e.id for e in members if e.doc_id == first]), story_id=rep.story_id, plover=rep.plover, cameo=cameo,
        source=rep.source, target=rep.target, evidence=evidence, mention_ids=[e.id for e in members],
        doc_ids=doc_ids, outlets=outlets, sources=sources,
        first_reported=reports[first].published if first in reports else None, first_doc_id=first,
        date=date, date_precision=precision, date_from=date_from, location=location, status=status,
        mode=rep.mode, negated=rep.negated, summary=rep.summary, trigger=rep.trigger,
        confidence=round(min(0.99, max(e.confidence for e in members) + 0.05 * (sources - 1)), 3),
        conflicts=conflicts)


def fuse_events(events: Iterable[Event], reports: Mapping[str, Report]) -> list[FusedEvent]:
    """One :class:`FusedEvent` per happening, story by story (a document without a story is
    its own). Reports are taken in publication order, so the earliest report leads."""
    settings = _settings()
    by_story: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        by_story[e.story_id or f"doc:{e.doc_id}"].append(e)
    out: list[FusedEvent] = []
    for key in sorted(by_story):
        groups: list[_Group] = []
        reps = sorted(by_story[key], key=lambda e: (_order(reports, e.doc_id),
                                                      e.evidence[0].start if e.evidence else 0, e.id))
        for e in reps:
            fits = [(score, -i) for i, g in enumerate(groups) if (score := g.accepts(e, settings)) is not None]
            if fits:
                groups[-max(fits)[1]].members.append(e)
            else:
                groups.append(_Group(e))
        out.extend(_fuse_group(g.members, reports) for g in groups)
    return sorted(out, key=lambda f: f.id)


# -- quotes --------------------------------------------------------------------------------------

def _content(text: str, stop: frozenset[str]) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in stop]


def same_utterance(a: str, b: str) -> bool:
    """Two renderings of one utterance: most content words of the shorter are in the longer
    (a cut or a paraphrase), or the word sequences are close (a different translation)."""
    k = load("fusion")
    stop = frozenset(k["stop_words"])
    ca, cb = _content(a, stop), _content(b, stop)
    if not ca or not cb:
        return False
    small, large = (ca, cb) if len(set(ca)) <= len(set(cb)) else (cb, ca)
    shared = len(set(small) & set(large))
    if shared >= k["quote_min_shared"] and shared / len(set(small)) >= k["quote_min_overlap"]:
        return True
    wa, wb = _WORD.findall(a.lower()), _WORD.findall(b.lower())
    return shared >= k["quote_min_shared"] and difflib.SequenceMatcher(None, wa, wb, autojunk=False).ratio() >= k["quote_similarity"]


def _speaker_key(q: Quote) -> str | None:
    s = q.speaker
    if s is None:
        return None
    return s.entity_id or (fold(s.name) if s.name else None)


def utterances(quotes: Iterable[Quote], reports: Mapping[str, Report]) -> dict[str, str]:
    """quote id -> utterance id. Quotes of one speaker in one story that render the same
    words share it; every quote has one (its own when nobody else reports it)."""
    groups: dict[tuple, list[list[Quote]]] = defaultdict(list)
    out: dict[str, str] = {}
    ordered = sorted(quotes, key=lambda q: (_order(reports, q.doc_id), q.start, q.id))
    for q in ordered:
        speaker = _speaker_key(q)
        story = q.story_id or (reports[q.doc_id].story_id if q.doc_id in reports else None) or f"doc:{q.doc_id}"
        if speaker is None:
            groups[("alone", q.id)].append([q])
            continue
        bucket = groups[(story, speaker)]
        for members in bucket:
            if any(same_utterance(q.text, m.text) for m in members):
                members.append(q)
                break
        else:
            bucket.append([q])
    for bucket in groups.values():
        for members in bucket:
            uid = fused_id("u", (m.id for m in members))
            for m in members:
                out[m.id] = uid
    return out


def quote_events(quotes: Iterable[Quote], events: Iterable[Event], fused_of: Mapping[str, str]) -> dict[str, str]:
    """quote id -> fused event id: the event reported in the sentence the quote is attributed
    in (the one whose source is the speaker, if several)."""
    by_doc: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        if e.id in fused_of and not e.negated:
            by_doc[e.doc_id].append(e)
    out: dict[str, str] = {}
    for q in quotes:
        spans = [(ev.start, ev.end) for ev in q.evidence if ev.doc_id == q.doc_id]
        hits = [e for e in by_doc.get(q.doc_id, ())
                if any(ev.start < end and start < ev.end for ev in e.evidence for start, end in spans)]
        if not hits:
            continue
        speaker = q.speaker.entity_id if q.speaker else None
        hits.sort(key=lambda e: (not (speaker and e.source and e.source.entity_id == speaker), e.id))
        out[q.id] = fused_of[hits[0].id]
    return out


# -- figures -------------------------------------------------------------------------------------

def _value_text(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:g}"


def figure_conflicts(amounts: Iterable[Amount], reports: Mapping[str, Report]) -> dict[str, list[Conflict]]:
    """story id -> figures for one measure (what, unit, period) that documents give differently.
    A figure with no stated measure or period cannot conflict: two such figures may be about
    different things."""
    by_key: dict[tuple, list[tuple[str, str]]] = defaultdict(list)
    labels: dict[tuple, str] = {}
    for a in amounts:
        r = reports.get(a.doc_id)
        if r is None or not r.story_id or not a.what or not a.period:
            continue
        key = (r.story_id, " ".join(a.what.lower().split()), a.unit, a.period)
        by_key[key].append((_value_text(a.value), a.doc_id))
        labels.setdefault(key, f"{a.what} ({a.unit}, {a.period})")
    out: dict[str, list[Conflict]] = defaultdict(list)
    for key in sorted(by_key, key=lambda k: (k[0], labels[k])):
        values = by_key[key]
        per_value_docs = {v: {d for x, d in values if x == v} for v, _ in values}
        if len(per_value_docs) > 1 and len({d for _, d in values}) > 1:
            out[key[0]].append(Conflict("value", _variants(sorted(values, key=lambda v: _order(reports, v[1]))),
                                        about=labels[key]))
    return dict(out)


# -- story titles --------------------------------------------------------------------------------

def _importance(e: FusedEvent) -> tuple:
    return (not e.negated, e.status == "reported", e.status != "background", e.sources, len(e.doc_ids),
            len(e.evidence), e.source is not None, e.target is not None)


def _plural(actor: Actor) -> bool:
    """A described group ("two central banks", "Chinese investors"): its last word is a plural
    common noun. Names ("Kazakhstan", "Temirkhanov", "Elbe Wasserstoff") are not."""
    last = actor.name.split()[-1] if actor.name.split() else ""
    return (last.isalpha() and last.islower() and last.endswith("s")
            and not last.endswith(("ss", "us", "is")))


def _plural_verb(template: str) -> str:
    """The template with the verb after "{a} " in the plural: signs -> sign, pushes -> push,
    carries -> carry."""
    head, _, rest = template.partition("{a} ")
    verb, space, tail = rest.partition(" ")
    if verb.endswith("ies"):
        verb = verb[:-3] + "y"
    elif verb.endswith(("sses", "shes", "ches", "xes", "zes")):
        verb = verb[:-2]
    elif verb.endswith("s") and not verb.endswith("ss"):
        verb = verb[:-1]
    return f"{head}{{a}} {verb}{space}{tail}"


def story_title(events: Sequence[FusedEvent]) -> str | None:
    """A short headline from a story's main event (the one most sources report): "Kassym-Jomart
    Tokayev and Xi Jinping hold talks in Beijing". None when the story has no usable event."""
    # a vague actor ("the company", "two central banks") makes a poor headline: the first report's is kept
    candidates = [e for e in events if not e.negated and e.source is not None
                  and (e.source.entity_id or e.source.country)]
    if not candidates:
        return None
    main = max(candidates, key=lambda e: (_importance(e), [-ord(c) for c in e.id]))
    k = load("fusion")
    both, one = k["headlines"].get(main.cameo) or k["headlines"][main.plover]
    a = main.source.name
    b = main.target.name if main.target and fold(main.target.name) != fold(a) else None
    template = both if b else one
    if _plural(main.source) and not template.startswith("{a} and "):
        template = _plural_verb(template)     # "Two central banks sign agreements"
    title = template.format(a=a, b=b)
    place = main.location.name if main.location else None
    if place and fold(place) not in {fold(a), fold(b or "")}:
        title += f" in {place}"
    if main.status == "planned":
        title += k["planned_suffix"]
    return title[:1].upper() + title[1:]
