"""Quotes: direct quotations between marks and reported speech, with resolved speakers.

Conventions follow the project's annotation guidelines (eval/devset/README.md).

Direct quotes
  * Marks: “ ”, « », „ “, ‘ ’ and straight " " and ' ' (a ’ or ' between letters, or
    after a plural s before a lower-case word, is an apostrophe). Only the outermost pair
    counts; a quote left open at a paragraph's end continues when the next paragraph opens
    with a mark (the news convention for long quotes).
  * A quote that stands as a clause of its own (at a paragraph start or after : , . — ()
    takes its attribution from the clause right after it (“...,” Tokayev said / said
    Tokayev / he told reporters) or, failing that, from the clause before it, which must end
    with : or , (Tokayev said: “...” / "X said:" or "..., stating," closing the previous
    paragraph).
  * Parts separated only by punctuation or by the attribution clause are one quote
    (“We are ready,” she said, “to expand ...”): evidence holds every part, ``text`` joins
    them with a space, ``start``/``end`` are the first part's. The comma before the
    attribution is dropped; a final full stop is kept.
  * A quoted fragment inside a sentence is a quote only when the first verb above it in the
    parse is a speech or appraisal verb (praised the “unprecedented” pace, calling it 'a
    sovereign decision') and it is not inside a reported clause (then it is part of that
    clause). Otherwise it is a scare quote or a name and is skipped, as are Title-Case names
    (the “Year of Tourism”) and parts of names or terms (the "mad cow" disease).
  * A standalone quote of 5+ words with no attribution is kept with speaker None.

Reported speech (direct False): a speech verb with its clause, "Tokayev said (that) ...",
"X noted/stressed that ...", "CLAUSE, the ministry said", "CLAUSE, said X", "According to X,
CLAUSE" (not "according to customs data"). The parse gives the clause when it can; the
surface pattern (a comma before the speaker, "that" after the verb) when it cannot. ``text``
is the clause without a leading "that" or dateline. Clauses that are mostly a direct quote are
left to it.

Speakers: the verb's subject (climbing through "..., stating," and "reaching ..."), an
appositive name preferred (the minister, Arman Zhaksybekov; agency head Timur Ospanov).
Names go through the document's entity resolver; a bare role keeps its words and country
("Kazakh foreign ministry", KAZ); "a statement from X" speaks for X. A pronoun is whatever the
resolver says; when it knows nothing, he/she falls back to the nearest preceding person named
as a main-clause subject or speaker within two paragraphs; else None.
Vocabulary: ``knowledge/quotes.json``.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from ..clean.dateline import CAPS
from ..knowledge import load
from ..model import Actor, Document, Evidence, Quote
from .actors import DocEntities

__all__ = ["find_quotes"]

_K = load("quotes")
_MARKS: dict[str, str] = _K["marks"]
_DIRECT = set(_K["direct_verbs"])
_FRAGMENT = set(_K["fragment_verbs"])
_REPORTED = set(_K["reported_verbs"])
_CREDIT = set(_K["source_credit_verbs"])
_PERSONAL = set(_K["personal_pronouns"])
_NON_SPEAKER_PRON = set(_K["non_speaker_pronouns"])
_NON_SPEAKER_HEADS = set(_K["non_speaker_heads"])
_DETS = set(_K["leading_determiners"])
_ADDRESSEE_VERBS = set(_K["addressee_verbs"])   # their object is the one spoken to, not the speaker
_MINOR = set(_K["title_minor_words"])
_TITLE_MAX = _K["title_max_words"]
_MIN_UNATTRIBUTED = _K["min_unattributed_words"]
_CARRY_PARAS = _K["carry_over_paragraphs"]
_WINDOW = _K["attribution_window_tokens"]
_SOURCE_NOUNS = set(_K["source_nouns"])
_OPENERS = set(_MARKS)
_ALL_MARKS = set(_MARKS) | set(_MARKS.values())
_INTRO_END = ":,;.!?—–-("
_SUBJ = ("nsubj", "nsubjpass")
_SPEAKER_LINKS = frozenset({"of", "in", "from", "at", "for", "and", "'s", "’s", "'", "’", "-", "–"})
_DATELINE = re.compile(rf"[{CAPS}][{CAPS}'’.\- ]{{2,}}(?:,[^—–\n]{{0,40}})?\s+[—–-]+\s+")


@dataclass
class _Span:
    open: int            # index of the opening mark
    close: int           # index of the closing mark (paragraph end when left open)
    start: int           # the quoted words, trimmed
    end: int
    para: int
    unclosed: bool


@dataclass
class _Group:
    parts: list[_Span]
    verb: object = None              # spaCy Token of the attribution verb
    attr_end: int = -1               # end of the attribution clause after the last part


class _Text:
    """Character-offset lookups into one document (tokens, paragraphs, quoted spans)."""

    def __init__(self, doc: Document, sp) -> None:
        self.text = doc.text
        self.sp = sp
        self.tok_starts = [t.idx for t in sp]
        self.paras: list[tuple[int, int]] = []
        pos = 0
        for line in doc.text.split("\n"):
            s = pos + len(line) - len(line.lstrip())
            e = pos + len(line.rstrip())
            if e > s:
                self.paras.append((s, e))
            pos += len(line) + 1
        self.para_starts = [p[0] for p in self.paras]
        self.quoted: list[tuple[int, int]] = []   # direct-quote spans, sorted, for "inside a quote" tests
        self.quoted_starts: list[int] = []

    def para_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.para_starts, pos) - 1)

    def tokens(self, start: int, end: int):
        i = bisect.bisect_left(self.tok_starts, start)
        j = bisect.bisect_left(self.tok_starts, end)
        return self.sp[i:j]

    def in_quote(self, pos: int) -> bool:
        i = bisect.bisect_right(self.quoted_starts, pos) - 1
        return i >= 0 and self.quoted[i][0] <= pos < self.quoted[i][1]

    def quotes_over(self, start: int, end: int) -> list[tuple[int, int]]:
        """The direct-quote spans that overlap [start, end)."""
        j = max(0, bisect.bisect_right(self.quoted_starts, start) - 1)
        i = bisect.bisect_left(self.quoted_starts, end)
        return [q for q in self.quoted[j:i] if q[1] > start]


# -- finding the quoted spans -------------------------------------------------------------------

def _is_apostrophe(text: str, k: int, end: int) -> bool:
    prev = text[k - 1] if k > 0 else " "
    nxt = text[k + 1] if k + 1 < end else " "
    if prev.isalnum() and nxt.isalnum():
        return True                          # Kazakhstan’s, don’t
    if prev == "s" and nxt == " " and k + 2 < end and text[k + 2].islower():
        # countries’ delegates: a possessive, unless no later ’ could close the quote
        return any(text[j] == text[k] and not (j + 1 < end and text[j + 1].isalnum())
                   for j in range(k + 1, end))
    return False


def _can_open(text: str, i: int, ps: int, pe: int) -> bool:
    ch = text[i]
    prev = text[i - 1] if i > ps else " "
    nxt = text[i + 1] if i + 1 < pe else " "
    if ch in ('"', "‘"):
        return not prev.isalnum() and not nxt.isspace()
    if ch == "'":                       # 'a sovereign decision': a mark only before a word
        return (prev.isspace() or prev in "(—–") and nxt.isalnum()
    return True


def _scan(text: str, ps: int, pe: int, para: int) -> list[_Span]:
    spans: list[_Span] = []
    i = ps
    while i < pe:
        ch = text[i]
        if ch not in _OPENERS or not _can_open(text, i, ps, pe):
            i += 1
            continue
        closer, depth, k = _MARKS[ch], 1, i + 1
        while k < pe:
            c = text[k]
            if c == closer and not (closer in "’'" and _is_apostrophe(text, k, pe)):
                depth -= 1
                if depth == 0:
                    break
            elif c == ch and ch != closer:
                depth += 1
            k += 1
        unclosed = k >= pe
        if unclosed and ch == "'":
            i += 1                            # a straight apostrophe never opens a long quote
            continue
        if unclosed and text[ps:i].strip(" \t") and not text[ps:i].rstrip().endswith(":"):
            i += 1                            # a stray mark mid-paragraph: not a quote
            continue
        s, e = i + 1, min(k, pe)
        while s < e and text[s].isspace():
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] == ","):
            e -= 1
        if e > s:
            spans.append(_Span(i, k if not unclosed else pe, s, e, para, unclosed))
        i = k + 1
    return spans


def _standalone(t: _Text, s: _Span) -> bool:
    before = t.text[t.paras[s.para][0]:s.open].rstrip()
    return not before or before[-1] in _INTRO_END or before[-1] in _ALL_MARKS


def _is_title(words: list[str]) -> bool:
    content = [w for w in words if w.lower() not in _MINOR]
    return 0 < len(words) <= _TITLE_MAX and all(w[:1].isupper() or w[:1].isdigit() for w in content)


# -- attribution --------------------------------------------------------------------------------

def _is_speech(tok, vocab: set[str]) -> bool:
    return tok.pos_ in ("VERB", "AUX") and (tok.lemma_.lower() in vocab or tok.lower_ in vocab)


def _after(t: _Text, s: _Span):
    """The speech verb of the clause right after a closing mark, and where that clause ends."""
    if s.unclosed:
        return None, -1
    pe = t.paras[s.para][1]
    toks = []
    clause_end = pe
    for tok in t.tokens(s.close + 1, pe):
        if (tok.text in _OPENERS and tok.dep_ != "case") or tok.text in (".", "!", "?", ";"):
            # a possessive apostrophe ("the Guards' commander") opens nothing
            clause_end = tok.idx
            break
        toks.append(tok)
    for tok in toks[:_WINDOW]:
        if tok.lower_ == "according" or _is_speech(tok, _DIRECT):
            return tok, clause_end
    return None, -1


def _before(t: _Text, s: _Span):
    """The speech verb of the clause that introduces a quote (ends with : or ,)."""
    ps = t.paras[s.para][0]
    end = s.open
    if not t.text[ps:s.open].strip():
        if s.para == 0:
            return None
        ps, end = t.paras[s.para - 1]
    seg = t.text[ps:end].rstrip()
    if not seg or seg[-1] not in ":,":
        return None
    for tok in reversed(t.tokens(ps, end)):
        if tok.text in (".", "!", "?") or tok.text in _ALL_MARKS:
            break
        if _is_speech(tok, _DIRECT):
            return tok
    return None


def _subject(v):
    """The speaker token of a speech verb (None when there is none)."""
    if v.lower_ == "according":
        for to in v.children:
            if to.lower_ == "to":
                for p in to.children:
                    if p.dep_ == "pobj":
                        return _source_of(p)
                # "According to Minister X, traffic rose": parsed with X as the clause's subject
                k, last = to.i + 1, None
                while k < len(v.doc) and k - to.i <= 8 and v.doc[k].text != ",":
                    if v.doc[k].pos_ in ("PROPN", "NOUN"):
                        last = v.doc[k]
                    k += 1
                if last is not None and k < len(v.doc) and v.doc[k].text == ",":
                    return _source_of(last)
        return None
    near = _apposition_before(v)
    if near is not None:
        return near
    tok = v
    for _ in range(4):
        if tok.pos_ in ("VERB", "AUX"):
            for c in tok.children:
                if c.dep_ in _SUBJ and not c.is_punct and c.text not in _ALL_MARKS:
                    if _dateline_word(c):   # the speaker is beside it, or its apposition
                        c = next((a for a in c.children if a.dep_ == "appos"), None)
                        if c is None:
                            continue
                    if c.lower_ in ("which", "who", "that") and tok.dep_ == "relcl":
                        return _source_of(tok.head)   # "chipmaker X, which said it would build ...": X
                    named = _name_before(v) if tok is v and c.i < v.i - 1 else None
                    return named if named is not None and named.i > c.i else _source_of(c)
            if tok is v and v.lemma_ not in _ADDRESSEE_VERBS:
                for c in tok.rights:   # "said Tokayev" parsed as an object (not "asked Beijing to ...": the addressee)
                    if c.dep_ in ("dobj", "attr", "npadvmod") and c.pos_ == "PROPN" and c.i - tok.i <= 4:
                        return c
        if tok.head is tok or tok.dep_ == "ccomp":
            break
        tok = tok.head
    prev = v.doc[v.i - 1] if v.i > 0 else None
    if prev is not None and prev.pos_ in ("NOUN", "PROPN") and v.pos_ == "VERB":
        return prev                     # "..., the Azerbaijani Foreign Ministry said" parsed as an apposition
    if prev is not None and prev.text == ",":
        return _phrase_after_mark(v)
    return None


def _name_before(v):
    """"CLAUSE, the latest tranche of X, Ukrainian Finance Minister Serhiy Bondar said": a person's
    name (with its title) right before the verb, after a comma, is the speaker even when the parser
    takes a noun of the clause for the subject."""
    doc, k = v.doc, v.i - 1
    while k >= 0 and v.i - k <= 6 and doc[k].pos_ == "PROPN":
        k -= 1
    run = doc[k + 1:v.i]
    if not len(run) or k < 0 or doc[k].text != "," or not any(t.ent_type_ == "PERSON" for t in run):
        return None
    return run[-1]


def _apposition_before(v):
    """"... after Venezuela's defence minister, General Rafael Quintero, warned that ...": the
    parser joins "warned" to the main verb and hangs the speaker on "after"; a verb without a
    subject of its own right after ", NAME," speaks through that name."""
    if any(c.dep_ in _SUBJ for c in v.children) or v.i < 3:
        return None
    doc = v.doc
    comma, name = doc[v.i - 1], doc[v.i - 2]
    if comma.text != "," or name.dep_ != "appos" or name.ent_type_ != "PERSON" or name.head.i >= name.i:
        return None
    return name if v.dep_ in ("conj", "advcl") and v.head.i < name.head.i else None


def _phrase_after_mark(v):
    """"'...,' the council's chairman, Ambassador X, told reporters": the parser hangs the
    speaker phrase on the quote, so take the phrase between the closing mark and the verb."""
    doc, k = v.doc, v.i - 1
    while k >= 0 and not (doc[k].text in _ALL_MARKS and doc[k].dep_ != "case"):
        if doc[k].text in (".", "!", "?", ";") or v.i - k > _WINDOW:
            return None
        k -= 1
    if k < 0:
        return None
    lo, hi = k + 1, v.i
    roots = [tok for tok in doc[lo:hi] if tok.pos_ in ("NOUN", "PROPN") and not lo <= tok.head.i < hi]
    return roots[0] if roots else None


def _dateline_word(tok) -> bool:
    """"HELSINKI — Finnish Interior Minister X ... said": the dateline parsed as a second subject."""
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    return tok.text.isupper() and len(tok.text) > 2 and nxt is not None and nxt.text in ("—", "–", "--", "-")


def _source_of(tok):
    """"a statement from the Press Office" speaks for the Press Office."""
    if tok.lemma_.lower() in _SOURCE_NOUNS:
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("from", "by", "of"):
                for p in c.children:
                    if p.dep_ == "pobj":
                        return p
    return tok


def _name_token(subj):
    """The name in a speaker phrase: "the minister, Arman Zhaksybekov", "agency head Timur Ospanov"."""
    for c in subj.children:
        if c.dep_ == "appos" and c.pos_ == "PROPN":
            return c
    if subj.pos_ == "NOUN":
        doc, j = subj.doc, subj.i + 1
        while j < len(doc) and doc[j].pos_ == "PROPN" and "\n" not in doc[j - 1].whitespace_:
            j += 1
        if j > subj.i + 1 and (j == len(doc) or doc[j].tag_ != "POS"):
            return doc[j - 1]
    return subj


def _phrase_span(subj) -> tuple[int, int]:
    """Character span of the speaker phrase (modifiers to the left, the head, flat names)."""
    head = _name_token(subj)
    lo, hi = head.i, head.i
    for c in head.children:
        if c.i < head.i and c.dep_ in ("compound", "amod", "nmod", "poss", "det", "flat", "case", "punct"):
            lo = min(lo, c.left_edge.i)
        elif c.i > head.i and (c.dep_ in ("flat", "compound") or
                               (c.dep_ == "prep" and c.lower_ == "of" and head.pos_ != "PROPN")):
            hi = max(hi, c.right_edge.i)
    doc = head.doc
    while lo < head.i and (doc[lo].is_punct or "\n" in doc[lo:head.i + 1].text):
        lo += 1    # a heading the parser glued onto the sentence
    while hi > head.i and "\n" in doc[head.i:hi + 1].text:
        hi -= 1
    return doc[lo].idx, doc[hi].idx + len(doc[hi])


# -- speakers -----------------------------------------------------------------------------------

class _Speakers:
    def __init__(self, t: _Text, ents: DocEntities) -> None:
        self.t = t
        self.ents = ents
        self.phrase_api = getattr(ents, "actors_for_phrase", None)
        self._persons: list[tuple[int, Actor]] | None = None

    def resolve(self, subj) -> Actor | None:
        if subj is None:
            return None
        low = subj.lower_
        start, end = subj.idx, subj.idx + len(subj)
        if subj.pos_ == "PRON":
            if low in _NON_SPEAKER_PRON and not (low == "it" and subj.head.dep_ == "ccomp"):
                return None
            a = self.ents.actor_at(start, end) or self._one(start, end)
            if a is None and low in ("it", "they"):
                # "condemned what it called 'dangerous manoeuvres'": the subject of the clause it sits in
                up = subj.head
                for _ in range(3):
                    if up.head is up:
                        break
                    up = up.head
                    outer = next((c for c in up.children if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ != "PRON"), None)
                    if outer is not None:
                        return self.resolve(outer)
            if a is None and low in _PERSONAL:
                a = self._carry_over(start)
            return a
        head = _name_token(subj)
        if head.lower_ in _NON_SPEAKER_HEADS:
            return None
        ps, pe = _phrase_span(subj)
        if head.pos_ == "PROPN":
            e = self.ents.entity_at(head.idx, head.idx + len(head))
            if e is not None:
                return Actor(name=e.name, entity_id=e.id, country=e.country, role=e.role, title=e.title)
        a = self._one(ps, pe)
        if a is not None:
            return a
        words = self.t.text[ps:pe].split()
        while words and words[0].lower() in _DETS:
            words = words[1:]
        if not words:
            return None
        countries = self.ents.countries_in(ps, pe)
        return Actor(name=" ".join(words), country=countries[0] if countries else None)

    def _one(self, start: int, end: int) -> Actor | None:
        if self.phrase_api is None:
            return None
        found = self.phrase_api(start, end)
        return found[0] if len(found) == 1 else None

    def note(self, pos: int, actor: Actor | None, named: bool) -> None:
        """A named speaker is a candidate for a later "he said"."""
        if actor is not None and (actor.entity_id is not None or named):
            if self._persons is None:
                self._persons = self._collect_persons()
            bisect.insort(self._persons, (pos, actor), key=lambda x: x[0])

    def _carry_over(self, pos: int) -> Actor | None:
        """Nearest preceding person named as a subject or speaker, within two paragraphs."""
        if self._persons is None:
            self._persons = self._collect_persons()
        limit = self.t.paras[max(0, self.t.para_of(pos) - _CARRY_PARAS)][0]
        i = bisect.bisect_left(self._persons, pos, key=lambda x: x[0]) - 1
        if i >= 0 and self._persons[i][0] >= limit:
            return self._persons[i][1]
        return None

    def _collect_persons(self) -> list[tuple[int, Actor]]:
        out = []
        for tok in self.t.sp:
            if tok.pos_ != "PROPN" or self.t.in_quote(tok.idx):
                continue
            main = tok.head.dep_ == "ROOT" or (tok.head.dep_ == "conj" and tok.head.head.dep_ == "ROOT")
            is_subj = tok.dep_ in _SUBJ and main and tok.head.lemma_ not in _CREDIT
            is_source = tok.dep_ == "pobj" and tok.head.lower_ == "to" and tok.head.head.lower_ == "according"
            # "The head of the mission, Marie Dufresne, urged ...": the name beside the subject
            is_appos = tok.dep_ == "appos" and _in_main_subject(tok.head)
            if not (is_subj or is_source or is_appos):
                continue
            e = self.ents.entity_at(tok.idx, tok.idx + len(tok))
            if e is not None and e.type == "PERSON":
                out.append((tok.idx, Actor(name=e.name, entity_id=e.id, country=e.country, role=e.role,
                                           title=e.title)))
        return out


def _in_main_subject(tok) -> bool:
    """The token is (inside the of-phrase of) the subject of the main verb: "The head of the
    mission in Congo, X, urged": the parser hangs X on "Congo"."""
    for _ in range(5):
        if tok.dep_ in _SUBJ:
            return tok.head.dep_ == "ROOT" and tok.head.lemma_ not in _CREDIT
        if tok.dep_ not in ("pobj", "prep", "compound") or tok.head is tok:
            return False
        tok = tok.head
    return False


