"""Events: who did what to whom, when and where, coded PLOVER and CAMEO.

A dictionary coder over spaCy's dependency parse. ``knowledge/events.json`` maps trigger
lemmas to ordered patterns (object, particle, preposition and subject constraints) that give a
PLOVER type, a CAMEO code and a PLOVER mode; ``knowledge/cameo.json`` names every code and
gives its PLOVER type.

Per sentence, in one pass over its tokens:

1. **Triggers.** Verbs found in the dictionary, and event nouns ("talks", "visit") that name
   their participants ("talks between X and Y", "Xi's visit to Kazakhstan"). Light verbs take
   their event from their object noun ("held talks", "imposed sanctions"); verbs of ending take
   the ending of it ("lifted the curfew" is CONCEDE, "suspended aid" SANCTION). Participles
   that only modify a noun ("the newly signed agreements", "a UN-brokered deal") are not
   events.
2. **Complements.** Verbs of intent, threat, refusal, demand, appeal and accusation ("agreed
   to", "threatened to", "refused to", "urged X to", "accused X of") code one event whose CAMEO
   code comes from the action they govern ("threatened to impose sanctions" -> 1312); that
   action is not coded again. "X said Y must ..." is a demand by X on Y.
3. **Tense and modality.** A cooperative action in the future, under a modal or a plan ("will
   provide aid", "is expected to sign", "is ready to withdraw") is coded AGREE with the CAMEO
   "express intent" code (03x), a conflictual one THREATEN (13x), as the PLOVER manual and the
   CAMEO codebook prescribe; its status is ``planned``. Negated past actions are kept with
   ``negated=True``; a negated future ("will not accept") is a refusal (REJECT). Conditional
   clauses and words inside quotation marks are not coded.
4. **Actors.** Source is the subject (the "by" agent of a passive), target the object or the
   object of the pattern's preposition; coordinated subjects of symmetric events ("X and Y
   met") are source and target. Phrases are resolved by ``DocEntities.actors_for_phrase``
   when the entity resolver offers it, else by a thin fallback over ``entity_at``/``countries_in``;
   a phrase the resolver does not know but that names an agent ("the teachers' union") is kept
   as a name-only actor; "the two sides" and "both delegations" are the document's two main
   countries (in a document about two countries).
5. **When and where.** The date mention attached to the trigger's clause (else one inherited
   from the previous sentence of the same paragraph when that sentence is about an earlier
   happening and this one continues it), else the publication date. A date well before the
   publication date makes the event ``background``; one after it makes it ``planned``. The
   place is an "in/at <place>" of the clause (the visited country for a visit), else the place
   of the document's other events that day, else the dateline, else the place the document
   most often says things happened in.

Events repeated in one document (same type, code family, actors, date and status) are merged
into one record with every sentence as evidence.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from ..knowledge import load
from ..model import Actor, DateMention, Document, Event, Evidence, Location
from .actors import DocEntities

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["cameo_name", "find_events", "plover_of"]

_BACKGROUND_DAYS = 14          # a happening that ended this long before publication is background
_MAX_PER_TRIGGER = 3           # coordinated actors: at most this many events from one trigger
_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_PART = re.compile(r"^(\d{4})-(H[12]|Q[1-4]|SP|SU|FA|WI)$")     # halves, quarters, seasons
_PART_MONTHS = {"H1": (1, 6), "H2": (7, 12), "Q1": (1, 3), "Q2": (4, 6), "Q3": (7, 9), "Q4": (10, 12),
                "SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}
_WEEKDAY = re.compile(r"^(on\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)$", re.IGNORECASE)
_SCORE = re.compile(r"\b\d{1,2}-\d{1,2}\b(?!-)")
_SPORTS_VERBS = frozenset({"meet", "beat", "defeat", "attack", "fight", "battle", "clash", "host", "visit", "shoot",
                           "strike", "kill", "capture", "seize", "retake", "storm", "invade", "crush", "rout", "down"})
_IDENTITY_PREPS = frozenset({"of", "from", "in", "at", "between", "with", "for", "representing", "inside", "within",
                             "under", "to", "across", "throughout", "around", "near", "along", "outside"})
_TEMPORAL_PREPS = frozenset({"during", "at", "after", "before", "following", "since", "in", "on", "amid", "ahead"})
_COMPLEMENT_KINDS = frozenset({"intent", "threat", "reject", "demand", "appeal", "invite", "accuse", "plan"})
_ACTOR_LABELS = ("GPE", "NORP", "ORG", "PERSON")


# -- the dictionary ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Spec:
    """A constraint on a word: lemmas and @CLASSES (a class of nouns or a spaCy entity label)."""

    lemmas: frozenset[str] = frozenset()
    labels: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.lemmas or self.labels)


@dataclass(frozen=True, slots=True)
class _Pat:
    kind: str
    t: str
    c: str
    m: str | None
    obj: _Spec
    prep: tuple[str, ...]
    pobj: bool
    prt: tuple[str, ...]
    noprt: bool
    noobj: bool
    subj: _Spec
    tgt: tuple[str, ...]
    sym: bool | None
    conf: float
    allow: frozenset[str]
    default: tuple[str, str] | None
    as_: tuple[str, str] | None
    need: str | None
    planned: bool
    reverse: bool
    needobj: frozenset[str]
    nominal_only: frozenset[str]


@dataclass(frozen=True, slots=True)
class _NounPat:
    t: str
    c: str
    m: str | None
    kind: str
    mod: frozenset[str]
    mod_any: frozenset[str]
    mod_not: frozenset[str]
    end: tuple[str, str] | None
    nominal: bool
    visit: bool
    only_light: frozenset[str]
    planned: bool
    goal: bool


class _Lexicon:
    def __init__(self, raw: dict[str, Any], cameo: dict[str, Any]):
        self.version = raw["version"]
        self.classes = {k: frozenset(v) for k, v in raw["classes"].items()}
        self.cooperative = frozenset(raw["cooperative"])
        self.conflictual = frozenset(raw["conflictual"])
        self.symmetric = frozenset(raw["symmetric"])
        self.symmetric_codes = frozenset(raw["symmetric_codes"])
        self.topics = {k: frozenset(v) for k, v in raw["topics"].items()}
        self.topic_order = list(raw["topic_order"])
        self.refine = raw["refine"]
        self.derive = raw["derive"]
        self.assault_cues = [(w, c) for w, c in raw["assault_cues"]]
        self.assault_generic = frozenset(raw["assault_generic"])
        self.irregular = frozenset(raw["irregular"])
        mk = raw["markers"]
        self.m = {k: frozenset(v) for k, v in mk.items() if isinstance(v, list)}
        self.continuation = tuple(mk["continuation_cues"])
        self.nominal_preps = frozenset(raw["nominal_preps"])
        self.theme_of_nouns = frozenset(raw["theme_of_nouns"])
        self.verbs = {lemma: [self._pat(p) for p in pats] for lemma, pats in raw["verbs"].items()}
        self.nouns = {lemma: [self._noun(p) for p in pats] for lemma, pats in raw["nouns"].items()}
        self.codes = cameo["codes"]
        self.future_as_intent = bool(raw.get("future_as_intent", True))
        self.joint_action = self._pat(raw["joint_action"])

    @staticmethod
    def _spec(items) -> _Spec:
        items = items or []
        return _Spec(frozenset(i.lower() for i in items if not i.startswith("@")),
                     frozenset(i[1:] for i in items if i.startswith("@")))

    def _pat(self, p: dict) -> _Pat:
        return _Pat(kind=p.get("k", "act"), t=p.get("t", ""), c=p.get("c", ""), m=p.get("m"),
                    obj=self._spec(p.get("obj")), prep=tuple(p.get("prep", ())), pobj=bool(p.get("pobj", True)),
                    prt=tuple(p.get("prt", ())), noprt=bool(p.get("noprt")), noobj=bool(p.get("noobj")),
                    subj=self._spec(p.get("subj")), tgt=tuple(p.get("tgt", ())), sym=p.get("sym"),
                    conf=float(p.get("conf", 0.7)), allow=frozenset(p.get("allow", ())),
                    default=tuple(p["default"]) if p.get("default") else None,
                    as_=tuple(p["as"]) if p.get("as") else None, need=p.get("need"), planned=bool(p.get("planned")),
                    reverse=bool(p.get("reverse")), needobj=frozenset(p.get("needobj", ())),
                    nominal_only=frozenset(p.get("nominal_only", ())))

    @staticmethod
    def _noun(p: dict) -> _NounPat:
        return _NounPat(t=p["t"], c=p["c"], m=p.get("m"), kind=p.get("k", "act"), mod=frozenset(p.get("mod", ())),
                        mod_any=frozenset(p.get("mod_any", ())), mod_not=frozenset(p.get("mod_not", ())),
                        end=tuple(p["end"]) if p.get("end") else None, nominal=bool(p.get("nominal")),
                        visit=bool(p.get("visit")), only_light=frozenset(p.get("only_light", ())),
                        planned=bool(p.get("planned")), goal=bool(p.get("goal")))

    def plover_of(self, code: str) -> str | None:
        entry = self.codes.get(code)
        return entry["plover"] if entry else None

    def mode_of(self, code: str) -> str | None:
        entry = self.codes.get(code)
        return entry.get("mode") if entry else None

    def derive_code(self, kind: str, code: str) -> str | None:
        """The intent/appeal/demand/reject/threat code for an action code (longest prefix)."""
        table = self.derive[kind]
        for n in range(len(code), 0, -1):
            hit = table.get(code[:n])
            if hit is not None:
                return hit or None
        return None


@cache
def _lexicon() -> _Lexicon:
    return _Lexicon(load("events"), load("cameo"))


@cache
def _money_words() -> frozenset[str]:
    """Currency names and codes, from the amounts knowledge file ('crowns', 'yen', 'roubles', 'KZT')."""
    raw = load("amounts")
    words = {w.split()[-1].lower() for w in raw["currency_words"]}
    words |= {c.lower() for c in raw["currency_codes"]}
    return frozenset(words)


def cameo_name(code: str) -> str | None:
    """The CAMEO name of a code ("057" -> "Sign formal agreement")."""
    entry = _lexicon().codes.get(code)
    return entry["name"] if entry else None


def plover_of(code: str) -> str | None:
    """The PLOVER type a CAMEO code maps to (None for public statements, 01x)."""
    return _lexicon().plover_of(code)


def _keys(tok: Token) -> list[str]:
    """Dictionary keys for a word: its lemma, its form, and plain de-inflections of the form (the
    small model's lemmatizer has gaps: "staged" -> "stag")."""
    lemma, low = tok.lemma_.lower(), tok.lower_
    keys = [lemma, low]
    if len(low) > 4:
        if low.endswith("ied"):
            keys.append(low[:-3] + "y")
        elif low.endswith("ed"):
            keys += [low[:-1], low[:-2]]
            if low[-3] == low[-4]:
                keys.append(low[:-3])
        elif low.endswith("ing"):
            keys += [low[:-3], low[:-3] + "e"]
            if low[-4] == low[-5]:
                keys.append(low[:-4])
        elif low.endswith("ies"):
            keys.append(low[:-3] + "y")
        elif low.endswith("es"):
            keys += [low[:-1], low[:-2]]
        elif low.endswith("s"):
            keys.append(low[:-1])
    return keys


# -- what one trigger codes, before actors and dates are resolved --------------------------------

@dataclass
class _Hit:
    trig: Token
    words: list[Token]
    t: str
    c: str
    m: str | None
    conf: float
    src: list[Token] = field(default_factory=list)       # head tokens of the source phrase(s)
    tgt: list[Token] = field(default_factory=list)
    planned: bool = False
    negated: bool = False
    sym: bool = False
    clause: list[Token] = field(default_factory=list)    # tokens whose dates, places and topic count
    nominal: bool = False
    tgt_alt: list[list[Token]] = field(default_factory=list)   # later target slots, tried in turn
    place: Token | None = None                           # the visited place of a planned visit
    past: bool = False                                     # 'previous meetings', 'earlier talks'
    agentless: bool = False                                # a passive with no 'by' agent ('was signed')
    own_date: bool = False                                 # dated by its own verb, not its complement
    noun_src: bool = False                                 # participants named by the event noun
    speculative: bool = False                              # a possibility someone reports ('could retake')


class _Coder:
    """Codes one document; every lookup is by token index or lemma (linear per sentence)."""

    def __init__(self, doc: Document, sp: Doc, ents: DocEntities, dates: list[DateMention]):
        self.doc, self.sp, self.ents = doc, sp, ents
        self.lx = _lexicon()
        self.pub = _pub_interval(doc)
        self.quotes = [q for q in _quote_spans(doc.text) if not _quoted_fragment(doc.text, q[0], self._speech_forms())]
        self.quote_starts = [q[0] for q in self.quotes]
        self.consumed: set[int] = set()
        self.protest_demands: set[int] = set()   # "blocked the road, demanding ...": the demand's verb
        self.actor_cache: dict[tuple[int, int], list[Actor]] = {}
        self.has_phrase_api = hasattr(ents, "actors_for_phrase")
        self.vkeys: dict[int, str | None] = {}
        self.dates_by_owner = self._index_dates(dates)
        self._pair: list[Actor] | None = None
        self._pair_seen = -1
        self._goal_depth = 0
        self.line_of, self.line_span = _lines(sp, doc.text)
        self.dateline_end = _dateline_end(doc)
        self.background_used: DateMention | None = None   # set by build(): a background date of this sentence
        self._dateline_loc: Location | None | bool = False
        self._doc_place: Location | None | bool = False
        self.orphans: set[str] = set()                    # ids of agentless reports (see build)
        self.ranker: _TargetRanker | None = _target_ranker()
        self.trace: dict | None = None                    # event id -> (sources, target candidates), for training
        self.done: list[Event] = []                       # the events of earlier sentences (find_events fills it)

    # -- words -----------------------------------------------------------------------------------

    def vkey(self, tok: Token) -> str | None:
        """The verb dictionary key of a verb token, or None."""
        k = self.vkeys.get(tok.i, "")
        if k != "":
            return k
        k = None
        if tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB"):
            k = next((key for key in _keys(tok) if key in self.lx.verbs), None)
        self.vkeys[tok.i] = k
        return k

    def nkey(self, tok: Token) -> str | None:
        if tok.pos_ not in ("NOUN", "PROPN"):
            return None
        i = tok.i
        if i >= 2 and self.sp[i - 1].text == "-":        # "sit-in", split by the tokenizer
            joined = f"{self.sp[i - 2].lower_}-{tok.lower_}"
            if joined in self.lx.nouns:
                return joined
        return next((key for key in _keys(tok) if key in self.lx.nouns), None)

    def is_money(self, tok: Token) -> bool:
        """'$300 million', '1.2 billion Norwegian crowns', '50 billion yen': a sum of money."""
        if tok.ent_type_ == "MONEY" or any(c.ent_type_ == "MONEY" and c.like_num for c in tok.children):
            return True               # "£12m" parsed as a number and a token 'm'
        money = _money_words()
        return (tok.lower_ in money or tok.lemma_.lower() in money or any(
            c.dep_ in ("compound", "nmod", "quantmod") and c.lower_ in money for c in tok.children)) and any(
            c.like_num or c.pos_ == "NUM" for c in tok.subtree)   # (also "NOK 2.8 billion" parsed with 'billion' as head)

    def in_class(self, tok: Token, spec: _Spec) -> bool:
        keys = _keys(tok)
        if any(k in spec.lemmas for k in keys):
            return True
        for label in spec.labels:
            if tok.ent_type_ == label:
                return True
            members = self.lx.classes.get(label)
            if members and any(k in members for k in keys):
                return True
        return False

    def heads(self, tok: Token) -> list[Token]:
        """A phrase's head words: itself, its conjuncts, and the noun of a partitive or
        quantity ('two of its nationals', '700 kg of medicine', 'part of a stronghold')."""
        out = [tok] + [c for c in tok.conjuncts if c.i > tok.i]
        partitive = self.lx.m["partitive"]
        for h in list(out):
            if h.pos_ == "NUM" or h.lemma_.lower() in partitive or any(c.dep_ == "nummod" for c in h.children):
                for c in h.children:
                    if c.dep_ == "prep" and c.lower_ == "of":
                        out.extend(g for g in c.children if g.dep_ == "pobj")
        return out

    def head_words(self, tok: Token) -> list[Token]:
        """heads() plus compound and adjectival modifiers ('NATO peacekeeping troops')."""
        out = self.heads(tok)
        for h in list(out):
            out.extend(c for c in h.children if c.dep_ in ("compound", "amod", "nmod"))
            for c in h.children:
                if c.dep_ == "prep" and c.lower_ == "of":
                    for g in c.children:
                        if g.dep_ == "pobj":
                            out.append(g)
                            out.extend(x for x in g.children if x.dep_ in ("compound", "amod"))
        return out

    # -- dates -----------------------------------------------------------------------------------

    def _index_dates(self, dates: list[DateMention]) -> dict[int, list[DateMention]]:
        """Each usable date mention under the word it modifies: a verb ('signed on Monday') or a
        noun ('the 2022 state visit', 'a plan for 2025-2027': not the date of the verb)."""
        owners: dict[int, list[DateMention]] = {}
        for m in dates:
            if m.type != "DATE" or not m.value or not (_ISO.match(m.value) or _WEEK.match(m.value) or _PART.match(m.value)):
                continue
            span = self.sp.char_span(m.start, m.end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            if span.root.head.lower_ in self.lx.m["non_dating_preps"] and span.root.dep_ == "pobj":
                continue          # "since the 1987 coup", "until 9 November": not when it happened
            t, steps = span.root, 0
            while t.head.i != t.i and steps < 12:
                t = t.head
                steps += 1
                if span.start <= t.i < span.end:
                    continue
                if t.pos_ in ("VERB", "AUX", "NOUN", "PROPN"):
                    break
            # "China and Kazakhstan on Monday (16 June) signed": the parser hangs the date on the subject
            subj = t
            while subj.dep_ == "conj" and subj.head.i != subj.i:
                subj = subj.head
            if t.pos_ in ("NOUN", "PROPN") and subj.dep_ in ("nsubj", "nsubjpass") and subj.head.pos_ in ("VERB", "AUX"):
                t = subj.head
            owners.setdefault(t.i, []).append(m)
        return owners

    def clause_date(self, tok: Token) -> DateMention | None:
        """The date of a word: its own, or (for a verb) that of its temporal adjunct ('signed during
        the 2022 state visit', 'commended ... during an Oct. 17 meeting')."""
        ms = self.dates_by_owner.get(tok.i)
        if ms:
            return ms[0]
        if tok.pos_ in ("VERB", "AUX"):
            for p in tok.children:
                if p.dep_ == "prep" and p.lower_ in _TEMPORAL_PREPS:
                    for g in p.children:
                        if g.dep_ == "pobj" and g.i in self.dates_by_owner:
                            return self.dates_by_owner[g.i][0]
        return None

    def has_dates(self, sent: Span) -> bool:
        return any(self.sp[i].sent.start == sent.start for i in self.dates_by_owner if sent.start <= i < sent.end)

    # -- quotes ----------------------------------------------------------------------------------

    def in_quote(self, char: int) -> bool:
        k = bisect.bisect_right(self.quote_starts, char) - 1
        return k >= 0 and self.quotes[k][0] <= char < self.quotes[k][1]

    # -- actors ----------------------------------------------------------------------------------

    def phrase(self, tok: Token, with_conj: bool = True) -> tuple[int, int]:
        """Character span of the noun phrase headed by tok: without its clauses, its date
        modifiers, an 'including ...' list, and never beyond its line."""
        lo, hi = self.line_span[self.line_of[tok.i]]
        lists = self.lx.m["list_preps"]
        left, right = tok.i, tok.i
        stack = [tok]
        while stack:
            t = stack.pop()
            if not lo <= t.i <= hi:
                continue
            left, right = min(left, t.i), max(right, t.i)
            for c in t.children:
                if c.dep_ in ("relcl", "acl", "advcl", "ccomp", "parataxis", "punct", "mark", "xcomp"):
                    continue
                if not with_conj and t is tok and c.dep_ in ("conj", "cc", "preconj"):
                    continue
                if c.dep_ == "appos" and t is not tok:
                    continue
                if c.dep_ == "prep" and (c.lower_ in lists or c.lower_ not in _IDENTITY_PREPS or any(
                        g.ent_type_ in ("DATE", "TIME") for g in c.children if g.dep_ == "pobj") or (
                        c.lower_ in ("for", "to", "with") and (t.pos_ == "PROPN" or t.ent_type_ == "PERSON")) or (
                        c.lower_ == "for" and not any(g.text[:1].isupper() for g in c.children if g.dep_ == "pobj"))):
                    continue      # "the governor on Monday", "documents, including ...", "Kabila for talks on ...",
                    # "the embassy for consular access" (not "the Commissioner for International Partnerships")
                if c.ent_type_ in ("DATE", "TIME") and c.dep_ == "npadvmod":
                    continue
                stack.append(c)
        if tok.dep_ == "appos" and _dash_head(tok.head).i == tok.i and lo <= tok.head.left_edge.i:
            left = min(left, tok.head.left_edge.i)      # "the Kazakh–Chinese subcommittee"
        for i in range(tok.i + 1, right + 1):
            if self.sp[i].text in (";", ":"):
                right = i - 1
                break
        while right > left and (self.sp[right].is_punct or self.sp[right].dep_ == "cc"):
            right -= 1
        while left < right and (self.sp[left].is_punct or self.sp[left].dep_ == "cc"):
            left += 1
        if tok.idx >= self.dateline_end:   # "BANGKOK — Myanmar military aircraft": not the dateline's place
            while left < tok.i and self.sp[left].idx < self.dateline_end:
                left += 1
        return self.sp[left].idx, self.sp[right].idx + len(self.sp[right])

    def actors(self, tok: Token | None) -> list[Actor]:
        if tok is None:
            return []
        if tok.lemma_.lower() in self.lx.m["non_actor_heads"]:
            # "a bomb attack in Khobar killed ...": a place, not an actor; but the country
            # named on the weapon itself is ("Israeli air strikes hit ..."), and so is the agent
            # the noun names ("an air strike by Myanmar's military ... killed")
            agent = next((g for p in tok.children if p.dep_ == "prep" and p.lower_ == "by"
                          for g in p.children if g.dep_ == "pobj"), None)
            if agent is not None and agent.lemma_.lower() not in self.lx.m["non_actor_heads"]:
                found = self._valid(self.actors(agent))
                if found:
                    return found
            return self._weapon_country(tok)
        start, end = self.phrase(tok)
        key = (start, end)
        if key in self.actor_cache:
            return self.actor_cache[key]
        found: list[Actor] = []
        if self.has_phrase_api:
            try:
                found = list(self.ents.actors_for_phrase(start, end))  # type: ignore[attr-defined]
            except Exception:  # noqa: BLE001 - a resolver failure must not lose the event
                found = []
        if not found:
            found = self._fallback_actors(tok)
        self.actor_cache[key] = found
        return found

    def _weapon_country(self, tok: Token) -> list[Actor]:
        """The country of a demonym or country modifying a means of force ('Israeli air
        strikes', 'Russian missiles', 'Pakistan's shelling'), as event coders code it."""
        if tok.lemma_.lower() not in self.lx.m["weapon_heads"]:
            return []
        for c in tok.children:
            if c.i < tok.i and c.dep_ in ("amod", "compound", "poss", "nmod"):
                countries = self.ents.countries_in(c.idx, c.idx + len(c))
                if len(countries) == 1 and not countries[0].startswith("IGO:"):
                    return [self._country_actor(countries[0])]
        return []

    def _fallback_actors(self, tok: Token) -> list[Actor]:
        """Entities of the phrase (its head first), one per coordinated conjunct."""
        out: list[Actor] = []
        for h in [tok] + [c for c in tok.conjuncts if c.i > tok.i]:
            if _pronoun(h, self.lx):
                continue
            start, end = self.phrase(h, with_conj=False)
            e = self.ents.entity_at(h.idx, h.idx + len(h))
            countries = self.ents.countries_in(start, end)
            if e is not None and e.type in ("PERSON", "ORG", "GPE", "LOC"):
                out.append(Actor(e.name, e.id, e.country or (countries[0] if countries else None), e.role, e.title))
                continue
            if not countries:
                e = self.ents.entity_at(start, end)
                if e is not None and e.type in ("PERSON", "ORG", "GPE"):
                    out.append(Actor(e.name, e.id, e.country, e.role, e.title))
                continue
            for c in countries[: (2 if h.tag_ in ("NNS", "NNPS") else 1)]:
                out.append(self._country_actor(c, start, end))
        return out

    def _each_country(self, tok: Token, own: set[str]) -> list[Actor]:
        """"allow citizens of Poland, Lithuania and Latvia to enter": one target per country the
        group comes from (a plural group noun with an of-list of countries)."""
        if tok.tag_ != "NNS":
            return []
        of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        first = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
        if first is None or first.ent_type_ != "GPE" or not first.conjuncts:
            return []
        out = []
        for g in (first, *first.conjuncts):
            acts = [a for a in self._valid(self.actors(g)) if a.country and a.country not in own]
            if g.ent_type_ != "GPE" or not acts:
                return []
            out.append(self._country_actor(acts[0].country, g.idx, g.idx + len(g)))
        return _distinct(out)[:_MAX_PER_TRIGGER]

    def _country_actor(self, country: str, start: int = 0, end: int | None = None) -> Actor:
        end = len(self.doc.text) if end is None else end
        best = None
        for e in self.ents.entities:
            # the country itself (role GOV), not one of its cities
            if e.country == country and e.type == "GPE" and (e.role == "GOV" or e.role is None and best is None):
                if e.role == "GOV" and any(start <= s and t <= end for s, t in e.mentions):
                    return Actor(e.name, e.id, e.country, e.role, e.title)
                if best is None or (e.role == "GOV" and best.role != "GOV"):
                    best = e
        if best is not None:
            return Actor(best.name, best.id, best.country, best.role, best.title)
        return Actor(_country_name(country), None, country, "GOV", None)

    def doc_pair(self) -> list[Actor]:
        """The document's two main countries, for 'the two sides', 'both delegations': from its
        entities and the actors resolved so far ('the Chinese president')."""
        if self._pair is None or self._pair_seen != len(self.actor_cache):
            self._pair_seen = len(self.actor_cache)
            counts: dict[str, list[int]] = {}
            for e in self.ents.entities:
                if e.country and not e.country.startswith("IGO") and e.mentions:
                    slot = counts.setdefault(e.country, [0, 10**9])
                    slot[0] += len(e.mentions)
                    slot[1] = min(slot[1], min(s for s, _ in e.mentions))
            for (start, _end), actors in self.actor_cache.items():
                for a in actors:
                    if a.country and not a.country.startswith("IGO") and not a.entity_id:
                        slot = counts.setdefault(a.country, [0, 10**9])
                        slot[0] += 1
                        slot[1] = min(slot[1], start)
            ranked = sorted(counts.items(), key=lambda kv: (-kv[1][0], kv[1][1]))
            top = sorted(ranked[:2], key=lambda kv: kv[1][1])
            total = sum(v[0] for _, v in ranked)
            # only a document about two countries has "the two sides"
            bilateral = len(top) == 2 and (top[0][1][0] + top[1][1][0]) >= 0.75 * total
            self._pair = [self._country_actor(c) for c, _ in top] if bilateral else []
        return self._pair

    def subject(self, v: Token) -> Token | None:
        """_subject(), corrected for a dateline read as the subject ('ASTANA -- President X and ...')
        and for a subject on another line (a heading glued to the sentence)."""
        s = _subject(v, self.lx)
        if s is None:
            return None
        s = _dash_head(s)
        if s.idx < self.dateline_end:
            s = next((c for c in s.children if c.dep_ in ("appos", "conj") and c.idx >= self.dateline_end), None)
            if s is None:
                # "ALMATY, July 23 (Wire) -- China Development Bank will lend": the first name after it
                first = next((t for t in self.sp if t.idx >= self.dateline_end and t.i < v.i
                              and t.pos_ in ("PROPN", "NOUN")), None)
                while first is not None and first.head.i > first.i and first.head.i < v.i \
                        and first.head.pos_ in ("PROPN", "NOUN") and first.dep_ in ("compound", "amod", "poss", "nmod"):
                    first = first.head
                s = first
                if s is None:
                    return None
        if self.line_of[s.i] != self.line_of[v.i]:
            lo, _ = self.line_span[self.line_of[v.i]]
            s = None
            for t in self.sp[lo:v.i]:
                if t.pos_ in ("PROPN", "NOUN") and t.dep_ not in ("compound", "amod", "poss", "pobj", "dobj"):
                    s = t
                    break
        return s

    def subjects(self, v: Token) -> list[Token]:
        """subject(), plus a second subject the parser left uncoordinated ('X and Y reviewed' parsed
        with two nsubj: the second is a conjunct)."""
        s = self.subject(v)
        if s is None:
            return []
        out = [s]
        if s.dep_ == "nsubj" and s.head.pos_ in ("VERB", "AUX"):
            for c in s.head.children:
                if c.dep_ == "nsubj" and c.i > s.i and any(self.sp[k].lower_ in ("and", "&") for k in range(s.i, c.i)):
                    out.append(c)
        # "X, the UAE minister, and Indian Commerce Secretary Y co-chaired": the parser hangs Y on X's apposition
        for a in s.children:
            if a.dep_ == "appos" and a.i > s.i:
                for cj in a.conjuncts:
                    if cj.i > a.i:
                        name = next((g for g in cj.children if g.dep_ == "appos" and g.ent_type_ == "PERSON"), cj)
                        out.append(name)
        return out

    def _speech_forms(self) -> frozenset[str]:
        return self.lx.m["speech_forms"]

    def collective(self, tok: Token | None) -> bool:
        """'the two countries', 'both delegations', 'the ministers', 'the sides'."""
        if tok is None:
            return False
        lemma = tok.lemma_.lower()
        if lemma not in self.lx.m["collective"]:
            return lemma in ("delegate", "representative") and tok.tag_ == "NNS"
        dets = {c.lower_ for c in tok.children if c.dep_ in ("det", "nummod", "predet", "poss", "amod", "quantmod")}
        return tok.tag_ in ("NNS", "NNPS") or bool(dets & {"two", "both"})

    # -- the sentence pass -----------------------------------------------------------------------

    def code_sentence(self, sent: Span) -> list[_Hit]:
        verbs: list[Token] = []
        nouns: list[Token] = []
        speech: list[Token] = []
        for tok in sent:
            if self.vkey(tok) is not None or self.jointly(tok):
                verbs.append(tok)
            elif self.nkey(tok) is not None:
                nouns.append(tok)
            if tok.lemma_.lower() in self.lx.m["speech_verbs"] and tok.pos_ in ("VERB", "AUX"):
                speech.append(tok)
        if not verbs and not nouns:
            return []
        if _SCORE.search(sent.text) or sum(t.lower_ in self.lx.m["sports_words"] for t in sent) >= 2:
            # "seeded X beat Y 15-4", "the team will meet Liverpool in the final"
            verbs = [t for t in verbs if self.vkey(t) not in _SPORTS_VERBS]
        hits: list[_Hit] = []
        for tok in speech:       # "X said Y must ...": a demand; the inner action is not coded
            if not self.in_quote(tok.idx):
                hit = self.obligation(tok)
                if hit is not None:
                    hits.append(hit)
        # heads before their complements, so that "threatened to impose" consumes "impose"
        for tok in sorted(verbs, key=_depth):
            if tok.i in self.consumed or self.in_quote(tok.idx) or self.hypothetical(tok) or self.modifier(tok):
                continue
            hit = self.code_verb(tok)
            if hit is not None:
                hits.append(hit)
        for tok in nouns:
            if self.in_quote(tok.idx) or tok.i in self.consumed and tok.lemma_.lower() not in self.lx.m["request_nouns"]:
                continue          # (the request a refusal answers is an event of its own)
            hit = self.code_nominal(tok)
            if hit is not None:
                hits.append(hit)
        return [h for h in hits if self.keep(h)]

    def keep(self, hit: _Hit) -> bool:
        if hit.speculative:
            return False
        # a meeting of one body with itself ("the cabinet met") is not an interaction
        if hit.t == "CONSULT" and not hit.tgt and not hit.planned and len(hit.src) == 1 \
                and not hit.src[0].conjuncts and not self.collective(hit.src[0]) and hit.m != "visit":
            acts = self.actors(hit.src[0])
            # "Minister A-b and Minister C spoke", parsed as one phrase: two countries in it
            return len(acts) >= 2 or len(self.ents.countries_in(*self.phrase(hit.src[0]))) >= 2
        return True

    def hypothetical(self, tok: Token) -> bool:
        """In a conditional clause ('if they attack', 'until they seize', 'before they demobilize'),
        or a mere possibility under one ('if talks fail, the rebels could attack')."""
        if any(c.dep_ == "aux" and c.lower_ in ("could", "might", "may") for c in tok.children) and any(
                c.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ in self.lx.m["hypothetical_marks"]
                                          for g in c.children) for c in tok.children):
            return True
        t, steps = tok, 0
        while steps < 6:
            present = t.tag_ in ("VBP", "VBZ", "VB") or any(
                c.dep_ in ("aux", "auxpass") and c.tag_ in ("VBP", "VBZ", "MD") for c in t.children)
            for c in t.children:
                if c.dep_ == "mark" and (c.lower_ in self.lx.m["hypothetical_marks"]
                                         or (c.lower_ in self.lx.m["present_marks"] and present)
                                         or (c.lower_ == "as" and any(g.lower_ == "long" for g in t.children))):
                    return True
            if t.head.i == t.i or t.dep_ not in ("xcomp", "conj", "ccomp", "advcl"):
                return False
            t = t.head
            steps += 1
        return False

    def modifier(self, tok: Token) -> bool:
        """Not a report of an event: a participle that only describes a noun ('the newly signed
        agreements', 'a UN-brokered deal', 'the curfew imposed in Sudan': kept when it has its own
        agent or date), a purpose ('came to sign', 'a pleasure to visit Beijing') or a topic
        ('the importance of supporting ...', 'thanked him for visiting')."""
        m = self.lx.m
        if tok.dep_ in ("amod", "compound", "nmod"):
            return True
        first = tok
        while first.dep_ == "conj" and first.head.i != first.i and first.head.pos_ in ("VERB", "AUX") \
                and first.head.tag_ == tok.tag_:
            first = first.head
        if tok.tag_ == "VBG" and tok.dep_ == "conj" and tok.head.pos_ in ("NOUN", "PROPN"):
            return True           # "talks between A and visiting B"
        if tok.tag_ in ("VBN", "VBG", "JJ") and tok.dep_ in ("pobj", "dobj", "nsubj", "nsubjpass", "attr", "appos"):
            return True           # "among the injured"
        began = tok.dep_ == "xcomp" and tok.head.lemma_.lower() in ("begin", "start", "continue", "resume", "keep")
        if tok.tag_ == "VBG" and tok.i > 0 and tok.dep_ not in ("advcl", "pcomp", "ROOT", "conj") and not began and not any(
                c.dep_ in ("aux", "nsubj") for c in tok.children) and self.sp[tok.i - 1].pos_ in ("VERB", "DET", "ADJ"):
            return True           # "told visiting Kenyan President X"
        if tok.tag_ == "VBN" and not any(c.dep_ in ("aux", "auxpass") for c in tok.children) \
                and (tok.dep_ in ("oprd", "acomp") or (tok.dep_ in ("xcomp", "ccomp")
                                                       and tok.head.lemma_.lower() in ("leave", "find", "remain"))):
            return True           # "left 20 people injured"
        if tok.tag_ == "VB" and tok.dep_ in ("xcomp", "ccomp") and not _infinitive(tok) and not any(
                c.dep_ == "aux" for c in tok.children) and tok.head.lemma_.lower() in ("help", "let", "make", "see",
                                                                                  "watch", "hear"):
            return True           # "to help reach a deal", "let them work out"
        if tok.tag_ == "VB" and _infinitive(first) and first.dep_ in ("xcomp", "advcl", "acl", "ccomp"):
            head = first.head
            hk = head.lemma_.lower()
            if hk == "be":        # "is to visit" plans; "it was a pleasure to visit" does not
                subj = next((c for c in head.children if c.dep_ in ("nsubj", "expl")), None)
                someone = subj is not None and (subj.ent_type_ in _ACTOR_LABELS or subj.lower_ in (
                    "he", "she", "they", "we", "i") or self.collective(subj) or bool(self._valid(self.actors(subj))))
                return any(c.dep_ in ("attr", "acomp") for c in head.children) or not someone
            return not (hk in m["plan_verbs"] or hk in m["intent_adjectives"] or hk in m["plan_nouns"]
                        or hk in m["plan_passive"] or hk in m["attempt_heads"] or hk in m["failure_verbs"]
                        or hk in m["negative_adjectives"])
        if tok.tag_ == "VBG" and tok.dep_ == "advcl" and tok.lemma_.lower() in ("allow", "enable", "let", "permit") \
                and any(c.dep_ == "dobj" and self.in_class(c, _Spec(labels=frozenset({"AGREEMENT"}))) for c in tok.head.children):
            return True           # "signed a swap agreement, allowing importers to ...": what the document does
        if tok.tag_ == "VBG" and first.dep_ == "pcomp" and first.head.lower_ in m["purpose_preps"] and not (
                first.head.lower_ == "with" and any(c.dep_ == "nsubj" for c in first.children)) and not _credited(first, self.lx):
            return True           # not "with both sides agreeing to ...": that clause has its own subject
        if tok.dep_ == "acl" and _root_predicate(tok):
            return False
        if tok.dep_ == "acl":
            if tok.tag_ == "VBG":
                # "issued a declaration demanding that ...": a verbal act of the document's author
                key = self.vkey(tok)
                kinds = {p.kind for p in self.lx.verbs[key]} if key else set()
                return not (kinds & {"demand", "appeal", "accuse", "threat", "reject"}
                            and tok.head.lemma_.lower() in self.lx.m["documents"])
            if tok.tag_ == "VBN":
                return not (any(c.dep_ == "agent" for c in tok.children) or self.clause_date(tok) is not None)
        return False

    # -- "X said Y must ..." ----------------------------------------------------------------------

    def obligation(self, say: Token) -> _Hit | None:
        lx = self.lx
        for c in say.children:
            if c.dep_ != "ccomp":
                continue
            must = should = False
            for a in c.children:
                if a.dep_ == "aux" and a.lower_ in ("must", "ought"):
                    must = True
                # "X said Y should settle ...": an opinion, not an appeal (dev-set guideline)
            inner = c
            if not (must or should) and c.lemma_.lower() in ("have", "need") and c.tag_ != "MD":
                x = next((g for g in c.children if g.dep_ == "xcomp" and any(a.lower_ == "to" for a in g.children)), None)
                if x is not None:     # "has to" is a demand, "needs to" an appeal
                    inner = x
                    must, should = c.lemma_.lower() == "have", c.lemma_.lower() == "need"
            if not (must or should):
                continue
            subj = next((g for g in c.children if g.dep_ in ("nsubj", "nsubjpass")), None)
            speaker = self.subject(say)
            if subj is None or speaker is None or _pronoun(subj, lx) or subj.lower_ == "there" \
                    or self.in_quote(c.idx) or not self.agentive(subj) or not self.resolve(subj):
                continue          # "the share of renewables should reach 30%" is no demand on anyone
            kind = "demand" if must else "appeal"
            goal = self.goal(inner) if self.vkey(inner) or inner.children else None
            code = "100" if must else "020"
            if goal is not None and goal[0] in lx.cooperative:
                code = lx.derive_code(kind, goal[1]) or code
            for t in c.subtree:
                self.consumed.add(t.i)
            hit = _Hit(say, [say, inner], "REQUEST", code, None, 0.65, src=[speaker], tgt=[subj], clause=[say, c])
            hit.c = self.refine(hit.c, hit)
            return hit
        return None

    # -- verbs -----------------------------------------------------------------------------------

    def code_verb(self, v: Token) -> _Hit | None:
        for pat in self.lx.verbs.get(self.vkey(v) or "", ()):
            hit = self.match(v, pat)
            if hit is False:
                continue
            return hit or None
        if self.jointly(v):
            return self.match(v, self.lx.joint_action) or None
        return None

    def jointly(self, v: Token) -> bool:
        """'Kazakhstan and Russia will jointly monitor ...': any action two parties do together."""
        return v.pos_ == "VERB" and any(c.dep_ == "advmod" and c.lower_ in self.lx.m["joint_adverbs"] for c in v.children)

    def match(self, v: Token, pat: _Pat):
        """A hit, None (matched a blocking pattern: no event), or False (no match)."""
        kids = list(v.children)
        prts = {c.lower_ for c in kids if c.dep_ == "prt" or (c.dep_ == "advmod" and c.lower_ in self.lx.m["particle_adverbs"])}
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in kids)
        dobjs = [c for c in kids if c.dep_ == "dobj"]
        # "signed a KWD 15 million ($49 million) loan agreement": the parser makes the currency code a
        # second object; the noun is the one after it
        dobj = dobjs[0] if dobjs else None
        if len(dobjs) > 1 and dobj.text.isupper():
            dobj = next((c for c in dobjs if c.pos_ == "NOUN"), dobj)
        if dobj is not None and dobj.lower_ in ("that", "which") and v.dep_ == "relcl":
            dobj = _antecedent(dobj)    # "a memorandum that Ethiopia signed"
        if dobj is None and passive:
            dobj = next((c for c in kids if c.dep_ == "nsubjpass"), None)
        if dobj is not None:
            dobj = _dash_head(dobj)
        if dobj is None and v.dep_ in ("acl", "amod") and v.tag_ == "VBN" and not _root_predicate(v):
            dobj = v.head     # "agreements signed by ..."
        if dobj is None and not passive:
            # "allowed [UN monitors to enter]": the small clause's subject is the object
            x = next((c for c in kids if c.dep_ in ("ccomp", "xcomp") and (_infinitive(c) or v.lemma_ == "let")), None)
            if x is not None:
                dobj = next((c for c in x.children if c.dep_ == "nsubj"), None)
        if dobj is None and passive and v.dep_ == "xcomp":
            # "the agreement is expected to be signed": the passive subject is the governor's
            dobj = next((c for c in v.head.children if c.dep_ in ("nsubjpass", "nsubj")), None)
        if pat.prt and not (prts & set(pat.prt)):
            return False
        if pat.noprt and prts:
            return False
        obj = dobj
        if pat.prep:
            preps = [c for c in kids if c.dep_ in ("prep", "prt", "agent", "advmod") and c.lower_ in pat.prep]
            if not preps and dobj is not None:   # "agreed on a deal" may hang the preposition on a noun
                preps = [c for c in dobj.children if c.dep_ == "prep" and c.lower_ in pat.prep]
            if not preps:
                return False
            # "signed off on Friday on a $75 million credit": not the date's phrase
            pobjs = [g for p in preps for g in p.children if g.dep_ in ("pobj", "pcomp")]
            pobj = next((g for g in pobjs if g.ent_type_ not in ("DATE", "TIME")), pobjs[0] if pobjs else None)
            if (pat.obj and pat.pobj) or pat.kind in ("light", "end"):
                obj = pobj
        if pat.noobj and dobj is not None and not passive:
            return False
        if pat.obj and (obj is None or not any(self.in_class(h, pat.obj) for h in self.head_words(obj))):
            return False
        if pat.subj:
            s = _subject(v, self.lx)
            if s is None or not (any(self.in_class(h, pat.subj) for h in self.head_words(s)) or self._subj_gov(s, pat.subj)):
                return False
        if not self._need(v, pat, dobj, obj, passive):
            return False
        if pat.kind in ("light", "end"):
            return self._light(v, pat, obj, passive)
        if not pat.t:
            self._consume_complements(v)
            return None
        hit = _Hit(v, [v] + [c for c in kids if c.dep_ == "prt"], pat.t, pat.c, pat.m, pat.conf,
                   planned=pat.planned, clause=[v])
        if pat.obj and obj is not None and obj.lower_ not in ("it", "that", "this"):
            hit.clause.append(obj)
        if pat.kind in _COMPLEMENT_KINDS:
            if pat.kind == "intent" and dobj is not None and _complement_of(v) is None and not passive \
                    and not self.nkey(dobj) and not any(self.in_class(h, _Spec(self.lx.m["intent_objects"]))
                                                        for h in self.head_words(dobj)):
                return False      # "offered profit forecasts"
            return self._complement(v, pat, hit, dobj)
        if pat.kind == "visit":
            return self._visit(v, pat, hit, dobj)
        return self._act(v, pat, hit, dobj, passive)

    def joint_subject(self, v: Token) -> bool:
        """Two or more parties act together: coordinated subjects, 'the two ministers', or a phrase
        naming two countries ('the Kazakh and Chinese governments', 'the Kazakh–Chinese commission')."""
        subs = self.subjects(v)
        if not subs:
            return False
        if len(subs) >= 2 or any(c.i > subs[0].i for c in subs[0].conjuncts) or self.collective(subs[0]):
            return True
        return len({a.country for a in self._valid(self.actors(subs[0])) if a.country}) >= 2 or len(
            self.ents.countries_in(*self.phrase(subs[0]))) >= 2

    def _subject_countries(self, v: Token) -> set[str]:
        return {a.country for s in self.subjects(v) for a in self.resolve(s) if a.country}

    def _places(self, v: Token, dobj: Token | None, extra: tuple[str, ...] = ()) -> list[Token]:
        """Where an action takes place: 'in/at/near X' of the verb or its object, or of the clause
        a participle describes ('a park built by Turkish investors opened in Namangan')."""
        holders = [v] + ([dobj] if dobj is not None else [])
        if v.dep_ in ("acl", "relcl") and v.head.head.pos_ in ("VERB", "AUX"):
            holders.append(v.head.head)
        return [g for h in holders for p in h.children if p.dep_ == "prep" and p.lower_ in ("in", "at", "near", "into", *extra)
                for g in p.children if g.dep_ == "pobj"]

    def _speaker_of_report(self, tok: Token) -> bool:
        t = tok
        while t.dep_ in ("compound", "appos", "conj") and t.head.i != t.i:
            t = t.head
        return t.dep_ == "nsubj" and t.head.lemma_.lower() in self.lx.m["speech_verbs"]

    def _theme(self, n: Token) -> bool:
        """"the release of activists": a noun whose of-phrase is what is acted on (not "their release",
        where the possessor stands for the ones held)."""
        return n.lemma_.lower() in self.lx.theme_of_nouns and any(
            c.dep_ == "prep" and c.lower_ == "of" for c in n.children)

    def _route(self, t: Token) -> bool:
        return t.lemma_.lower() in self.lx.classes["ROUTE"]

    def _where(self, t: Token) -> bool:
        """A place named as the setting: "in Kyrgyzstan's Naryn region", "into Paris"."""
        if t.ent_type_ not in ("GPE", "LOC", "FAC"):
            return False
        while t.dep_ in ("poss", "compound", "amod") and t.head is not t:
            t = t.head
        return t.dep_ == "pobj" and t.head.lower_ in self.lx.m["setting_preps"]

    def _subj_gov(self, s: Token, spec: _Spec) -> bool:
        if "GOV" not in spec.labels:
            return False
        for a in self.actors(s):
            if a.role and (a.role == "GOV" or a.role.startswith("HEAD") or "MINISTER" in a.role):
                return True
        return False

    def _need(self, v: Token, pat: _Pat, dobj, obj, passive: bool) -> bool:
        need = pat.need
        if not need:
            return True
        kids = list(v.children)
        if need == "obj":
            return dobj is not None
        if need == "place":
            return self._place_arg(v, ("to", "into")) is not None
        if need == "place_for":     # "left for Bishkek" (not "left for talks")
            return self._place_arg(v, ("for",)) is not None
        if need == "actor_obj":
            return dobj is not None and (dobj.ent_type_ in _ACTOR_LABELS or bool(self.resolve(dobj)))
        if need == "actor_any":
            return any(c.ent_type_ in _ACTOR_LABELS for c in v.subtree)
        if need == "agentive":
            return not passive or any(c.dep_ == "agent" for c in kids)
        if need == "xcomp":
            return _complement_of(v) is not None
        if need == "xcomp_other":
            return dobj is not None and _complement_of(v) is not None
        if need == "ccomp":
            return any(c.dep_ == "ccomp" for c in kids)
        if need == "xcomp_conflict":
            x = _complement_of(v)
            goal = self.goal(x) if x is not None else None
            return goal is not None and goal[0] in self.lx.conflictual
        if need == "comment":      # "declined to comment / to identify the areas": no event
            x = _complement_of(v)
            return x is not None and x.lemma_.lower() in (
                "comment", "elaborate", "say", "confirm", "discuss", "specify", "respond", "reveal", "name", "give",
                "answer", "speak", "identify", "disclose", "provide", "detail", "describe", "explain", "predict",
                "speculate", "estimate", "mention", "release", "publish", "talk", "divulge", "indicate", "offer")
        if need == "noun_with":    # "charged with murder" -- not "charged with relaunching the process"
            return any(g.dep_ == "pobj" for p in kids if p.dep_ == "prep" and p.lower_ == "with" for g in p.children)
        if need == "decline_ok":
            # "declined to meet", "declined the invitation" -- not "exports declined 5%"
            if _complement_of(v) is not None:
                return True
            return dobj is not None and dobj.pos_ in ("NOUN", "PROPN") and not any(
                c.like_num or c.lower_ in ("percent", "%") for c in v.subtree)
        if need == "deny_ok":
            return dobj is not None and not any(c.dep_ == "ccomp" for c in kids)
        if need == "warn_ok":
            x = _complement_of(v) or next((c for c in kids if c.dep_ == "ccomp"), None)
            if x is None:
                # "warned Seoul of merciless retaliation", "of serious consequences"
                return any(g.lemma_.lower() in self.lx.m["threat_words"] for p in kids
                           if p.dep_ == "prep" and p.lower_ == "of" for g in p.children if g.dep_ == "pobj")
            if x.dep_ == "ccomp" and not any(a.lower_ in ("will", "would", "shall", "could") for a in x.children
                                             if a.dep_ == "aux"):
                return False
            if x.lemma_.lower() in self.lx.m["threat_words"] or any(
                    c.dep_ == "dobj" and c.lemma_.lower() in self.lx.m["threat_words"] for c in x.children):
                return True       # "warned that Moscow would respond", "... would take all necessary measures"
            goal = self.goal(x)
            return goal is not None and goal[0] in self.lx.conflictual
        if need == "appeal_ask":
            # "asked the embassy for access": the parser often hangs "for" on the addressee
            asked_for = list(kids) + (list(dobj.children) if dobj is not None else [])
            return _complement_of(v) is not None or any(c.dep_ == "ccomp" for c in kids) or any(
                c.dep_ == "prep" and c.lower_ == "for" for c in asked_for) or (dobj is not None and dobj.lemma_.lower() in (
                    "help", "aid", "assistance", "support", "release", "extradition"))
        if need == "carrying_aid":  # "sent two navy ships carrying 1,800 tonnes of food to Cuba"
            if dobj is None:
                return False
            loads = [g for c in dobj.children if c.dep_ in ("acl", "relcl") and c.lemma_.lower() in ("carry", "bring", "load")
                     for g in c.children if g.dep_ in ("dobj", "prep")]
            loads += [g for x in loads if x.dep_ == "prep" for g in x.children if g.dep_ == "pobj"]
            loads += [g for x in loads for p in x.children if p.dep_ == "prep" and p.lower_ == "of"
                      for g in p.children if g.dep_ == "pobj"]
            return any(any(q.t == "AID" for q in self.lx.nouns.get(x.lemma_.lower(), ())) for x in loads)
        if need == "repression":   # "used tear gas / water cannon / force to disperse ..."
            return dobj is not None and not any(t.lemma_.lower() in ("chemical", "nerve", "mustard", "sarin", "chlorine")
                                                for t in dobj.subtree)
        if need == "chemical":
            return dobj is not None and any(t.lemma_.lower() in ("chemical", "nerve", "mustard", "sarin", "chlorine",
                                                                 "biological", "toxic") for t in dobj.subtree)
        if need == "sports":       # "the team will meet Liverpool in the final"
            s = _subject(v, self.lx)
            return s is not None and (s.lemma_.lower() in ("team", "club", "squad", "player") or any(
                g.lemma_.lower() in self.lx.m["sports"] for p in kids if p.dep_ == "prep" for g in p.children))
        if need == "actor_subj":
            s = _subject(v, self.lx)
            return s is not None and (s.ent_type_ in _ACTOR_LABELS or self.agentive(s))
        if need == "naming":       # "He called China a good neighbour", "also called the Amur"
            return any(c.dep_ in ("oprd", "attr", "ccomp", "xcomp") and c.pos_ in ("NOUN", "PROPN", "ADJ")
                       and c.ent_type_ not in ("DATE", "TIME") and not _hyphen_piece(c) for c in kids) or (passive and not any(c.dep_ in ("prep", "prt") and c.lower_ in (
                           "on", "upon", "for", "off") for c in kids))
        if need == "infinitive_anywhere":     # "called on X to ...": the appeal names an action
            return _complement_of(v) is not None or any(
                _infinitive(g) for p in kids if p.dep_ in ("prep", "prt") for g in p.subtree if g.pos_ == "VERB")
        if need == "anonymity":    # "a witness who asked not to be identified"
            x = _complement_of(v)
            return x is not None and any(c.dep_ == "neg" for c in x.children) and x.lemma_.lower() in (
                "identify", "name", "quote", "disclose", "mention", "publish", "reveal", "cite", "use")
        if need == "passive_or_person":
            return passive or (dobj is not None and dobj.ent_type_ == "PERSON")
        if need == "human_to":
            for p in kids + ([dobj] if dobj is not None else []):
                for q in ([p] if p.dep_ == "prep" else list(p.children)):
                    if q.dep_ == "prep" and q.lower_ == "to":
                        for g in q.children:
                            if g.dep_ == "pobj" and (g.ent_type_ == "NORP" or any(
                                    self.in_class(h, _Spec(labels=frozenset({"HUMAN", "NORP"}))) for h in self.head_words(g))):
                                return True
            return False
        if need == "free_child":
            return any(c.lower_ in ("free", "go", "loose") for c in kids)
        if need == "attack_target":  # "launched drones at the airport": an attack, not a test
            return any(c.dep_ == "prep" and c.lower_ in ("at", "against", "toward", "towards", "on", "into") and
                       any(g.dep_ == "pobj" and g.ent_type_ not in ("DATE", "TIME") for g in c.children) for c in kids)
        if need == "missile_test":  # "fired two ballistic missiles into the sea": a show of force, no victim
            if any(c.dep_ == "prep" and c.lower_ in ("at", "against", "toward", "towards") and
                   any(g.dep_ == "pobj" for g in c.children) for c in kids):
                return False        # "fired missiles at a carrier in the Red Sea": an attack
            return any(t.lower_ in self.lx.m["test_words"] for t in v.subtree) or any(
                self.sp[k].lower_ == "test" for k in range(max(0, v.i - 2), v.i))
        if need == "figure_obj":    # "sold 34 bcm of gas to China": a trade figure, not an act
            return dobj is not None and any(t.ent_type_ in ("MONEY", "QUANTITY", "PERCENT") or t.like_num
                                            for t in dobj.subtree)
        if need == "money_obj":     # "deposited $3 billion with the central bank"
            return dobj is not None and any(t.ent_type_ == "MONEY" for t in dobj.subtree)
        if need == "persona":       # "declared the ambassador persona non grata"
            words = {t.lower_ for t in v.subtree}
            return "persona" in words and "grata" in words
        if need == "protest_note":  # "handed a note of protest to the chargé d'affaires"
            if dobj is None:
                return False
            inner = {t.lemma_.lower() for t in dobj.subtree}
            return dobj.lemma_.lower() in ("protest", "complaint", "demarche") or (
                dobj.lemma_.lower() == "note" and bool(inner & {"protest", "diplomatic", "complaint"}))
        if need == "joint":         # "X and Y reviewed ...", "co-chaired by X and Y", "the two ministers set a goal"
            return self.joint_subject(v)
        if need == "joint_or_with":  # "set up a joint fund", "reopened the border with Kyrgyzstan"
            if self.joint_subject(v):
                return True
            if dobj is not None and any(c.lower_ in self.lx.m["joint_words"] for c in dobj.children if c.dep_ in ("amod", "compound")):
                return True
            return any(self._valid(self.actors(g)) for p in kids if p.dep_ == "prep" and p.lower_ == "with"
                       for g in p.children if g.dep_ == "pobj")
        if need in ("foreign_place", "foreign_obj", "foreign_target"):
            own = self._subject_countries(v)
            if not own:
                return False
            if need == "foreign_obj":
                others = {a.country for a in self._valid(self.actors(dobj))} if dobj is not None else set()
            elif need == "foreign_target":
                groups = self._target_groups(v, pat.tgt, dobj)
                others = {a.country for g in groups[:1] for t in g for a in self._valid(self.actors(t))}
            else:
                # "build a power line to Herat": a destination abroad makes it cross-border too
                others = {a.country for t in self._places(v, dobj, extra=("to",)) for a in self._valid(self.actors(t))}
            return bool({c for c in others if c} - own)
        if need == "talks":
            for p in kids:
                if p.dep_ == "prep" and p.lower_ in ("for", "to", "on"):
                    for g in p.children:
                        if g.dep_ == "pobj" and self.in_class(g, _Spec(frozenset({"table"}), frozenset({"TALKS"}))):
                            return True
            return False
        return True

    # -- light verbs ("held talks") and verbs of ending ("lifted the curfew") ---------------------

    def _event_nouns(self, n: Token | None) -> list[Token]:
        """The object noun, its conjuncts, its modifiers and the noun of 'part of a military aid
        program' or 'tons of food aid'."""
        if n is None:
            return []
        out = self.heads(n)
        containers = self.lx.m["containers"]
        for h in list(out):
            for c in h.children:
                if c.dep_ in ("compound", "amod", "nmod") and c.pos_ in ("NOUN", "PROPN", "ADJ"):
                    out.append(c)
                money = self.is_money(h)
                if c.dep_ == "prep" and ((c.lower_ == "of" and (h.lemma_.lower() in containers or money))
                                         or (c.lower_ == "in" and money)):
                    # "tons of food aid", "€40 million in development aid", "£500 million of loans"
                    for g in c.children:
                        if g.dep_ == "pobj":
                            out.append(g)
                            out.extend(x for x in g.children if x.dep_ in ("compound", "nmod") and x.pos_ in ("NOUN", "PROPN"))
        return out

    def noun_pat(self, n: Token, verb_key: str | None = None, allow: frozenset[str] | None = None,
                 need_end: bool = False, goal: bool = False, joint: bool = False) -> _NounPat | None:
        k = self.nkey(n)
        if k is None:
            return None
        mods = _modifiers(n)
        if joint:
            mods = mods | {"joint"}   # "South Korean and US forces began their drills": joint drills
        for p in self.lx.nouns[k]:
            if p.goal and not goal:
                continue          # "elections", "independence": what is demanded, not a deed
            if p.mod and not (mods & p.mod):
                continue
            if p.mod_any and not (mods & p.mod_any) and verb_key not in ("conduct", "hold", "stage", "carry"):
                continue
            if p.mod_not and (mods & p.mod_not):
                continue
            if p.only_light and (verb_key is None or verb_key not in p.only_light):
                continue
            if need_end and p.end is None:
                continue
            if allow is not None and p.t not in allow:
                continue
            return p
        return None

    def _light(self, v: Token, pat: _Pat, obj: Token | None, passive: bool):
        key = self.vkey(v)
        if obj is None:
            obj = next((c for c in v.children if c.dep_ == "dobj"), None)
            if obj is None and passive:
                obj = next((c for c in v.children if c.dep_ == "nsubjpass"), None)
        if obj is None:
            return False
        if pat.nominal_only and obj.lemma_.lower() not in pat.nominal_only:
            return False
        found: tuple[_NounPat, Token] | None = None
        # "provided Kyrgyzstan with a grant": the event noun is in the with-phrase, the object is the target
        with_nouns = [n for p in v.children if p.dep_ == "prep" and p.lower_ == "with" and pat.kind == "light"
                      and obj.pos_ == "PROPN" for g in p.children if g.dep_ == "pobj" for n in self._event_nouns(g)]
        for n in self._event_nouns(obj) + with_nouns:
            if pat.kind == "end":
                p = self.noun_pat(n, key, None, need_end=True)
                if p is not None and p.t in pat.allow:
                    found = (p, n)
                    break
            else:
                p = self.noun_pat(n, key, pat.allow, joint=self.joint_subject(v))
                if p is not None:
                    found = (p, n)
                    break
        if found is None:
            if "AID" in pat.allow and any(self.is_money(h) for h in self.heads(obj)) and pat.kind == "light":
                # "gave $500 million to Egypt"
                hit = _Hit(v, [v, obj], "AID", "071", "economic", 0.6, clause=[v, obj])
                return self._act(v, pat, hit, None, passive)
            money = [g for p in v.children if p.dep_ == "prep" and p.lower_ == "with" for g in p.children
                     if g.dep_ == "pobj" and any(self.is_money(h) for h in self.heads(g))]
            if "AID" in pat.allow and pat.kind == "light" and money and obj.pos_ == "PROPN":
                # "is to provide Kyiv with NOK 2.8 billion": the money in the with-phrase, the object its recipient
                hit = _Hit(v, [v, money[0]], "AID", "071", "economic", 0.6, clause=[v, money[0]])
                hit = self._act(v, pat, hit, None, passive)
                hit.tgt, hit.tgt_alt = [obj], []
                return hit
            if pat.default and (not pat.needobj or any(h.lemma_.lower() in pat.needobj for h in self.heads(obj))):
                t, c = pat.default
                hit = _Hit(v, [v, obj], t, c, self.lx.mode_of(c), 0.55, clause=[v, obj])
                return self._act(v, pat, hit, obj, passive)
            return False
        p, n = found
        self.consumed.update((n.i, obj.i))
        words = [v] + [c for c in v.children if c.dep_ == "prt"] + [n]
        if pat.kind == "end":
            t, c = p.end
            subj = _subject(v, self.lx)
            if p.t in ("PROTEST", "COERCE") and subj is not None and self.in_class(subj, _Spec(labels=frozenset({"PROTESTERS"}))):
                t, c = "CONCEDE", "082"   # "farmers ended their blockade": dissent called off
            hit = _Hit(v, words, t, c, self.lx.mode_of(c), 0.7, clause=[v, obj, n])
            return self._act(v, pat, hit, None, passive)
        if p.kind in ("intent", "demand", "appeal"):
            # "expressed readiness to", "issued a demand that", "renewed calls for"
            sub = replace(pat, kind=p.kind, t=p.t, c=p.c, conf=0.7, planned=p.planned or pat.planned)
            hit = _Hit(v, words, p.t, p.c, p.m, 0.7, planned=sub.planned, clause=[v, obj, n])
            return self._complement(n, sub, hit, None, governor=v)
        t, c, m = p.t, p.c, p.m
        if pat.as_:
            t, c = pat.as_
            m = self.lx.mode_of(c)
        hit = _Hit(v, words, t, c, m, 0.75, planned=p.planned, clause=[v, obj, n])
        hit = self._act(v, pat, hit, None, passive)
        if n in with_nouns:
            hit.tgt, hit.tgt_alt = [obj], []
        if not hit.src and p.nominal:
            # "the next meeting of the Kazakh–Chinese subcommittee will be held in Kazakhstan"
            src, tgt = self._noun_participants(n, p)
            if src:
                hit.src, hit.agentless, hit.noun_src = src, False, True
                hit.tgt = hit.tgt or tgt
                hit.sym = hit.sym or _is_sym(self.lx, hit.t, hit.c, None)
        return hit

    # -- plain actions -----------------------------------------------------------------------------

    def _act(self, v: Token, pat: _Pat, hit: _Hit, dobj: Token | None, passive: bool) -> _Hit:
        lx = self.lx
        srcs = self.subjects(v)
        participle = v.dep_ in ("acl", "amod") and v.tag_ == "VBN" and not _active_predicate(v)
        if participle:
            agent = next((c for c in v.children if c.dep_ == "agent"), None)
            src = next((g for g in agent.children if g.dep_ == "pobj"), None) if agent else None
            srcs = [src] if src is not None else []
        hit.src = srcs
        hit.agentless = not srcs and (passive or participle) and not any(
            c.dep_ == "agent" for c in v.children)
        groups = self._target_groups(v, pat.tgt or _default_slots(hit.t), dobj, extra=hit.clause[1:])
        hit.tgt, hit.tgt_alt = (groups[0], groups[1:]) if groups else ([], [])
        if pat.reverse:
            hit.src, hit.tgt = hit.tgt, hit.src
        hit.sym = _is_sym(lx, hit.t, hit.c, pat.sym)
        if hit.m == "host" and dobj is not None:
            self._hosted(hit, dobj)
        if hit.m == "visit" and hit.tgt:
            self._purpose_partner(v, hit)
        if hit.t == "ASSAULT":
            # "bombed a convoy in Balochistan, killing five Chinese engineers": the victims
            for c in v.children:
                if c.dep_ in ("advcl", "conj") and c.tag_ == "VBG" and c.lemma_.lower() in lx.m["casualty_verbs"]:
                    victims = [g for g in c.children if g.dep_ == "dobj" and self._valid(self.actors(g))]
                    # "rammed a Philippine patrol ship, injuring four crew members": the ship's side
                    # stays the target when the victims have no country of their own
                    named = [t for t in hit.tgt if any(a.country for a in self._valid(self.actors(t)))]
                    self.consumed.add(c.i)        # one assault: the casualties are not coded again
                    if named:
                        victims = []      # the side attacked is named: "attacked an AU base, killing three Ugandan soldiers"
                    if victims:
                        hit.tgt, hit.tgt_alt = victims[:1], [hit.tgt] + hit.tgt_alt if hit.tgt else hit.tgt_alt
                        self.consumed.add(c.i)
        if hit.t == "PROTEST":
            self._purpose(v, hit)
        elif hit.t in ("COERCE",) and dobj is not None and dobj.i != v.head.i:
            for t in dobj.subtree:        # "prevented the demonstration staged by students"
                self.consumed.add(t.i)
        hit.c = self.refine(hit.c, hit)
        self._modality(v, hit)
        return hit

    def _hosted(self, hit: _Hit, n: Token) -> None:
        """'hosted talks between the Sudanese army and paramilitary delegations' (mediation, 045),
        'host a summit of Central Asian and EU leaders': the guests are the participants of the
        meeting noun, which is not coded again."""
        p = self.noun_pat(n) if self.nkey(n) else None
        if p is None or p.t != "CONSULT":
            return
        src, tgt = self._noun_participants(n, p)
        guests = src + tgt
        if not guests:
            guests = [g for c in n.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children
                      if g.dep_ == "pobj"]
        if not guests:
            return
        if src and tgt:
            hit.c = "045"
        hit.tgt, hit.tgt_alt = guests, []
        self.consumed.add(n.i)

    def _purpose(self, v: Token, hit: _Hit) -> None:
        """A protest's purpose ('to demand reforms', 'demanding that he resign') refines its code
        and is not a second event."""
        for c in v.children:
            if c.dep_ in ("advcl", "xcomp", "conj", "acl", "prep") and c.i > v.i:
                head = c
                if c.dep_ == "prep" and c.lower_ in ("in", "for"):     # "in protest against"
                    head = next((g for g in c.children if g.dep_ == "pobj"), None)
                    if head is None or head.lemma_.lower() not in ("protest", "support", "solidarity", "demand"):
                        continue
                elif (self.vkey(c) or c.lemma_.lower()) not in self.lx.m["protest_purpose"]:
                    continue
                elif (self.vkey(c) or c.lemma_.lower()) in self.lx.m["protest_demands"]:
                    self.protest_demands.add(c.i)
                    continue      # "blocked the road, demanding that ...": the demand is an event of its own
                for t in head.subtree:
                    self.consumed.add(t.i)
                hit.clause.append(head)
                if not hit.tgt or all(t.ent_type_ in ("GPE", "LOC", "FAC") for t in hit.tgt):
                    # "blocked roads into Brussels to protest against the EU–Mercosur deal": the EU
                    slots = ("against", "from", "of", "obj", "by")
                    found = self._targets(head, slots, next((g for g in head.children if g.dep_ == "dobj"), None), False)
                    if found:
                        hit.tgt = [_dash_parts_first(t) for t in found]

    def _visit(self, v: Token, pat: _Pat, hit: _Hit, dobj: Token | None):
        """'visited China', 'arrived in Astana on an official visit', 'travelled to Beijing'."""
        visit_noun = None
        for p in v.children:
            if p.dep_ == "prep" and p.lower_ in ("on", "for"):
                for g in p.children:
                    if g.dep_ == "pobj" and g.lemma_.lower() in ("visit", "trip", "tour", "talk", "talks", "meeting",
                                                                  "summit", "negotiation", "consultation", "discussion"):
                        visit_noun = g
        if self.vkey(v) == "arrive" and pat.t == "CONSULT":
            subj = _subject(v, self.lx)
            personal = subj is not None and (subj.ent_type_ == "PERSON" or subj.lower_ in ("he", "she", "who") or
                                             subj.lemma_.lower() in self.lx.m["collective"] or
                                             subj.lemma_.lower() in ("delegation", "premier", "chancellor", "king",
                                                                     "secretary", "prince", "emir"))
            if visit_noun is None and not (self._place_arg(v, ("in", "at")) is not None and personal):
                return False
        if visit_noun is not None:
            self.consumed.add(visit_noun.i)
            hit.words.append(visit_noun)
            hit.clause.append(visit_noun)
            if visit_noun.lemma_.lower() not in ("visit", "trip", "tour"):
                hit.c, hit.m = "040", None
        hit = self._act(v, pat, hit, dobj, False)
        if not hit.tgt and visit_noun is not None:
            hit.tgt = self._targets(visit_noun, ("to", "with", "of"), None, False)
        elif visit_noun is not None:
            # "travels to Brussels for talks with Commission officials": the one met, not the city
            partners = self._targets(visit_noun, ("with",), None, False)
            if partners:
                hit.tgt, hit.tgt_alt = partners, [hit.tgt] + hit.tgt_alt
        return hit

    def _purpose_partner(self, v: Token, hit: _Hit) -> None:
        """'will travel to Brussels to discuss ... with Commission officials', '... to meet X': a trip's
        target is the one it is to meet, not the city."""
        for c in v.children:
            if c.dep_ in ("xcomp", "advcl") and _infinitive(c) and c.lemma_.lower() in ("discuss", "meet", "negotiate", "talk"):
                slots = ("with", "obj") if c.lemma_.lower() == "meet" else ("with",)
                obj = next((g for g in c.children if g.dep_ == "dobj"), None)
                partners = [t for t in self._targets(c, slots, obj, False) if self._valid(self.actors(t)) or self.agentive(t)]
                if partners:
                    hit.tgt, hit.tgt_alt = partners, [hit.tgt] + hit.tgt_alt
                    return

    def _place_arg(self, v: Token, preps) -> Token | None:
        for p in v.children:
            if p.dep_ == "prep" and p.lower_ in preps:
                for g in p.children:
                    if g.dep_ == "pobj" and g.ent_type_ in ("GPE", "LOC", "FAC"):
                        return g
        return None

    def _targets(self, v: Token, slots, dobj, passive: bool, extra=()) -> list[Token]:
        """The first slot that holds a phrase: 'obj' or a preposition of the verb or its object."""
        groups = self._target_groups(v, slots, dobj, extra)
        return groups[0] if groups else []

    def _target_groups(self, v: Token, slots, dobj, extra=()) -> list[list[Token]]:
        """Every slot that holds a phrase, in the pattern's order."""
        holders = [v] + [e for e in extra if e is not None and e is not v]
        if dobj is not None and dobj not in holders:
            holders.append(dobj)
        groups: list[list[Token]] = []
        for slot in slots:
            if slot == "purpose":       # "used water cannon to push protesters back": whom it was used on
                objs = [g for c in v.children if c.dep_ in ("xcomp", "advcl") and _infinitive(c)
                        for g in c.children if g.dep_ == "dobj"]
                if objs and objs not in groups:
                    groups.append(objs)
                continue
            if slot == "obj":
                if dobj is not None and dobj.i != v.head.i and dobj.lower_ not in ("it", "this", "that", "which") \
                        and not (dobj is not v and self._theme(dobj)):
                    groups.append([dobj])
                continue
            for h in holders:
                if slot == "of" and h is dobj and h is not v and self._theme(h):
                    continue        # "demanded the release of activists": they are released, not asked
                for p in h.children:
                    if p.dep_ in ("prep", "agent", "prt", "dative") and p.lower_ == slot:
                        objs = [_antecedent(g) for g in p.children if g.dep_ == "pobj" and g.ent_type_ not in ("DATE", "TIME")]
                        objs = [g for g in objs if g is not None]
                        if objs and objs not in groups:
                            groups.append(objs)
        return groups

    # -- complements: agree to, threaten to, refuse to, urge X to, accuse X of ----------------------

    def goal(self, x: Token, depth: int = 0) -> tuple[str, str, Token, _Hit | None] | None:
        """The first action (verb or event noun) in the complement x: (type, code, token, hit)."""
        if self._goal_depth > 3:
            return None           # complements nested in complements: enough
        self._goal_depth += 1
        try:
            return self._goal(x, depth)
        finally:
            self._goal_depth -= 1

    def _goal(self, x: Token, depth: int) -> tuple[str, str, Token, _Hit | None] | None:
        lx = self.lx
        queue = [x]
        seen = 0
        while queue and seen < 24:
            t = queue.pop(0)
            seen += 1
            key = self.vkey(t)
            if key is not None and t is not x and t.dep_ in ("amod", "compound", "acl", "relcl"):
                key = None        # "protesting supporters": a description, not the goal
            if self.jointly(t) and not any(p.t for p in lx.verbs.get(key or "", ())):
                return "COOPERATE", self.lx.joint_action.c, t, None     # "agreed to jointly build"
            if key is not None:
                for pat in lx.verbs[key]:
                    if pat.kind in _COMPLEMENT_KINDS:
                        inner = _complement_of(t) if depth < 2 else None
                        if inner is not None and pat.kind in ("intent", "appeal", "demand", "plan"):
                            g = self.goal(inner, depth + 1)
                            if g is not None:
                                return g
                        if pat.t:
                            return pat.t, pat.c, t, None
                        continue
                    saved = set(self.consumed)
                    hit = self.match(t, pat)
                    self.consumed = saved
                    if hit is False:
                        continue
                    if hit is None:
                        break
                    return hit.t, hit.c, t, hit
            elif t.pos_ in ("NOUN", "PROPN"):
                p = self.noun_pat(t, goal=True)
                if p is not None and p.kind == "act":
                    fake = _Hit(t, [t], p.t, p.c, p.m, 0.5, clause=[t])
                    fake.tgt = self._targets(t, ("against", "on", "to", "for", "of", "with"), None, False)
                    fake.c = self.refine(p.c, fake)
                    return p.t, fake.c, t, fake
            for c in t.children:
                if c.dep_ in ("relcl", "acl", "punct", "det", "aux", "neg", "cc", "nsubj", "advmod", "mark",
                              "poss", "appos", "parataxis") or (c.dep_ == "advcl" and not _infinitive(c)):
                    continue
                if c.dep_ == "prep" and c.lower_ in lx.m["circumstance_preps"] and t.pos_ in ("VERB", "AUX"):
                    continue      # "agreed to connect the grids after talks between ...": not what was agreed
                queue.append(c)
        return None

    def _consume_complements(self, v: Token) -> None:
        for c in v.children:
            if c.dep_ in ("xcomp", "ccomp", "dobj", "prep") or (c.dep_ == "advcl" and _infinitive(c)):
                for t in c.subtree:
                    self.consumed.add(t.i)

    def _complement(self, v: Token, pat: _Pat, hit: _Hit, dobj: Token | None, governor: Token | None = None):
        lx = self.lx
        kids = list(v.children)
        comp = _complement_of(v)
        if comp is None and v.pos_ in ("NOUN", "PROPN"):     # "readiness to", "demand that", "calls for"
            comp = next((c for c in kids if c.dep_ in ("acl", "ccomp", "relcl") and c.tag_.startswith("VB")), None)
        if comp is None:
            preps = [c for c in kids if c.dep_ in ("prep", "prt") and c.lower_ in ("to", "for", "on", "upon", "of", "over")]
            if dobj is not None:
                preps += [c for c in dobj.children if c.dep_ == "prep" and c.lower_ in ("for", "to", "on", "of")]
            for p in preps:
                g = next((g for g in p.children if g.dep_ in ("pobj", "pcomp") and g.ent_type_ not in ("DATE", "TIME")), None)
                if g is not None:
                    comp = g
                    break
        if comp is None and dobj is not None and pat.kind in ("reject", "demand", "appeal", "accuse"):
            comp = dobj
        goal = self.goal(comp) if comp is not None else None
        comp_negated = comp is not None and any(c.dep_ == "neg" for c in comp.children)
        comp_src = None
        if comp is not None and comp.dep_ == "ccomp":
            comp_src = next((c for c in comp.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if comp is not None:
            for t in comp.subtree:
                self.consumed.add(t.i)
            hit.clause.append(comp)
        if pat.kind == "accuse":      # "accused X of targeting Y by firing rockets": one accusation
            for p in kids:
                if p.dep_ == "prep" and p.lower_ in ("of", "for", "by", "over"):
                    self.consumed.update(_own_subtree(p))
                elif p.dep_ in ("advcl", "conj") and p.tag_ == "VBG" and p.lemma_.lower() in lx.m["casualty_verbs"]:
                    # "accused X of firing rockets, wounding several civilians": the casualties are alleged too
                    self.consumed.update(_own_subtree(p))
        kind = pat.kind
        t, c = pat.t, pat.c
        ghit = None
        if goal is not None:
            gt, gc, gtok, ghit = goal
            hit.words.append(gtok)
            hit.clause.append(gtok)
            if kind == "invite":
                # an invitation is an appeal to meet (026); the visit it asks for dates it
                c = lx.derive_code("appeal", gc) or pat.c
            elif kind in ("intent", "plan"):
                if comp_negated and gt in lx.cooperative:
                    t, c = "REJECT", lx.derive_code("reject", gc) or "120"
                elif gt in lx.conflictual:
                    if kind != "plan":
                        t, c = "THREATEN", lx.derive_code("threat", gc) or "130"
                elif gt in lx.cooperative:
                    t, c = "AGREE", lx.derive_code("intent", gc) or pat.c or "030"
                    if kind == "plan":
                        hit.planned = True
            elif kind == "threat":
                if gt in lx.conflictual:
                    c = lx.derive_code("threat", gc) or "130"
                elif gt == "THREATEN":
                    c = gc
            elif kind == "reject":
                if gt in lx.cooperative or gt == "REQUEST":
                    c = lx.derive_code("reject", gc) or "120"
            elif kind in ("demand", "appeal"):
                if gt in ("SANCTION", "ASSAULT", "MOBILIZE", "PROTEST") and ghit is not None and ghit.tgt:
                    t, c = "ACCUSE", "113"      # rally opposition against the target
                elif kind == "appeal" and gt == "SUPPORT" and gc.startswith("051") and ghit is not None \
                        and ghit.tgt and ghit.trig.pos_ == "VERB":
                    t, c = "SUPPORT", "053"     # rally support on behalf of the target
                elif gt in lx.cooperative:
                    c = lx.derive_code(kind, gc) or pat.c
        against = None
        if kind in ("demand", "appeal") and comp is not None and t == "REQUEST":
            # "urged voters to unite against the mayor": rally opposition against him
            # ("urged the Taliban to act against militants" stays an appeal to the Taliban)
            against = next((g for x in comp.subtree if x.dep_ == "prep" and x.lower_ == "against"
                            and x.head.lemma_.lower() in lx.m["rally_verbs"]
                            for g in x.children if g.dep_ == "pobj" and self.actors(g)), None)
            if against is not None:
                t, c = "ACCUSE", "113"
        if goal is None and comp_negated and kind == "intent":
            t, c = "REJECT", "120"            # "vowed not to return the territory"
        elif goal is None and kind == "intent" and comp is not None and comp.dep_ == "ccomp" and \
                not any(a.lower_ in ("will", "would", "shall", "should", "must") for a in comp.children if a.dep_ == "aux"):
            return None                       # "both camps agree that the constitution is outdated"
        if kind == "invite":
            # the invitation itself is made now; it is planned only by a coming date of the visit it
            # asks for ("to visit next year", see when()), as every dev set codes it
            if goal is None and not (dobj is not None and (dobj.ent_type_ in ("PERSON", "GPE", "ORG") or
                                                           self.collective(dobj) or self._valid(self.actors(dobj))
                                                           or dobj.lower_ in ("him", "her", "them"))):
                t, c = "AGREE", "030"     # "invited Chinese participation": an offer to cooperate
        hit.t, hit.c = t, c
        hit.m = lx.mode_of(c) if lx.plover_of(c) == t else None
        g = governor if governor is not None else v
        hit.src = self.subjects(g)
        slots = pat.tgt or _default_slots(t)
        groups = self._target_groups(v, slots, dobj, extra=[governor] if governor is not None else [])
        tgt = groups[0] if groups else []
        hit.tgt_alt = groups[1:]
        if kind == "invite":
            tgt = [dobj] if dobj is not None else tgt
        if not tgt and comp_src is not None and kind in ("demand", "appeal") and not _pronoun(comp_src, lx):
            tgt = [comp_src]
        if c in ("053", "113") and ghit is not None:
            tgt = ghit.tgt or tgt
        if against is not None:
            tgt = [against]
        if not tgt and ghit is not None and not (
                kind in ("demand", "appeal") and gtok.pos_ == "NOUN" and self._theme(gtok)):
            tgt = ghit.tgt                    # (but "demanded the release of X": X is not asked)
        if ghit is not None and (ghit.m == "visit" or ghit.c in ("042", "036")):
            hit.place = next((x for x in ghit.tgt if x.ent_type_ in ("GPE", "LOC", "FAC")), None) or \
                next((x for c in ghit.clause for x in c.subtree if x.dep_ == "dobj" and x.ent_type_ == "GPE"), None)
        hit.tgt = tgt
        # "agreed to open a hub in 2026", "urged them to meet next week": the agreement or the appeal
        # happened now; only a plan ("plans to visit next year") takes the date of what it plans
        hit.own_date = kind not in ("plan", "invite")
        hit.sym = _is_sym(lx, t, c, pat.sym) and kind == "intent"
        hit.c = self.refine(hit.c, hit)
        self._modality(g, hit, complement=True)
        return hit

    # -- tense, modality, negation -----------------------------------------------------------------

    def _modality(self, v: Token, hit: _Hit, complement: bool = False) -> None:
        lx, m = self.lx, self.lx.m
        future = planned = refusal = failure = attempt = ready = False
        negated = any(c.dep_ == "neg" or c.lower_ == "never" for c in v.children)
        first = v
        while first.dep_ == "conj" and first.head.i != first.i and first.head.pos_ in ("VERB", "AUX"):
            first = first.head
        if first is not v:
            # conjoined verbs share their auxiliaries and governor: "will tighten sanctions and impose ..."
            v_aux = [c for c in first.children if c.dep_ in ("aux", "auxpass")]
            if not any(c.dep_ in ("aux", "auxpass") for c in v.children):
                for c in v_aux:
                    if c.lower_ in m["modal_future"] or c.lemma_ in ("will", "shall"):
                        future = True
                    elif c.lower_ in m["modal_possible"]:
                        planned = True
            own_aux = [c for c in v.children if c.dep_ in ("aux", "auxpass")]
            v = first if not any(c.dep_ in ("xcomp",) for c in v.children) else v
        else:
            own_aux = []
        # its own auxiliaries too: "said the expulsions were unfriendly and that it would expel ..."
        for c in [*v.children, *own_aux]:
            if c.dep_ in ("aux", "auxpass"):
                if c.lower_ in m["modal_future"] or c.lemma_ in ("will", "shall"):
                    future = True
                elif c.lower_ in m["modal_possible"]:
                    planned = True
                    if c.lower_ in ("could", "might", "may") and v.dep_ == "ccomp" and hit.t in lx.conflictual:
                        hit.speculative = True   # "saying al-Shabaab could retake towns": a warning, no plan
            if c.dep_ in ("dobj", "nsubjpass") and any(d.lower_ == "no" for d in c.children if d.dep_ == "det"):
                negated = True    # "no agreement was signed"
        # governed by a plan, an intent, a failure or an attempt
        head = v.head if v.head.i != v.i else None
        # (an acl only as an infinitive: "an agreement to build" plans, "an agreement signed on Tuesday" reports)
        if head is not None and (v.dep_ == "xcomp" or (v.dep_ in ("acl", "advcl") and _infinitive(v))):
            hl = head.lemma_.lower()
            if hl in m["attempt_heads"]:
                attempt = True
            elif v.dep_ != "acl" and hl in m["failure_verbs"]:
                failure = True
            elif hl in m["negative_adjectives"]:
                refusal = True
            elif hl in m["intent_adjectives"] or hl in m["plan_nouns"] or hl in m["plan_verbs"]:
                # "was ready to supply": an offer made now (AGREE, reported), as "agreed to"
                # ("prepared to impose martial law" stays a threat)
                ready = hl in m["readiness_adjectives"] and v.dep_ == "xcomp" and hit.t in lx.cooperative
                if hl not in ("begin", "start", "continue", "decide", "resolve", "move") and not ready:
                    planned = True
                if any(c.dep_ == "neg" for c in head.children) or (
                        head.dep_ in ("acomp", "xcomp") and any(c.dep_ == "neg" for c in head.head.children)):
                    refusal = True
            for c in head.children:
                if c.dep_ in ("aux", "auxpass") and (c.lower_ in m["modal_future"] or c.lower_ in m["modal_possible"]):
                    planned = True
            if hl in m["plan_passive"] and (head.dep_ == "acl" or any(c.dep_ == "auxpass" for c in head.children)):
                planned = True     # "is expected to sign", "the summit, scheduled to begin Tuesday"
        if hit.t == "CONSULT" and v.tag_ in ("VBZ", "VBP") and not any(c.dep_ in ("aux", "auxpass") for c in v.children):
            # "travels to Brussels on Monday": the present of a schedule, the coming Monday
            mention = self.clause_date(v)
            if mention is not None and _WEEKDAY.match(mention.text.strip()):
                planned = True
        if attempt and hit.t == "ASSAULT":
            hit.c = "185"
        if failure:
            negated = True
        if refusal:
            t = hit.t
            hit.t = "REJECT"
            hit.c = (lx.derive_code("reject", hit.c) or "120") if t in lx.cooperative else "120"
            hit.m = None
            return
        if future or planned:
            t = hit.t
            if negated and t in lx.cooperative:
                hit.t, hit.c, hit.m = "REJECT", lx.derive_code("reject", hit.c) or "120", None
                return
            if negated and t in lx.conflictual:
                hit.t, hit.c, hit.m = "AGREE", "0356" if t in ("ASSAULT", "MOBILIZE") else "035", None
                hit.planned = True
                return
            if negated:           # "would not confirm or deny": nothing was said
                hit.negated = True
                hit.planned = True
                return
            conditional = any(c.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ == "unless" for g in c.children)
                              for c in v.children)
            if conditional and not complement and t != "THREATEN":
                # "will withdraw their peacekeepers unless ...": a condition makes it a threat
                hit.t, hit.c = "THREATEN", lx.derive_code("threat", hit.c) or "130"
                hit.m = lx.mode_of(hit.c)
            elif not complement and lx.future_as_intent and hit.m != "resign":
                # ("will resign" announces the resignation itself: it stays a retreat)
                if t in lx.cooperative and t != "AGREE":
                    hit.t, hit.c, hit.m = "AGREE", lx.derive_code("intent", hit.c) or "030", None
                elif t in lx.conflictual and not (t == "MOBILIZE" and not hit.tgt):
                    # a threat needs someone threatened: "will deploy police for the summit" is a plan
                    hit.t, hit.c = "THREATEN", lx.derive_code("threat", hit.c) or "130"
                    hit.m = lx.mode_of(hit.c)
            hit.planned = True
        elif ready and not negated and hit.t in lx.cooperative and hit.t != "AGREE":
            hit.t, hit.c, hit.m = "AGREE", lx.derive_code("intent", hit.c) or "030", None
        hit.negated = negated and not (future or planned)

    # -- event nouns ("talks between X and Y", "Xi's visit to Kazakhstan") -------------------------

    def _noun_participants(self, n: Token, p: _NounPat) -> tuple[list[Token], list[Token]]:
        """Who an event noun names: 'talks between A and B', 'Xi's visit', 'the meeting of the
        Kazakh–Chinese subcommittee'."""
        lx = self.lx
        kids = list(n.children)
        src: list[Token] = []
        tgt: list[Token] = []
        between = next((c for c in kids if c.dep_ == "prep" and c.lower_ == "between"), None)
        if between is not None:
            objs = [g for g in between.children if g.dep_ == "pobj"]
            if objs:
                parts = [objs[0]] + [c for c in objs[0].conjuncts if c.i > objs[0].i]
                if len(parts) == 1:
                    # "talks between A and visiting B": the parser hangs B on a participle
                    for c in n.conjuncts:
                        if c.i > n.i:
                            other = next((g for g in c.children if g.dep_ == "dobj"), None) if c.pos_ == "VERB" else c
                            if other is not None:
                                parts.append(other)
                                self.consumed.add(c.i)
                                break
                src, tgt = parts[:1], parts[1:2]
        poss = next((c for c in kids if c.dep_ == "poss"), None)
        if poss is not None and not _pronoun(poss, lx):
            src = src or [poss]
        agent = next((g for c in kids if c.dep_ in ("prep", "agent") and c.lower_ == "by" for g in c.children
                      if g.dep_ == "pobj"), None)
        if agent is not None and not src:
            src = [agent]         # "a visit to Astana by the Turkmen foreign minister", "the killing of X by Y"
            if p.t in ("ASSAULT", "COERCE") and not tgt:
                tgt = [g for c in kids if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"][:1]
        if not src and p.t == "CONSULT":
            # "the next meeting of the Kazakh–Chinese trade subcommittee": the joint body's members
            body = next((_dash_head(g) for c in kids if c.dep_ == "prep" and c.lower_ == "of"
                         for g in c.children if g.dep_ == "pobj"), None)
            if body is not None and len(self.ents.countries_in(*self.phrase(body))) >= 2:
                src = [body]
        return src, tgt

    def _answered_request(self, n: Token) -> _Hit | None:
        """"Astana turned down a Russian request to ...", "despite appeals by the UN refugee agency",
        "accepted its demand": a request made earlier, answered now, is a background REQUEST from the
        one who asked to the one who answers."""
        lx = self.lx
        kids = list(n.children)
        if any(c.dep_ in ("compound", "amod") and c.lower_ in lx.m["call_modifiers"] for c in kids):
            return None           # "a phone call"
        asker = next((c for c in kids if c.dep_ == "poss"), None) or next(
            (g for c in kids if c.dep_ in ("prep", "agent") and c.lower_ in ("by", "from", "of") for g in c.children
             if g.dep_ == "pobj" and (g.ent_type_ in _ACTOR_LABELS or self.agentive(g))), None) or next(
            (c for c in kids if c.dep_ in ("amod", "compound") and c.ent_type_ in ("NORP", "GPE", "ORG")), None)
        if asker is None:
            return None
        gov, asked = n.head, None
        if n.dep_ in ("dobj", "nsubjpass") and gov.pos_ == "VERB" and self.vkey(gov) in lx.m["answer_verbs"]:
            asked = _subject(gov, lx)
        elif n.dep_ == "pobj" and gov.lower_ in lx.m["answer_preps"]:
            # "despite appeals by ...", "The Government of Rwanda, at the request of ...,"
            asked = _subject(gov.head, lx) if gov.head.pos_ in ("VERB", "AUX") else gov.head
        if gov.lower_ == "of" and gov.head.lemma_.lower() in lx.m["request_nouns"]:
            return None
        if asked is None and not (n.dep_ == "pobj" and gov.lower_ in lx.m["answer_preps"]):
            return None
        code = "100" if n.lemma_.lower() == "demand" else "020"
        hit = _Hit(n, [n], "REQUEST", code, lx.mode_of(code), 0.5, src=[asker], tgt=[asked] if asked is not None else [],
                   clause=[n], nominal=True)
        hit.past = True
        return hit

    def code_nominal(self, n: Token) -> _Hit | None:
        lx = self.lx
        if n.lemma_.lower() in lx.m["request_nouns"]:
            hit = self._answered_request(n)
            if hit is not None or n.i in self.consumed:
                return hit
        p = self.noun_pat(n)
        if p is None or not p.nominal or n.dep_ in ("compound", "amod", "nmod", "poss"):
            return None
        kids = list(n.children)
        src, tgt = self._noun_participants(n, p)
        if not tgt:
            tgt = self._targets(n, ("to",) if p.visit else ("with",), None, False)
        # "met during an Oct. 17 meeting": the participants are the governing verb's subject
        gov = None
        if n.dep_ == "pobj" and n.head.lower_ in lx.nominal_preps:
            gov = n.head.head
        elif n.dep_ in ("dobj", "nsubj", "nsubjpass", "attr"):
            gov = n.head
        if not src and gov is not None and gov.pos_ in ("VERB", "AUX"):
            s = self.subject(gov)
            if s is not None and (tgt or s.conjuncts or p.visit or self.collective(s) or len(
                    {a.country for a in self._valid(self.actors(s)) if a.country}) >= 2):
                src = [s]
                if not tgt and p.visit:
                    place = self._place_arg(gov, ("in", "to"))
                    if place is not None:
                        tgt = [place]
        # "the summit, scheduled to begin Tuesday": a scheduled meeting names no participants
        scheduled = [c for c in kids if c.dep_ == "acl" and c.lemma_.lower() in lx.m["scheduled"]]
        if n.dep_ in ("nsubj", "nsubjpass") and n.head.lemma_.lower() in lx.m["scheduled"] and any(
                c.dep_ == "auxpass" for c in n.head.children) and n.head.lemma_.lower() != "expect":
            scheduled.append(n.head)
        if not src and not tgt and scheduled and p.t == "CONSULT":
            # "the China-Central Asia Summit": the names it carries
            src = [c for c in kids if c.dep_ in ("compound", "amod") and c.ent_type_ in ("GPE", "NORP", "ORG")][:1]
        if not src or (p.visit and not tgt):
            return None
        hit = _Hit(n, [n], p.t, p.c, p.m, 0.6, src=src, tgt=tgt, clause=[n], nominal=True)
        if gov is not None and gov.pos_ in ("VERB", "AUX") and (self.hypothetical(gov) or (
                self.modifier(gov) and gov.dep_ not in ("acl", "amod"))):
            return None           # "... could make them finalize talks": the governing clause reports nothing
        if gov is not None and gov.lemma_.lower() in ("be", "pay", "make", "hold", "arrive", "come"):
            hit.clause.append(gov)
        for c in scheduled:
            hit.clause.extend(t for t in c.subtree if t.pos_ == "VERB")
        hit.sym = _is_sym(lx, hit.t, hit.c, None)
        hit.past = any(c.dep_ == "amod" and c.lower_ in lx.m["past_adjectives"] for c in kids)
        self._nominal_modality(n, gov, hit)
        if scheduled:
            hit.planned = True
            hit.negated = False
            if hit.t != "AGREE" and lx.future_as_intent:
                hit.t, hit.c, hit.m = "AGREE", lx.derive_code("intent", hit.c) or "030", None
        return hit

    def _nominal_modality(self, n: Token, gov: Token | None, hit: _Hit) -> None:
        m = self.lx.m
        if n.dep_ == "pobj" and (n.head.lower_ in ("ahead", "before") or
                                 n.head.lower_ == "of" and n.head.head.lower_ == "ahead"):
            hit.planned = True
        for c in n.children:
            if c.dep_ == "acl" and c.lemma_.lower() in m["plan_passive"]:
                hit.planned = True
            if c.dep_ == "amod" and c.lower_ in ("planned", "upcoming", "forthcoming", "proposed", "scheduled",
                                                 "expected", "next", "future"):
                hit.planned = True
        if gov is not None and gov.pos_ in ("VERB", "AUX"):
            for c in gov.children:
                if c.dep_ == "aux" and (c.lower_ in m["modal_future"] or c.lower_ in m["modal_possible"]):
                    hit.planned = True
                if c.dep_ == "neg":
                    hit.negated = True
        if hit.planned:
            hit.negated = False
            if hit.t in self.lx.cooperative and hit.t != "AGREE" and self.lx.future_as_intent:
                hit.t, hit.c, hit.m = "AGREE", self.lx.derive_code("intent", hit.c) or "030", None

    # -- code refinement -----------------------------------------------------------------------------

    def refine(self, code: str, hit: _Hit) -> str:
        """A more specific code from the clause's words (topic: military aid 072, war crimes 1124;
        weapon: car bombing 1832, shelling 194)."""
        lx = self.lx
        words: set[str] = set()
        for tok in hit.clause:
            if tok is hit.trig and tok.pos_ in ("VERB", "AUX"):
                # the verb's own arguments, not its subject or its side clauses
                parts = [c for c in tok.children if c.dep_ not in (
                    "nsubj", "nsubjpass", "advcl", "conj", "relcl", "parataxis", "punct", "cc", "mark", "ccomp")]
                words.update((tok.lemma_.lower(), tok.lower_))
            else:
                parts = [tok]
            for part in parts:
                for t in part.subtree:
                    words.add(t.lemma_.lower())
                    words.add(t.lower_)
        if code in lx.assault_generic:
            code = self._assault_code(code, hit, words)
        for _ in range(2):
            table = lx.refine.get(code)
            if not table:
                break
            topic = next((tp for tp in lx.topic_order if tp in table and words & lx.topics[tp]), None)
            if topic is None:
                break
            code = table[topic]
        return code

    def _assault_code(self, code: str, hit: _Hit, words: set[str]) -> str:
        lx = self.lx
        subj_words: set[str] = set()
        for s in hit.src:
            for t in s.subtree:
                subj_words.add(t.lemma_.lower())
        allw = (words - {hit.trig.lemma_.lower(), hit.trig.lower_}) | subj_words
        text = " ".join(t.lower_ for tok in hit.clause + hit.src for t in tok.subtree)
        for cue, c in lx.assault_cues:
            if (" " in cue and cue in text) or cue in allw:
                return c
        if code in ("190", "180") and hit.trig.lemma_.lower() in ("kill", "murder", "shoot", "slay") and any(
                t.lemma_.lower() in lx.m["political_targets"] for g in hit.tgt for t in self.heads(g)):
            return "186"          # killing a political figure is an assassination
        return code

    # -- from hits to events -----------------------------------------------------------------------

    def events(self, sent: Span, hits: list[_Hit], inherited: DateMention | None, cue: bool) -> list[Event]:
        """The events of one sentence, one per (type, source, target, status)."""
        out: list[Event] = []
        seen: dict[tuple, Event] = {}
        for hit in hits:
            for ev in self.build(sent, hit, inherited, cue):
                s, t = _actor_key(ev.source), _actor_key(ev.target)
                pair = frozenset((s, t)) if _is_sym(self.lx, ev.plover, ev.cameo, None) else (s, t)
                # the code family as _merge has it: "is to visit Astana, when the two countries plan
                # to sign" is two planned acts (036 and 030), "arrived on a visit ... met" one (04x)
                family = ev.cameo[:2] if ev.plover == "CONSULT" else ev.cameo[:3]
                key = (ev.plover, family, pair, ev.status, ev.negated)
                kept = seen.get(key)
                if kept is None:
                    seen[key] = ev
                    out.append(ev)
                    continue
                # the same event twice in a sentence ("arrived on a visit ... met"): keep what each knows
                if kept.location is None and ev.location is not None:
                    kept.location = ev.location
                if kept.date_from == "publication date" and ev.date_from and ev.date_from.startswith("text"):
                    kept.date, kept.date_precision, kept.date_from = ev.date, ev.date_precision, ev.date_from
                kept.summary = _summary(kept)
        return out

    def _valid(self, actors: list[Actor]) -> list[Actor]:
        """Actors that are an entity or a country (not 'his leadership')."""
        return [a for a in actors if a.entity_id or a.country]

    def agentive(self, tok: Token) -> bool:
        """A phrase that names someone who can act: a name, an entity, or an agent noun."""
        agents = _Spec(labels=frozenset({"AGENTS", "HUMAN", "PROTESTERS", "TROOPS", "PARTY", "MEDIA"}))
        return tok.pos_ == "PROPN" or tok.ent_type_ in _ACTOR_LABELS or any(
            self.in_class(h, agents) for h in self.heads(tok))

    def resolve(self, tok: Token | None) -> list[Actor]:
        """The actors of a phrase; when the resolver knows none but the phrase names an agent ('the
        teachers' union', 'opposition supporters'), that phrase as a name-only actor."""
        found = self._valid(self.actors(tok))
        if found or tok is None or _pronoun(tok, self.lx):
            return found
        if tok.lemma_.lower() in self.lx.m["non_actor_heads"]:
            return []
        if self.agentive(tok):
            start, end = self.phrase(tok)
            text = self.doc.text[start:end]
            if text.lower().startswith(("the ", "a ", "an ")):
                text = text.split(" ", 1)[1]
            countries = self.ents.countries_in(start, end)
            return [Actor(text, None, countries[0] if countries else None, None, None)]
        return []

    def _perpetrator(self, hit: _Hit, srcs: list[Actor]) -> list[Actor]:
        """"condemned the exercises", "condemned the attack": an act named by a noun with no actor of
        its own was done by whoever did the latest such act reported before it."""
        obj = next((c for c in hit.trig.children if c.dep_ == "dobj"), None)
        if obj is None or obj.lemma_.lower() not in self.lx.m["act_nouns"]:
            return []
        if any(c.dep_ == "poss" or (c.dep_ == "prep" and c.lower_ != "on") for c in obj.children):
            return []             # "China's drills", "the test by North Korea": the act names its actor
        own = {a.country for a in srcs if a.country}
        for ev in reversed(self.done):
            if ev.evidence and ev.evidence[0].start >= hit.trig.idx:
                continue
            if ev.plover in self.lx.m["perpetrator_types"] and ev.source is not None and ev.source.country \
                    and ev.source.country not in own and not ev.negated:
                return [ev.source]
        return []

    def build(self, sent: Span, hit: _Hit, inherited: DateMention | None, cue: bool) -> list[Event]:
        lx = self.lx
        src_tok = hit.src[0] if hit.src else None
        if src_tok is not None and hit.t in ("ASSAULT", "COERCE") and src_tok.lemma_.lower() in lx.m["natural_causes"]:
            return []             # "the fire destroyed the chapel": no one did it
        srcs: list[Actor] = []
        for s in hit.src:
            srcs.extend(self.resolve(s))
        if not srcs and src_tok is not None and (_pronoun(src_tok, lx) or src_tok.lemma_.lower() in lx.m["documents"]):
            # "Hungary said it will support", "... said that the protest note demanded": the reporter
            srcs = self._pronoun_fallback(hit.trig)
        if hit.tgt and all(_pronoun(t, lx) for t in hit.tgt) and hit.trig.dep_ in ("advcl", "conj") \
                and hit.trig.tag_ == "VBG":
            head_obj = next((c for c in hit.trig.head.children if c.dep_ == "dobj"), None)
            if head_obj is not None:
                hit.tgt = [head_obj]   # "expelled two Belarusian diplomats, accusing them of ...": the diplomats
        if hit.t in lx.m["routeless_types"]:
            # "blocked Rustaveli Avenue, demanding ...": the road is where they protest, not whom
            hit.tgt = [t for t in hit.tgt if not self._route(t)]
            hit.tgt_alt = [g for g in ([t for t in g if not self._route(t)] for g in hit.tgt_alt) if g]
        tgts: list[Actor] = []
        for group in [hit.tgt] + hit.tgt_alt:
            for t in group:
                tgts.extend(self._valid(self.actors(t)))
            if tgts:
                break
        if not tgts:
            for group in [hit.tgt] + hit.tgt_alt:
                for t in group:
                    tgts.extend(self.resolve(t))
                if tgts:
                    break
        if not tgts and hit.t in ("ACCUSE", "REQUEST"):
            tgts = self._perpetrator(hit, srcs)
        conf = hit.conf
        own = {a.country for a in srcs if a.country}
        target_settled = False   # a target chosen below from the sentence's structure: not re-ranked
        head = hit.trig.head
        if hit.trig.dep_ == "conj" and head.pos_ == "VERB" and len(hit.tgt) == 1 and hit.tgt[0].lower_ == "them":
            # "phoned her Venezuelan and Guyanese counterparts and urged them to ...": every one of them
            objs = [c for c in head.children if c.dep_ in ("dobj", "dative")]
            prior = [a for o in objs for t in [o, *o.conjuncts] for a in self._valid(self.actors(t))]
            prior = _distinct(prior)
            if len(prior) >= 2:
                tgts = prior
        if hit.trig.dep_ == "conj" and head.pos_ == "VERB" and not any(
                c.dep_ in ("nsubj", "nsubjpass") for c in hit.trig.children):
            # "met the protesters ... and promised to ...", "phoned the Azerbaijani leader and offered
            # to host ...": the second act is addressed to the first one's object
            prior = [a for c in head.children if c.dep_ in ("dobj", "dative") and not (
                hit.t in lx.m["routeless_types"] and self._route(c)) for a in self._valid(self.actors(c))]
            if prior and (not tgts or ({a.country for a in tgts if a.country} <= own and
                                       any(a.country not in own for a in prior))):
                tgts = prior[:1]
                target_settled = True
        if tgts and hit.tgt and all(self.collective(t) for t in hit.tgt) and not hit.sym and \
                {a.country for a in tgts} <= own:
            tgts = []   # "Egypt and the UAE called on both sides": the sides are others, not the callers
        if len(tgts) == 1 and len(hit.tgt) == 1 and not hit.sym:
            tgts = self._each_country(hit.tgt[0], own) or tgts
        if hit.sym and len(own) >= 2 and tgts and all(t.country in own for t in tgts if t.country):
            tgts = []             # "X and Y agreed a 15% increase in Kazakh exports": the partner, not the topic
        if hit.sym and src_tok is not None and not tgts:
            countries = {a.country for a in srcs if a.country}
            pair = self.doc_pair() if len(countries) < 2 and self.collective(src_tok) else []
            if pair:
                # "the two sides", "both delegations", "the delegations of the two countries"
                srcs = list(pair)
                conf *= 0.75
            elif len(srcs) == 1:
                # "the foreign ministers of Kazakhstan and China" resolved to one actor
                start, end = self.phrase(src_tok)
                other = [c for c in self.ents.countries_in(start, end) if c != srcs[0].country]
                if other and srcs[0].country:
                    tgts = [self._country_actor(other[0], start, end)]
        elif hit.sym and src_tok is not None and len(_distinct(srcs)) == 1 and srcs[0].country and \
                not any(t.country and t.country not in own for t in tgts):
            # "Chinese and Tajik special forces began a joint exercise in Gorno-Badakhshan": the partner
            # in the subject (the whole noun phrase the modifier belongs to), not the place at home
            whole = src_tok
            while whole.dep_ in ("amod", "compound", "conj", "nmod") and whole.head.i != whole.i and \
                    whole.head.pos_ in ("NOUN", "PROPN", "ADJ"):
                whole = whole.head
            start, end = self.phrase(whole)
            other = [c for c in self.ents.countries_in(start, end) if c != srcs[0].country]
            if other:
                tgts = [self._country_actor(other[0], start, end)]
                target_settled = True
        elif not srcs and self.collective(src_tok) and hit.sym:
            pair = self.doc_pair()
            if pair:
                srcs = list(pair)
                conf *= 0.75
        if not srcs and (hit.nominal or hit.t == "CONSULT" or hit.c == "036") and not (tgts and hit.t != "CONSULT"):
            return []             # a meeting, or an event noun, that names nobody is not coded
        # "the agreements were signed", "a memorandum signed during the visit": by whom? Only kept as
        # one more report of a named event of the same kind in the document (see find_events)
        agentless = (hit.agentless or _agentless(hit.trig)) and not hit.noun_src and not hit.nominal
        orphan = not srcs and agentless and (hit.t in lx.m["agentless_dropped"] or not tgts)
        if not srcs and not tgts and _imperative(hit.trig) and hit.t in lx.m["prompt_types"]:
            return []             # "Support independent journalism": a prompt, not a report
        if not srcs and not tgts and hit.sym and not hit.agentless and not (hit.src and not self.collective(src_tok)):
            pair = self.doc_pair()   # "the gas agreement was not signed", in a report on two countries
            if pair:
                srcs, tgts = [pair[0]], [pair[1]]
                conf *= 0.6
        # ("completed disengagement": the act may be the light verb's noun)
        reciprocal = hit.sym or any(w.lemma_.lower() in lx.m["reciprocal_verbs"] for w in hit.words)
        if srcs and not tgts and not hit.nominal and not (reciprocal and len(_distinct(srcs)) >= 2):
            # "X and Y signed an agreement in Luxembourg": the partner, not a place of the act
            tgts = self._implicit_target(hit, srcs)
        if not srcs and not tgts and src_tok is not None and not _pronoun(src_tok, lx) and not self.agentive(src_tok) \
                and not hit.nominal:
            return []             # "the wind farm would supply power to homes": a thing, nobody acting
        if not srcs and not tgts:
            conf *= 0.6           # PLOVER wants actors: kept (it may be the only report) but weak
        if hit.m == "visit" and srcs and tgts and srcs[0].country and all(
                t.country == srcs[0].country for t in tgts) and not hit.planned:
            return []             # travelling home or at home is not a visit
        # symmetric events: "X and Y met" -> X met Y; a target slot that found no country ("at a
        # meeting of their commission", "in the Arabian Sea") does not outrank the partner
        mutual = False
        # (with parties in the subject, the first two named are the pair, even beside a "with" party:
        # "Zambia and Tanzania signed a concession with Chinese contractor X")
        if reciprocal and len(_distinct(srcs)) >= 2 and (hit.sym or not any(t.country for t in tgts)):
            srcs = _distinct(srcs)
            # "Russia and Ukraine exchanged prisoners": one record of the pair (one happening, as
            # every blind annotator codes it), never sent to the target ranker
            mutual = hit.t not in lx.symmetric and hit.t in lx.cooperative and hit.c not in lx.symmetric_codes
            srcs, tgts = srcs[:1], [srcs[1]]
        srcs = _distinct(srcs)[:_MAX_PER_TRIGGER]
        tgts = _distinct(tgts)[:_MAX_PER_TRIGGER]
        if hit.sym and len(srcs) >= 2:
            srcs = srcs[:1]
        if srcs and (self.ranker is not None or self.trace is not None) and not mutual and not target_settled:
            cands = self.target_candidates(hit, srcs, tgts)
            if self.trace is not None:
                self.trace[f"{self.doc.id}-v{hit.trig.idx}"] = (srcs, cands)
            if self.ranker is not None and cands:
                tgts = self.ranker.choose(tgts, cands)
        if srcs or tgts:
            srcs, tgts = self._localise(hit, srcs, tgts)
        pairs = [(s, None if _same(s, t) else t) for s in (srcs or [None]) for t in (tgts or [None])]
        pairs = pairs[:_MAX_PER_TRIGGER]
        date_v, prec, date_from, by_date, mention = self.when(hit, inherited, cue)
        status = "reported"
        if by_date == "background" or (hit.past and by_date is None):
            status = "background"
            if mention is not None and inherited is not mention:
                self.background_used = mention
        elif hit.planned or by_date == "planned":
            status = "planned"
            if not hit.planned and hit.t in lx.cooperative and hit.t != "AGREE" and lx.future_as_intent \
                    and not hit.negated and hit.trig.tag_ not in ("VBD", "VBN"):
                # "talks between Washington and Tehran in Muscat tomorrow": planned by its date alone,
                # and a planned cooperative act is an intent (AGREE), as with "will meet"
                hit.t, hit.c, hit.m = "AGREE", lx.derive_code("intent", hit.c) or "030", None
        loc = self.where(hit, status)
        evidence = self.evidence(sent, hit.trig)
        trigger = " ".join(w.text for w in sorted({w.i: w for w in hit.words}.values(), key=lambda w: w.i))
        base = conf * (0.8 if hit.nominal else 1.0) * (0.9 if status == "planned" else 1.0)
        if _in_relative(hit.trig) or (hit.trig.dep_ in ("advcl", "conj") and hit.trig.tag_ == "VBG"):
            base *= 0.85      # a relative or participial clause reports a secondary event
        if hit.trig.i in self.protest_demands:
            base *= 0.7       # the protest is the main event, its demand beside it
        mode = hit.m if (hit.m and lx.plover_of(hit.c) in (hit.t, None)) or hit.m in ("visit", "host", "phone", "resign") else None
        if mode is None and lx.plover_of(hit.c) == hit.t:
            mode = lx.mode_of(hit.c)      # the code's PLOVER mode: 073 humanitarian, 0841 release
        out = []
        for k, (s, t) in enumerate(pairs):
            c = base * (1.0 if s is not None and s.country else 0.85 if s is not None else 0.6)
            c *= 1.0 if t is not None or hit.t in ("RETREAT", "PROTEST", "MOBILIZE", "CONCEDE") else 0.9
            ev = Event(id=f"{self.doc.id}-v{hit.trig.idx}" + (f"-{k + 1}" if k else ""), doc_id=self.doc.id,
                       plover=hit.t, cameo=hit.c, source=s, target=t, trigger=trigger, evidence=[evidence],
                       date=date_v, date_precision=prec, date_from=date_from, location=loc, status=status,
                       mode=mode if hit.t != "AGREE" else None, negated=hit.negated,
                       confidence=round(max(0.05, min(0.95, c)), 2))
            ev.summary = _summary(ev)
            out.append(ev)
            if orphan:
                self.orphans.add(ev.id)
        return out

    def target_candidates(self, hit: _Hit, srcs: list[Actor], chosen: list[Actor]) -> list[tuple[list[Actor], set[str]]]:
        """Every other actor of the sentence as a possible target, with the features the target
        ranker reads: the dependency path from the trigger, the event type, the kind of actor,
        whether the rules chose it (see knowledge/target_ranker.json)."""
        v = hit.trig
        sent = v.sent
        src_spans = [self.phrase(t) for t in hit.src if t is not None]
        own = {a.country for a in srcs if a.country}
        chosen_keys = {_actor_key(a) for a in chosen}
        out: list[tuple[list[Actor], set[str]]] = []
        seen: set[str] = set()
        for tok in sent:
            if tok.pos_ not in ("NOUN", "PROPN") or tok.dep_ in ("compound",) and tok.ent_type_ not in ("GPE", "NORP", "ORG"):
                continue
            if any(a <= tok.idx < b for a, b in src_spans) or self.in_quote(tok.idx) or tok.idx < self.dateline_end \
                    or any(a.lower_ == "according" for a in tok.ancestors):
                continue          # (the dateline's place is where it was filed; "according to X" is a source)
            if self._speaker_of_report(tok):
                continue          # "..., spokesman X said": who reports it, not whom it is done to
            if hit.t in self.lx.m["routeless_types"] and self._route(tok) or \
                    hit.t in self.lx.m["settingless_types"] and self._where(tok):
                continue          # "blocked motorways into Paris": where they protest, not whom
            if any(self._theme(x) for x in [tok, *tok.ancestors][:4] if x.dep_ == "dobj" and x.head.i == v.i):
                continue          # "demanded the release of two Belarusian journalists": not asked
            acts = self._valid(self.actors(tok))
            if not acts:
                continue
            a = acts[0]
            key = _actor_key(a)
            if key in seen or (a.country and a.country in own and not hit.t in self.lx.m["domestic_types"]) \
                    or any(_same(a, s) for s in srcs):
                continue
            seen.add(key)
            path = _dep_path(v, tok)
            kind = "igo" if (a.country or "").startswith("IGO") else "person" if a.role and a.title else (
                "org" if a.entity_id and a.role not in (None, "GOV") else "state" if a.role == "GOV" else "group")
            f = {"bias", f"path={path}", f"first={path.split('/')[0]}", f"type={hit.t}", f"kind={kind}",
                 f"type_first={hit.t}:{path.split('/')[0]}", f"side={'after' if tok.i > v.i else 'before'}",
                 f"dist={min(abs(tok.i - v.i) // 4, 4)}"}
            if key in chosen_keys:
                f.add("rule")
            if not chosen:
                f.add("rule_none")
            if a.country and a.country in own:
                f.add("same_country")
            out.append(([a], f))
        return out

    def _implicit_target(self, hit: _Hit, srcs: list[Actor]) -> list[Actor]:
        """No target slot of the pattern held an actor: the indirect object ('give Armenia €145
        million'), then an actor of another country inside the object phrase ('ratified a Kazakh–Chinese
        agreement', 'support more trains to the port of Aktau', 'Serbia's purchase'), then one in the
        action's purpose or place ('lend $1.2 bn to build wind farms in southern Kazakhstan')."""
        v = hit.trig
        if v.pos_ not in ("VERB", "AUX"):
            return []
        own = {a.country for a in srcs if a.country}
        kids = list(v.children)
        cands: list[Token] = [c for c in kids if c.dep_ == "dative" and c.pos_ in ("NOUN", "PROPN")]
        objs = [c for c in kids if c.dep_ in ("dobj", "nsubjpass")]
        for tok in hit.clause[1:]:
            if tok.pos_ in ("NOUN", "PROPN") and tok not in objs:
                objs.append(tok)
        if hit.t in self.lx.m["routeless_types"]:
            objs = [o for o in objs if not self._route(o)]      # "blocked Rustaveli Avenue": no one's
        # "the release of two Belarusian journalists": not them, nor their country
        skip = {x.i for o in objs if self._theme(o) for p in o.children if p.dep_ == "prep" and p.lower_ == "of"
                for x in p.subtree}
        objs = [o for o in objs if o.i not in skip]
        for o in objs:
            for t in o.subtree:
                if t.i == o.i or t.i in skip:
                    continue
                if t.dep_ == "poss" or (t.dep_ == "pobj" and t.head.lower_ in self.lx.m["implicit_target_preps"]) \
                        or (t.dep_ in ("compound", "amod") and t.ent_type_ in ("GPE", "NORP", "ORG")):
                    cands.append(t)
        if hit.t not in self.lx.m["settingless_types"]:
            cands.extend(self._places(v, objs[0] if objs else None))
        # "lifted its duties on South Korean steel": the goods' country, on the verb's own phrase
        for p in kids:
            if p.dep_ == "prep" and p.lower_ in ("on", "against"):
                for g in p.children:
                    if g.dep_ == "pobj":
                        cands.extend(t for t in g.subtree if t.i < g.i and t.ent_type_ in ("GPE", "NORP"))
                        cands.append(g)
        for c in kids:
            if c.dep_ in ("xcomp", "advcl") and _infinitive(c):
                cands.extend(t for t in c.subtree if t.dep_ == "pobj" and t.head.lower_ in ("in", "to", "for", "into"))
        if hit.t == "THREATEN":
            # "threatened to block Uzbek trucks unless Tashkent lowered its fees": the one who must yield
            # (all of them: "if US and South Korean warships entered ...")
            for t in v.subtree:
                if t.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in self.lx.m["hypothetical_marks"]
                                             for m in t.children):
                    for g in t.children:
                        if g.dep_ in ("nsubj", "nsubjpass"):
                            found = [a for a in _distinct(self._valid(self.actors(g))) if a.country and a.country not in own]
                            if len(found) >= 2:
                                return found[:_MAX_PER_TRIGGER]
                            cands.append(g)
        for t in cands:
            if t.ent_type_ in ("DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "QUANTITY"):
                continue
            found = [a for a in self._valid(self.actors(t)) if a.country and a.country not in own]
            if found:
                return found[:1]
        if hit.t in self.lx.m["domestic_types"]:
            # "freed 16 political prisoners", "accepted protesters' demand", "suspended the licences of
            # two private channels": a group at home
            for o in objs[:1]:
                if self._theme(o) or hit.t == "RETREAT" and self.in_class(o, _Spec(labels=frozenset({"TROOPS"}))):
                    break             # "demanded the release of X", "pulled troops back": no one acted on
                for t in [o] + [c for c in o.children if c.dep_ == "poss"] + [
                        g for c in o.children if c.dep_ == "prep" and c.lower_ == "of"
                        for g in c.children if g.dep_ == "pobj"]:
                    if not _pronoun(t, self.lx):
                        found = self.resolve(t)
                        if found:
                            return found[:1]
        return []

    def _localise(self, hit: _Hit, srcs: list[Actor], tgts: list[Actor]) -> tuple[list[Actor], list[Actor]]:
        """Unnamed groups with no country ('protesters', 'about 5,000 people', 'political prisoners')
        take the country where they act: a place of the clause, else the dateline; a group acted on
        at home (detained, freed, censored) that of the authority acting on it."""
        crowd = self.lx.classes["PROTESTERS"]

        def fill(actors: list[Actor], fallback: str | None) -> list[Actor]:
            out = []
            for a in actors:
                # ("Farmers" at the start of a sentence, taken by the recogniser for an organisation)
                group = a.entity_id is None or (" " not in a.name and a.name.lower().rstrip("s") in crowd)
                if a.country is None and group:
                    c = self._clause_country(hit) or fallback
                    if c is not None:
                        a = replace(a, country=c)
                out.append(a)
            return out

        own = next((a.country for a in srcs if a.country), None)
        srcs = fill(srcs, None)
        if hit.t in self.lx.m["domestic_types"]:
            tgts = fill(tgts, own)
        return srcs, tgts

    def _clause_country(self, hit: _Hit) -> str | None:
        dobj = next((c for c in hit.trig.children if c.dep_ in ("dobj", "nsubjpass")), None)
        places = self._places(hit.trig, dobj, extra=("outside", "across", "throughout"))
        if not places and hit.trig.dep_ in ("advcl", "conj", "xcomp") and hit.trig.head.pos_ == "VERB":
            # "gathered outside the embassy in Bishkek, demanding ...": where the governing act happens
            head = hit.trig.head
            places = self._places(head, next((c for c in head.children if c.dep_ in ("dobj", "nsubjpass")), None),
                                  extra=("outside", "across", "throughout"))
        places += [g for t in places for p in t.children if p.dep_ == "prep" and p.lower_ in ("in", "at")
                   for g in p.children if g.dep_ == "pobj"]
        places += [c for t in places for c in t.children if c.dep_ == "poss"]     # "in Bishkek's Ala-Too Square"
        for t in places:
            e = self.ents.entity_at(t.idx, t.idx + len(t))
            if t.ent_type_ not in ("GPE", "LOC", "FAC") and (e is None or e.type not in ("GPE", "LOC", "FAC")):
                continue          # a place, not "the Chinese embassy" (whose country is not the crowd's)
            for a in self._valid(self.actors(t)):
                if a.country and not a.country.startswith("IGO"):
                    return a.country
        dl = self.dateline_location() if self.doc.dateline else None
        return dl.country if dl is not None else None

    def _pronoun_fallback(self, trig: Token) -> list[Actor]:
        """'it'/'they' in a clause reported by someone: the reporter ('Hungary said it will support')."""
        t, steps = trig, 0
        while t.head.i != t.i and steps < 4:
            if t.dep_ == "ccomp":
                s = self.subject(t.head)
                if s is not None and not _pronoun(s, self.lx):
                    return self.resolve(s)    # "Police said they had detained ...": an agent noun too
            t = t.head
            steps += 1
        return []

    def when(self, hit: _Hit, inherited: DateMention | None, cue: bool):
        """(value, precision, date_from, 'background'|'planned'|None, the mention used)."""
        mention = None
        for tok in (hit.clause[:1] if hit.own_date else hit.clause):
            mention = self.clause_date(tok)
            if mention is not None:
                break
        if mention is None and not hit.own_date:
            # inside a complement: "invited him to come to visit Kazakhstan next year"
            for tok in hit.clause[1:]:
                if tok.pos_ in ("VERB", "AUX") and tok.i != hit.trig.i:
                    mention = next((self.dates_by_owner[t.i][0] for t in tok.subtree
                                    if t.i in self.dates_by_owner and t.pos_ in ("VERB", "AUX")), None)
                    if mention is not None:
                        break
        own = mention is not None
        if mention is None:
            # the governing verbs: "Iraq said on Monday it would allow ..."
            t, steps = hit.trig, 0
            while t.head.i != t.i and steps < 4 and t.dep_ in ("xcomp", "ccomp", "conj", "advcl", "acl", "relcl",
                                                                  "pobj", "prep", "dobj", "pcomp"):
                t = t.head
                steps += 1
                ms = self.dates_by_owner.get(t.i)
                if ms:
                    mention = ms[0]
                    break
        via = ""
        if mention is None and inherited is not None and (cue or (not hit.planned and hit.trig.tag_ == "VBD")):
            mention, via = inherited, " (previous sentence)"
        if mention is not None and _WEEK.match(mention.value):
            # "next week": a status, not a date of the contract's precisions
            status = _date_status(mention.value, self.pub)
            if status is not None:
                return None, None, f"text: '{mention.text}' ({mention.value})", status, mention
            mention = None
        if mention is not None and own and hit.planned and _WEEKDAY.match(mention.text.strip()) and len(mention.value) == 10 \
                and self.pub is not None and date.fromisoformat(mention.value) < self.pub[0]:
            # "is scheduled to fly on Tuesday": the coming Tuesday, not the last one
            nxt = date.fromisoformat(mention.value) + timedelta(days=7)
            return nxt.isoformat(), "day", f"text: '{mention.text}' (the next one: the event is planned)", \
                _date_status(nxt.isoformat(), self.pub), mention
        if mention is not None and _PART.match(mention.value):
            # "in the first half of 2026", "in the autumn": the contract's year, the part for the status
            return mention.value[:4], "year", f"text: '{mention.text}' ({mention.value}){via}", \
                _date_status(mention.value, self.pub), mention
        if mention is not None:
            return mention.value, _precision(mention.value), f"text: '{mention.text}'{via}", \
                _date_status(mention.value, self.pub), mention
        if hit.past:              # "previous meetings": before publication, date unknown
            return None, None, "before the publication date", "background", None
        if self.doc.published is not None:
            return self.doc.published.value, self.doc.published.precision, "publication date", None, None
        return None, None, None, None, None

    def where(self, hit: _Hit, status: str = "reported") -> Location | None:
        for tok in hit.clause:
            holders = [tok] + [g for p in tok.children if p.dep_ == "prep" and p.lower_ in (
                "during", "at", "following", "after", "on") for g in p.children if g.dep_ == "pobj"]
            for h in holders:
                for p in h.children:
                    if p.dep_ == "prep" and p.lower_ in ("in", "at"):
                        for g in p.children:
                            if g.dep_ == "pobj" and g.ent_type_ in ("GPE", "LOC", "FAC"):
                                return self.location(g)
        place = hit.place
        if place is None and (hit.m == "visit" or hit.c in ("042", "036")):
            place = next((t for t in hit.tgt if t.ent_type_ in ("GPE", "LOC")), None)
        if place is not None:
            loc = self.location(place)
            # visiting Kazakhstan, reported from Astana: the dateline is the more precise place
            dl = self.dateline_location() if status == "reported" else None
            if dl is not None and dl.country and dl.country == loc.country and dl.name != loc.name:
                return dl
            return loc
        return None

    def dateline_location(self) -> Location | None:
        if self._dateline_loc is not False:
            return self._dateline_loc        # type: ignore[return-value]
        self._dateline_loc = self._find_dateline_location()
        return self._dateline_loc

    def _find_dateline_location(self) -> Location | None:
        if not self.doc.dateline:
            return None
        name = self.doc.dateline
        country = None
        for e in self.ents.entities:
            if e.name.lower() == name.lower() or name.lower() in (a.lower() for a in e.aliases):
                country = e.country
                break
        if country is None and self.dateline_end:
            e = self.ents.entity_at(0, self.dateline_end)
            country = e.country if e is not None else None
        return Location(name, country)

    def location(self, tok: Token) -> Location:
        ent = next((e for e in self.sp.ents if e.start <= tok.i < e.end), None)
        if ent is not None:
            name, start, end = ent.text, ent.start_char, ent.end_char
        else:
            name, start, end = tok.text, tok.idx, tok.idx + len(tok)
        if name.lower().startswith("the "):
            name = name[4:]
        e = self.ents.entity_at(start, end)
        return Location(name, e.country if e is not None else None)

    def doc_place(self) -> Location | None:
        """The place the document most often says things happened 'in' (the happening's place
        when there is no dateline)."""
        if self._doc_place is False:
            self._doc_place = self._find_doc_place()
        return self._doc_place       # type: ignore[return-value]

    def _find_doc_place(self) -> Location | None:
        counts: dict[str, list] = {}
        for t in self.sp:
            if t.dep_ == "pobj" and t.head.lower_ in ("in", "at") and t.ent_type_ in ("GPE", "LOC", "FAC") \
                    and t.ent_iob_ in ("B", "I") and (t.i + 1 >= len(self.sp) or self.sp[t.i + 1].ent_iob_ != "I"):
                loc = self.location(t)
                slot = counts.setdefault(loc.name, [0, t.i, loc])
                slot[0] += 1
        if not counts:
            return None
        return max(counts.values(), key=lambda x: (x[0], -x[1]))[2]

    def evidence(self, sent: Span, trig: Token) -> Evidence:
        """The sentence, clipped to the trigger's line when the parser ran lines together."""
        start, end = sent.start_char, sent.end_char
        text = self.doc.text
        if "\n" in text[start:end]:
            lo, hi = self.line_span[self.line_of[trig.i]]
            start = max(start, self.sp[lo].idx)
            end = min(end, self.sp[hi].idx + len(self.sp[hi]))
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return Evidence(self.doc.id, start, end, text[start:end])


# -- the entry point ---------------------------------------------------------------------------------

def find_events(doc: Document, sp: Doc | None, ents: DocEntities, dates: list[DateMention], *,
                trace: dict | None = None, use_ranker: bool = True) -> list[Event]:
    """The events reported in one document, one per (trigger, source, target) per sentence, with
    repeats of the same event merged; see the module docstring for the rules. ``trace`` (a dict)
    receives each event's target candidates and features, to train the target ranker."""
    if sp is None or not doc.text:
        return []
    coder = _Coder(doc, sp, ents, dates)
    coder.trace = trace
    if not use_ranker:
        coder.ranker = None
    events: list[Event] = []
    coder.done = events          # the events of earlier sentences, as they are coded
    text = doc.text
    prev_background: DateMention | None = None    # the earlier happening the previous sentence reported
    prev_end, chain = -1, 0
    for sent in sp.sents:
        same_paragraph = prev_end >= 0 and "\n" not in text[prev_end:sent.start_char]
        inherited, cue = None, False
        if prev_background is not None and same_paragraph and chain < 2:
            opening = text[sent.start_char:sent.start_char + 40].lower().lstrip()
            cue = opening.startswith(coder.lx.continuation)
            inherited = prev_background
        coder.background_used = None
        hits = coder.code_sentence(sent)
        if hits:
            events.extend(coder.events(sent, hits, inherited, cue))
        # a sentence that reports an earlier happening ('was in Kazakhstan in September 2022') lends
        # its date to the next ones ('At the time, he ...'), for at most two sentences, until a
        # sentence dates itself otherwise
        if coder.background_used is not None:
            prev_background, chain = coder.background_used, 0
        elif coder.has_dates(sent):
            prev_background, chain = None, 0
        elif prev_background is not None:
            chain += 1
        prev_end = sent.end_char
    events = [e for e in _merge(events, coder.lx) if e.id not in coder.orphans]
    _spread_places(events, coder)
    used: set[str] = set()
    for ev in events:            # two events from one word (rare): distinct, stable ids
        base, k = ev.id, 1
        while ev.id in used:
            k += 1
            ev.id = f"{base}.{k}"
        used.add(ev.id)
    return events


# -- helpers ---------------------------------------------------------------------------------------------

def _lines(sp: Doc, text: str) -> tuple[list[int], list[tuple[int, int]]]:
    """The line of every token, and the first and last token of every line."""
    line_of: list[int] = []
    spans: list[list[int]] = []
    line = 0
    pos = 0
    for tok in sp:
        line += text.count("\n", pos, tok.idx)
        pos = tok.idx
        if tok.is_space and "\n" in tok.text:
            line_of.append(line)
            if spans and len(spans) == line + 1:
                spans[line][1] = tok.i
            elif len(spans) <= line:
                while len(spans) <= line:
                    spans.append([tok.i, tok.i])
            line += tok.text.count("\n")
            pos = tok.idx + len(tok.text)
            continue
        line_of.append(line)
        while len(spans) <= line:
            spans.append([tok.i, tok.i])
        spans[line][1] = tok.i
    return line_of, [(a, b) for a, b in spans]


def _dateline_end(doc: Document) -> int:
    """Where a dateline that opens the text ('ASTANA -- ', 'ALMATY, July 23 (Wire) --') ends."""
    if not doc.dateline:
        return 0
    head = doc.text[:80]
    stripped = head.lstrip()
    offset = len(head) - len(stripped)
    if not stripped.lower().startswith(doc.dateline.lower()):
        return 0
    m = re.search(r"\s[—–-]{1,2}\s|:\s", stripped)
    return offset + m.end() if m else offset + len(doc.dateline)


def _pronoun(tok: Token, lx: _Lexicon) -> bool:
    """A personal or relative pronoun ('it', 'they', 'who'), not 'US' or 'IT'."""
    if tok.pos_ == "PROPN" or (tok.text.isupper() and len(tok.text) > 1):
        return False
    return tok.pos_ == "PRON" or tok.lower_ in lx.m["pronouns"] or tok.lower_ in lx.m["relative_pronouns"]


def _in_relative(tok: Token) -> bool:
    """Inside a relative clause ('a resolution that aims to impose a blockade')."""
    t, steps = tok, 0
    while t.head.i != t.i and steps < 6:
        if t.dep_ == "relcl":
            return True
        if t.dep_ not in ("xcomp", "conj", "ccomp", "advcl"):
            return False
        t = t.head
        steps += 1
    return False


def _antecedent(tok: Token) -> Token | None:
    """'with whom Chernomyrdin met' -> the noun the relative clause describes."""
    if tok.lower_ not in ("whom", "which", "who", "that"):
        return tok
    t, steps = tok, 0
    while t.head.i != t.i and steps < 5:
        if t.dep_ == "relcl":
            return t.head
        t = t.head
        steps += 1
    return None


def _dash_parts_first(tok: Token) -> Token:
    """'the EU–Mercosur trade deal' parsed with 'deal' as head: its first named party."""
    for c in tok.children:
        if c.dep_ in ("compound", "nmod", "amod") and c.i < tok.i and c.ent_type_ in ("GPE", "ORG", "NORP"):
            return c
    return tok


def _credited(v: Token, lx: _Lexicon) -> bool:
    """The deed someone is thanked, praised or blamed for ('thanked Nigeria for evacuating ...'): it
    happened (it is not a purpose), and its doer is the one thanked."""
    return v.dep_ == "pcomp" and v.head.lower_ == "for" and v.head.head.lemma_.lower() in lx.m["credit_verbs"] \
        and any(c.dep_ == "dobj" for c in v.head.head.children)


def _dep_path(a: Token, b: Token) -> str:
    """The dependency path from a to b: the relations up to their common head ('^nsubj'), then down
    ('dobj', 'prep:to', 'pobj'); at most three steps each way."""
    up, anc = [], {}
    t, k = a, 0
    while True:
        anc[t.i] = k
        if t.head.i == t.i or k > 6:
            break
        t, k = t.head, k + 1
    down: list[str] = []
    t = b
    while t.i not in anc and t.head.i != t.i and len(down) < 8:
        down.append(f"prep:{t.lower_}" if t.dep_ == "prep" else t.dep_)
        t = t.head
    if t.i not in anc:
        return "far"
    s = a
    while s.i != t.i:
        up.append(f"^{s.dep_}")
        s = s.head
    steps = up[:3] + list(reversed(down))[:3]
    return "/".join(steps) or "self"


@dataclass(frozen=True)
class _TargetRanker:
    """A logistic model over target_candidates() features (trained by eval/target_ranker.py on the
    dev set): it keeps the rules' target unless another candidate is clearly more likely."""

    weights: dict[str, float]
    switch: float             # a candidate replaces the rules' choice when it scores this much higher
    accept: float             # with no rule target, a candidate is taken above this probability

    def score(self, feats: set[str]) -> float:
        import math
        z = sum(self.weights.get(f, 0.0) for f in feats)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def choose(self, chosen: list[Actor], cands: list[tuple[list[Actor], set[str]]]) -> list[Actor]:
        scored = sorted(((self.score(f), acts, "rule" in f) for acts, f in cands), key=lambda x: -x[0])
        best, best_acts, best_is_rule = scored[0]
        if not chosen:
            return best_acts if best >= self.accept else chosen
        rule = max((p for p, _, r in scored if r), default=None)
        if rule is None or best_is_rule or best < rule + self.switch:
            return chosen
        return best_acts


@cache
def _target_ranker() -> _TargetRanker | None:
    try:
        raw = load("target_ranker")
    except Exception:  # noqa: BLE001 - no trained model: the rules alone
        return None
    if not raw.get("enabled", True):
        return None
    return _TargetRanker(dict(raw["weights"]), float(raw["switch"]), float(raw["accept"]))


def _agentless(v: Token) -> bool:
    """A passive verb or participle with no 'by' agent ('was signed', 'a grant agreed in 2022')."""
    if v.pos_ not in ("VERB", "AUX"):
        return False
    kids = list(v.children)
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in kids) or (
        v.dep_ in ("acl", "amod") and v.tag_ == "VBN" and not _active_predicate(v))
    return passive and not any(c.dep_ == "agent" for c in kids)


def _imperative(v: Token) -> bool:
    return v.tag_ == "VB" and v.dep_ == "ROOT" and not any(c.dep_ in ("nsubj", "aux", "nsubjpass") for c in v.children)


def _dash_head(tok: Token) -> Token:
    """The noun of a dash compound the small model splits ('a Kazakh–Chinese agreement' parsed as
    'Kazakh' with 'Chinese agreement' in apposition; 'a sub-committee' as three objects): the noun."""
    doc = tok.doc
    while tok.i + 2 < len(doc) and doc[tok.i + 1].text in _DASHES and doc[tok.i + 2].dep_ == tok.dep_ \
            and doc[tok.i + 2].head.i == tok.head.i and doc[tok.i + 2].pos_ in ("NOUN", "PROPN"):
        tok = doc[tok.i + 2]
    if tok.pos_ not in ("PROPN", "ADJ", "NOUN") or tok.i + 2 >= len(tok.doc) or tok.doc[tok.i + 1].text not in _DASHES:
        return tok
    for c in tok.children:
        if c.dep_ == "appos" and c.i > tok.i + 1 and c.pos_ in ("NOUN", "PROPN"):
            return c
    return tok


_DASHES = frozenset({"–", "—", "-"})


def _root_predicate(v: Token) -> bool:
    """A finite verb the parser hung on a root noun as a modifier ('Hundreds of residents
    protested ...' with 'Hundreds' as root): it is the sentence's predicate."""
    return v.dep_ == "acl" and v.head.dep_ == "ROOT" and v.head.pos_ in ("NOUN", "PROPN", "NUM") \
        and v.tag_ in ("VBD", "VBN") and v.i > v.head.i and not any(c.dep_ == "auxpass" for c in v.children) \
        and not any(c.dep_ == "agent" for c in v.children)


def _hyphen_piece(tok: Token) -> bool:
    """A piece of a hyphenated word the parser split ('co' and '-' of 'the co-chairs')."""
    doc = tok.doc
    return tok.text in ("-", "–") or (not tok.whitespace_ and tok.i + 1 < len(doc) and doc[tok.i + 1].text in ("-", "–"))


def _own_subtree(tok: Token) -> set[int]:
    """The subtree without a finite verb conjoined inside it ("wounding one resident, and called
    on the OSCE to respond": the parser's conjunct of the participle is the main clause's)."""
    out: set[int] = set()
    stack = [tok]
    while stack:
        t = stack.pop()
        out.add(t.i)
        stack.extend(c for c in t.children
                     if not (c.dep_ == "conj" and c.tag_ in ("VBD", "VBZ", "VBP") and t.tag_ in ("VBG", "VBN")))
    return out


def _active_predicate(v: Token) -> bool:
    """'Kenyan police arrested 32 people', the verb tagged as a participle modifying 'police':
    with an object it is the active predicate ('documents signed at the summit' has none)."""
    return _root_predicate(v) and (v.tag_ == "VBD" or any(c.dep_ == "dobj" for c in v.children))


def _depth(tok: Token) -> int:
    d = 0
    while tok.head.i != tok.i and d < 50:
        tok = tok.head
        d += 1
    return d


def _infinitive(tok: Token) -> bool:
    return any(c.dep_ == "aux" and c.tag_ == "TO" for c in tok.children)


def _complement_of(v: Token) -> Token | None:
    """The clause a verb governs: 'agreed [to meet]', 'demanded [that X leave]' (the small
    model often attaches an infinitive as advcl)."""
    for c in v.children:
        if c.i > v.i and (c.dep_ in ("xcomp", "ccomp") or (c.dep_ == "advcl" and _infinitive(c))):
            return c
    return None


def _modifiers(n: Token) -> set[str]:
    mods = set()
    for c in n.children:
        if c.dep_ in ("compound", "amod", "nmod", "nummod"):
            mods.update((c.lemma_.lower(), c.lower_))
            if any(t.text == "-" for t in c.subtree):   # "anti-dumping", split into three tokens
                mods.add("".join(t.text for t in c.subtree).lower())
            for g in c.children:
                if g.dep_ in ("compound", "amod"):
                    mods.add(g.lemma_.lower())
        if c.dep_ == "prep" and c.lower_ in ("of", "on"):   # "a ban on poultry imports"
            mods.update(g.lemma_.lower() for g in c.children if g.dep_ == "pobj")
    lefts = [c for c in n.lefts if c.dep_ in ("compound", "amod", "nmod", "punct")]
    if lefts:   # "anti - dumping" parsed as three modifiers of the noun
        span = n.doc[lefts[0].i:n.i].text.lower()
        mods.update(f"{a}-{b}" for a, b in re.findall(r"(\w+)\s*-\s*(\w+)", span))
    if n.head.i != n.i and n.dep_ == "pobj" and n.head.lower_ == "of":
        mods.add(n.head.head.lemma_.lower())   # "state of emergency"
    return mods


_CONTROL = frozenset({"urge", "ask", "invite", "order", "force", "allow", "help", "call", "press", "pressure",
                      "encourage", "persuade", "tell", "instruct", "permit", "compel", "require", "want", "pressurize"})


def _subject(v: Token, lx: _Lexicon) -> Token | None:
    """The subject of a verb, looking through conjunction, control and relative clauses."""
    t, steps = v, 0
    while steps < 6:
        kids = list(t.children)
        for c in kids:
            if c.dep_ in ("nsubj", "csubj"):
                if c.lower_ in lx.m["relative_pronouns"] and t.dep_ == "relcl":
                    return t.head
                return c
        agent = next((c for c in kids if c.dep_ == "agent"), None)
        if agent is not None:
            return next((g for g in agent.children if g.dep_ == "pobj"), None)
        if any(c.dep_ == "nsubjpass" for c in kids) or t.head.i == t.i:
            return None
        if t.dep_ == "relcl":
            return t.head
        if t.dep_ == "xcomp" or (t.dep_ == "advcl" and _infinitive(t)):
            raised = next((c for c in t.head.children if c.dep_ == "nsubjpass"), None)
            if raised is not None and t.head.lemma_.lower() in lx.m["plan_passive"]:
                return raised     # "Gao is scheduled to fly on to Bishkek"
            obj = next((c for c in t.head.children if c.dep_ == "dobj"), None)
            if obj is not None and t.head.lemma_.lower() in _CONTROL:
                return obj
            on = next((g for p in t.head.children if p.dep_ in ("prep", "prt") and p.lower_ in ("on", "upon")
                       for g in p.children if g.dep_ == "pobj" and g.ent_type_ not in ("DATE", "TIME")), None)
            if on is not None and t.head.lemma_.lower() == "call":
                return on
            t = t.head
        elif t.dep_ in ("conj", "advcl", "acomp"):
            t = t.head
        elif t.dep_ == "acl":
            if _root_predicate(t):
                return t.head             # "Hundreds of residents protested ..." parsed as a modifier
            if t.tag_ != "VBG":
                return None
            if t.head.lemma_.lower() in lx.m["documents"] and t.head.dep_ in ("dobj", "pobj") and t.head.head.pos_ == "VERB":
                t = t.head.head          # "X issued a statement demanding ...": X demands
            else:
                return t.head
        elif t.dep_ == "pcomp":
            if _credited(t, lx):
                # "thanked Nigeria for evacuating 230 students": Nigeria did it
                return next((c for c in t.head.head.children if c.dep_ == "dobj"), None)
            t = t.head.head
        else:
            return None
        steps += 1
    return None


def _default_slots(t: str) -> tuple[str, ...]:
    return {"CONSULT": ("obj", "with"), "AGREE": ("with", "to", "obj"), "SUPPORT": ("obj", "for", "with", "to"),
            "COOPERATE": ("with", "obj"), "AID": ("to", "for", "obj"), "CONCEDE": ("in", "to", "for", "on"),
            "RETREAT": ("from", "to", "obj"), "REQUEST": ("obj", "from", "on", "to"),
            "ACCUSE": ("obj", "against", "of"), "REJECT": ("obj", "from", "by"), "THREATEN": ("obj", "against", "with"),
            "PROTEST": ("against", "obj", "over"), "MOBILIZE": ("against", "to", "in", "near", "along"),
            "SANCTION": ("on", "against", "obj", "with", "to"), "COERCE": ("obj", "against", "on", "in"),
            "ASSAULT": ("obj", "against", "on", "in")}.get(t, ("obj",))


def _is_sym(lx: _Lexicon, t: str, c: str, override: bool | None) -> bool:
    if override is not None:
        return bool(override)
    return t in lx.symmetric or c in lx.symmetric_codes


def _same(a: Actor | None, b: Actor | None) -> bool:
    if a is None or b is None:
        return False
    if a.entity_id and b.entity_id:
        return a.entity_id == b.entity_id
    if a.country and b.country and a.country != b.country:
        return False          # "the Kazakh and Chinese governments": two actors, one phrase
    return a.name == b.name


def _distinct(actors: list[Actor]) -> list[Actor]:
    out: list[Actor] = []
    for a in actors:
        if not any(_same(a, b) for b in out):
            out.append(a)
    return out


def _actor_key(a: Actor | None) -> str:
    if a is None:
        return ""
    return a.country or a.name


# -- dates -------------------------------------------------------------------------------------------------

def _precision(value: str) -> str:
    return {4: "year", 7: "month"}.get(len(value), "day")


def _interval(value: str) -> tuple[date, date]:
    w = _WEEK.match(value)
    if w:
        start = date.fromisocalendar(int(w.group(1)), int(w.group(2)), 1)
        return start, start + timedelta(days=6)
    y = int(value[:4])
    if len(value) == 4:
        return date(y, 1, 1), date(y, 12, 31)
    part = _PART.match(value)
    if part:
        first, last = _PART_MONTHS[part.group(2)]
        ly, lm = y + (last - 1) // 12, (last - 1) % 12 + 1
        return date(y, first, 1), date(ly + (lm == 12), lm % 12 + 1, 1) - timedelta(days=1)
    m = int(value[5:7])
    if len(value) == 7:
        return date(y, m, 1), date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)
    d = date.fromisoformat(value)
    return d, d


