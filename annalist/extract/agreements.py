"""Agreements: the documents a text reports as signed (or as not signed, or to be signed).

Conventions follow the project's annotation guidelines (eval/devset/README.md).

Where they come from
  * A sentence with a signing word (signed, signing, inked, concluded, issued, adopted,
    ratified ...) or one that introduces a list of documents ("The agreements cover ...: a
    ...; a ...", "The documents include ..."); the latter take status and date from the last
    signing sentence.
  * Every document word governed by the signing verb in the same clause, or listed after
    "including", ":" or ";" (agreement, memorandum, protocol, joint statement, treaty,
    contract, roadmap, plan of ..., programme, financing package, credit line ...; ``kinds``
    in the JSON) is one record, so "X; Y; Z and the W" gives four and "agreements on A and on
    B" gives two. Its title runs from its modifiers to the next ; , ( or list "and", a
    relative clause, a finite verb, a date or place ("in Hanoi", "on Monday"), as written.
    A bare mention ("an agreement") has title None.
  * Bullet lists ("•", "-", "1.") under a line that ends with ":" and speaks of signing or of
    documents: one record per line, the whole line as title (kind "document" when the line
    names none).
  * Counted documents ("signed 24 intergovernmental and interdepartmental documents",
    "more than 40 agreements"): one record, title None, ``count`` N, kind "documents" for
    document/paper, else the kind of the word - unless the text goes on to list exactly N
    documents. The same count and kind twice in one text (a heading and its paragraph) is
    one record.
  * Not records: anaphoric mentions ("the agreements", "such an agreement", "it"; "the (gas)
    agreement" after a record of that kind), uncounted plurals ("signed agreements worth $2.3
    billion"), "a set of documents", documents named after "after"/"since"/"before" ("two
    decades after their first defence agreement"), hypothetical ones ("a deal being concluded").

Fields
  * status: "negated" (did not sign, was not signed, has not yet been signed, no agreement
    was signed, failed to sign, "without the gas agreement"; ``signed`` is then None and it
    never counts as signed), "planned" (will/could sign, are expected to sign, plan to sign,
    is expected to be signed), "background" (the signing date lies before the text's own
    date: more than a week for days, an earlier month or year; or "had signed", "since ...
    was signed"), else "reported".
  * signed: the date expression attached to the signing verb in the parse; else, after
    "At the time" / "Following the meeting", the last date earlier in the paragraph; else the
    sentence's only date if not later than the text's own; else the list's signing sentence;
    else the publication date when known to the day (not for planned records).
  * parties: the countries and organisations named in the title, then those of the signers
    (the signing verb's subject or agent, "with X", "between X", through the resolver for
    "the two sides"), else of the sentence, then the document's two most mentioned countries,
    until there are two.
  * topic: the title's complement made compact: "on the construction of the Tacheng-Ayagoz
    railway" -> "railway construction", "on phytosanitary requirements for Kazakhstan's export
    of rapeseed to China" -> "phytosanitary requirements for rapeseed export"; else its
    modifiers ("energy transition protocol" -> "energy transition").
Vocabulary: ``knowledge/agreements.json``.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from ..knowledge import load
from ..model import Agreement, DateMention, Document, Evidence
from .actors import DocEntities
from .amounts import NUMBER_WORDS, parse_number, sentence_spans

__all__ = ["find_agreements"]

_K = load("agreements")
_KINDS: dict[str, str] = _K["kinds"]
_JOINT: dict[str, str] = _K["joint_kinds"]
_NEEDS_MOD: dict[str, list[str]] = _K["needs_modifier"]
_WORD_NEEDS_MOD: dict[str, list[str]] = _K["kind_modifier_required"]
_OF_COMPLEMENTS = set(_K["of_complements"])
_GENERIC = set(_K["generic_kinds"])
_MOD_HEADS = set(_K["kind_as_modifier_heads"])
_SUCH = set(_K["anaphoric_before_article"])
_TRAILING = set(_K["trailing_non_title"])
_SIGN = set(_K["sign_verbs"])
_WEAK_SIGN = set(_K["weak_sign_verbs"])
_NOT_SIGNED_PREPS = set(_K["not_signed_preps"])
_INTRO_VERBS = set(_K["list_intro_verbs"])
_PLANNED_HEADS = set(_K["planned_heads"])
_PLANNED_AUX = set(_K["planned_aux"])
_NEG_HEADS = set(_K["negating_heads"])
_ANAPHORIC = set(_K["anaphoric_determiners"])
_MARKERS = _K["date_markers"]
_DEADLINE = set(_K["deadline_preps"])
_STOP = set(_K["title_stop_words"])
_IN_TITLE = [p.split() for p in _K["in_title_phrases"]]
_NOT_TOPIC = set(_K["kind_modifiers_not_topic"])
_TOPIC_PREPS = set(_K["topic_preps"])
_TOPIC_SKIP = set(_K["topic_skip_heads"])
_INVERT = set(_K["inverting_heads"])
_BULLET = re.compile(_K["bullet_pattern"])
_MAX_TITLE = _K["max_title_tokens"]
_BACKGROUND_DAYS = _K["background_days"]
_QUOTE_MARKS = set("«»“”„‘’\"")
_ISO = re.compile(r"^\d{4}(?:-\d\d(?:-\d\d)?)?$")
_YEAR = re.compile(r"(?:1[89]|20|21)\d\d")


@dataclass
class _Sign:
    tok: object                  # the signing token
    sent: tuple[int, int]
    para: int
    status: str
    date: str | None


@dataclass
class _Rec:
    start: int
    title: tuple[int, int] | None
    kind: str
    count: int
    status: str
    signed: str | None
    parties: list[str]
    topic: str | None
    evidence: list[tuple[int, int]] = field(default_factory=list)
    heading: bool = False


class _Ctx:
    def __init__(self, doc: Document, sp, ents: DocEntities, dates: list[DateMention]) -> None:
        self.doc, self.text, self.sp, self.ents = doc, doc.text, sp, ents
        self.tok_starts = [t.idx for t in sp]
        self.sents = sentence_spans(doc, sp)
        self.paras: list[tuple[int, int]] = []
        pos = 0
        for line in doc.text.split("\n"):
            s, e = pos + len(line) - len(line.lstrip()), pos + len(line.rstrip())
            if e > s:
                self.paras.append((s, e))
            pos += len(line) + 1
        self.para_starts = [p[0] for p in self.paras]
        self.dates = sorted((d for d in dates if d.type == "DATE" and _iso(d.value)), key=lambda d: d.start)
        self.date_starts = [d.start for d in self.dates]
        self.pub = doc.published
        self.phrase_api = getattr(ents, "actors_for_phrase", None)
        self._main: list[str] | None = None

    def para_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.para_starts, pos) - 1)

    def tokens(self, start: int, end: int):
        i = bisect.bisect_left(self.tok_starts, start)
        j = bisect.bisect_left(self.tok_starts, end)
        return self.sp[i:j]

    def dates_in(self, start: int, end: int) -> list[DateMention]:
        i = bisect.bisect_left(self.date_starts, start)
        out = []
        while i < len(self.dates) and self.dates[i].start < end:
            out.append(self.dates[i])
            i += 1
        return out

    def in_date(self, pos: int) -> bool:
        i = bisect.bisect_right(self.date_starts, pos) - 1
        return i >= 0 and self.dates[i].start <= pos < self.dates[i].end

    def main_pair(self) -> list[str]:
        """The document's two most mentioned countries."""
        if self._main is None:
            n: Counter[str] = Counter()
            for e in self.ents.entities:
                if e.country and not e.country.startswith("IGO:") and e.type in ("GPE", "LOC"):
                    n[e.country] += len(e.mentions)
            self._main = [k for k, _ in n.most_common(2)]
        return self._main