# -- assembling ---------------------------------------------------------------------------------

def _attr_evidence(verb, subj) -> list[tuple[int, int]]:
    vs, ve = verb.idx, verb.idx + len(verb)
    if verb.lower_ == "according":
        for to in verb.children:
            if to.lower_ == "to":
                ve = max(ve, to.idx + len(to))
    if subj is None:
        return [(vs, ve)]
    ss, se = _phrase_span(subj)
    if max(ss, vs) - min(se, ve) > 60:      # far apart ("X emphasised ..., stating,"): two pieces
        return sorted([(ss, se), (vs, ve)])
    return [(min(ss, vs), max(se, ve))]


def _groups(t: _Text, spans: list[_Span]) -> tuple[list[_Group], list[_Span]]:
    """Standalone quotes grouped with their continuations; fragments returned apart."""
    groups: list[_Group] = []
    fragments: list[_Span] = []
    g: _Group | None = None
    for s in spans:
        if not _standalone(t, s):
            fragments.append(s)
            continue
        verb_after, attr_end = _after(t, s)
        if g is not None and _continues(t, g, s, verb_after):
            g.parts.append(s)
            if g.verb is None:
                g.verb, g.attr_end = verb_after, attr_end
            elif verb_after is None:
                g.attr_end = max(g.attr_end, s.close)
            continue
        g = _Group([s], verb_after, attr_end)
        if verb_after is None:
            g.verb = _before(t, s)
        groups.append(g)
    return groups, fragments