def _pub_interval(doc: Document) -> tuple[date, date] | None:
    if doc.published is None or not _ISO.match(doc.published.value or ""):
        return None
    try:
        return _interval(doc.published.value)
    except ValueError:
        return None


def _date_status(value: str, pub: tuple[date, date] | None) -> str | None:
    """'background' for a date well before the publication date, 'planned' for one after it."""
    if pub is None:
        return None
    try:
        start, end = _interval(value)
    except ValueError:
        return None
    slack = timedelta(days=_BACKGROUND_DAYS) if pub[0] == pub[1] else timedelta(0)
    if end < pub[0] - slack:
        return "background"
    if start > pub[1]:
        return "planned"
    return None


# -- quotes ------------------------------------------------------------------------------------------------

_QUOTE_PAIRS = {"“": "”", "«": "»", "„": "“", "‘": "’", '"': '"'}


def _quoted_fragment(text: str, start: int, speech: frozenset[str]) -> bool:
    """Marks around words inside the writer's own clause ('said his government was “ready to expand
    the route”'): reported speech, coded like narrative. A quote that opens a line, follows
    punctuation ('said: “...', '... today.” “We ...') or a verb of saying ('said “...') is direct."""
    k = start - 1
    while k >= 0 and text[k] in " \t":
        k -= 1
    if k < 0 or not text[k].isalnum():
        return False
    j = k
    while j >= 0 and text[j].isalpha():
        j -= 1
    return text[j + 1:k + 1].lower() not in speech


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans inside quotation marks, within a paragraph (an unclosed quote ends with it)."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        close = _QUOTE_PAIRS.get(ch)
        # a closing ’ or an apostrophe is not an opening quote
        if close is None or (ch == "‘" and i + 1 < n and text[i + 1].isspace()):
            i += 1
            continue
        j = i + 1
        while j < n:
            cj = text[j]
            if cj == "\n":
                break
            if cj == close and not (close == "’" and j + 1 < n and text[j + 1].isalpha()):
                break
            j += 1
        spans.append((i, j))
        i = j + 1
    return spans