def _iso(value: str | None) -> str | None:
    if not value:
        return None
    if _ISO.match(value):
        return value
    return value[:4] if _YEAR.match(value[:4]) else None


# -- words --------------------------------------------------------------------------------------

def _kind_of(t) -> str | None:
    low = t.lower_
    if t.pos_ not in ("NOUN", "PROPN"):
        return None
    doc = t.doc
    prev = doc[t.i - 1].lower_ if t.i > 0 else ""
    if prev == "joint" and low in _JOINT:
        return _JOINT[low]
    kind = _KINDS.get(low)
    if kind is None:
        return None
    if t.dep_ == "compound" and t.head.lower_ in _MOD_HEADS:
        return None                    # "agreement text", "deal value": a modifier
    word_need = _WORD_NEEDS_MOD.get(low)
    if word_need is not None and not {doc[i].lower_ for i in range(max(0, t.i - 2), t.i)} & set(word_need):
        return None                    # "line" is a document only as a "credit line"
    need = _NEEDS_MOD.get(kind)
    if need is not None:
        left = {doc[i].lower_ for i in range(max(0, t.i - 2), t.i)}
        nxt = [doc[i].lower_ for i in range(t.i + 1, min(len(doc), t.i + 3))]
        # "a plan for joint research", "a plan on cooperation": the modifier in its own phrase
        purpose = len(nxt) > 1 and nxt[0] in ("for", "on") and nxt[1] in need
        if not (left & set(need)) and not (nxt[:1] == ["of"] and len(nxt) > 1 and nxt[1] in _OF_COMPLEMENTS) \
                and not purpose:
            return None
    return kind


def _is_sign(t) -> bool:
    """A signing verb, "signed" as a modifier, or the noun "signing" (not "signs of progress")."""
    if t.pos_ == "NOUN" and t.lower_ not in ("signing", "signature"):
        return False
    return t.lemma_.lower() in _SIGN or t.lower_ in _SIGN