def _continues(t: _Text, g: _Group, s: _Span, verb_after) -> bool:
    last = g.parts[-1]
    if last.unclosed:
        return s.para == last.para + 1 and s.open == t.paras[s.para][0]
    if s.para != last.para or (g.verb is not None and verb_after is not None):
        return False
    gap_from = max(last.close + 1, g.attr_end)
    gap = t.text[gap_from:s.open]
    return len(gap.strip(" ,.;:—–-")) == 0 and len(gap) <= 4


def _fragment_verb(t: _Text, s: _Span):
    toks = [tok for tok in t.tokens(s.start, s.end) if not tok.is_punct]
    if not toks:
        return None
    root = next((tok for tok in toks if not (s.start <= tok.head.idx < s.end) or tok.head is tok), toks[0])
    if root.dep_ in ("compound", "nmod", "poss") or root.pos_ == "PROPN":
        return None     # part of a name or term: the "mad cow" disease
    cur = root
    for _ in range(6):
        h = cur.head
        if h is cur:
            return None
        if h.pos_ in ("VERB", "AUX"):
            if _is_speech(h, _FRAGMENT):
                return h
            if h.dep_ in ("ccomp", "xcomp") and _is_speech(h.head, _FRAGMENT):
                return h.head     # "offered to play 'a constructive role'", "asked X to reopen it 'without delay'"
            return None
        cur = h
    return None