# -- merging and places -------------------------------------------------------------------------------------

def _merge(events: list[Event], lx: _Lexicon) -> list[Event]:
    """One record per event reported more than once in a document (every sentence as evidence):
    same type and code family (any CONSULT code), same actors, status, negation and date (a
    sentence dated only by the publication date matches a text date of the week before it). An
    event with neither actor ('the agreements were signed') joins the document's named event of
    the same kind."""
    out: list[Event] = []
    index: dict[tuple, list[Event]] = {}
    by_kind: dict[tuple, list[Event]] = {}
    for ev in events:
        s, t = _actor_key(ev.source), _actor_key(ev.target)
        pair = frozenset((s, t)) if _is_sym(lx, ev.plover, ev.cameo, None) else (s, t)
        family = ev.cameo[:2] if ev.plover == "CONSULT" else ev.cameo[:3]
        kind = (ev.plover, family, ev.status, ev.negated)
        pool = index.get(kind + (pair,), []) if (s or t) else by_kind.get(kind, [])
        first = next((e for e in pool if _same_day(e, ev)), None)
        if first is None:
            index.setdefault(kind + (pair,), []).append(ev)
            if s or t:
                by_kind.setdefault(kind, []).append(ev)
            out.append(ev)
            continue
        for e in ev.evidence:
            if all((e.start, e.end) != (x.start, x.end) for x in first.evidence):
                first.evidence.append(e)
        if first.date_from == "publication date" and ev.date_from and ev.date_from.startswith("text"):
            first.date, first.date_precision, first.date_from = ev.date, ev.date_precision, ev.date_from
        if len(ev.cameo) > len(first.cameo) and ev.cameo.startswith(first.cameo[:2]):
            first.cameo, first.mode = ev.cameo, ev.mode or first.mode
        if first.location is None and ev.location is not None:
            first.location = ev.location
        if first.target is None and ev.target is not None and not _same(first.source, ev.target):
            first.target = ev.target
        elif first.target is not None and ev.target is not None and ev.target.title and not first.target.title \
                and first.target.country == ev.target.country and first.plover == "CONSULT":
            first.target = ev.target      # "arrived in Port Sudan ... He met Foreign Minister X": the one met
        first.confidence = round(min(0.95, max(first.confidence, ev.confidence) + 0.05), 2)
        first.summary = _summary(first)
    # "aircraft bombed the town, killing two and injuring a farmer": an act with no source of its own,
    # or a toll word of the same actor, beside an act of the same kind in the same sentence is that
    # act's toll
    def toll(e: Event) -> bool:
        return e.source is None or (e.plover == "ASSAULT" and e.trigger.lower() in lx.m["toll_words"])

    def kind_in(e: Event, x) -> tuple:
        return e.plover, e.status, e.negated, x.start, x.end

    acts: dict[tuple, set[str]] = {}       # an act's kind in a sentence -> its actors
    for e in out:
        if not toll(e):
            for x in e.evidence:
                acts.setdefault(kind_in(e, x), set()).add(e.source.name.lower())

    def absorbed(e: Event) -> bool:
        return toll(e) and any(e.source is None or e.source.name.lower() in acts[kind_in(e, x)]
                               for x in e.evidence if kind_in(e, x) in acts)

    return [e for e in out if not absorbed(e)]