def _linked(k, s, list_before: bool) -> bool:
    """Whether the signing token governs the document word within one clause ("signed a
    memorandum", "a memorandum signed by", "a treaty ... is expected to be signed"), or the word
    is in a list the sentence sets out (after "including", ":", ";" or "The documents include")."""
    if any(x.i == s.i for x in k.children) and s.dep_ in ("acl", "amod", "relcl"):
        return True                     # "a memorandum signed in July 2023"
    cur = k
    for _ in range(8):                  # up from the document word to the signing verb
        h = cur.head
        if h is cur:
            break
        if h.i == s.i:
            return True
        if h.pos_ == "ADP" and h.lower_ in _NOT_SIGNED_PREPS:
            return False                # "two decades after their first defence agreement"
        if h.pos_ in ("VERB", "AUX") and h.dep_ not in ("aux", "auxpass"):
            break                       # another clause's verb
        cur = h
    if k.dep_ in ("nsubj", "nsubjpass") and any(a.i == k.head.i for a in s.ancestors):
        return True                     # "A treaty ... is expected to be signed"
    if s.lemma_.lower() in _WEAK_SIGN:
        return False
    return list_before


def _number_before(sp, k):
    """The number that counts kind word ``k`` ("24 intergovernmental and interdepartmental
    documents", "a dozen signed documents", "four other documents"), or None."""
    i = k.i - 1
    while i >= 0 and k.i - i <= 6:
        t = sp[i]
        if t.like_num or t.lower_ in NUMBER_WORDS:
            if t.i + 1 < len(sp) and sp[t.i + 1].lower_ in ("billion", "million", "bn", "mln", "percent", "%"):
                return None
            if _YEAR.fullmatch(t.text):
                return None
            v = parse_number(("a " if t.lower_ == "dozen" else "") + t.text)
            return int(v) if v and v == int(v) and v > 0 else None
        if t.pos_ in ("ADJ", "CCONJ") or t.tag_ in ("VBN", "VBG") or t.text in (",", "-") or t.lower_ in ("other", "more"):
            i -= 1
            continue
        return None
    return None


# -- titles -------------------------------------------------------------------------------------

def _left_start(sp, k, floor: int) -> int:
    i = k.i
    while i - 1 >= floor:
        t = sp[i - 1]
        if "\n" in t.whitespace_ or t.is_space:
            break
        if t.pos_ in ("ADJ", "NOUN", "PROPN", "NUM") or t.tag_ == "POS" or t.text in ("-", "–"):
            if _kind_of(t) is not None or t.lower_ in ("no",):
                break
            i -= 1
            continue
        break
    while i < k.i and (sp[i].is_punct or sp[i].tag_ == "POS"):
        i += 1
    return i


def _in_phrase_ok(c: _Ctx, sp, j: int, end_i: int) -> bool:
    """Keep "in ..." inside a title unless it places or dates the signing (in Hanoi, in 2023,
    in the presence of)."""
    words = [sp[x].lower_ for x in range(j, min(end_i, j + 4))]
    if any(words[:len(p)] == p for p in _IN_TITLE):
        return True
    if words[1:3] == ["the", "presence"]:
        return False
    for x in range(j + 1, min(end_i, j + 5)):
        t = sp[x]
        if t.ent_type_ in ("GPE", "LOC", "FAC", "DATE", "TIME") or c.in_date(t.idx):
            return False
        if t.pos_ == "NOUN":
            break
    return True


def _right_end(c: _Ctx, sp, k, end_i: int, bullet: bool) -> int:
    """Index one past the title's last token."""
    j = k.i + 1
    while j < end_i and j - k.i <= _MAX_TITLE:
        t, prev = sp[j], sp[j - 1]
        low = t.lower_
        if "\n" in prev.whitespace_ or t.is_space:
            break
        if bullet:
            j += 1
            continue
        if t.text == "," and prev.pos_ == "ADJ" and j + 1 < end_i and sp[j + 1].pos_ == "ADJ":
            j += 1
            continue                        # "on economic, social and cultural rights"
        if t.text in (";", ":", "(", ")", "[", ".", "!", "?", ",", "—", "–") and not (t.text == "–" and prev.pos_ == "PROPN"):
            break
        if low in _STOP and not (low == "that" and t.dep_ == "det"):
            break
        if low in ("and", "or") and j + 1 < end_i and k.i + 1 < end_i and sp[j + 1].lower_ == sp[k.i + 1].lower_ \
                and sp[j + 1].pos_ == "ADP":
            break                           # "agreements on A and on B"
        if low in ("and", "or") or (low == "as" and j + 1 < end_i and sp[j + 1].lower_ == "well"):
            x = j + 1
            while x < end_i and (sp[x].pos_ in ("DET", "ADJ", "NUM") or sp[x].lower_ in ("as", "well")):
                if sp[x].like_num:
                    break
                x += 1
            if x < end_i and (sp[x].like_num or _kind_of(sp[x]) is not None):
                break
        if low == "in" and not _in_phrase_ok(c, sp, j, end_i):
            break
        if c.in_date(t.idx) and prev.lower_ not in ("for", "until", "through", "to", "-", "–", "and"):
            break
        if low in ("on", "at") and j + 1 < end_i and (c.in_date(sp[j + 1].idx) or sp[j + 1].ent_type_ in ("DATE", "TIME")):
            break
        if t.pos_ in ("VERB", "AUX"):
            ok = t.tag_ == "VBG" and prev.text != "," or (t.tag_ == "VB" and prev.lower_ == "to")
            if not ok:
                break
        j += 1
    while j - 1 > k.i and (sp[j - 1].is_punct and sp[j - 1].text not in ("»", "”", '"', "’")
                          or sp[j - 1].lower_ in ("and", "or", "the", "a", "an", "to", "of", "on", "with")
                          or sp[j - 1].lower_ in _TRAILING):
        j -= 1
    return j