def find_quotes(doc: Document, sp, ents: DocEntities) -> list[Quote]:
    if sp is None or not doc.text:
        return []
    t = _Text(doc, sp)
    spans = [s for i, (ps, pe) in enumerate(t.paras) for s in _scan(doc.text, ps, pe, i)]
    t.quoted = [(s.open, s.close + 1) for s in spans]
    t.quoted_starts = [q[0] for q in t.quoted]
    speakers = _Speakers(t, ents)
    groups, fragments = _groups(t, spans)

    # (position, Quote builder) so that speakers resolve in reading order
    found: list[tuple[int, object]] = []
    for g in groups:
        words = sum(len(doc.text[p.start:p.end].split()) for p in g.parts)
        if g.verb is None and words < _MIN_UNATTRIBUTED:
            continue
        found.append((g.parts[0].start, ("direct", g)))
    for s in fragments:
        words = doc.text[s.start:s.end].split()
        if _is_title(words):
            continue
        v = _fragment_verb(t, s)
        if v is not None:
            found.append((s.start, ("fragment", s, v)))
    reported = _reported(t)
    for q in reported:
        found.append((q[0], ("reported",) + q))
    # a quoted fragment inside a reported clause is part of that clause, not a quote of its own
    found = [f for f in found if f[1][0] != "fragment" or
             not any(a <= f[1][1].start and f[1][1].end <= b for a, b, _v, _s in reported)]
    found.sort(key=lambda x: x[0])

    out: dict[str, Quote] = {}
    last: tuple[int, Actor] | None = None      # (paragraph, speaker) of the latest quote with a speaker
    for _pos, item in found:
        q = _build(doc, t, speakers, item)
        if q is None or q.id in out:
            continue
        para = t.para_of(q.start)
        if q.speaker is not None and q.speaker.entity_id is None and q.speaker.name.lower() in _SOURCE_NOUNS:
            # "the bank said in a statement. ... according to the statement": the bank
            if last is not None and para - last[0] <= _CARRY_PARAS:
                q = replace(q, speaker=last[1])
        elif q.speaker is not None:
            last = (para, q.speaker)
        out[q.id] = q
    return list(out.values())