def _same_day(a: Event, b: Event) -> bool:
    if a.date == b.date:
        return True
    if not a.date or not b.date or a.date_precision != "day" or b.date_precision != "day":
        return False
    # one dated by the publication date, the other by the text, up to a week before it
    pub, text = (a, b) if a.date_from == "publication date" else (b, a)
    if pub.date_from != "publication date" or not (text.date_from or "").startswith("text"):
        return False
    try:
        delta = (date.fromisoformat(pub.date) - date.fromisoformat(text.date)).days
    except ValueError:
        return False
    return 0 <= delta <= 7


def _spread_places(events: list[Event], coder: _Coder) -> None:
    """An event with no place of its own: the place of the document's other events that day, else
    the dateline, else the place the document most often names (for reported events)."""
    by_day: dict[str, dict[str, tuple[int, Location]]] = {}
    for ev in events:
        if ev.location is not None and ev.status == "reported" and ev.date and not ev.negated:
            slot = by_day.setdefault(ev.date, {})
            n, _ = slot.get(ev.location.name, (0, ev.location))
            slot[ev.location.name] = (n + 1, ev.location)
    for ev in events:
        if ev.location is not None or ev.status != "reported":
            continue
        places = by_day.get(ev.date or "")
        if places:
            ev.location = max(places.values(), key=lambda x: x[0])[1]
        else:
            ev.location = coder.dateline_location() or coder.doc_place()
        if ev.location is not None:
            ev.summary = _summary(ev)