def _balanced(text: str) -> bool:
    return text.count("«") == text.count("»") and text.count("“") == text.count("”") and text.count('"') % 2 == 0


# -- status and date ----------------------------------------------------------------------------

def _status(s, k=None) -> str:
    """negated | planned | past (had signed) | reported, from the signing token's neighbourhood."""
    doc = s.doc
    kids = list(s.children)
    if any(ch.dep_ == "neg" or ch.lower_ in ("not", "n't", "never") for ch in kids):
        return "negated"
    if k is not None and any(ch.lower_ == "no" for ch in k.children):
        return "negated"
    if s.i >= 2 and doc[s.i - 2].lower_ == "yet" and doc[s.i - 1].lower_ == "to":
        return "negated"
    if s.i >= 1 and doc[s.i - 1].lower_ == "without":
        return "negated"
    cur = s
    for _ in range(3):
        h = cur.head
        if cur.dep_ in ("xcomp", "ccomp", "advcl", "pcomp", "acomp") and h is not cur:
            if h.lemma_.lower() in _NEG_HEADS:
                return "negated"
            if any(ch.dep_ == "neg" for ch in h.children) and h.lemma_.lower() not in _PLANNED_HEADS:
                return "negated"
            if h.lemma_.lower() in _PLANNED_HEADS or h.lower_ in _PLANNED_HEADS:
                return "planned"
            cur = h
            continue
        break
    auxes = [ch.lower_ for ch in kids if ch.dep_ in ("aux", "auxpass")]
    if "being" in auxes and not any(a in ("is", "are", "was", "were") for a in auxes):
        return "hypothetical"               # "an obstacle to a deal being concluded"
    if any(a in _PLANNED_AUX for a in auxes):
        return "planned"
    if s.dep_ in ("xcomp",) and s.head.lower_ in ("to",):
        return "planned"
    before = [doc[i].lower_ for i in range(max(0, s.i - 4), s.i)]
    if "to" in before and any(w in _PLANNED_HEADS for w in before):
        return "planned"                    # "plan to sign" when the parse misreads "plan"
    if "had" in auxes or any(ch.dep_ == "mark" and ch.lower_ == "since" for ch in kids):
        return "past"                       # "had signed", "since the treaty was signed"
    return "reported"


def _attached_date(c: _Ctx, s, sent: tuple[int, int], titles: list[tuple[int, int]], planned: bool) -> str | None:
    """The date expression the parse attaches to the signing token."""
    best = None
    for d in c.dates_in(*sent):
        if any(a <= d.start < b for a, b in titles):
            continue
        prev = c.text[max(sent[0], d.start - 12):d.start].lower().split()
        if prev and prev[-1] in _DEADLINE and not (planned and prev[-1] == "by"):
            continue
        toks = c.tokens(d.start, d.end)
        if not len(toks):
            continue
        cur = toks[-1]
        for _ in range(7):
            if cur.i == s.i:
                best = best or d
                break
            h = cur.head
            if h is cur or (h.pos_ in ("VERB", "AUX") and h.i != s.i and h.dep_ not in ("aux", "auxpass")):
                break
            cur = h
        if best is not None:
            break
    return _iso(best.value) if best is not None else None


def _lone_date(c: _Ctx, sent: tuple[int, int], titles: list[tuple[int, int]], future: bool = False) -> str | None:
    """The sentence's only date when the parse hangs it elsewhere ("the visit on Tuesday (2
    September) ended with a dozen signed documents"), if it is not after the text's own date
    (for a planned signing: if it is not before)."""
    ds = [d for d in c.dates_in(*sent) if not any(a <= d.start < b for a, b in titles)
          and (c.text[max(sent[0], d.start - 12):d.start].lower().split() or [""])[-1] not in _DEADLINE]
    if len(ds) != 1:
        return None
    v = _iso(ds[0].value)
    pub = c.pub.value if c.pub is not None else None
    if v is None or pub is None:
        return v
    later, earlier = v[:len(pub)] > pub[:len(v)], v[:len(pub)] < pub[:len(v)]
    return None if (later and not future) or (earlier and future) else v


def _marker_date(c: _Ctx, sent: tuple[int, int]) -> str | None:
    """"At the time, ... signed": the last date earlier in the same paragraph."""
    low = c.text[sent[0]:sent[1]].lower()
    if not any(re.search(rf"\b{re.escape(m)}\b", low) for m in _MARKERS):
        return None
    p = c.paras[c.para_of(sent[0])]
    before = [d for d in c.dates_in(p[0], sent[0])]
    return _iso(before[-1].value) if before else None


def _pub_day(c: _Ctx) -> str | None:
    return c.pub.value if c.pub is not None and c.pub.precision == "day" else None