def _build(doc: Document, t: _Text, speakers: _Speakers, item) -> Quote:
    kind = item[0]
    if kind == "direct":
        g: _Group = item[1]
        subj = _subject(g.verb) if g.verb is not None else None
        spans = [(p.start, p.end) for p in g.parts]
        text = " ".join(doc.text[s:e] for s, e in spans)
        attr = _attr_evidence(g.verb, subj) if g.verb is not None else []
        direct = True
    elif kind == "fragment":
        s, v = item[1], item[2]
        subj = _subject(v)
        spans = [(s.start, s.end)]
        text = doc.text[s.start:s.end]
        attr = _attr_evidence(v, subj)
        direct = True
    else:
        start, end, v, subj = item[1:]
        spans = [(start, end)]
        text = doc.text[start:end]
        attr = _attr_evidence(v, subj)
        direct = False
    speaker = speakers.resolve(subj)
    if subj is not None and subj.pos_ != "PRON":
        speakers.note(spans[0][0], speaker, _name_token(subj).pos_ == "PROPN")
    return Quote(**_fields(doc, spans, text, direct, speaker, attr))


def _fields(doc: Document, spans, text, direct, speaker, attr) -> dict:
    ev = [Evidence(doc.id, s, e, doc.text[s:e]) for s, e in spans]
    ev += [Evidence(doc.id, s, e, doc.text[s:e]) for s, e in attr if (s, e) not in spans]
    start, end = spans[0]
    return {"id": f"{doc.id}-q{start}", "doc_id": doc.id, "text": text, "direct": direct, "speaker": speaker,
            "evidence": ev, "start": start, "end": end}