# -- summaries ----------------------------------------------------------------------------------------------

@cache
def _country_name(code: str) -> str:
    if code.startswith("IGO:"):
        return code[4:]
    import pycountry

    c = pycountry.countries.get(alpha_3=code)
    return (getattr(c, "common_name", None) or c.name) if c is not None else code


def _label(a: Actor | None) -> str:
    if a is None:
        return ""
    if a.country:
        country = _country_name(a.country)
        if a.name and a.name.lower() not in (country.lower(), a.country.lower()):
            return f"{country} ({a.name})"
        return country
    return a.name


def _summary(ev: Event) -> str:
    """One line: 'Kazakhstan (Tokayev) met China (Xi Jinping) in Astana on 2025-06-16'."""
    verb = ev.trigger
    if ev.negated:
        verb = f"did not: {verb}"
    elif ev.status == "planned":
        verb = f"[planned] {verb}"
    line = " ".join(p for p in (_label(ev.source) or "(unknown)", verb, _label(ev.target)) if p)
    if ev.location is not None:
        line += f" in {ev.location.name}"
    if ev.date:
        line += f" on {ev.date}" if ev.date_precision == "day" else f" in {ev.date}"
    if ev.status == "background":
        line += " (background)"
    return f"{line} — {ev.plover} {ev.cameo} {cameo_name(ev.cameo) or ''}".rstrip()