def _is_earlier(signed: str, c: _Ctx) -> bool:
    """Whether a signing date lies clearly before the text's own date."""
    if c.pub is None:
        return False
    pub = c.pub.value
    if len(signed) >= 4 and len(pub) >= 4 and signed[:4] < pub[:4]:
        return True
    if len(signed) == 10 and len(pub) == 10:
        return (date.fromisoformat(pub) - date.fromisoformat(signed)).days > _BACKGROUND_DAYS
    if len(signed) == 7 and len(pub) >= 7:
        y, m = int(signed[:4]), int(signed[5:7])
        py, pm = int(pub[:4]), int(pub[5:7])
        return (py * 12 + pm) - (y * 12 + m) >= 1
    return False


def _finish(c: _Ctx, status: str, signed: str | None, had_date_of_own: bool) -> tuple[str, str | None]:
    if status in ("negated", "hypothetical"):
        return "negated", None
    if status == "planned":
        return "planned", signed if had_date_of_own else None
    if status == "past" or (signed and had_date_of_own and _is_earlier(signed, c)):
        return "background", signed
    if signed is None:
        signed = _pub_day(c)
    return "reported", signed


# -- parties and topic --------------------------------------------------------------------------

def _signers(s, k) -> list[tuple[int, int]]:
    """Character spans of who signs: the signing verb's subject or agent, "with X", "between X"."""
    out = []
    for head in (s, k):
        if head is None:
            continue
        for ch in head.children:
            if ch.dep_ in ("nsubj", "nsubjpass", "agent") or ch.dep_ == "prep" and ch.lower_ in ("with", "between", "by"):
                toks = list(ch.subtree)
                out.append((toks[0].idx, toks[-1].idx + len(toks[-1])))
    return out


def _parties(c: _Ctx, title: tuple[int, int] | None, signers: list[tuple[int, int]],
             sent: tuple[int, int]) -> list[str]:
    """Countries and organisations of the title; then of the signers (through the resolver's
    reading of "the two sides", "they"); then, if still none, of the sentence; then the
    document's main pair until there are two."""
    out: list[str] = []

    def add(codes) -> None:
        for p in codes:
            if p and p not in out:
                out.append(p)

    if title is not None:
        add(c.ents.countries_in(*title))
    if len(out) < 2:
        for sp_ in signers:
            found = c.ents.countries_in(*sp_)
            if not found and c.phrase_api is not None:
                found = [a.country for a in c.phrase_api(*sp_)]
            add(found)
    if not out:
        add(c.ents.countries_in(*sent))
    for p in c.main_pair():
        if len(out) >= 2:
            break
        add([p])
    return out


def _words(toks, drop_propn: bool = False) -> str:
    """Tokens as written (hyphens kept), without articles, quote marks and commas."""
    out = ""
    for x in toks:
        if x.pos_ == "DET" or x.text in _QUOTE_MARKS or x.text in (",", "(", ")") or \
                (drop_propn and x.pos_ == "PROPN" and x.dep_ in ("compound", "amod", "nmod", "poss")) or x.tag_ == "POS":
            continue
        out += x.text + (x.whitespace_ if x.whitespace_ else "")
    return re.sub(r"\s+", " ", out).strip()


def _compact(t, depth: int = 0, bound: tuple[int, int] = (0, 1 << 60)) -> str:
    """A short topic from a noun: modifiers + head, "X of Y" turned into "Y X" for actions
    ("construction of the Tacheng-Ayagoz railway" -> "railway construction")."""
    doc = t.doc

    def inside(x) -> bool:
        return x is not None and bound[0] <= x.idx < bound[1]
    if t.pos_ in ("VERB", "AUX"):
        obj = next((ch for ch in t.children if ch.dep_ in ("dobj", "attr") and inside(ch)), None)
        return f"{t.text} {_compact(obj, depth + 1, bound)}" if obj is not None else t.text
    if t.pos_ == "PROPN":
        lo = min([t.i] + [ch.left_edge.i for ch in t.lefts if ch.dep_ in ("compound", "amod") and ch.pos_ == "PROPN"])
        return _words(doc[lo:t.i + 1])
    keep = [t]
    for ch in t.lefts:
        if ch.dep_ in ("amod", "compound", "nmod") and not ch.like_num and not (depth and ch.pos_ == "PROPN"):
            keep += [x for x in ch.subtree if inside(x) and x.i < t.i]
    base = _words(sorted(set(keep), key=lambda x: x.i), drop_propn=depth > 0) or t.text
    conj = next((ch for ch in t.children if ch.dep_ == "conj" and ch.pos_ in ("NOUN", "PROPN") and inside(ch)), None)
    if conj is not None and depth == 0:
        cmods = [x.text for x in conj.lefts if x.dep_ in ("amod", "compound")]
        base = f"{base} and {' '.join(cmods + [conj.text])}"
    of = _pobj(t, "of") or (_pobj(conj, "of") if conj is not None else None)
    if inside(of) and depth < 2:
        inner = _compact(of, depth + 1, bound)
        base = f"{inner} {base}" if t.lower_ in _INVERT or t.lemma_.lower() in _INVERT else f"{base} of {inner}"
    if depth == 0:
        for prep in ("for", "in"):
            p = _pobj(t, prep)
            while p is not None and p.lower_ in _TOPIC_SKIP and _pobj(p, "of") is not None:
                p = _pobj(p, "of")        # in the field of X -> in X
            if inside(p) and p.ent_type_ not in ("GPE", "LOC", "FAC", "DATE"):
                base = f"{base} {prep} {_compact(p, 1, bound)}"
    return base


