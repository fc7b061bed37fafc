"""Actors: names in one document -> entities with country, role, title, aliases and mentions.

How it works (one linear pass per step over the spaCy tokens; nothing is all-pairs):

1. Gazetteer and title matching with token tries built from the knowledge files
   (``countries``, ``places``, ``organisations``, ``actors``): countries, demonyms,
   capitals, cities and regions, intergovernmental and other organisations, official
   titles ("Deputy Prime Minister and Minister of Foreign Affairs", "Energy Minister").
2. Name chunks: runs of capitalised tokens (plus gazetteer spans) joined by hyphens,
   name particles and, inside one spaCy entity, "of"/"and"/"for". A chunk is classified by
   what it contains (organisation head words, gazetteer hits, a title before it) and only
   then by spaCy's label, which the small model often gets wrong ("Kazakh President
   Kassym-Jomart Tokayev" comes out as ORG).
3. Descriptors around titles: demonyms, possessive countries and organisations before a
   title, "of <country/organisation>" after it, then the name it introduces (directly or
   after a comma), or the name it follows as an appositive. A title with no name
   ("the President", "the Kazakh leader") is a reference to resolve.
4. Resolution in document order: exact names, surnames/short forms (the most recently
   mentioned person carrying that name; different full names stay different people),
   acronyms (by initials or when given in brackets), title references (the most recent
   person with a compatible role and, when the reference names one, the same country) and
   subject pronouns (the single person who was the subject of the clause before).

``DocEntities.actors_for_phrase`` reads a noun phrase with the parse: coordinated actors,
"Israeli police" (a group noun with its country), "the two sides" (the two most salient
countries), titles, pronouns and entities.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from ..knowledge import load
from ..model import Actor, Document, Entity

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["DocEntities", "resolve_entities", "country_code"]

# ---------------------------------------------------------------------------------------------
# knowledge, compiled once per process

_PRIORITY = {"IGO": 0, "ORG": 1, "COUNTRY": 2, "CAPITAL": 3, "DEMONYM": 4, "PEOPLE": 5, "PLACE": 6, "IGOMOD": 7}
_COUNTRYISH = frozenset({"COUNTRY", "CAPITAL", "DEMONYM", "PEOPLE", "PLACE", "IGOMOD"})
_LOCATIVE = frozenset({"in", "at", "from", "to", "near", "outside", "across", "into", "via", "of", "between", "and",
                       "towards", "toward", "inside", "around", "through", "within", "visit", "visited", "visiting",
                       "reach", "reached", "left", "leave", "leaving", "entered", "hit", "struck", "on", "over"})
_DETS = frozenset({"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our", "both",
                   "two", "some", "several", "many", "all", "any", "each", "every", "another", "other", "such"})
_SUBJ = frozenset({"nsubj", "nsubjpass"})
_SPEECH = frozenset({"say", "tell", "add", "note", "state", "stress", "emphasize", "emphasise", "highlight", "underline",
                     "remark", "continue", "conclude", "explain"})
_LEGAL = re.compile(r"(?:[\s,]+(?:ag|gmbh|jsc|llc|llp|ltd\.?|inc\.?|plc|corp\.?|co\.?|s\.a\.|sa|nv|bv|spa|pjsc|ojsc|cjsc))+$")
_QUOTES = {"“": "”", "«": "»", "„": "“", '"': '"'}
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})


def _norm(s: str) -> str:
    return s.lower().replace("’", "'").replace("‘", "'").replace("–", "-")


def _fold(s: str) -> str:
    """A name key: no accents, no punctuation, lower case ("Recep Tayyip Erdoğan" -> "recep tayyip erdogan")."""
    import unicodedata
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", s.lower()).split())


@dataclass(frozen=True, slots=True)
class _Hit:
    kind: str            # see _PRIORITY
    value: str | None    # ISO3, IGO code, or None
    role: str | None
    text: str            # the knowledge form


@dataclass(frozen=True, slots=True)
class _Title:
    role: str
    head: str            # the knowledge key ("prime minister")
    cap_only: bool
    org_role: bool


# The key of a trie node's payloads: not a string, so no token (not even "\x00") can be it.
_LEAF = None


class _Trie:
    """Token-sequence trie: key tuples of normalised tokens -> list of (pattern, payload)."""

    __slots__ = ("root", "depth")

    def __init__(self) -> None:
        self.root: dict = {}
        self.depth = 0

    def add(self, pattern: tuple[str, ...], payload: Any) -> None:
        node = self.root
        for t in pattern:
            node = node.setdefault(_norm(t), {})
        node.setdefault(_LEAF, []).append((pattern, payload))
        self.depth = max(self.depth, len(pattern))

    def matches(self, norms: list[str], i: int):
        """Every (end, [(pattern, payload)...]) for keys starting at token i, longest last."""
        node, j, n = self.root, i, len(norms)
        while j < n:
            node = node.get(norms[j])
            if node is None:
                return
            j += 1
            if _LEAF in node:
                yield j, node[_LEAF]


def _case_ok(pattern: tuple[str, ...], toks: list[str]) -> bool:
    """Capitalised knowledge tokens need a capitalised text token; acronyms need the exact case."""
    for p, t in zip(pattern, toks):
        if not p[:1].isupper():
            continue
        if not t[:1].isupper():
            return False
        letters = [c for c in p if c.isalpha()]
        if len(letters) >= 2 and all(c.isupper() for c in letters) and _norm(t) == _norm(p) and t != p:
            # an acronym must be written as an acronym ("US", not "Us"); an all-caps line may keep "Us"
            if not t.isupper():
                return False
    return True


@dataclass
class _KB:
    gaz: _Trie
    titles: _Trie
    portfolios: _Trie
    groups: _Trie                 # lower-case group nouns -> role
    org_keywords: _Trie           # capitalised organisation head words -> role
    common_heads: dict[str, str]
    country_names: dict[str, str]
    strong_roles: frozenset[str]
    national_bank: tuple[tuple[str, ...], ...]
    title_compat: dict[str, tuple[str, ...]]
    title_modifiers: frozenset[str]
    role_rank: dict[str, int]
    particles: frozenset[str]
    based_words: frozenset[str]        # "Dubai-based", "Almaty-headquartered"
    collectives: dict
    ethnic: frozenset[str]
    person_verbs: frozenset[str]
    org_nouns: frozenset[str]
    igo_nouns: frozenset[str]
    honorifics: frozenset[str]
    definite_anaphors: frozenset[str]
    facility_nouns: frozenset[str]
    place_nouns: frozenset[str]
    capitals: dict[str, str]
    people: dict[str, tuple[str | None, str | None]]
    igo_names: dict[str, str]
    pronouns: dict[str, str]


@cache
def _kb() -> _KB:
    from spacy.lang.en import English

    tok = English().tokenizer

    def toks(s: str) -> tuple[str, ...]:
        return tuple(t.text for t in tok(s))

    gaz = _Trie()
    countries = load("countries")["countries"]
    names: dict[str, str] = {}
    capitals: dict[str, str] = {}
    for iso, c in countries.items():
        names[iso] = c["name"]
        for n in [c["name"], *c["names"]]:
            gaz.add(toks(n), _Hit("COUNTRY", iso, "GOV", n))
        for n in c["demonyms"]:
            gaz.add(toks(n), _Hit("DEMONYM", iso, None, n))
        for n in c["people"]:
            gaz.add(toks(n), _Hit("PEOPLE", iso, "CVL", n))
        for n in c["capitals"]:
            gaz.add(toks(n), _Hit("CAPITAL", iso, None, n))
            capitals[_norm(n)] = iso
    for n, iso in load("places")["places"].items():
        gaz.add(toks(n), _Hit("PLACE", iso, None, n))
    orgs = load("organisations")
    for igo in orgs["igos"]:
        for n in igo["names"]:
            gaz.add(toks(n), _Hit("IGO", f"IGO:{igo['code']}", "IGO", n))
    igo_names = {f"IGO:{igo['code']}": igo["names"][0] for igo in orgs["igos"]}
    for n, code in orgs["igo_modifiers"].items():
        gaz.add(toks(n), _Hit("IGOMOD", f"IGO:{code}", "IGO", n))
    for o in orgs["organisations"]:
        for n in o["names"]:
            gaz.add(toks(n), _Hit("ORG", o["country"], o["role"], n))
    org_keywords = _Trie()
    for role, words in orgs["keywords"].items():
        for w in words:
            org_keywords.add(toks(w), role)
    act = load("actors")
    titles = _Trie()
    for key, info in act["titles"].items():
        titles.add(toks(key), _Title(info["role"], key, bool(info.get("cap_only")), bool(info.get("org_role"))))
    portfolios = _Trie()
    for p in act["portfolios"]:
        portfolios.add(toks(p), p)
    groups = _Trie()
    for role, words in act["groups"].items():
        for w in words:
            groups.add(toks(w), role)
    people: dict[str, tuple[str | None, str | None]] = {}
    clash: set[str] = set()
    for person in load("people")["people"]:
        for n in [person["name"], *person["aliases"]]:
            key = _fold(n)
            val = (person["country"], person["role"])
            if key in people and people[key][0] != val[0]:
                clash.add(key)
            people.setdefault(key, val)
    for key in clash:
        del people[key]
    return _KB(
        gaz=gaz, titles=titles, portfolios=portfolios, groups=groups, org_keywords=org_keywords,
        common_heads=dict(orgs["common_heads"]), country_names=names,
        strong_roles=frozenset(orgs["strong_roles"]),
        national_bank=tuple(tuple(_norm(t) for t in toks(w)) for w in orgs["national_bank_words"]),
        title_compat={k: tuple(v) for k, v in act["title_compat"].items()},
        title_modifiers=frozenset(_norm(w) for w in act["title_modifiers"]),
        role_rank={r: i for i, r in enumerate(act["role_priority"])},
        particles=frozenset(act["name_particles"]), based_words=frozenset(act["based_words"]), collectives=act["collectives"],
        ethnic=frozenset(act["ethnic_markers"]), person_verbs=frozenset(act["person_verbs"]),
        org_nouns=frozenset(act["organisation_nouns"]), igo_nouns=frozenset(act["igo_nouns"]), honorifics=frozenset(act["honorifics"]),
        definite_anaphors=frozenset(act["definite_anaphors"]),
        facility_nouns=frozenset(act["facility_nouns"]),
        place_nouns=frozenset(act["place_nouns"]), capitals=capitals, people=people,
        igo_names=igo_names, pronouns=dict(act["pronouns"]),
    )


def country_code(text: str) -> str | None:
    """ISO3 (or IGO:X) for a country, demonym, capital, place or organisation name as written, else None."""
    words = [t.text for t in _tokenizer()(text.strip())]
    norms = [_norm(w) for w in words]
    best = None
    for end, payloads in _kb().gaz.matches(norms, 0):
        if end == len(norms):
            hits = [p for pat, p in payloads if _case_ok(pat, words)] or [p for _, p in payloads]
            best = min(hits, key=lambda h: _PRIORITY[h.kind])
    return best.value if best else None


@cache
def _capital_metonyms() -> dict[str, str]:
    return dict(load("organisations")["capital_metonyms"])


@cache
def _tokenizer():
    from spacy.lang.en import English
    return English().tokenizer


# ---------------------------------------------------------------------------------------------
# the public records

@dataclass
class DocEntities:
    """The entities of one document and lookups by character span."""

    entities: list[Entity] = field(default_factory=list)
    _ctx: Any = field(default=None, repr=False, compare=False)
    _index: Any = field(default=None, repr=False, compare=False)

    # -- span lookups (sorted mention index, built on first use) --------------------------------
    def _mentions(self):
        if self._index is None or self._index[3] != len(self.entities):
            rows = sorted((s, t, k) for k, e in enumerate(self.entities) for s, t in e.mentions)
            starts = [r[0] for r in rows]
            longest = max((t - s for s, t, _ in rows), default=0)
            self._index = (rows, starts, longest, len(self.entities))
        return self._index

    def _overlapping(self, start: int, end: int):
        rows, starts, longest, _ = self._mentions()
        hi = bisect.bisect_left(starts, end)
        lo = bisect.bisect_left(starts, start - longest)
        for s, t, k in rows[lo:hi]:
            if s < end and start < t:
                yield s, t, k

    def entity_at(self, start: int, end: int) -> Entity | None:
        """The entity with a mention overlapping [start, end) (the longest such mention wins)."""
        best, best_len = None, -1
        for s, t, k in self._overlapping(start, end):
            if t - s > best_len:
                best, best_len = self.entities[k], t - s
        return best

    def actor_at(self, start: int, end: int) -> Actor | None:
        e = self.entity_at(start, end)
        if e is None:
            return None
        return self._ctx._actor(e) if self._ctx is not None else _entity_actor(e)

    def countries_in(self, start: int, end: int) -> list[str]:
        """Countries (ISO3 or IGO:X) of the entities mentioned inside [start, end), in order of first mention."""
        found: dict[str, int] = {}
        for s, t, k in self._overlapping(start, end):
            e = self.entities[k]
            if start <= s and t <= end and e.country:
                found.setdefault(e.country, s)
        return sorted(found, key=found.get)

    def actors_for_phrase(self, start: int, end: int) -> list[Actor]:
        """Every actor the noun phrase at [start, end) denotes (see the module doc); [] if none."""
        if self._ctx is None:
            seen, out = set(), []
            for s, t, k in sorted(self._overlapping(start, end)):
                e = self.entities[k]
                if start <= s and t <= end and e.id not in seen:
                    seen.add(e.id)
                    out.append(_entity_actor(e))
            return out
        return self._ctx.actors_for_phrase(self, start, end)


def _entity_actor(e: Entity, name: str | None = None) -> Actor:
    return Actor(name=name or e.name, entity_id=e.id, country=e.country, role=e.role, title=e.title)


# ---------------------------------------------------------------------------------------------
# internal working records

@dataclass(slots=True)
class _Gz:
    start: int
    end: int
    hit: _Hit


@dataclass(slots=True)
class _Tt:
    start: int
    end: int
    roles: list[str]
    heads: list[str]
    org_role: bool
    text: str


@dataclass(slots=True)
class _Desc:
    """What surrounds a title: country, organisation context, the tokens it covers."""
    start: int               # leftmost token (determiner included)
    end: int                 # after the title / of-phrase
    country: str | None = None
    org: "_M | None" = None  # an organisation mention the title belongs to
    org_ref: tuple[int, int] | None = None   # "the bank's": a lower-case organisation reference
    has_det: bool = False
    definite: bool = False
    deputy: bool = False
    counterpart_of: str | None = None
    title: _Tt | None = None


@dataclass(slots=True)
class _M:
    """One mention candidate (token span [start, end))."""
    start: int
    end: int
    kind: str                        # PERSON ORG IGO COUNTRY CAPITAL PLACE EVENT TITLEREF PRONOUN
    name: str = ""
    country: str | None = None
    role: str | None = None
    title: str | None = None
    roles: tuple[str, ...] = ()
    name_span: tuple[int, int] | None = None
    extra: list[tuple[int, int]] = field(default_factory=list)   # further spans of the same mention (appositive title)
    compat: tuple[str, ...] = ()
    label: str = ""
    counterpart: bool = False
    ent: int = -1
    gz: _Hit | None = None
    head: int = -1
    soft: bool = False               # kind guessed from spaCy's label: a known person's name wins


@dataclass(slots=True)
class _E:
    kind: str
    type: str
    name: str
    country: str | None = None
    role: str | None = None
    title: str | None = None
    roles: set = field(default_factory=set)
    forms: list = field(default_factory=list)
    spans: list = field(default_factory=list)     # char spans
    last: int = -1                                # token index of the latest mention
    tokens: tuple[str, ...] = ()                  # normalised name tokens (people)
    full: bool = False                            # a person known by more than one name token
    capital: bool = False
    head_word: str = ""                           # organisations: the head keyword ("bank")
    initials: str = ""


# ---------------------------------------------------------------------------------------------
# the resolver

class _Resolver:
    def __init__(self, doc: Document, sp: "Doc") -> None:
        self.doc, self.sp, self.kb = doc, sp, _kb()
        self.toks: list[Token] = list(sp)
        self.text = sp.text   # Doc.text rebuilds the string on every access
        self.n = len(self.toks)
        self.words = [t.text for t in self.toks]
        self.norms = [_norm(t.text) for t in self.toks]
        self.sent_of = [0] * self.n
        self.sent_bounds: list[tuple[int, int]] = []
        for k, s in enumerate(sp.sents):
            self.sent_bounds.append((s.start, s.end))
            for i in range(s.start, s.end):
                self.sent_of[i] = k
        self.in_quote = self._quote_mask()
        self.ent_start = [t.ent_iob_ for t in self.toks]
        self.gz_at: dict[int, _Gz] = {}
        self.gz_cover: list[_Gz | None] = [None] * self.n
        self.tt_at: dict[int, _Tt] = {}
        self.tt_cover: list[_Tt | None] = [None] * self.n
        self.mentions: list[_M] = []
        self.ents: list[_E] = []
        self.tok_mention: list[int] = [-1] * self.n   # token -> mention index (longest)
        self.refs: dict[int, _M] = {}                  # unresolved title references by start token

    # -- 0. helpers --------------------------------------------------------------------------
    def _quote_mask(self) -> list[bool]:
        text = self.text
        inside = bytearray(len(text) + 1)
        i, n = 0, len(text)
        while i < n:
            c = text[i]
            close = _QUOTES.get(c)
            if close is not None:
                j = text.find(close, i + 1)
                if j != -1 and (j - i) < 3000 and (c != '"' or "\n\n" not in text[i:j]):
                    inside[i:j + 1] = b"\x01" * (j + 1 - i)
                    i = j + 1
                    continue
            i += 1
        return [bool(inside[t.idx]) for t in self.toks]

    def cap(self, i: int) -> bool:
        w = self.words[i]
        return w[:1].isupper() or (w[:1].isdigit() and self.toks[i].ent_type_ in ("ORG", "FAC", "EVENT"))

    def span_text(self, s: int, e: int) -> str:
        if s >= e:
            return ""
        return self.text[self.toks[s].idx:self.toks[e - 1].idx + len(self.toks[e - 1].text)]

    def char_span(self, s: int, e: int) -> tuple[int, int]:
        return self.toks[s].idx, self.toks[e - 1].idx + len(self.toks[e - 1].text)

    def joined(self, i: int) -> bool:
        """No whitespace between token i and i+1."""
        return not self.toks[i].whitespace_

    # -- 1. gazetteer and titles -------------------------------------------------------------
    def scan(self) -> None:
        kb, norms, words, n = self.kb, self.norms, self.words, self.n
        i = 0
        while i < n:
            best = None
            for end, payloads in kb.gaz.matches(norms, i):
                ok = [p for pat, p in payloads if _case_ok(pat, words[i:end]) and self._gaz_context(i, end, p)]
                if ok:
                    best = _Gz(i, end, min(ok, key=lambda h: _PRIORITY[h.kind]))
            if best is not None and self.cap(i) or (best is not None and best.hit.kind in ("ORG", "IGO")
                                                  and not best.hit.text[:1].isupper()):
                self.gz_at[i] = best
                for k in range(best.start, best.end):
                    self.gz_cover[k] = best
                i = best.end
            else:
                i += 1
        i = 0
        while i < n:
            if self.gz_cover[i] is not None and self.gz_cover[i].hit.kind not in ("DEMONYM",):
                i += 1
                continue
            t = self._title_at(i)
            if t is None or self._title_starts_org(t):
                i += 1
                continue
            # "Deputy Prime Minister and Minister of Foreign Affairs": one title, two roles
            while t.end + 1 < n and norms[t.end] in ("and", "&") and self.gz_cover[t.end + 1] is None:
                t2 = self._title_at(t.end + 1)
                if t2 is None or (self.cap(t.start) != self.cap(t2.start)):
                    break
                t = _Tt(t.start, t2.end, t.roles + t2.roles, t.heads + t2.heads, t.org_role or t2.org_role,
                        self.span_text(t.start, t2.end))
            self.tt_at[t.start] = t
            for k in range(t.start, t.end):
                self.tt_cover[k] = t
            i = t.end

    def _title_starts_org(self, t: _Tt) -> bool:
        """"Justice Ministry", "General Motors", "Prime Minister's Office": a capitalised title that begins
        an organisation's name."""
        if not self.words[t.start][:1].isupper():
            return False
        k = t.end
        if k < self.n and self.norms[k] in ("'s",):
            k += 1
        j = k
        while j < self.n and j - k < 5 and self.words[j][:1].isupper() and self.gz_cover[j] is None:
            j += 1
        if j == k:
            return False
        role, _ = self._org_role(k, j)
        return role is not None and role in self.kb.strong_roles

    def _gaz_context(self, i: int, end: int, hit: _Hit) -> bool:
        toks = self.toks
        if hit.kind == "PLACE":
            if any(toks[k].ent_type_ in ("GPE", "LOC", "FAC") for k in range(i, end)):
                return True
            if toks[i].ent_type_ and toks[i].ent_iob_ == "B" and (end >= self.n or toks[end].ent_iob_ != "I"):
                # spaCy sees a name of exactly this extent (often as PERSON or ORG): a place unless it acts as one
                h = toks[end - 1]
                if not (h.dep_ in _SUBJ and h.head.lemma_ in self.kb.person_verbs) and not (
                        i > 0 and self.norms[i - 1] in ("mr", "mr.", "mrs", "ms", "dr")):
                    return True
            if i > 0 and self.norms[i - 1] in _LOCATIVE | self.kb.place_nouns:
                return True
            if end + 1 < self.n and self.norms[end] in ("-", "–") and self.norms[end + 1] in self.kb.based_words:
                return True   # "Düsseldorf-based"
            k = end
            while k + 1 < self.n and self.norms[k] in ("-", "–") and self.words[k + 1][:1].isupper():
                k += 2
            if k < self.n and self.norms[k] in self.kb.place_nouns:
                return True
            if i > 1 and self.norms[i - 1] in ("-", "–") and self.norms[i - 2] != "-" and \
                    self.gz_cover[i - 2] is not None and self.gz_cover[i - 2].hit.kind in ("PLACE", "CAPITAL"):
                return True
            if all(self.words[k].isupper() or not self.words[k].isalpha() for k in range(i, end)):
                return True   # a dateline
            return i > 0 and self.words[i - 1] == "," and end < self.n and self.gz_at.get(end) is not None
        if hit.kind in ("COUNTRY", "CAPITAL", "PLACE"):
            # "Jordan Peterson", "Victoria Nuland": a first name inside a person's name
            label = toks[i].ent_type_
            if label == "PERSON" and not (i > 0 and self.norms[i - 1] in _LOCATIVE):
                nxt = end < self.n and toks[end].ent_type_ == "PERSON" and self.cap(end) and toks[end].ent_iob_ == "I"
                prv = i > 0 and toks[i].ent_iob_ == "I" and self.cap(i - 1)
                if nxt or prv:
                    return False
        return True

    def _title_at(self, i: int) -> _Tt | None:
        kb, norms, words, n = self.kb, self.norms, self.words, self.n
        start = i
        port_end, port = i, None
        # "Energy Minister", "Trade and Integration Minister"
        j = i
        while True:
            m = None
            for end, payloads in kb.portfolios.matches(norms, j):
                m = (end, payloads[0][1])
            if m is None:
                break
            port_end, port = m
            if port_end < n and norms[port_end] in ("and", ",") and port_end + 1 < n:
                nxt = list(kb.portfolios.matches(norms, port_end + 1))
                if nxt:
                    j = port_end + 1
                    continue
            break
        best = None
        for s in ((port_end, i) if port else (i,)):
            for end, payloads in kb.titles.matches(norms, s):
                for pat, info in payloads:
                    if info.cap_only and not words[s][:1].isupper():
                        continue
                    if s != i and not info.head.endswith(("minister", "secretary", "commissioner", "spokesperson",
                                                          "spokesman", "spokeswoman", "chief", "envoy")):
                        continue
                    best = (s, end, info)
            if best is not None:
                break
        if best is None:
            return None
        s, end, info = best
        role = info.role
        if s != i and port and port.startswith(("foreign", "external affairs")) and port in (
                "foreign", "foreign affairs", "external affairs"):
            role = "FOREIGN_MINISTER" if role in ("MINISTER",) else role
        # "Minister of Investment, Industry and Trade", "Minister for Foreign Affairs"
        if info.head.endswith(("minister", "secretary", "commissioner", "minister of state")) and end + 1 < n \
                and norms[end] in ("of", "for"):
            j = end + 1
            if norms[j] == "the":
                j += 1
            last = None
            while j < n:
                m = None
                for e2, payloads in kb.portfolios.matches(norms, j):
                    m = (e2, payloads[0][1])
                if m is None:
                    break
                last = m
                if m[0] + 1 < n and norms[m[0]] in ("and", ","):
                    j = m[0] + 1
                    if norms[j] == "and":
                        j += 1
                    continue
                break
            if last is not None and self.cap(end + 1 if norms[end + 1] != "the" else end + 2) == self.cap(s):
                if last[1] in ("foreign affairs", "external affairs", "foreign") and role == "MINISTER":
                    role = "FOREIGN_MINISTER"
                end = last[0]
        if s == i and not words[i][:1].isupper() and info.cap_only:
            return None
        last = self.toks[end - 1]
        if last.pos_ not in ("NOUN", "PROPN", "X") and not last.tag_.startswith("NN") and last.text not in (".",):
            return None
        return _Tt(start, end, [role], [info.head], info.org_role, self.span_text(start, end))

    # -- 2. chunks ---------------------------------------------------------------------------
    def _eligible(self, i: int) -> bool:
        if self.tt_cover[i] is not None:
            return False
        if self.gz_cover[i] is not None:
            return True
        t = self.toks[i]
        if not self.cap(i) or t.text in ("I",) or t.is_punct or t.pos_ in ("DET", "PRON", "ADP", "CCONJ", "AUX"):
            return False
        if t.tag_ in ("NNP", "NNPS") or t.ent_type_ in _NAME_LABELS:
            return True
        s0 = self.sent_bounds[self.sent_of[i]][0]
        return i != s0 and t.is_alpha and t.pos_ not in ("PRON", "DET", "ADP", "CCONJ", "AUX", "VERB")

    def chunks(self) -> list[tuple[int, int]]:
        n, norms = self.n, self.norms
        out: list[tuple[int, int]] = []
        i = 0
        while i < n:
            if not self._eligible(i):
                i += 1
                continue
            s = i
            e = self.gz_at[i].end if i in self.gz_at else i + 1
            while e < n:
                if self._eligible(e):
                    if self.gz_cover[e] is not None and e not in self.gz_at:
                        break
                    if not self._adjacent_ok(s, e):
                        break
                    e = self.gz_at[e].end if e in self.gz_at else e + 1
                    continue
                w = norms[e]
                # hyphenated names and name particles
                if w in ("-", "–") and e + 1 < n and self.joined(e - 1) and self.joined(e) and self._eligible(e + 1):
                    e += 1
                    continue
                if w in self.kb.particles and e + 1 < n and self._eligible(e + 1) and not self.in_gz(e + 1, "COUNTRY"):
                    e += 1
                    continue
                if w in self.kb.particles and e + 2 < n and norms[e + 1] in ("-", "–") and self.joined(e) \
                        and self.joined(e + 1) and self._eligible(e + 2):
                    e += 2      # "Hadi al-Jabouri": a lowercase particle joined by a hyphen
                    continue
                if w in ("of", "for", "and", "&", "the", "'s", "on", "de", "du", "des") and e + 1 < n:
                    k = e + 1
                    if w in ("of", "for") and norms[k] == "the" and k + 1 < n:
                        k += 1
                    if self._eligible(k) and self._connects(s, e, k):
                        e = k
                        continue
                break
            out.append((s, e))
            i = e
        return out

    def _adjacent_ok(self, s: int, e: int) -> bool:
        """May the name starting at token e continue the chunk [s, e) with no connector?

        A country, demonym or place followed by a name is two things ("Kazakhstan Kassym-Jomart
        Tokayev"), unless what follows makes an organisation ("China Development Bank")."""
        prev = self.gz_cover[e - 1]
        nxt = self.gz_at.get(e)
        if prev is not None and prev.hit.kind in _COUNTRYISH and (nxt is None or nxt.hit.kind in _COUNTRYISH):
            k = e
            while k < self.n and (self._eligible(k) and self.gz_cover[k] is None or self.norms[k] in ("-",)):
                k += 1
            return k > e and self._org_role(e, k)[0] is not None
        if prev is None and nxt is not None and nxt.hit.kind in ("COUNTRY", "CAPITAL", "PLACE", "PEOPLE") and \
                self.norms[e - 1] not in ("of", "the", "for", "and", "&", "-", "'s") and not (
                self.toks[e].ent_type_ in ("ORG", "FAC") and self.toks[e].ent_iob_ == "I"
                and self.toks[s].ent_type_ in ("ORG", "FAC")):
            # "Xi Jinping China" never; "Development Bank of China" has its "of"
            return False
        return True

    def in_gz(self, i: int, kind: str) -> bool:
        g = self.gz_cover[i]
        return g is not None and g.hit.kind == kind

    def _connects(self, s: int, c: int, k: int) -> bool:
        """May the connector at token c join the chunk [s, c) to the name starting at k?"""
        toks = self.toks
        if toks[c].ent_iob_ == "I" and toks[k].ent_iob_ == "I" and toks[s].ent_type_ in (
                "ORG", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT") and all(
                toks[j].ent_iob_ == "I" for j in range(s + 1, k + 1)):
            return True
        if self.norms[c] in ("of", "for") and self._org_role(s, c)[0] is not None:
            return True
        return False

    def _org_role(self, s: int, e: int) -> tuple[str | None, str]:
        """Role from the organisation head word in tokens [s, e) and that word: the last keyword before of/for."""
        kb, norms = self.kb, self.norms
        stop = e
        for j in range(s, e):
            if norms[j] in ("of", "for") and j > s:
                stop = j
                break
        found: tuple[str | None, str] = (None, "")
        j = s
        while j < stop:
            m = None
            for end, payloads in kb.org_keywords.matches(norms, j):
                if end <= stop and _case_ok(payloads[0][0], self.words[j:end]):
                    m = (end, payloads[0][1], payloads[0][0])
            if m is not None:
                found = (m[1], " ".join(m[2]).lower())
                j = m[0]
            else:
                j += 1
        if found[0] == "BUS" or found[0] == "GOV":
            txt = tuple(norms[s:e])
            for w in kb.national_bank:
                if any(txt[k:k + len(w)] == w for k in range(len(txt))):
                    return "GOV", "bank"
        return found

    # -- 3. mentions -------------------------------------------------------------------------
    def build_mentions(self) -> None:
        chunks = self.chunks()
        chunk_at = {s: e for s, e in chunks}
        chunk_of = [-1] * self.n
        for s, e in chunks:
            for k in range(s, e):
                chunk_of[k] = s
        self.chunk_at, self.chunk_of = chunk_at, chunk_of
        consumed: set[int] = set()
        absorbed = bytearray(self.n)
        ms: list[_M] = []
        titles = sorted(self.tt_at.values(), key=lambda t: t.start)
        # titles first: they claim the names they introduce and the modifiers before them
        for t in titles:
            m = self._title_mention(t, consumed, absorbed)
            if m is not None:
                ms.append(m)
        for s, e in chunks:
            if s in consumed:
                continue
            if any(absorbed[k] for k in range(s, e)):
                # a demonym or organisation folded into a person's descriptor
                if all(absorbed[k] for k in range(s, e)):
                    continue
            ms.extend(self._chunk_mentions(s, e, absorbed))
        ms.extend(self._pronouns())
        ms.sort(key=lambda m: (m.start, -(m.end - m.start)))
        self.mentions = ms

    def _descriptor_left(self, t: _Tt, absorbed: bytearray | None) -> _Desc:
        """Walk left from a title over modifiers: determiners, demonyms, possessives, organisations."""
        kb, norms, words = self.kb, self.norms, self.words
        d = _Desc(start=t.start, end=t.end, title=t)
        j = t.start - 1
        claim: list[int] = []
        while j >= 0:
            w = norms[j]
            g = self.gz_cover[j]
            if g is not None and g.hit.kind in ("DEMONYM", "COUNTRY", "IGOMOD", "IGO", "ORG", "CAPITAL") \
                    and self.tt_cover[j] is None:
                if d.country is None:
                    d.country = g.hit.value
                    if g.hit.kind in ("IGO", "ORG"):
                        d.org = _M(g.start, g.end, g.hit.kind, name=self.span_text(g.start, g.end), country=g.hit.value,
                                   role=g.hit.role, gz=g.hit)
                claim.extend(range(g.start, g.end))
                j = g.start - 1
                continue
            if w in ("'s", "'") and j > 0:
                # Kazakhstan's / the bank's / Tokayev's
                k = j - 1
                g = self.gz_cover[k]
                if g is not None and g.hit.kind in ("COUNTRY", "IGO", "ORG", "CAPITAL"):
                    if d.country is None:
                        d.country = g.hit.value
                    if g.hit.kind in ("IGO", "ORG") and d.org is None:
                        d.org = _M(g.start, g.end, g.hit.kind, name=self.span_text(g.start, g.end), country=g.hit.value,
                                   role=g.hit.role, gz=g.hit)
                    claim.extend(range(g.start, j + 1))
                    j = g.start - 1
                    continue
                owner = self.tt_cover[k]
                if owner is not None and owner is not t:
                    # "Georgian Prime Minister's envoy X", "Kazakh President's adviser X": the country of
                    # the official whose aide X is
                    od = self._descriptor_left(owner, None)
                    if d.country is None and od.country is not None:
                        d.country = od.country
                    claim.extend(range(od.start, j + 1))
                    j = od.start - 1
                    continue
                if norms[k] in kb.common_heads:
                    ks = k - 1 if k > 0 and norms[k - 1] == "the" else k
                    d.org_ref = (k, k + 1)
                    d.has_det = d.has_det or ks < k
                    d.definite = True
                    j = ks - 1
                    d.start = ks
                    continue
                if self.chunk_of[k] != -1 and self._is_orgish(self.chunk_of[k], k + 1):
                    cs = self.chunk_of[k]
                    role, _ = self._org_role(cs, k + 1)
                    d.org = _M(cs, k + 1, "ORG", name=self.span_text(cs, k + 1), role=role)
                    claim.extend(range(cs, j + 1))
                    j = cs - 1
                    continue
                break
            if w in _DETS:
                d.has_det = True
                if w in ("the", "this", "that", "its", "his", "her", "their"):
                    d.definite = True
                if w in ("his", "her"):
                    d.counterpart_of = w
                d.start = j
                j -= 1
                break
            if w in kb.title_modifiers and not words[j][:1].isupper() or (
                    w in kb.title_modifiers and self.chunk_of[j] == -1 and self.gz_cover[j] is None):
                if w in ("deputy", "vice", "first deputy"):
                    d.deputy = True
                claim.append(j)
                j -= 1
                continue
            if w in ("-",) and j > 0 and norms[j - 1] in ("ex", "then", "vice"):
                claim.extend((j, j - 1))
                j -= 2
                continue
            # "the United Nations Emergency Relief Coordinator": unknown capitalised words before the title
            cs = self.chunk_of[j]
            if cs != -1 and self.chunk_at.get(cs) == j + 1 and not any(
                    self.toks[k].ent_type_ == "PERSON" for k in range(cs, j + 1)) and self.gz_at.get(cs) is None \
                    and t.org_role:
                claim.extend(range(cs, j + 1))
                j = cs - 1
                continue
            if cs != -1 and self.chunk_at.get(cs) == j + 1 and self._is_orgish(cs, j + 1):
                role, _ = self._org_role(cs, j + 1)
                d.org = _M(cs, j + 1, "ORG", name=self.span_text(cs, j + 1), role=role,
                           country=self._chunk_country(cs, j + 1))
                if d.country is None:
                    d.country = d.org.country
                claim.extend(range(cs, j + 1))
                j = cs - 1
                continue
            break
        if claim:
            d.start = min(d.start, min(claim))
        if absorbed is not None:
            for k in claim:
                absorbed[k] = 1
        return d

    def _of_phrase(self, j: int) -> tuple[int, str | None, _M | None]:
        """After a title: "of [the] <country | organisation>" -> (end, country, org)."""
        n, norms = self.n, self.norms
        if j + 1 >= n or norms[j] not in ("of", "for", "at"):
            return j, None, None
        k = j + 1
        if norms[k] == "the" and k + 1 < n:
            k += 1
        cs = self.chunk_of[k]
        if cs == -1 or cs != k:
            return j, None, None
        ce = self.chunk_at[cs]
        g = self.gz_at.get(cs)
        if g is not None and g.end == ce:
            if g.hit.kind in ("COUNTRY", "CAPITAL", "DEMONYM", "PLACE"):
                return (ce, g.hit.value, None) if norms[j] != "at" else (j, None, None)
            if g.hit.kind in ("IGO", "ORG"):
                return ce, g.hit.value, _M(cs, ce, g.hit.kind, name=self.span_text(cs, ce), country=g.hit.value,
                                           role=g.hit.role, gz=g.hit)
        if self._is_orgish(cs, ce):
            role, _ = self._org_role(cs, ce)
            country = self._chunk_country(cs, ce)
            return ce, country, _M(cs, ce, "ORG", name=self.span_text(cs, ce), country=country, role=role)
        return j, None, None

    def _is_orgish(self, s: int, e: int) -> bool:
        g = self.gz_at.get(s)
        if g is not None and g.end == e:
            return g.hit.kind in ("ORG", "IGO")
        role, _ = self._org_role(s, e)
        return role is not None and role in self.kb.strong_roles or (
            role is not None and self.toks[s].ent_type_ == "ORG")

    def _chunk_country(self, s: int, e: int) -> str | None:
        vals = []
        j = s
        while j < e:
            g = self.gz_at.get(j)
            if g is not None:
                if g.hit.value and g.hit.kind != "PEOPLE":
                    vals.append(g.hit.value)
                j = g.end
            else:
                j += 1
        igo = [v for v in vals if v.startswith("IGO:")]
        if igo:
            return igo[0]
        uniq = list(dict.fromkeys(vals))
        if len(uniq) == 1:
            return uniq[0]
        # "Ministry of Transport of the Republic of Kazakhstan" -> the country after "of"
        for j in range(s, e):
            if self.norms[j] == "of":
                k = j + 1 + (self.norms[j + 1] == "the" if j + 1 < e else 0)
                g = self.gz_at.get(k)
                if g is not None and g.hit.kind in ("COUNTRY",) and g.hit.value:
                    return g.hit.value
        return None

    def _name_chunk(self, k: int) -> tuple[int, int] | None:
        """A person-like name chunk starting at token k."""
        cs = self.chunk_of[k] if k < self.n else -1
        if cs != k:
            return None
        ce = self.chunk_at[cs]
        g = self.gz_at.get(cs)
        if g is not None:
            if g.end == ce or g.hit.kind not in ("DEMONYM",):
                return None
        if self._is_orgish(cs, ce):
            return None
        if any(self.words[j].isdigit() for j in range(cs, ce)):
            return None
        return cs, ce

    def _title_mention(self, t: _Tt, consumed: set, absorbed: bytearray) -> _M | None:
        n, norms = self.n, self.norms
        d = self._descriptor_left(t, None)
        j = t.end
        country, org = d.country, d.org
        # of-phrases: "President of Kazakhstan", "vice-president of the bank", "Minister ... of the PRC"
        end_of = j
        while True:
            e2, c2, o2 = self._of_phrase(end_of)
            if e2 == end_of:
                break
            country = country or c2
            if o2 is not None:
                org = org or o2
                if o2.country and not country:
                    country = o2.country
            end_of = e2
        if end_of == j and j + 1 < n and norms[j] in ("of", "for") and norms[j + 1] in ("the",) and j + 2 < n \
                and norms[j + 2] in self.kb.common_heads:
            d.org_ref = (j + 2, j + 3)
            end_of = j + 3
        # "chargé d'affaires in Astana, Sergei Malyshev": the posting is not the person's country
        if end_of + 1 < n and norms[end_of] in ("in", "to") and self.chunk_of[end_of + 1] == end_of + 1 and \
                self.chunk_at[end_of + 1] + 1 < n and norms[self.chunk_at[end_of + 1]] == ",":
            end_of = self.chunk_at[end_of + 1]
        # the name: directly after, or after a comma
        name = None
        k = end_of
        if k < n and self._name_chunk(k):
            name = self._name_chunk(k)
        elif k + 1 < n and norms[k] == "," and self._name_chunk(k + 1):
            cand = self._name_chunk(k + 1)
            if self._personish(*cand, strict=True):
                name = cand
        appos = None
        if name is None and d.start >= 2 and norms[d.start - 1] == ",":
            # "Afrim Gashi, President of the Assembly ...": an appositive after a name
            pe = d.start - 1
            cs = self.chunk_of[pe - 1] if pe >= 1 else -1
            if cs != -1 and self.chunk_at.get(cs) == pe and self._personish(cs, pe, strict=True) and \
                    self._appositive(cs, pe, t, end_of):
                appos = (cs, pe)
        if name is None and appos is None:
            # a reference: "the President", "the Kazakh leader", "President of China"
            if not (d.definite or d.country or country or org or d.org_ref) or t.heads[-1].endswith("s") \
                    and t.heads[-1] not in self.kb.title_compat:
                return None
            if d.has_det and norms[d.start] in ("a", "an", "some", "several", "many", "any", "each", "every", "another",
                                               "other", "such", "two", "both", "all"):
                return None
            if not any(h in self.kb.title_compat and "*" not in self.kb.title_compat[h] for h in t.heads):
                return None
            self._claim_descriptor(t, absorbed)
            m = _M(d.start, end_of, "TITLEREF", name=self.span_text(d.start, end_of), country=country,
                   title=t.text, roles=tuple(t.roles))
            m.compat = tuple(dict.fromkeys(r for h in t.heads for r in self.kb.title_compat.get(h, ())))
            m.role = self._title_role(t, org, d)
            m.head = self._head_of(d.start, end_of)
            return m
        self._claim_descriptor(t, absorbed)
        role = self._title_role(t, org, d)
        counterpart = "COUNTERPART" in t.roles
        if name is not None:
            ns, ne = name
            consumed.add(ns)
            # after the name: "of <country>" ("King Hassan of Morocco", "President Xi Jinping of China")
            ee, c3, o3 = self._of_phrase(ne)
            if ee != ne and (c3 or o3):
                country = country or c3 or (o3.country if o3 else None)
                org = org or o3
                role = self._title_role(t, org, d) if o3 else role
            else:
                ee = ne
            span = (d.start + (1 if d.has_det and norms[d.start] in _DETS else 0), ee)
            if norms[ns - 1] == "," if ns > 0 else False:
                # the title before the comma is a second span of the same mention
                m = _M(ns, ee, "PERSON", name=self.span_text(ns, ne), country=country, role=role,
                       title=t.text, roles=tuple(t.roles), name_span=(ns, ne))
                m.extra.append((span[0], end_of))
            else:
                m = _M(span[0], span[1], "PERSON", name=self.span_text(ns, ne), country=country, role=role,
                       title=t.text, roles=tuple(t.roles), name_span=(ns, ne))
        else:
            ns, ne = appos
            consumed.add(ns)
            m = _M(ns, ne, "PERSON", name=self.span_text(ns, ne), country=country, role=role, title=t.text,
                   roles=tuple(t.roles), name_span=(ns, ne))
            m.extra.append((d.start + (1 if d.has_det else 0), end_of))
        m.counterpart = counterpart
        m.compat = tuple(dict.fromkeys(r for h in t.heads for r in self.kb.title_compat.get(h, ())))
        if d.org_ref:
            m.extra.append(("ORGREF",) + d.org_ref)  # type: ignore[arg-type]
        m.label = "PERSON"
        m.head = self._head_of(*m.name_span)
        return m

    def _appositive(self, ns: int, ne: int, t: _Tt, end: int | None = None) -> bool:
        """The parse makes the title an appositive of the name (or the name one of the title), or the
        title phrase is closed off by a comma ("Kofi Annan, UN secretary-general, ...")."""
        if end is not None and end < self.n and self.norms[end] in (",", ";", ")", "--") or (
                end is not None and end < self.n and self.norms[end] == "." and end + 1 >= self.n):
            return True
        th = self.toks[self._head_of(t.start, t.end)]
        if th.dep_ == "appos" and ns <= th.head.i < ne:
            return True
        nh = self.toks[self._head_of(ns, ne)]
        return nh.dep_ == "appos" and t.start <= nh.head.i < t.end

    def _claim_descriptor(self, t: _Tt, absorbed: bytearray) -> None:
        self._descriptor_left(t, absorbed)

    def _title_role(self, t: _Tt, org: _M | None, d: _Desc) -> str | None:
        roles = [r for r in t.roles if r not in ("COUNTERPART",)]
        role = min(roles, key=lambda r: self.kb.role_rank.get(r, 99)) if roles else None
        orgrole = org.role if org is not None else ("BUS" if d.org_ref and self.kb.common_heads.get(
            self.norms[d.org_ref[0]]) == "BUS" else None)
        if d.org_ref and orgrole is None:
            orgrole = self.kb.common_heads.get(self.norms[d.org_ref[0]])
        if orgrole and (role in (None, "ORG_HEAD", "HEAD_OF_STATE", "DEPUTY_HEAD_OF_STATE") or t.org_role):
            role = orgrole if orgrole != "IGO" else "IGO"
        elif role == "ORG_HEAD":
            role = "GOV" if d.country else None
        if d.deputy:
            role = {"MINISTER": "DEPUTY_MINISTER", "FOREIGN_MINISTER": "DEPUTY_MINISTER",
                    "HEAD_OF_GOV": "DEPUTY_HEAD_OF_GOV", "HEAD_OF_STATE": "DEPUTY_HEAD_OF_STATE"}.get(role, role)
        return role

    def _personish(self, s: int, e: int, strict: bool = False) -> bool:
        toks = self.toks
        if any(toks[k].ent_type_ == "PERSON" for k in range(s, e)):
            return True
        if self.gz_at.get(s) is not None and self.gz_at[s].end == e:
            return False
        if self._is_orgish(s, e):
            return False
        words = [self.words[k] for k in range(s, e) if self.words[k] not in ("-",)]
        if strict:
            return 1 <= len(words) <= 4 and all(w[:1].isupper() and not w.isupper() or len(w) <= 3 for w in words) \
                and toks[s].ent_type_ not in ("GPE", "LOC", "DATE", "NORP")
        return True

    def _head_of(self, s: int, e: int) -> int:
        for k in range(e - 1, s - 1, -1):
            h = self.toks[k].head.i
            if not (s <= h < e) or h == k:
                return k
        return e - 1

    def _chunk_mentions(self, s: int, e: int, absorbed: bytearray) -> list[_M]:
        """Mentions for a name chunk not claimed by a title."""
        toks, norms = self.toks, self.norms
        while s < e and absorbed[s]:
            s += 1
        if s >= e:
            return []
        g = self.gz_at.get(s)
        text = self.span_text(s, e)
        label = Counter(toks[k].ent_type_ for k in range(s, e) if toks[k].ent_type_).most_common(1)
        label = label[0][0] if label else ""
        pieces = []
        j = s
        while j < e:
            gj = self.gz_at.get(j)
            if gj is not None:
                pieces.append(("G", j, gj.end, gj.hit))
                j = gj.end
            else:
                k = j
                while k < e and self.gz_at.get(k) is None:
                    k += 1
                pieces.append(("R", j, k, None))
                j = k
        # 1. exactly one gazetteer span
        if g is not None and g.end == e:
            return [self._gaz_mention(g)]
        orgish = self._is_orgish(s, e)
        if orgish and e - s == 1 and g is None and not self.words[s].isupper():
            return []
        runs = [p for p in pieces if p[0] == "R" and any(self.words[k][:1].isalnum() for k in range(p[1], p[2]))]
        gzs = [p for p in pieces if p[0] == "G"]
        if orgish or (label in ("ORG", "FAC") and gzs and runs and not any(
                toks[k].ent_type_ == "PERSON" for k in range(s, e))):
            role, head = self._org_role(s, e)
            known = [p[3] for p in gzs if p[3].kind in ("ORG", "IGO")]
            if known and not role:
                role = known[0].role
            country = self._chunk_country(s, e) or self._possessor_country(s)
            m = _M(s, e, "IGO" if country and country.startswith("IGO:") else "ORG", name=text, country=country,
                   role="IGO" if country and country.startswith("IGO:") else role, label=label)
            m.head = self._head_of(s, e)
            m.title = head
            # the demonym/country in front of an organisation is the organisation's, not a separate mention
            return [m]
        if not gzs:
            return self._name_mentions(s, e, label)
        # mixed: "Chinese Xi Jinping" -> a person with a country; otherwise the parts one by one
        if len(runs) == 1 and runs[0][2] == e and all(p[3].kind in ("DEMONYM", "COUNTRY") for p in gzs) \
                and self._personish(runs[0][1], runs[0][2], strict=True) and any(
                toks[k].ent_type_ == "PERSON" for k in range(runs[0][1], e)):
            ms = self._name_mentions(runs[0][1], e, "PERSON")
            for m in ms:
                m.start = s
                m.country = m.country or gzs[-1][3].value
            return ms
        out = []
        for p in pieces:
            if p[0] == "G":
                out.append(self._gaz_mention(self.gz_at[p[1]]))
            elif p[2] > p[1] and any(self.words[k][:1].isalnum() for k in range(p[1], p[2])):
                a, b = p[1], p[2]
                while a < b and norms[a] in ("of", "the", "and", "for", "-", "'s", "&"):
                    a += 1
                while b > a and norms[b - 1] in ("of", "the", "and", "for", "-", "'s", "&"):
                    b -= 1
                if a < b:
                    lab = Counter(toks[k].ent_type_ for k in range(a, b) if toks[k].ent_type_).most_common(1)
                    out.extend(self._name_mentions(a, b, lab[0][0] if lab else ""))
        return out

    def _possessor_country(self, s: int) -> str | None:
        """"Israel's Cabinet", "the Kazakh state company X": the country right before a name."""
        j = s - 1
        if j >= 1 and self.norms[j] in ("'s", "'"):
            g = self.gz_cover[j - 1]
            if g is not None and g.hit.kind in ("COUNTRY", "CAPITAL") and g.hit.value:
                return g.hit.value
            return None
        # "Israeli right-winger Ariel Sharon", "the Chinese company CNNC": lower-case nouns after a demonym
        k = j
        while k >= 0 and s - k <= 4 and not self.cap(k) and (self.toks[k].pos_ in ("NOUN", "ADJ") or
                                                            self.norms[k] in ("-",) or (
                # "Namibia's state-owned National Hydrogen Company"
                self.toks[k].tag_ == "VBN" and k >= 1 and self.norms[k - 1] == "-")):
            k -= 1
        if k < j and k >= 0:
            g = self.gz_cover[k]
            head = self.toks[self._head_of(s, self.chunk_at.get(s, s + 1))]
            # "Saudi company X", "US firm Y": a country name used as a demonym counts too
            if g is not None and g.hit.kind in ("DEMONYM", "COUNTRY") and g.hit.value and head.left_edge.i <= k:
                return g.hit.value
            # "Dubai-based Gulf Gateway Ports": the country of the city it is based in
            if g is not None and g.hit.kind in ("CAPITAL", "PLACE", "COUNTRY") and g.hit.value and k + 2 < s \
                    and self.norms[k + 1] == "-" and self.norms[k + 2] in self.kb.based_words:
                return g.hit.value
            # "Turkey's development agency TIKA", "Germany's KfW development bank"
            if k >= 1 and self.norms[k] in ("'s", "'"):
                g = self.gz_cover[k - 1]
                if g is not None and g.hit.kind in ("COUNTRY", "CAPITAL") and g.hit.value:
                    return g.hit.value
        return None

    def _gaz_mention(self, g: _Gz) -> _M:
        h = g.hit
        kind = {"COUNTRY": "COUNTRY", "DEMONYM": "COUNTRY", "PEOPLE": "COUNTRY", "CAPITAL": "CAPITAL", "PLACE": "PLACE",
                "IGO": "IGO", "IGOMOD": "IGO", "ORG": "ORG"}[h.kind]
        country = h.value
        j = g.start - 1
        if kind == "ORG" and j >= 1 and self.norms[j] in ("'s", "'"):
            # "Argentina's Congress", "Kenya's parliament": the possessor's, not the name's usual country
            own = self.gz_cover[j - 1]
            if own is not None and own.hit.kind in ("COUNTRY", "CAPITAL") and own.hit.value:
                country = own.hit.value
        m = _M(g.start, g.end, kind, name=self.span_text(g.start, g.end), country=country, role=h.role, gz=h)
        m.head = self._head_of(g.start, g.end)
        return m

    def _name_mentions(self, s: int, e: int, label: str) -> list[_M]:
        """A capitalised name with no title: person, organisation, place or event (or nothing)."""
        text = self.span_text(s, e)
        toks = self.toks
        m = _M(s, e, "", name=text, label=label, name_span=(s, e))
        m.head = self._head_of(s, e)
        words = [w for w in self.words[s:e] if w not in ("-",)]
        heading = self._is_heading(s, e)
        if s > 0 and self.norms[s - 1] in self.kb.org_nouns and label in ("PERSON", ""):
            label = "ORG"        # "Turkish construction group Anatolia Yapı": a company, whatever spaCy says
        if label == "PERSON" or (label in ("ORG", "") and self._looks_like_person(s, e)):
            m.kind = "PERSON"
            m.country = self._possessor_country(s)
            if e + 1 < self.n and self.norms[e] == "of":
                g = self.gz_at.get(e + 1)
                if g is not None and g.hit.kind == "COUNTRY":
                    m.country = m.country or g.hit.value
        elif label in ("ORG", "NORP") and (len(words) > 1 or words[0].isupper() or label == "ORG"):
            if label == "NORP":
                return []
            m.kind = "ORG"
            m.role, m.title = self._org_role(s, e)
            m.country = self._possessor_country(s)      # "Turkey's development agency TIKA"
        elif label in ("GPE", "LOC", "FAC"):
            m.kind = "PLACE" if label != "FAC" else "ORG"
            # "the Kazakh city of X", "in the X region of Kazakhstan"; a company the recogniser
            # took for a facility: "South Korea's Hanseong Battery"
            m.country = self._place_context(s, e) or (self._possessor_country(s) if label == "FAC" else None)
        elif label == "EVENT":
            a = s
            while a > 0 and toks[a].ent_iob_ == "I":
                a -= 1
            b = e
            while b < self.n and toks[b].ent_iob_ == "I":
                b += 1
            whole = b == e and all(self.norms[x] in _DETS for x in range(a, s))
            m.kind = "EVENT" if whole else "NAME?"
        elif len(words) == 1 and words[0].isupper() and 2 <= len(words[0]) <= 8:
            m.kind = "ACRONYM"
        else:
            m.kind = "NAME?"   # resolved against earlier names, else dropped
        if heading and m.kind in ("PERSON", "ORG", "EVENT", "PLACE") and not m.role:
            m.kind = "NAME?"   # a heading: only a name met before counts
        m.soft = label != "PERSON" and not (m.kind == "ORG" and m.role)
        return [m] if m.kind else []

    def _is_heading(self, s: int, e: int) -> bool:
        """A chunk that is a whole line of its own: a section heading, not a name."""
        text = self.text
        a, b = self.char_span(s, e)
        before = text.rfind("\n", 0, a)
        after = text.find("\n", b)
        after = len(text) if after == -1 else after
        if text[before + 1:a].strip():
            return False
        line = text[before + 1:after].strip()
        return not line.endswith((".", "!", "?", "”", '"', "»", ",", ";")) and len(line.split()) <= 10

    def _looks_like_person(self, s: int, e: int) -> bool:
        """spaCy says ORG (or nothing), but: two or three title-case words, no organisation word, acting as a person."""
        words = [self.words[k] for k in range(s, e) if self.words[k] != "-"]
        if not 2 <= len(words) <= 4 or not all(w[:1].isupper() and not w.isupper() for w in words):
            return False
        if self._org_role(s, e)[0] is not None or any(self.gz_cover[k] for k in range(s, e)):
            return False
        h = self.toks[self._head_of(s, e)]
        if h.dep_ in _SUBJ and h.head.lemma_ in self.kb.person_verbs:
            return True
        if h.dep_ == "appos" or (e < self.n and self.norms[e] == "," and e + 1 < self.n and self.norms[e + 1] == "who"):
            return True
        return False

    def _place_context(self, s: int, e: int) -> str | None:
        norms = self.norms
        # "the Kazakh city of Uralsk", "Kazakhstan's city of X"
        j = s - 1
        if j >= 1 and norms[j] == "of" and norms[j - 1] in self.kb.place_nouns:
            k = j - 2
            while k >= 0 and norms[k] in self.kb.title_modifiers | {"border", "northern", "southern", "eastern",
                                                                     "western", "central", "'s"}:
                k -= 1
            g = self.gz_cover[k] if k >= 0 else None
            if g is not None and g.hit.kind in ("DEMONYM", "COUNTRY"):
                return g.hit.value
        # "Uralsk, Kazakhstan"
        if e + 1 < self.n and norms[e] == ",":
            g = self.gz_at.get(e + 1)
            if g is not None and g.hit.kind == "COUNTRY":
                return g.hit.value
        return None

    def _pronouns(self) -> list[_M]:
        out = []
        for t in self.toks:
            w = self.norms[t.i]
            if w not in self.kb.pronouns or self.in_quote[t.i]:
                continue
            if w in ("he", "she") and t.dep_ not in _SUBJ and not (t.dep_ == "conj" and t.head.dep_ in _SUBJ):
                continue
            if w in ("his", "her") and not (t.dep_ == "poss" and t.head.dep_ in _SUBJ):
                continue
            if w == "him":
                continue
            m = _M(t.i, t.i + 1, "PRONOUN", name=t.text)
            m.head = t.i
            out.append(m)
        return out

    # -- 4. resolution in document order -----------------------------------------------------
    def resolve(self) -> None:
        self.by_name: dict[str, int] = {}          # normalised full names -> entity
        self.by_token: dict[str, list[int]] = defaultdict(list)   # person name tokens -> entities
        self.by_country: dict[str, int] = {}
        self.by_initials: dict[str, int] = {}
        self.persons: list[int] = []
        self.orgs: list[int] = []
        self.subjects: dict[int, list[tuple[int, int]]] = defaultdict(list)   # sentence -> [(token, entity)]
        self.persons_in_sent: dict[int, list[tuple[int, int]]] = defaultdict(list)
        self.speakers: dict[int, int] = {}
        self.gender: dict[int, str] = {}
        self.kb_pronoun_gender = self.kb.pronouns
        for mi, m in enumerate(self.mentions):
            k = self._resolve_one(m)
            m.ent = k
            if k < 0:
                if m.kind == "TITLEREF":
                    self.refs[m.start] = m
                    for x in range(m.start, m.end):
                        if self.tok_mention[x] < 0:
                            self.tok_mention[x] = mi
                continue
            e = self.ents[k]
            spans = [(m.start, m.end)] + [x for x in m.extra if len(x) == 2]
            for a, b in spans:
                cs = self.char_span(a, b)
                if cs not in e.spans:
                    e.spans.append(cs)
                form = self.span_text(a, b) if m.kind not in ("TITLEREF",) else self._ref_form(a, b)
                if m.kind != "PRONOUN" and form not in e.forms:
                    e.forms.append(form)
                for x in range(a, b):
                    cur = self.tok_mention[x]
                    if cur < 0 or (self.mentions[cur].end - self.mentions[cur].start) <= (b - a):
                        self.tok_mention[x] = mi
            e.last = max(e.last, m.start)
            if e.kind == "PERSON":
                sent = self.sent_of[m.start]
                self.persons_in_sent[sent].append((m.start, k))
                h = self.toks[m.head] if m.head >= 0 else None
                if h is not None and not self.in_quote[h.i] and (
                        h.dep_ in _SUBJ or (h.dep_ == "poss" and h.head.dep_ in _SUBJ and m.kind == "PRONOUN")
                        or (h.dep_ == "conj" and h.head.dep_ in _SUBJ)):
                    self.subjects[sent].append((h.i, k))
                if h is not None and h.dep_ == "pobj" and h.head.lower_ == "to" and h.head.head.lower_ == "according":
                    self.speakers[sent] = k

    def _ref_form(self, a: int, b: int) -> str:
        t = self.span_text(a, b)
        return t[0].lower() + t[1:] if t[:4] in ("The ", "This") else t

    def _new(self, m: _M, kind: str, typ: str, name: str, **kw) -> int:
        e = _E(kind=kind, type=typ, name=name, **kw)
        self.ents.append(e)
        return len(self.ents) - 1

    def _resolve_one(self, m: _M) -> int:
        kind = m.kind
        if m.soft and kind != "PERSON":
            k = self._known_person(m)
            if k is not None:
                m.kind = "PERSON"
                return self._resolve_person(m)
        if kind == "COUNTRY":
            iso = m.country
            if not iso:
                return -1
            k = self.by_country.get(iso)
            if k is None:
                k = self._new(m, "COUNTRY", "GPE", self.kb.country_names.get(iso, m.name), country=iso, role="GOV")
                self.by_country[iso] = k
            e = self.ents[k]
            if m.gz is not None and m.gz.kind == "COUNTRY":
                # canonical name: the fullest country name the document uses (acronyms only if nothing else)
                nm = m.name[4:] if m.name.startswith(("the ", "The ")) else m.name
                acronym = nm.replace(".", "").isupper() and len(nm) <= 5
                if not e.full or (len(nm) > len(e.name) and not acronym):
                    if not (acronym and e.full):
                        e.name, e.full = nm, not acronym or e.full
            return k
        if kind in ("CAPITAL", "PLACE"):
            key = "P:" + _norm(m.name)
            k = self.by_name.get(key)
            if k is None:
                typ = "LOC" if m.label == "LOC" else "GPE"
                k = self._new(m, "PLACE", typ, m.name, country=m.country, capital=kind == "CAPITAL")
                self.by_name[key] = k
            elif self.ents[k].name.isupper() and not m.name.isupper():
                self.ents[k].name = m.name     # "WARSAW —" in the dateline, then "Warsaw": the name as written
            return k
        if kind == "IGO":
            m.role = "IGO"
            if m.gz is not None and m.gz.kind == "IGOMOD":
                # "European": the organisation itself, under its own name
                return self._resolve_org(m, self.kb.igo_names.get(m.country or "", m.name))
            return self._resolve_org(m)
        if kind in ("ORG", "ACRONYM"):
            return self._resolve_org(m)
        if kind == "EVENT":
            key = "V:" + _norm(m.name)
            k = self.by_name.get(key)
            if k is None:
                k = self._new(m, "EVENT", "EVENT", m.name)
                self.by_name[key] = k
            return k
        if kind in ("PERSON", "NAME?"):
            return self._resolve_person(m)
        if kind == "TITLEREF":
            return self._resolve_titleref(m)
        if kind == "PRONOUN":
            return self._resolve_pronoun(m)
        return -1

    def _resolve_org(self, m: _M, name: str | None = None) -> int:
        name = name or (m.name[4:] if m.name.startswith(("the ", "The ")) else m.name)
        key = "O:" + _LEGAL.sub("", _norm(name)).strip()
        k = self.by_name.get(key)
        if k is not None:
            e = self.ents[k]
            e.country = e.country or m.country
            e.role = e.role or m.role
            return k
        words = [w for w in re.split(r"[\s\-]+", name) if w]
        if len(words) == 1 and name.isupper() and "." in name:
            name = name.replace(".", "")
        if len(words) == 1 and name.isupper():
            k = self.by_initials.get(name)
            if k is not None:
                self.by_name[key] = k
                e = self.ents[k]
                e.country = e.country or m.country
                e.role = e.role or m.role
                return k
            if m.kind in ("ORG", "IGO"):
                k = self._new(m, m.kind, "ORG", name, country=m.country, role=m.role)
                self.ents[k].initials = name
                self.by_name[key] = k
                self.by_initials[name] = k
                self.orgs.append(k)
                return k
            # a bracketed full name right after: "CNNC [China National Nuclear Corporation]"
            if m.kind == "ACRONYM":
                # resolved later when the full name comes; an unknown acronym alone is dropped
                k = self._new(m, "ORG", "ORG", name, country=m.country, role=m.role)
                self.ents[k].initials = name
                self.by_name[key] = k
                self.by_initials[name] = k
                self.orgs.append(k)
                return k
        initials = "".join(w[0] for w in words if w[:1].isupper() and w.lower() not in ("of", "the", "and", "for"))
        if len(initials) >= 2 and initials in self.by_initials:
            k = self.by_initials[initials]
            e = self.ents[k]
            if e.name.isupper():
                # the acronym came first: the full name becomes the canonical one
                e.forms.append(e.name)
                e.name = name
            e.country = e.country or m.country
            e.role = e.role or m.role
            self.by_name[key] = k
            return k
        k = self._new(m, "IGO" if m.kind == "IGO" else "ORG", "ORG", name, country=m.country, role=m.role)
        e = self.ents[k]
        e.head_word = (m.title or "").split(" ")[-1] if m.title else ""
        e.initials = initials
        self.by_name[key] = k
        if len(initials) >= 2:
            self.by_initials.setdefault(initials, k)
        self.orgs.append(k)
        return k

    def _person_key(self, m: _M) -> tuple[str, ...]:
        s, e_ = m.name_span or (m.start, m.end)
        toks = tuple(_norm(w) for w in self.words[s:e_] if w not in ("-", "–", "."))
        return tuple(t for t in toks if t not in self.kb.particles and t.rstrip(".") not in self.kb.honorifics) or toks

    def _known_person(self, m: _M) -> int | None:
        toks = self._person_key(m)
        k = self.by_name.get("N:" + " ".join(toks))
        if k is not None and self.ents[k].kind == "PERSON":
            return k
        if len(toks) == 1 and self.by_token.get(toks[0]):
            return self.by_token[toks[0]][-1]
        return None

    def _resolve_person(self, m: _M) -> int:
        s, e_ = m.name_span or (m.start, m.end)
        toks = self._person_key(m)
        key = "N:" + " ".join(toks)
        k = self.by_name.get(key)
        if k is None and len(toks) == 1:
            cands = self.by_token.get(toks[0], [])
            if m.compat or m.roles:
                fit = [c for c in cands if self._role_fits(c, set(m.roles) | set(m.compat), m.country)]
                cands = fit or ([] if m.kind == "PERSON" and m.roles and cands and all(
                    self.ents[c].roles and not self._role_fits(c, m.roles, m.country) for c in cands) else cands)
            if cands:
                k = max(cands, key=lambda c: self.ents[c].last)
        if k is None and len(toks) > 1:
            # an earlier single-name person gets the full name ("Xi" ... "Xi Jinping")
            for t in toks:
                for c in self.by_token.get(t, []):
                    if not self.ents[c].full:
                        k = c
                        break
                if k is not None:
                    break
            if k is not None:
                e = self.ents[k]
                e.forms.append(e.name)
                e.name = self.span_text(s, e_)
                e.full = True
                for t in toks:
                    if k not in self.by_token[t]:
                        self.by_token[t].append(k)
        if k is None:
            if m.kind == "NAME?":
                return -1
            k = self._new(m, "PERSON", "PERSON", self.span_text(s, e_), tokens=toks, full=len(toks) > 1)
            for t in toks:
                self.by_token[t].append(k)
            self.persons.append(k)
        self.by_name.setdefault(key, k)
        e = self.ents[k]
        if e.kind != "PERSON":
            return k
        if m.counterpart and not m.role:
            m.role = self._counterpart_role(m)
        for x in m.extra:
            if len(x) == 3 and x[0] == "ORGREF":
                o = self._org_by_head(self.norms[x[1]], m.start)
                if o is not None:
                    m.country = m.country or self.ents[o].country
                    if self.ents[o].role and m.role in (None, "BUS", "GOV"):
                        m.role = self.ents[o].role
        if m.country and not e.country:
            e.country = m.country
        if m.role and (not e.role or self.kb.role_rank.get(m.role, 99) < self.kb.role_rank.get(e.role, 99)):
            e.role = m.role
        for r in m.roles:
            if r not in ("COUNTERPART",):
                e.roles.add(r)
        if m.role:
            e.roles.add(m.role)
        if m.title and not e.title and not m.counterpart:
            e.title = m.title
        return k

    def _org_by_head(self, word: str, before: int) -> int | None:
        """The most recent organisation whose head word is ``word`` ("the bank" -> China Development Bank)."""
        best = None
        for k in self.orgs:
            e = self.ents[k]
            if e.last < before and (e.head_word == word or _norm(e.name).endswith(" " + word)):
                if best is None or e.last > self.ents[best].last:
                    best = k
        return best

    def _counterpart_role(self, m: _M) -> str | None:
        sent = self.sent_of[m.start]
        for _, c in reversed(self.persons_in_sent.get(sent, [])):
            if self.ents[c].role:
                return self.ents[c].role
        return None

    def _role_fits(self, k: int, roles, country: str | None) -> bool:
        e = self.ents[k]
        if country and e.country and country != e.country:
            return False
        want = set(roles) - {"COUNTERPART", "ORG_HEAD"}
        if not want or "*" in want:
            return True
        have = e.roles | ({e.role} if e.role else set())
        if not have:
            return True
        return bool(want & have)

    def _resolve_titleref(self, m: _M) -> int:
        compat = set(m.compat)
        best = None
        for k in self.persons:
            e = self.ents[k]
            if e.last >= m.start:
                continue
            if m.country and e.country != m.country:
                continue
            have = e.roles | ({e.role} if e.role else set())
            if "*" not in compat and not (have & compat):
                continue
            # "Minister X ... talks with his counterpart, Y. The minister said": one whose title the
            # text gives beats one whose role is only inferred from "counterpart"
            rank = (e.title is not None, e.last)
            if best is None or rank > best[0]:
                best = (rank, k)
        return best[1] if best is not None else -1

    def _resolve_pronoun(self, m: _M) -> int:
        i = m.start
        sent = self.sent_of[i]
        # an earlier clause of the same sentence
        cands = {k for t, k in self.subjects.get(sent, []) if t < i}
        if not cands:
            # "According to X, he ...": the one person of a fronted phrase that ends right before the pronoun
            before = [(t, k) for t, k in self.persons_in_sent.get(sent, []) if t < i]
            if len({k for _, k in before}) == 1 and self.toks[i].dep_ in _SUBJ | {"conj"} and \
                    self._fronted(before[-1][0], i):
                cands = {before[-1][1]}
        if not cands:
            # the previous sentence that is not all quotation
            s = sent - 1
            while s >= 0 and sent - s <= 8:
                a, b = self.sent_bounds[s]
                if any(not self.in_quote[x] and self.toks[x].is_alpha for x in range(a, b)):
                    break
                s -= 1
            if s >= 0:
                t = self.toks[i]
                if s in self.speakers and t.head.lemma_ in _SPEECH and sent - s >= 1 and \
                        self.gender.get(self.speakers[s]) in (None, self.kb_pronoun_gender.get(self.norms[i])):
                    return self.speakers[s]
                subj = self.subjects.get(s, [])
                root = {k for t, k in subj if self.toks[t].head.dep_ == "ROOT" or (
                    self.toks[t].dep_ == "conj" and self.toks[t].head.head.dep_ == "ROOT")}
                cands = root if len(root) == 1 else {k for _, k in subj}
        g = self.kb_pronoun_gender.get(self.norms[i])
        cands = {k for k in cands if self.gender.get(k) in (None, g)}
        if len(cands) == 1:
            k = next(iter(cands))
            self.gender.setdefault(k, g)
            return k
        return -1

    def _fronted(self, t: int, i: int) -> bool:
        """Only the end of the person's mention and a comma lie between it and the pronoun."""
        mi = self.tok_mention[t]
        end = self.mentions[mi].end if mi >= 0 else t + 1
        between = self.norms[end:i]
        return between == [","]

    def complete_known_people(self) -> None:
        """Well-known figures (knowledge file ``people``) named without a country: fill country and role."""
        people = self.kb.people
        for k in self.persons:
            e = self.ents[k]
            if e.country and e.role:
                continue
            hit = people.get(_fold(e.name))
            if hit is None:
                continue
            if e.country is None:
                e.country = hit[0]
            if e.role is None:
                e.role = hit[1]
                e.roles.add(hit[1])

    def complete_countries(self) -> None:
        """Officials with no country in a two-country story: "Chinese Vice-Premier Han ... held talks with
        Prime Minister Sadykov". When the officials whose country is known all come from one of the two
        countries the document is about, the others come from the other one."""
        gov = {"HEAD_OF_STATE", "HEAD_OF_GOV", "DEPUTY_HEAD_OF_GOV", "DEPUTY_HEAD_OF_STATE", "FOREIGN_MINISTER",
               "MINISTER", "DEPUTY_MINISTER", "SPOKESPERSON"}
        rank = {"HEAD_OF_STATE": 0, "HEAD_OF_GOV": 0, "DEPUTY_HEAD_OF_GOV": 0, "DEPUTY_HEAD_OF_STATE": 0,
                "FOREIGN_MINISTER": 1, "MINISTER": 1, "DEPUTY_MINISTER": 1, "SPOKESPERSON": 2, "AMBASSADOR": 2}
        missing = [k for k in self.persons if self.ents[k].country is None and self.ents[k].role in gov]
        if not missing:
            return
        pair = _salient_pair(self, self.n)
        if pair is None:
            return
        known = [(self.ents[k].country, rank[self.ents[k].role]) for k in self.persons
                 if self.ents[k].country and self.ents[k].role in rank]
        countries = {c for c, _ in known}
        have = countries & set(pair)
        if len(have) != 1 or countries - set(pair):
            return
        other = next(c for c in pair if c not in have)
        for k in missing:
            # a counterpart of the same rank from the other country must be there
            if any(r == rank[self.ents[k].role] for _, r in known):
                self.ents[k].country = other

    # -- 5. output ---------------------------------------------------------------------------
    def entities(self) -> list[Entity]:
        out: list[Entity] = []
        used: set[str] = set()
        order = sorted(range(len(self.ents)), key=lambda k: min(self.ents[k].spans) if self.ents[k].spans else (1 << 60, 0))
        self.ent_record: dict[int, Entity] = {}
        for k in order:
            e = self.ents[k]
            if not e.spans:
                continue
            if e.kind == "ORG" and e.name.isupper() and len(e.spans) == 1 and not e.country and not e.role \
                    and all(self.toks[self._tok_at(s)].ent_type_ != "ORG" for s, _ in e.spans):
                continue   # a lone unknown acronym
            spans = sorted(e.spans)
            eid = f"{self.doc.id}-e{spans[0][0]}"
            if eid in used:
                alt = next((f"{self.doc.id}-e{s}" for s, _ in spans if f"{self.doc.id}-e{s}" not in used), None)
                eid = alt or f"{eid}-{k}"
            used.add(eid)
            aliases = [f for f in dict.fromkeys(e.forms) if f != e.name]
            typ = e.type
            role = e.role
            if e.kind == "PLACE":
                typ = "GPE" if e.type != "LOC" else "LOC"
            rec = Entity(id=eid, doc_id=self.doc.id, name=e.name, type=typ, country=e.country, role=role,
                         title=e.title, aliases=aliases, mentions=spans)
            self.ent_record[k] = rec
            out.append(rec)
        return out

    def _tok_at(self, char: int) -> int:
        lo, hi = 0, self.n - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.toks[mid].idx <= char:
                lo = mid
            else:
                hi = mid - 1
        return lo