# -- reported speech ----------------------------------------------------------------------------

def _reported(t: _Text) -> list[tuple[int, int, object, object]]:
    """(start, end, verb, subject) of each reported clause."""
    out: list[tuple[int, int, object, object]] = []
    taken: list[tuple[int, int]] = []
    for tok in t.sp:
        if tok.lower_ == "according" and not t.in_quote(tok.idx):
            r = _according(t, tok)
            if r:
                out.append(r)
                taken.append(r[:2])
    for v in t.sp:
        if not _is_speech(v, _REPORTED) or t.in_quote(v.idx):
            continue
        if any(c.dep_ == "neg" for c in v.children):
            continue
        subj, span = _subject(v), None
        if subj is None:
            subj, span = _trailing_apposition(t, v) or (None, None)
        if subj is None or (subj.pos_ == "PRON" and subj.lower_ in _NON_SPEAKER_PRON) \
                or _name_token(subj).lower_ in _NON_SPEAKER_HEADS:
            continue
        span = span or _clause_before(t, v, subj) or _clause_by_parse(t, v) or _clause_after(t, v)
        if span is None:
            continue
        start, end = _trim(t.text, *span)
        for qs, qe in t.quotes_over(start, end):
            if start <= qs and end < qe <= end + 2:
                end = qe          # keep a closing mark that ends the clause: there is "still a hope."
        inside = t.quotes_over(start, end)
        if any(not (start <= qs and qe <= end + 2) for qs, qe in inside) or \
                sum(qe - qs for qs, qe in inside) * 2 > end - start:
            continue    # direct speech, or only partly reported: left to the direct quote
        for qs, qe in t.quotes_over(start, end):
            if re.match(r",\s+(?:a|an|the|which)\b", t.text[qe:end]):
                end = qe          # '... “ready to expand the route”, a reference to ...': the gloss is ours
        if end - start < 10 or t.text.count("\n", start, end) or ";" in t.text[min(end, v.idx):max(start, v.idx)]:
            continue
        if start <= subj.idx < end or any(s_ < end and start < e for s_, e in taken):
            continue
        out.append((start, end, v, subj))
    return out