def _pobj(t, prep: str):
    if t is None:
        return None
    for ch in t.children:
        if ch.dep_ == "prep" and ch.lower_ == prep:
            for g in ch.children:
                if g.dep_ in ("pobj", "pcomp"):
                    return g
    return None


def _topic(c: _Ctx, k, lo: int, hi: int) -> str | None:
    """From the title tokens [lo, hi) around kind word ``k``: its "on ..." complement first,
    then "in the field of ...", "to <verb>", "<verb>ing ...", "for ...", "of ..."; else its
    modifiers."""
    sp = c.sp
    bound = (sp[lo].idx, sp[hi - 1].idx + len(sp[hi - 1]))
    found: dict[str, object] = {}
    for j in range(k.i + 1, hi):
        t = sp[j]
        low = t.lower_
        if low == "to" and j + 1 < hi and sp[j + 1].pos_ == "VERB":
            found.setdefault("to", sp[j + 1])
        elif t.tag_ == "VBG" and j == k.i + 1:
            found.setdefault("vbg", t)
        elif low == "in" and j + 3 < hi and sp[j + 2].lower_ in _TOPIC_SKIP and sp[j + 3].lower_ == "of":
            p = next((g for g in sp[j + 3].children if g.dep_ in ("pobj", "pcomp")), None)
            if p is not None:
                found.setdefault("field", p)
        elif low in _TOPIC_PREPS and low != "to" or low == "of" and j == k.i + 1:
            p = next((g for g in t.children if g.dep_ in ("pobj", "pcomp")), None)
            if p is None or not lo <= p.i < hi or c.in_date(p.idx) or p.lower_ in ("understanding", "intent"):
                continue
            while p.lower_ in _TOPIC_SKIP and _pobj(p, "of") is not None:
                p = _pobj(p, "of")
            found.setdefault("on" if low in ("on", "concerning", "regarding", "about") else low, p)
    for key in ("on", "field", "to", "vbg", "for", "of"):
        if key in found:
            return _compact(found[key], bound=bound) or None
    mods = [sp[j] for j in range(lo, k.i)
            if sp[j].lower_ not in _NOT_TOPIC and not sp[j].like_num and sp[j].pos_ in ("NOUN", "ADJ", "PROPN")
            and sp[j].lower_ not in ("billion", "million", "yen", "dollar", "dollars")]
    return _words(mods) if mods else None


# -- the passes ---------------------------------------------------------------------------------

def _bullet_lists(c: _Ctx) -> list[tuple[int, list[int]]]:
    """(intro paragraph, item paragraphs) for each list introduced by a signing line ending in ":"."""
    out = []
    i = 0
    while i < len(c.paras):
        s, e = c.paras[i]
        line = c.text[s:e]
        if line.rstrip().endswith(":") and i + 1 < len(c.paras) and _BULLET.match(c.text[slice(*c.paras[i + 1])]):
            toks = c.tokens(s, e)
            if any(_is_sign(t) or _kind_of(t) for t in toks):
                items = []
                j = i + 1
                while j < len(c.paras) and _BULLET.match(c.text[slice(*c.paras[j])]):
                    items.append(j)
                    j += 1
                out.append((i, items))
                i = j
                continue
        i += 1
    return out


def find_agreements(doc: Document, sp, ents: DocEntities, dates: list[DateMention]) -> list[Agreement]:
    if sp is None or not doc.text:
        return []
    c = _Ctx(doc, sp, ents, dates)
    recs: list[_Rec] = []
    lists = _bullet_lists(c)
    item_paras = {j for _, items in lists for j in items}
    intro_of = {i: items for i, items in lists}
    last: _Sign | None = None
    listed: set[int] = set()
    for sent in c.sents:
        para = c.para_of(sent[0])
        if para in item_paras:
            continue
        toks = c.tokens(*sent)
        if not len(toks):
            continue
        signs = [t for t in toks if _is_sign(t)]
        kinds = [(t, k) for t in toks if (k := _kind_of(t))]
        if signs:
            s0 = signs[0]
            st = _status(s0)
            own = (_attached_date(c, s0, sent, [], st == "planned") or _marker_date(c, sent)
                   or (_lone_date(c, sent, []) if st == "reported" else None))
            if own is None and last is not None and last.date and para - last.para <= 3 and st == last.status \
                    and c.text[sent[0]:sent[1]].rstrip().endswith(":"):
                own = last.date             # "The main documents signed ... were:" after "on 2 September"
            last = _Sign(s0, sent, para, st, own)
        if para in intro_of and para not in listed and last is not None and (signs or kinds) \
                and sent[1] >= c.paras[para][1] - 1:
            listed.add(para)
            _from_bullets(c, recs, para, intro_of[para], last)
        if not kinds:
            continue
        intro = not signs and _list_intro(toks, kinds, c.text[sent[0]:sent[1]])
        if not signs and not intro:
            continue
        if not signs and (last is None or para - last.para > 3):
            continue
        _from_sentence(c, recs, sent, toks, kinds, signs, last)
    return _records(c, recs)