# ---------------------------------------------------------------------------------------------
# phrases

class _PhraseContext:
    """What actors_for_phrase needs from the resolution (kept with DocEntities)."""

    def __init__(self, r: _Resolver) -> None:
        self.r = r
        self.capital_ids = {r.ent_record[k].id for k, e in enumerate(r.ents) if e.capital and k in r.ent_record}
        self.by_id = {rec.id: rec for rec in r.ent_record.values()}

    def _actor(self, rec: Entity, name: str | None = None) -> Actor:
        if rec.id in self.capital_ids:
            return self._capital_actor(rec, name, rec.role)
        return Actor(name=name or rec.name, entity_id=rec.id, country=rec.country, role=rec.role, title=rec.title)

    def _capital_actor(self, rec: Entity, name: str | None = None, role: str | None = None) -> Actor:
        """A capital acting: its government, or the organisation seated there ("Brussels and Dushanbe
        signed": the EU, ``capital_metonyms``)."""
        igo = _capital_metonyms().get(rec.name)
        if igo:
            return Actor(name=name or rec.name, entity_id=rec.id, country=f"IGO:{igo}", role="IGO", title=rec.title)
        return Actor(name=name or rec.name, entity_id=rec.id, country=rec.country, role=role or "GOV", title=rec.title)

    def actors_for_phrase(self, de: DocEntities, start: int, end: int) -> list[Actor]:
        r = self.r
        span = r.sp.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return []
        s, e = span.start, span.end
        while s < e and (r.toks[s].is_punct or r.norms[s] in ("and", "or")):
            s += 1
        while e > s and r.toks[e - 1].is_punct and r.norms[e - 1] not in (".",):
            e -= 1
        if s >= e:
            return []
        text = " ".join(r.norms[s:e])
        col = self._collective(s, e, text)
        if col is not None:
            return col
        named = self._named_before(de, s, text) or self._name_after_title(s, e)
        if named is not None:
            return [named]
        out: list[Actor] = []
        seen: set = set()
        parts = [(cs, ce, self._dash_noun(cs, ce, h)) for cs, ce, h in self._conjuncts(s, e)]
        if len(parts) > 1 and all(self._bare_demonym(cs, ce) for cs, ce, _ in parts[:-1]):
            # "Sierra Leonean and Liberian refugees": coordinated adjectives of one noun
            parts = [(s, e, parts[-1][2])]
        for cs, ce, h in parts:
            for a in self._interpret(cs, ce, h):
                key = a.entity_id or (a.name, a.country, a.role)
                if key not in seen:
                    seen.add(key)
                    out.append(a)
        return out

    def _name_after_title(self, s: int, e: int) -> Actor | None:
        """"The head of the UN mission in Congo, Marie Dufresne": the parser hangs the name on the
        title's last noun, so the phrase reads as the title; the person is the name after the comma,
        with the title's country and role."""
        r = self.r
        c = next((k for k in range(e - 2, s, -1) if r.norms[k] == ","), None)
        if c is None or c + 1 >= e or any(r.norms[k] in ("and", "or", ",") for k in range(s, c)):
            return None     # "the Uzbek leader and the Chinese vice-president, X": two actors
        mi = r.tok_mention[c + 1]
        if mi < 0:
            return None
        m = r.mentions[mi]
        if m.start != c + 1 or m.end != e or m.ent < 0 or m.ent not in r.ent_record or r.ents[m.ent].kind != "PERSON":
            return None
        h = r._head_of(s, c)
        if r.toks[h].pos_ != "NOUN":
            return None
        title = self._interpret(s, c, h)
        if len(title) != 1 or title[0].role is None:
            return None
        person = self._actor(r.ent_record[m.ent])
        return Actor(name=person.name, entity_id=person.entity_id, country=person.country or title[0].country,
                     role=person.role or title[0].role, title=person.title or title[0].title)

    def _named_before(self, de: DocEntities, s: int, text: str) -> Actor | None:
        """"the bank", "the agency", "the company": the organisation named last before it whose name
        has that word ("the European Investment Bank"), or for a company word the company named last
        (events and quote speakers alike)."""
        r = self.r
        words = text.split()
        if len(words) != 2 or words[0] != "the" or words[1] not in r.kb.definite_anaphors:
            return None
        w, pos = words[1], r.toks[s].idx
        best: tuple[int, int, Entity] | None = None
        for rec in de.entities:
            if rec.type not in ("ORG", "IGO"):
                continue
            named = w in rec.name.lower().split()
            igo = (rec.country or "").startswith("IGO:")
            if not named and not (w in r.kb.org_nouns and rec.type == "ORG") and not (igo and w in r.kb.igo_nouns):
                continue
            for ms, mt in rec.mentions:
                # "its licence for the Sadiola mine. The company said": the miner, not the mine
                after = (r.sp.text[mt:mt + 20].split() or [""])[0].lower().strip(".,;")
                if mt <= pos and after not in r.kb.facility_nouns:
                    rank = (1 if named else 0, ms)
                    if best is None or rank > best[:2]:
                        best = (*rank, rec)
        return self._actor(best[2]) if best is not None else None

    def _dash_noun(self, s: int, e: int, h: int) -> int:
        """The noun of a dash compound the small model splits ('the Kazakh–Chinese subcommittee'
        parsed as 'Kazakh' with 'Chinese subcommittee' in apposition)."""
        toks = self.r.toks
        if h + 2 < e and toks[h + 1].text in ("–", "—", "-"):
            for c in toks[h].children:
                if c.dep_ == "appos" and h + 1 < c.i < e and c.pos_ in ("NOUN", "PROPN"):
                    return c.i
        return h

    def _bare_demonym(self, s: int, e: int) -> bool:
        r = self.r
        while s < e and r.norms[s] in _DETS:
            s += 1
        g = r.gz_at.get(s)
        return g is not None and g.end == e and g.hit.kind in ("DEMONYM", "IGOMOD")

    # "the two sides", "both countries", "the two presidents"
    def _collective(self, s: int, e: int, text: str) -> list[Actor] | None:
        r, col = self.r, self.r.kb.collectives
        for det in sorted(col["determiners"], key=len, reverse=True):
            if not text.startswith(det + " "):
                continue
            noun = text[len(det) + 1:]
            bare = det == "the"
            if bare and noun not in col["bare_the_ok"]:
                return None
            if noun in col["countries"]:
                pair = self._salient_countries(s)
                if pair is None:
                    return []
                out = []
                for iso in pair:
                    k = r.by_country.get(iso)
                    rec = r.ent_record.get(k) if k is not None else None
                    out.append(self._actor(rec) if rec else Actor(name=r.kb.country_names.get(iso, iso), country=iso,
                                                                  role="GOV"))
                    if rec:
                        out[-1] = Actor(name=rec.name, entity_id=rec.id, country=iso, role="GOV")
                return out
            if noun in col["persons"]:
                roles = set(col["persons"][noun])
                pair = self._salient_people(s, roles)
                return [self._actor(r.ent_record[k]) for k in pair] if pair else []
            return None
        return None

    def _salient_countries(self, before: int) -> list[str] | None:
        return _salient_pair(self.r, before)

    def _salient_people(self, before: int, roles: set) -> list[int] | None:
        r = self.r
        counts: Counter = Counter()
        first: dict[int, int] = {}
        for m in r.mentions:
            if m.start >= before:
                break
            if m.ent < 0 or r.ents[m.ent].kind != "PERSON" or m.ent not in r.ent_record:
                continue
            e = r.ents[m.ent]
            have = e.roles | ({e.role} if e.role else set())
            if "*" in roles or have & roles:
                counts[m.ent] += 1
                first.setdefault(m.ent, m.start)
        top = counts.most_common(3)
        if len(top) < 2 or (len(top) == 3 and top[2][1] * 2 > top[1][1]):
            return None
        return sorted([top[0][0], top[1][0]], key=lambda k: first[k])

    def _conjuncts(self, s: int, e: int) -> list[tuple[int, int, int]]:
        """Split a phrase into its coordinated parts: [(start, end, head)]."""
        r = self.r
        toks = r.toks
        roots = [k for k in range(s, e) if not (s <= toks[k].head.i < e) or toks[k].head.i == k]
        if not roots:
            return [(s, e, e - 1)]
        root = roots[-1] if len(roots) > 1 and toks[roots[-1]].pos_ in ("NOUN", "PROPN") else roots[0]
        if len(roots) > 1:
            # a fragment parse: take each root's own extent
            out = []
            for k in roots:
                sub = sorted(x.i for x in toks[k].subtree if s <= x.i < e)
                if sub and toks[k].pos_ in ("NOUN", "PROPN", "PRON", "ADJ", "NUM", "X"):
                    out.extend(self._split_conj(sub[0], sub[-1] + 1, k))
            return out or [(s, e, root)]
        return self._split_conj(s, e, root)

    def _split_conj(self, s: int, e: int, root: int) -> list[tuple[int, int, int]]:
        toks = self.r.toks
        conj = []
        stack = [root]
        while stack:
            k = stack.pop()
            conj.append(k)
            for c in toks[k].children:
                if c.dep_ == "conj" and s <= c.i < e and toks[c.i].pos_ in ("NOUN", "PROPN", "PRON"):
                    stack.append(c.i)
        if len(conj) == 1:
            return [(s, e, root)]
        conj.sort()
        out = []
        for idx, k in enumerate(conj):
            lo = s if idx == 0 else max(s, min(x.i for x in toks[k].subtree))
            hi_sub = [x.i for x in toks[k].subtree if s <= x.i < e and not any(
                x.i in {y.i for y in toks[c].subtree} for c in conj if c != k and c in {z.i for z in toks[k].subtree})]
            hi = (max(hi_sub) + 1) if hi_sub else k + 1
            if idx + 1 < len(conj):
                nxt = min(x.i for x in toks[conj[idx + 1]].subtree)
                hi = min(hi, nxt)
                # drop the "and" / "," between
                while hi > lo and (toks[hi - 1].dep_ in ("cc", "punct") or self.r.norms[hi - 1] in ("and", ",")):
                    hi -= 1
            out.append((lo, min(hi, e), k))
        return out

    def _interpret(self, s: int, e: int, h: int) -> list[Actor]:
        r = self.r
        toks, norms = r.toks, r.norms
        while s < e and norms[s] in _DETS | {"and", ","}:
            s += 1
        if s >= e:
            return []
        if not (s <= h < e):
            h = r._head_of(s, e)
        # 1. a mention at the head (or covering the phrase)
        mi = r.tok_mention[h]
        if mi >= 0:
            m = r.mentions[mi]
            if m.ent >= 0 and m.ent in r.ent_record:
                rec = r.ent_record[m.ent]
                ent = r.ents[m.ent]
                if ent.kind == "COUNTRY":
                    # "Kazakh" as the head of nothing: the country; a people noun ("Palestinians"): its people,
                    # unless a modifier places them ("Bosnian Serbs", "Albanians of southern Serbia")
                    if m.gz is not None and m.gz.kind == "PEOPLE":
                        if s < m.start or e > m.end:
                            got = self._group_actor(s, e, h, people=(m.start, m.end, ent.country))
                            if got:
                                return got
                        return [Actor(name=r.span_text(s, e), entity_id=None, country=ent.country, role="CVL")]
                    return [Actor(name=rec.name, entity_id=rec.id, country=rec.country, role="GOV")]
                if ent.kind == "PLACE" and not ent.capital:
                    return [Actor(name=rec.name, entity_id=rec.id, country=rec.country, role=None)]
                if ent.kind == "PLACE":
                    return [self._capital_actor(rec)]
                a = self._actor(rec)
                if ent.kind == "PERSON" and a.country is None and a.role is not None:
                    # an official the text gives no country: the one country the document mentions, if only one
                    c = self._document_country()
                    if c is not None:
                        a = Actor(name=a.name, entity_id=a.entity_id, country=c, role=a.role, title=a.title)
                return [a]
            if m.kind == "TITLEREF":
                return [Actor(name=r._ref_form(s, e), country=m.country, role=m.role, title=m.title)]
            if m.kind == "PRONOUN":
                return []
        if toks[h].pos_ == "PRON" or norms[h] in ("it", "they", "we", "i", "you", "who", "which"):
            return []
        ref = r.refs.get(s)
        if ref is not None:
            return [Actor(name=r._ref_form(ref.start, ref.end), country=ref.country, role=ref.role, title=ref.title)]
        return self._group_actor(s, e, h)

    def _group_role(self, s: int, e: int, h: int) -> str | None:
        r = self.r
        best = None
        for a in range(max(s, h - 3), h + 1):
            for end, payloads in r.kb.groups.matches(r.norms, a):
                if end == h + 1:
                    best = payloads[0][1]
                    break
            if best:
                break
        if best is None:
            lemma = r.toks[h].lemma_.lower()
            for end, payloads in r.kb.groups.matches([lemma], 0):
                best = payloads[0][1]
        return best

    def _group_actor(self, s: int, e: int, h: int, people: tuple | None = None) -> list[Actor]:
        """A common-noun phrase: its role from the head noun, its country from its modifiers or context."""
        r = self.r
        norms = r.norms
        role = "CVL" if people else self._group_role(s, e, h)
        title = None
        t = r.tt_cover[h]
        if t is not None and role is None:
            role = r._title_role(t, None, _Desc(t.start, t.end))
            title = t.text
        ethnic = any(norms[k] in r.kb.ethnic for k in range(s, e))
        # countries of the modifiers: nearest before the head first, then the of/in/from phrases after it
        found: list[tuple[str, str | None, int, int]] = []   # (country, entity id, first token, end token)
        k = s
        while k < e:
            if people and people[0] <= k < people[1]:
                k = people[1]
                continue
            if k >= 2 and norms[k - 1] == "-" and norms[k - 2] in ("anti", "pro", "non"):
                k += 1
                continue
            mi = r.tok_mention[k]
            if mi >= 0 and r.mentions[mi].ent >= 0 and r.mentions[mi].ent in r.ent_record:
                m = r.mentions[mi]
                rec = r.ent_record[m.ent]
                end = max(k + 1, min(m.end, e))
                if rec.country and not (ethnic and m.gz is not None and m.gz.kind in ("DEMONYM", "PEOPLE")):
                    found.append((rec.country, rec.id if r.ents[m.ent].kind in ("ORG", "IGO") else None, k, end))
                k = end
                continue
            if k >= 2 and norms[k - 1] == "-" and norms[k - 2] in ("anti", "pro", "non"):
                k += 1   # "anti-Syria journalist", "pro-Russian separatists": not that country's
                continue
            g = r.gz_cover[k]
            if g is not None and g.hit.value and not (ethnic and g.hit.kind in ("DEMONYM", "PEOPLE")):
                found.append((g.hit.value, None, k, g.end))
                k = g.end
                continue
            k += 1
        before = [f for f in found if f[2] < h]
        after = [f for f in found if f[2] > h]
        at = [f for f in found if f[2] == h]
        # coordinated modifiers: "US and British forces", "the Kazakh and Chinese governments": one
        # actor per country, each named by its own modifier and the shared head ("Kazakh governments")
        if len({f[0] for f in before}) > 1 and any(norms[x] in ("and", "–", "—", "-", "/") for x in range(s, h)):
            out, seen = [], set()
            last = max(f[3] for f in before)
            head = r.span_text(last, e) if last < e else ""
            for c, _id, a, b in before:
                if c in seen:
                    continue
                seen.add(c)
                name = f"{r.span_text(a, b)} {head}".strip() if head else r.span_text(s, e)
                out.append(Actor(name=name, country=c, role=role))
            return out
        pick = (before[-1] if before else after[0] if after else at[0] if at else None)
        country = pick[0] if pick else None
        if people and country is None:
            ethnic_people = any(norms[x] in r.kb.ethnic for x in range(s, people[0]))
            country = None if ethnic_people else people[2]
        if country is None and role is None:
            return []
        if country is None:
            country = self._context_country(s, e)
        if role is None and pick is not None and pick[1] is not None:
            # "the Akorda press service": the organisation's own role
            role = self.by_id[pick[1]].role
        return [Actor(name=r.span_text(s, e), country=country, role=role, title=title)]

    def _document_country(self) -> str | None:
        """The only country (not counting ethnic groups) the whole document mentions, else None."""
        if not hasattr(self, "_doc_country"):
            r = self.r
            found = set()
            for m in r.mentions:
                if m.ent < 0 or r.ents[m.ent].kind not in ("COUNTRY", "PLACE") or not r.ents[m.ent].country:
                    continue
                if m.gz is not None and m.gz.kind in ("DEMONYM", "PEOPLE") and m.start > 0 and \
                        r.norms[m.start - 1] in r.kb.ethnic:
                    continue
                found.add(r.ents[m.ent].country)
            self._doc_country = next(iter(found)) if len(found) == 1 else None
        return self._doc_country

    def _context_country(self, s: int, e: int, people: bool = True) -> str | None:
        """The one country the rest of the sentence mentions, if there is exactly one (ethnic groups
        and, with ``people=False``, the countries of other people do not count)."""
        r = self.r
        a, b = r.sent_bounds[r.sent_of[s]]
        found = set()
        for k in list(range(a, s)) + list(range(e, b)):
            mi = r.tok_mention[k]
            if mi >= 0 and r.mentions[mi].ent >= 0:
                m = r.mentions[mi]
                ent = r.ents[m.ent]
                c = ent.country
                if not c or c.startswith("IGO:"):
                    continue
                if m.gz is not None and m.gz.kind in ("DEMONYM", "PEOPLE") and m.start > 0 and \
                        r.norms[m.start - 1] in r.kb.ethnic:
                    continue
                if ent.kind == "PERSON" and not people:
                    return None
                if ent.kind not in ("COUNTRY", "PLACE", "PERSON"):
                    continue
                found.add(c)
        return next(iter(found)) if len(found) == 1 else None


def _salient_pair(r: _Resolver, before: int) -> list[str] | None:
    """The two countries mentioned most before token ``before``, if they clearly lead (else None)."""
    counts: Counter = Counter()
    first: dict[str, int] = {}
    for m in r.mentions:
        if m.start >= before:
            break
        if m.ent < 0:
            continue
        c = r.ents[m.ent].country
        if c and not c.startswith("IGO:"):
            counts[c] += 1
            first.setdefault(c, m.start)
    top = counts.most_common(3)
    if len(top) < 2 or (len(top) == 3 and top[2][1] * 2 > top[1][1]):
        return None
    return sorted([top[0][0], top[1][0]], key=lambda c: first[c])


# ---------------------------------------------------------------------------------------------

def resolve_entities(doc: Document, sp: "Doc | None") -> DocEntities:
    """Entities of one document, with country, role, title, aliases and every mention."""
    if sp is None or len(sp) == 0:
        return DocEntities()
    r = _Resolver(doc, sp)
    r.scan()
    r.build_mentions()
    r.resolve()
    r.complete_known_people()
    r.complete_countries()
    ents = r.entities()
    return DocEntities(ents, _ctx=_PhraseContext(r))