def _trailing_apposition(t: _Text, v):
    """"CLAUSE, the chief negotiator, Lucía Mejía Duarte, said." The parser leaves "said" without a
    subject and hangs the two comma-separated phrases on the clause: take the name of the pair
    (a title phrase and a proper-noun run, either order) as the speaker and the clause before it."""
    doc = v.doc
    lo, _hi = _unit(t, v)
    if v.i - 1 <= lo or doc[v.i - 1].text != ",":
        return None
    groups, end = [], v.i - 1
    for _ in range(2):
        k = end - 1
        while k > lo and doc[k].text != "," and end - k <= 8:
            k -= 1
        if k <= lo or doc[k].text != "," or k == end - 1:
            return None
        groups.append(doc[k + 1:end])
        end = k
    if any(tok.pos_ not in ("DET", "ADJ", "NOUN", "PROPN", "PART", "ADP") for g in groups for tok in g):
        return None
    names = [g for g in groups if all(tok.pos_ == "PROPN" for tok in g) and g[-1].ent_type_ in ("PERSON", "ORG", "")]
    titles = [g for g in groups if g not in names and any(tok.pos_ == "NOUN" for tok in g)]
    if len(names) != 1 or len(titles) != 1:
        return None
    clause = doc[lo:end]
    if not _finite(clause):
        return None
    return names[0][-1], (clause[0].idx, clause[-1].idx + len(clause[-1]))


def _finite(toks) -> bool:
    """Whether tokens hold a clause (a verb that is not a bare participle)."""
    return any(x.tag_ in ("MD", "VBD", "VBZ", "VBP", "VB") for x in toks)


def _unit(t: _Text, v) -> tuple[int, int]:
    """Token range of the sentence around ``v``, cut at the paragraph and at semicolons."""
    doc, sent = v.doc, v.sent
    p = t.paras[t.para_of(v.idx)]
    lo, hi = sent.start, sent.end
    while lo < v.i and (doc[lo].idx < p[0] or any(x.text == ";" for x in doc[lo:v.i])):
        lo += 1
    while hi > v.i + 1 and (doc[hi - 1].idx >= p[1] or any(x.text == ";" for x in doc[v.i:hi])):
        hi -= 1
    return lo, hi


def _clause_before(t: _Text, v, subj) -> tuple[int, int] | None:
    """"CLAUSE, the ministry said" / "CLAUSE, said Tokayev": everything before the comma."""
    doc = v.doc
    lo, _hi = _unit(t, v)
    left = v.i
    if subj.i < v.i and lo < subj.left_edge.i and subj.right_edge.i >= v.i - 2 and \
            any(ch.dep_ == "appos" for ch in subj.children):
        left = subj.left_edge.i         # "CLAUSE, the chief negotiator, NAME, said": the whole apposition
    if subj.i < v.i:                    # walk back over the speaker's words to the comma
        while left - 1 > lo and left > v.i - 14 and doc[left - 1].text != "," and (
                doc[left - 1].pos_ in ("PROPN", "NOUN", "ADJ", "DET", "NUM", "PRON") or
                doc[left - 1].lower_ in _SPEAKER_LINKS and not _joins_clauses(doc[left - 1])):
            left -= 1
        if subj.i < left - 1:
            return None                 # "X declined ..., saying ...": the speaker is in the left clause
    if left - 1 <= lo or doc[left - 1].text != ",":
        return None
    toks = doc[lo:left - 1]
    if not _finite(toks):
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def _joins_clauses(tok) -> bool:
    """"CLAUSE, and Moscow said it would respond": an "and" that joins verbs, not speakers."""
    return tok.dep_ == "cc" and tok.head.pos_ in ("VERB", "AUX")