def _list_intro(toks, kinds, text: str) -> bool:
    """"The agreements cover ...: a ..., a ..." / "The documents include ..."."""
    colon = text.find(":")
    if colon > 0 and any(t.idx - toks[0].idx < colon for t, _ in kinds) and \
            any(t.idx - toks[0].idx > colon for t, _ in kinds):
        return True
    for t in toks:
        if t.lemma_.lower() in _INTRO_VERBS and any(ch.dep_ == "nsubj" and _kind_of(ch) and ch.tag_ == "NNS"
                                                    for ch in t.children):
            return True                     # "The documents include ..."
        if t.lower_ == "including":
            prev = t.doc[t.i - 2] if t.i >= 2 and t.doc[t.i - 1].text == "," else t.doc[t.i - 1]
            if _kind_of(prev) and prev.tag_ == "NNS":
                return True                 # "12 documents, including ..."
    return False


def _assoc_sign(k, signs):
    for a in list(k.ancestors)[:4]:
        if a in signs:
            return a
    for ch in k.children:
        if ch in signs:
            return ch
    return min(signs, key=lambda s: abs(s.i - k.i)) if signs else None


def _from_sentence(c: _Ctx, recs: list[_Rec], sent, toks, kinds, signs, last: _Sign | None) -> None:
    sp = c.sp
    lo_i, hi_i = toks[0].i, toks[-1].i + 1
    heading = not c.text[sent[0]:sent[1]].rstrip().endswith((".", "!", "?", ":", ";", "»", "”", '"'))
    titles: list[tuple[int, int]] = []
    pending = []
    used_until = -1
    for k, kind in kinds:
        if k.i < used_until:
            continue                        # inside the title of the document before it
        n = _number_before(sp, k)
        plural = k.tag_ in ("NNS", "NNPS") or k.lower_.endswith("s") and k.lower_ not in ("mous",)
        if n is not None and n > 1:
            pending.append((k, kind, n, None))
            continue
        if kind == "documents":
            continue
        lo = _left_start(sp, k, lo_i)
        hi = _right_end(c, sp, k, hi_i, bullet=False)
        has_left, has_right = lo < k.i, hi > k.i + 1
        det = sp[lo - 1].lower_ if lo - 1 >= lo_i else ""
        if lo - 2 >= lo_i and sp[lo - 2].lower_ in _SUCH:
            continue                        # such an agreement: one mentioned before
        if not has_right and (plural or det in _ANAPHORIC and det != "the" and not has_left
                              or det == "the" and _mentioned_before(c, recs, kind, sp[lo:k.i])):
            continue                        # the agreements / this agreement / the (gas) agreement again
        title = (sp[lo].idx, sp[hi - 1].idx + len(sp[hi - 1])) if (has_left or has_right) else None
        if title is not None and not _balanced(c.text[title[0]:title[1]]):
            title = (title[0], title[1]) if c.text[title[1]:title[1] + 1] not in "»”\"" else (title[0], title[1] + 1)
        titles.append((sp[lo].idx, sp[hi - 1].idx + len(sp[hi - 1])))
        used_until = hi
        pending.append((k, kind, 1, (lo, hi, title)))
        if plural:                          # "agreements on a rail crossing and on nuclear training": two
            for a, b in _more_complements(c, sp, k, hi, hi_i):
                titles.append((sp[a].idx, sp[b - 1].idx + len(sp[b - 1])))
                pending.append((k, kind, 1, (a, b, (sp[a].idx, sp[b - 1].idx + len(sp[b - 1])))))
                used_until = b
    sent_text = c.text[sent[0]:sent[1]]
    intro = _list_intro(toks, kinds, sent_text)
    for k, kind, n, t in pending:
        s = _assoc_sign(k, signs) if signs else (last.tok if last is not None else None)
        if s is None:
            continue
        from_context = not signs
        before = sent_text[:k.idx - sent[0]]
        without = t is not None and any(sp[x].lower_ == "without" for x in range(max(lo_i, t[0] - 2), t[0]))
        if not from_context and not without and \
                not _linked(k, s, intro or ";" in before or ":" in before or "including" in before.lower()):
            continue                        # a document the sentence mentions but does not sign
        st = _status(s, k) if not from_context else last.status
        if without:
            st = "negated"                  # "... but without the gas agreement"
        if st == "hypothetical":
            continue
        if from_context:
            date_own = last.date
        else:
            date_own = (_attached_date(c, s, sent, titles, st == "planned") or _marker_date(c, sent)
                        or (_lone_date(c, sent, titles, future=st == "planned") if st in ("reported", "planned")
                            else None))
        status, signed = _finish(c, st, date_own, date_own is not None)
        if t is None:
            start = k.idx
            for x in range(k.i - 1, max(lo_i, k.i - 7) - 1, -1):
                if sp[x].like_num or sp[x].lower_ in NUMBER_WORDS:
                    start = sp[x].idx
                    break
            kind_out = "documents" if kind == "documents" else kind
            recs.append(_Rec(start, None, kind_out, n, status, signed,
                             _parties(c, None, _signers(s, k), sent), None, [sent], heading))
            continue
        lo, hi, title = t
        topic = _topic(c, k, lo, hi) if lo <= k.i < hi else _topic_of_complement(c, lo, hi)
        recs.append(_Rec(sp[lo].idx, title, kind, 1, status, signed,
                         _parties(c, title or (k.idx, k.idx + len(k)), _signers(s, k), sent), topic,
                         ([title] if title else []) + [sent], heading))