def _clause_by_parse(t: _Text, v) -> tuple[int, int] | None:
    """The clausal complement(s) after the verb: "said (that) CLAUSE"."""
    head = v
    if v.lemma_ == "point":
        head = next((c for c in v.children if c.dep_ == "prt" and c.lower_ == "out"), v)
    comps = [c for c in head.children if c.dep_ == "ccomp" and c.i > v.i]
    if not comps or not any(g.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in comps for g in c.children):
        return None     # no clause of its own ("... declared in 1983 is recognized"): a parse slip
    doc = v.doc
    # "said that A had grown ... and that B": the parser may split it into two complements
    lo, hi = comps[0].left_edge.i, max(c.right_edge.i for c in comps)
    while lo <= hi and (doc[lo].lower_ == "that" and doc[lo].dep_ == "mark" or doc[lo].is_punct):
        lo += 1
    while hi >= lo and doc[hi].is_punct and doc[hi].text not in _ALL_MARKS:
        hi -= 1
    if hi - lo < 2:
        return None
    # "told state radio that Budapest would «not be blackmailed» over the rule of law": the parser
    # hangs the closing mark and what follows on the verb; the clause runs to the sentence's end
    _lo, unit_hi = _unit(t, v)
    if hi + 1 < unit_hi and doc[hi + 1].text in _ALL_MARKS and t.in_quote(doc[hi].idx):
        end = unit_hi - 1
        while end > hi and doc[end].is_punct and doc[end].text not in _ALL_MARKS:
            end -= 1
        if all(x.head.i == v.i or v.i < x.head.i <= end and x.head.i > hi for x in doc[hi + 1:end + 1]):
            hi = end
    return doc[lo].idx, doc[hi].idx + len(doc[hi])


def _clause_after(t: _Text, v) -> tuple[int, int] | None:
    """When the parse has no complement: "said (in a statement / to reporters) that CLAUSE" or
    "said CLAUSE" up to the end of the sentence."""
    doc = v.doc
    _lo, hi = _unit(t, v)
    j = v.i + 1
    while j < min(hi, v.i + 10) and doc[j].lower_ != "that" and doc[j].text not in (".", "!", "?") \
            and doc[j].text not in _ALL_MARKS:
        j += 1
    if j < hi and doc[j].lower_ == "that":
        first = j + 1
    elif v.i + 1 < hi and v.lemma_ == "say" and doc[v.i + 1].pos_ in ("DET", "PROPN", "NOUN", "PRON", "NUM", "ADJ"):
        first = v.i + 1                 # "said the line would ...": only "say" drops its "that" freely
    else:
        return None
    last = hi - 1
    while last > first and doc[last].is_punct and doc[last].text not in _ALL_MARKS:
        last -= 1
    if last - first < 2 or not _finite(doc[first:last + 1]):
        return None
    return doc[first].idx, doc[last].idx + len(doc[last])


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip spaces, final punctuation and a leading dateline ("ASTANA — ") from a clause."""
    m = _DATELINE.match(text, start, end)
    if m:
        start = m.end()
    seg = text[start:end]
    start += len(seg) - len(seg.lstrip())
    end = start + len(text[start:end].rstrip().rstrip(".!?").rstrip())
    return start, end


def _according(t: _Text, tok):
    """"According to X, CLAUSE." / "CLAUSE, according to X." -> (start, end, verb, subject)."""
    subj = _subject(tok)
    if subj is None or _name_token(subj).lower_ in _NON_SPEAKER_HEADS:
        return None
    sent = tok.sent
    p = t.paras[t.para_of(tok.idx)]
    s_start, s_end = max(sent.start_char, p[0]), min(sent.end_char, p[1])
    x_end = max(x.idx + len(x) for x in subj.subtree)
    lead = t.text[s_start:tok.idx].strip(" \"“«")
    if not lead:
        k = t.text.find(",", tok.idx, s_end)
        if k < 0:
            return None
        start, end = k + 1, s_end
        # drop a trailing source credit (", reported Akorda")
        for v in t.tokens(start, end):
            if v.lemma_ in _CREDIT and t.text[start:v.idx].rstrip().endswith(","):
                end = t.text.rfind(",", start, v.idx)
                break
    elif lead.endswith(",") and not t.text[x_end:s_end].strip(" .!?\"”»"):
        start, end = s_start, s_start + len(t.text[s_start:tok.idx].rstrip().rstrip(","))
    else:
        return None
    start, end = _trim(t.text, start, end)
    if end - start < 10 or t.quotes_over(start, end):
        return None
    return start, end, tok, subj