def _mentioned_before(c: _Ctx, recs: list[_Rec], kind: str, modifiers) -> bool:
    """"the agreement" or "the gas agreement" after a record of that kind (whose title has the
    same modifiers): the same document again."""
    words = [m.lower_ for m in modifiers if m.pos_ in ("NOUN", "ADJ", "PROPN")]
    for r in recs:
        if r.kind != kind:
            continue
        title = c.text[r.title[0]:r.title[1]].lower() if r.title else ""
        if all(w in title for w in words):
            return True
    return False


def _more_complements(c: _Ctx, sp, k, hi: int, end_i: int) -> list[tuple[int, int]]:
    """Token ranges of further complements of a plural document word: "... and on X", ", on Y"."""
    first = sp[k.i + 1].lower_ if k.i + 1 < end_i else ""
    out = []
    j = hi
    while first in ("on", "for", "between") and j + 1 < end_i and sp[j].text in (",", "and") \
            and sp[j + 1].lower_ == first:
        b = _right_end(c, sp, sp[j + 1], end_i, bullet=False)
        if b <= j + 2:
            break
        out.append((j + 1, b))
        j = b
    return out


def _topic_of_complement(c: _Ctx, lo: int, hi: int) -> str | None:
    p = next((g for g in c.sp[lo].children if g.dep_ in ("pobj", "pcomp")), None)
    bound = (c.sp[lo].idx, c.sp[hi - 1].idx + len(c.sp[hi - 1]))
    return _compact(p, bound=bound) if p is not None and lo <= p.i < hi else None


def _from_bullets(c: _Ctx, recs: list[_Rec], intro: int, items: list[int], sign: _Sign) -> None:
    ip = c.paras[intro]
    for j in items:
        ps, pe = c.paras[j]
        m = _BULLET.match(c.text[ps:pe])
        s = ps + m.end() if m else ps
        e = pe
        while e > s and c.text[e - 1] in ";.,: ":
            e -= 1
        if c.text[s:e].lower().endswith(" and"):
            e -= 4
        if e - s < 3:
            continue
        toks = c.tokens(s, e)
        if not len(toks):
            continue
        kinds = [(t, k) for t in toks[:6] if (k := _kind_of(t))]
        status, signed = _finish(c, sign.status, sign.date, sign.date is not None)
        # skip a leading article: "an agreement on ..." -> "agreement on ..."
        while toks[0].pos_ == "DET" and len(toks) > 1:
            toks = toks[1:]
        s = toks[0].idx
        title = (s, e)
        if kinds:
            k, kind = kinds[0]
            topic = _topic(c, k, toks[0].i, toks[-1].i + 1)
        else:
            kind = "document"
            root = next((t for t in toks if t.head.i < toks[0].i or t.head.i > toks[-1].i or t.head is t), toks[0])
            topic = _compact(root, bound=(s, e)) if root.pos_ in ("NOUN", "PROPN", "VERB") else None
        recs.append(_Rec(s, title, kind, 1, status, signed, _parties(c, title, [ip], sign.sent), topic,
                         [title, ip]))


def _records(c: _Ctx, recs: list[_Rec]) -> list[Agreement]:
    doc = c.doc
    out: dict[tuple, _Rec] = {}
    for r in sorted(recs, key=lambda r: r.start):
        if r.title is not None:
            key = (r.kind, re.sub(r"\W+", " ", c.text[r.title[0]:r.title[1]].lower()).strip(), r.status)
        else:
            key = (r.kind, r.count, r.status)
        old = out.get(key)
        if old is None:
            out[key] = r
        elif old.heading and not r.heading:
            out[key] = r                    # the paragraph, not its heading
    for key, r in list(out.items()):
        if r.title is None and r.count > 1:
            p0 = c.para_of(r.start)
            listed = [x for x in out.values() if x.title is not None and x.status == r.status and x.start > r.start
                      and c.para_of(x.start) - p0 <= 2 and not (x.count > 1)]
            if len(listed) == r.count:
                del out[key]                # "signed three documents: a ...; a ...; and a ...": listed in full
    body = {(r.kind, r.status) for r in out.values() if not r.heading}
    result = []
    for r in sorted(out.values(), key=lambda r: r.start):
        if r.heading and r.title is not None and (r.kind, r.status) in body:
            continue                        # a repeated headline: the paragraph says it better
        ev = []
        for s, e in r.evidence:
            if (s, e) not in [(x.start, x.end) for x in ev]:
                ev.append(Evidence(doc.id, s, e, doc.text[s:e]))
        result.append(Agreement(
            id=f"{doc.id}-g{r.start}", doc_id=doc.id,
            title=doc.text[r.title[0]:r.title[1]] if r.title else None, kind=r.kind, parties=r.parties,
            signed=r.signed, topic=r.topic, count=r.count, evidence=ev, status=r.status))
    return result
