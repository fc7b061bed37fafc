"""Amounts: money, percentages, physical quantities and counted things.

Conventions follow the project's annotation guidelines (eval/devset/README.md).

What counts
  * Money: a currency symbol or code before the number ($44 billion, US$1.2bn, €3 million,
    RM1.2 billion, R3.5 billion) or a currency word or code after it (24 mln tenge,
    1.175 billion ringgit, 500,000 yuan, five billion dollars). ``unit`` is the ISO 4217 code;
    "$" is USD. Letter symbols (R, Rs, RM) need a scale word.
  * Percentages: 30%, 7 percent, 1.1 per cent (unit "percent"); "percentage points" apart.
  * Measures: tonnes, kilometres, gigawatts ... (unit: the plural unit name). A distance that
    only places something ("25 km north of") is skipped.
  * Counted things: a number before a plural noun (adjectives, hyphenated words and other
    amounts in between: "two short-range ballistic missiles", "two 55-megawatt reactors";
    a scale word multiplies: "7.1 million visitors"). ``unit`` is the noun as written, lower
    case. Skipped: nouns of time and vague ones (``uncounted_nouns``), the parties themselves
    after a definite word ("the two countries", "both sides", "the two banks"), ranks ("the
    top five"), vague "several hundred", and counts of one.
  * Not amounts: years (four-digit numbers 1800-2100 without a unit), numbers inside a date,
    time or duration, ordinals (2nd), hyphenated durations (15-year), ages, clock times and
    phone numbers (no unit, so never matched).

Fields
  * ``value`` fully expanded (44 billion -> 44000000000; 30% -> 30); ``text`` is the amount
    as written, without its qualifier.
  * ``qualifier`` from the words just before (more than, over, exceeding -> more_than;
    nearly, almost, about, around, some -> about: both are approximations; at least ->
    at_least; up to -> up_to; less than, under -> less_than; "a record" -> exact) or after
    ("or more" -> at_least); "N or M things" keeps N with at_least; a particle ("handed over
    40") is no qualifier.
  * ``what``, first rule that applies: "X worth $N" -> X; "$N in deals", "$N of loans",
    "$N for medical equipment", "N tonnes of freight" -> the noun after (a bracketed
    conversion skipped); "N% of its foreign debt" -> "foreign debt share"; "an investment
    volume of $N" -> "investment volume" (with its owner: "joint projects investment volume");
    "$50 bn trade goal" -> the noun the amount modifies; else the governing verb: its object
    for "raise the share to 15%"; the subject ("the volume of bilateral trade reached $44
    billion" -> "bilateral trade"; "trade grew by 30%" -> "trade growth"); but never a payer
    or receiver: when the subject is a country, organisation or person, money is what it is
    for ("for ...", "on ...", "to support ...") or the act (lend -> loan, deposit -> deposit).
    A count names itself ("Kazakh truck drivers") unless a level verb reports it ("wine
    exports rose to 95 million bottles" -> "wine exports"). A percentage giving the change of
    a figure just stated measures that figure's change ("trade reached $43.8bn, a 5% increase"
    -> "trade growth").
  * ``period``: the time a figure refers to, from a year, month, quarter, half or season in
    the same clause (a day or week dates an event, and "since"/"than in" dates are not the
    figure's); each date goes to the amount just before it, an opening date ("In 2023, ...")
    to every amount; dates of another event ("a grant agreed in 2022", "since the ban was
    introduced in 2023") are not taken. Ranges "January–September 2025" -> "2025-01/2025-09",
    fiscal "2023-24" -> "2023/2024"; else None.
  * ``entities``: the countries mentioned in the sentence (else its paragraph).
Vocabulary: ``knowledge/amounts.json``.
"""
from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass

from lemminflect import getInflection

from ..clean.dateline import CAPS
from ..knowledge import load
from ..model import Amount, DateMention, Document, Evidence
from .actors import DocEntities

__all__ = ["NUMBER_WORDS", "find_amounts", "number_value", "parse_number", "sentence_spans"]

_K = load("amounts")
_SCALES: dict[str, float] = _K["scales"]
_ATTACHED = set(_K["attached_only_scales"])
NUMBER_WORDS: dict[str, float] = _K["number_words"]
_SYMBOLS: dict[str, str] = _K["currency_symbols"]
_CODES = set(_K["currency_codes"])
_CODE_ALIASES = _K["code_aliases"]
_CUR_WORDS: dict[str, str] = _K["currency_words"]
_PLAIN_COUNT_VERBS = set(_K["plain_count_verbs"])
_PARTICLES = set(_K["verb_particles"])
_CUR_BY_COUNTRY: dict[str, dict[str, str]] = _K["currency_by_country"]
_NEEDS_SCALE = set(_K["currency_needs_scale"])
_PCT: dict[str, str] = _K["percent_words"]
_MEASURES: dict[str, str] = _K["measure_units"]
_DISTANCES = set(_K["distance_units"])
_PLACING = set(_K["placing_words"])
_QUALS = sorted(_K["qualifiers"].items(), key=lambda kv: -len(kv[0]))
_TRAIL_QUALS = _K["trailing_qualifiers"]
_COUNTABLE = set(_K["countable_nouns"])
_UNCOUNTED = set(_K["uncounted_nouns"])
_COUNT_MODS = set(_K["count_modifier_words"])
_GENERIC = set(_K["generic_measure_nouns"])
_COUNT_BLOCKERS = set(_K["count_blockers_before"])
_PARTY_NOUNS = set(_K["party_nouns"])
_DEFINITE = set(_K["definite_determiners"])
_SYMBOL_NEEDS_SCALE = set(_K["symbols_need_scale"])
_ACTOR_HEADS = set(_K["actor_heads"])
_PERIOD_SKIP = set(_K["period_skip_preps"])
_STATE_VERBS = set(_K["state_verbs"])
_LEVEL_VERBS = set(_K["level_verbs"])
_LOAN_VERBS = set(_K["loan_verbs"])
_EVENT_MARKS = set(_K["event_clause_marks"])
_CHANGE: dict[str, str] = _K["change_verbs"]
_VERB_NOUNS: dict[str, str] = _K["verb_nouns"]
_SHARE_VERBS = set(_K["share_verbs"])
_MEASURE_VERBS: dict[str, str] = _K["measure_verb_nouns"]
_SKIP_PREPS = set(_K["skip_phrase_preps"])
_STOP = set(_K["phrase_stopwords"])
_FISCAL = re.compile(_K["fiscal_year_pattern"])


def _alt(words) -> str:
    """Regex alternation, longest first; a space matches any run of spaces."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


_WORDNUM = _alt(NUMBER_WORDS)
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUMBER = rf"(?:{_NUM}|(?i:(?:{_WORDNUM})(?:[\s-](?:{_WORDNUM}))?)(?![\w-]))"
_SPACED_SCALES = [s for s in _SCALES if s not in _ATTACHED]
_SCALE = rf"(?:\s*(?:{_alt(_SPACED_SCALES)})|(?<=\d)(?:{_alt(_SCALES)}))(?![\w])"
_PRE = rf"(?<![A-Za-z])(?:{_alt(_SYMBOLS)})|\b(?:{_alt(_CODES)})\s?"      # not the RM of "ARM 64"
_POST = rf"(?:(?i:{_alt(_CUR_WORDS)})|{_alt(_CODES)})"
_LEFT = r"(?<![\w.,/$€£¥-])"

_MONEY_PRE = re.compile(rf"(?P<cur>{_PRE})\s?(?P<num>{_NUM})(?P<scale>{_SCALE})?(?![\w%])")
_MONEY_POST = re.compile(rf"{_LEFT}(?P<num>{_NUMBER})(?P<scale>{_SCALE})?\s+(?P<cur>{_POST})\b")
_PERCENT = re.compile(rf"{_LEFT}(?P<num>{_NUMBER})\s?(?P<cur>%|(?:{_alt(k for k in _PCT if k != '%')})\b)")
_MEASURE = re.compile(rf"{_LEFT}(?P<num>{_NUMBER})(?P<scale>{_SCALE})?(?:\s|-)(?P<cur>{_alt(_MEASURES)})\b")
_YEAR = re.compile(r"(?:1[89]|20|21)\d\d")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)$", re.IGNORECASE)
_DATE_VALUE = re.compile(r"^\d{4}")
_EVENT_DATE = re.compile(r"^\d{4}-(?:\d\d-\d\d|W\d\d)")     # a day or a week dates an event
_DATELINE = re.compile(rf"(?m)^[{CAPS}][{CAPS}'’.\- ]{{2,}}(?:,[^—–\n]{{0,40}})?\s+[—–-]+\s+")


def parse_number(text: str) -> float | None:
    """'1,200' -> 1200.0, 'Forty' -> 40.0, 'twenty-five' -> 25.0, 'a dozen' -> 12.0."""
    t = text.strip().lower()
    if not t:
        return None
    if t[0].isdigit():
        try:
            v = float(t.replace(",", ""))
        except ValueError:
            return None
        return v if math.isfinite(v) else None   # 400 digits, "1e999": no amount anyone wrote
    t = re.sub(r"\s+", " ", t)
    if t in NUMBER_WORDS:
        return float(NUMBER_WORDS[t])
    parts = re.split(r"[\s-]", t)
    if all(p in NUMBER_WORDS for p in parts):
        total = 0.0
        for p in parts:
            v = NUMBER_WORDS[p]
            total = total * v if v == 100 and total else total + v
        return total
    return None


def _expand(v: float, scale: float) -> float:
    """v * scale without float noise: 4.1 * 1e9 -> 4100000000.0."""
    out = v * scale
    if not math.isfinite(out):
        return out
    return float(round(out)) if abs(out - round(out)) < 1e-6 * max(1.0, abs(out)) else out


def number_value(num: str, scale: str | None) -> float | None:
    v = parse_number(num)
    if v is None:
        return None
    if scale:
        key = scale.strip().lower() if scale.strip().lower() in _SCALES else scale.strip()
        v = _expand(v, _SCALES[key])
    return v if math.isfinite(v) else None


def sentence_spans(doc: Document, sp) -> list[tuple[int, int]]:
    """spaCy sentences cut at line breaks (headings and bullets are their own units)."""
    out = []
    text = doc.text
    for s in sp.sents:
        a = s.start_char
        for piece in text[s.start_char:s.end_char].split("\n"):
            b = a + len(piece)
            lo = a + len(piece) - len(piece.lstrip())
            hi = a + len(piece.rstrip())
            if hi > lo:
                out.append((lo, hi))
            a = b + 1
    return out


@dataclass
class _Cand:
    start: int
    end: int
    value: float
    unit: str
    kind: str                     # money | percent | measure | count
    qualifier: str = "exact"
    qual_start: int = -1          # where the qualifier words begin (== start when none)
    what: str | None = None
    cur_word: str = ""            # the currency as written, lower case ("pesos")
    refers_back: bool = False     # "raise it to $5 billion": what "it" is, an earlier figure says


class _Ctx:
    def __init__(self, doc: Document, sp, ents: DocEntities, dates: list[DateMention]) -> None:
        self.doc, self.text, self.sp, self.ents = doc, doc.text, sp, ents
        self.tok_starts = [t.idx for t in sp]
        self.sents = sentence_spans(doc, sp)
        self.sent_starts = [s[0] for s in self.sents]
        self.datelines = [(m.start(), m.end()) for m in _DATELINE.finditer(doc.text)]
        self.dates = sorted(dates, key=lambda d: d.start)
        self.date_starts = [d.start for d in self.dates]
        self._doc_countries: list[str] | None = None

    def doc_countries(self) -> list[str]:
        if self._doc_countries is None:
            self._doc_countries = self.ents.countries_in(0, len(self.text))
        return self._doc_countries

    def in_dateline(self, pos: int) -> bool:
        return any(a <= pos < b for a, b in self.datelines)

    def sent_of(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.sent_starts, pos) - 1
        if i >= 0 and self.sents[i][0] <= pos < self.sents[i][1]:
            return self.sents[i]
        line_start = self.text.rfind("\n", 0, pos) + 1
        line_end = self.text.find("\n", pos)
        return line_start, len(self.text) if line_end < 0 else line_end

    def tokens(self, start: int, end: int):
        i = bisect.bisect_left(self.tok_starts, start)
        j = bisect.bisect_left(self.tok_starts, end)
        return self.sp[i:j]

    def token_at(self, pos: int):
        i = bisect.bisect_right(self.tok_starts, pos) - 1
        return self.sp[i] if i >= 0 else None

    def dates_in(self, start: int, end: int) -> list[DateMention]:
        i = bisect.bisect_left(self.date_starts, start)
        out = []
        while i < len(self.dates) and self.dates[i].start < end:
            out.append(self.dates[i])
            i += 1
        return out

    def in_date(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.date_starts, start) - 1
        for d in self.dates[max(0, i - 1):i + 2]:
            if d.start < end and start < d.end:
                return True
        return False


# -- candidates ---------------------------------------------------------------------------------

def _regex_candidates(c: _Ctx) -> list[_Cand]:
    out: list[_Cand] = []
    taken = bytearray(len(c.text) + 1)       # characters already inside an amount

    def free(s: int, e: int) -> bool:
        return not any(taken[s:e])

    for pat, kind in ((_MONEY_PRE, "money"), (_MONEY_POST, "money"), (_PERCENT, "percent"), (_MEASURE, "measure")):
        for m in pat.finditer(c.text):
            s, e = m.start(), m.end()
            if not free(s, e):
                continue
            num, scale, cur = m.group("num"), m.groupdict().get("scale"), m.group("cur")
            if kind != "percent" and pat is not _MONEY_PRE and _YEAR.fullmatch(num) and not scale:
                continue                    # a bare year before a unit word is a year ("in 2024 tonnes of ...")
            if c.in_date(m.start("num"), m.end("num")):
                continue
            value = number_value(num, scale)
            if value is None:
                continue
            cur_key = re.sub(r"\s+", " ", cur.strip())
            if kind == "money":
                unit = (_SYMBOLS.get(cur_key) or _CODE_ALIASES.get(cur_key) or
                        (cur_key if cur_key in _CODES else None) or _CUR_WORDS.get(cur_key) or
                        _CUR_WORDS.get(cur_key.lower()))
                if unit is None:
                    continue
                if cur_key.lower() in _NEEDS_SCALE and not scale and value < 1000:
                    continue
                if cur_key in _SYMBOL_NEEDS_SCALE and not scale:
                    continue                # "R2 highway", "RM 64": a letter before a number is rarely money
                if not num[0].isdigit() and pat is _MONEY_PRE:
                    continue
            elif kind == "percent":
                unit = _PCT.get(cur_key.lower(), "percent")
            else:
                unit = _MEASURES.get(cur_key) or _MEASURES.get(cur_key.lower())
                if unit is None:
                    continue
                after = c.text[e:e + 30].lower().split()
                if unit in _DISTANCES and after and after[0].strip(",.") in _PLACING:
                    continue
                first, _, rest = unit.partition(" ")
                if first in _SCALES and rest:         # "34 bcm": 34 billion cubic metres, expanded
                    value, unit = _expand(value, _SCALES[first]), rest
            taken[s:e] = b"\x01" * (e - s)
            out.append(_Cand(s, e, value, unit, kind, cur_word=cur_key.lower() if kind == "money" else ""))
    return out


def _count_candidates(c: _Ctx, taken: list[tuple[int, int]]) -> list[_Cand]:
    """Numbers that count the plural noun after them ("11 Kazakh truck drivers", "7.1 million
    international visitors", "two short-range ballistic missiles")."""
    covered = bytearray(len(c.text) + 1)
    for a, b in taken:
        covered[a:b] = b"\x01" * (b - a)
    out: list[_Cand] = []
    sp = c.sp
    skip_next = -1
    for tok in sp:
        if tok.i <= skip_next:
            continue
        low = tok.lower_
        if not (tok.like_num or low in NUMBER_WORDS) or _ORDINAL.match(tok.text):
            continue
        if low in ("a", "an", "one", "1") or tok.text.startswith(("+", "0")) and len(tok.text) > 1:
            continue
        if covered[tok.idx] or c.in_date(tok.idx, tok.idx + len(tok)):
            continue
        if _YEAR.fullmatch(tok.text) or "-" in tok.whitespace_ or (tok.i + 1 < len(sp) and sp[tok.i + 1].text == "-"):
            continue
        prev = sp[tok.i - 1] if tok.i > 0 else None
        if prev is not None and (prev.text in ("-", "/", ":", "#", "No.", "no.") or prev.lower_ in _COUNT_BLOCKERS):
            continue
        value = parse_number(tok.text)
        if value is None:
            continue
        first, j, ranged = tok, tok.i + 1, False
        # "two or three plants": the lower bound, at least
        if j + 1 < len(sp) and sp[j].lower_ in ("or", "to") and (sp[j + 1].like_num or sp[j + 1].lower_ in NUMBER_WORDS):
            j, ranged = j + 2, True
            skip_next = j - 1
        # "7.1 million visitors"
        if j < len(sp) and sp[j].lower_ in _SCALES and sp[j].lower_ not in _ATTACHED:
            value = _expand(value, _SCALES[sp[j].lower_])
            j += 1
        if not math.isfinite(value) or value <= 1 or value != int(value):
            continue                        # "1.5 engineers" is no count; one thing is no amount
        head = _counted_noun(c, sp, j, covered)
        if head is None:
            continue
        unit = head.lower_
        compounded = any(ch.dep_ == "compound" and ch.pos_ == "NOUN" for ch in head.children)
        if (unit in _UNCOUNTED or head.lemma_.lower() in _UNCOUNTED) and not (compounded and unit not in _SCALES):
            continue                        # but "three transmission lines" counts things
        plural = head.tag_ in ("NNS", "NNPS") or (unit.endswith("s") and head.lemma_.lower() not in (unit, ""))
        if not plural and unit not in _COUNTABLE:
            continue                        # a singular noun: "3 GW capacity", "the 2 plan" (not "dams" tagged NN)
        if prev is not None and prev.lower_ in _DEFINITE and (unit in _PARTY_NOUNS or value == 2):
            continue                        # "the two countries", "both sides": the parties themselves
        cand = _Cand(first.idx, head.idx + len(head), value, unit, "count")
        if ranged:
            cand.qualifier = "at_least"
        words = [t for t in sp[j:head.i + 1] if not covered[t.idx]]
        while words and (words[0].lower_ in _COUNT_MODS or words[0].is_punct):
            words = words[1:]
        cand.what = ("".join(t.text_with_ws for t in words).strip() or unit) + _of_what(c, head)
        out.append(cand)
    return out


def _of_what(c: _Ctx, head) -> str:
    """What a counted container holds: "2,000 shipments of sanctioned goods", "two brigades of air
    defence troops" (the of-phrase names what is counted; not a party, place, date or number)."""
    of = next((ch for ch in head.rights if ch.dep_ == "prep" and ch.lower_ == "of" and ch.i == head.i + 1), None)
    pobj = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
    if pobj is None or pobj.pos_ != "NOUN" or _is_actor(c, pobj) or _is_date_tok(c, pobj) or pobj.like_num:
        return ""
    sub = [t for t in pobj.subtree if t.i <= pobj.i]
    if len(sub) > 4 or any(t.pos_ in ("NUM", "PRON", "PUNCT") or "\n" in t.whitespace_ for t in sub):
        return ""
    sub = [t for t in sub if t.pos_ != "DET"]
    return " of " + " ".join(t.text for t in sub)


def _counted_noun(c: _Ctx, sp, j: int, covered: bytearray):
    """The head noun of the noun phrase starting at token ``j``: modifiers (adjectives,
    hyphenated words, other amounts like "55-megawatt") are passed over."""
    head, k = None, j
    while k < len(sp) and k - j < 8:
        t = sp[k]
        if "\n" in sp[k - 1].whitespace_ or (t.pos_ != "ADJ" and c.in_date(t.idx, t.idx + len(t))):
            break                           # "17 documents today" (but "14 weekly flights")
        if covered[t.idx]:
            if head is not None:
                break
            k += 1
            continue
        if k + 2 < len(sp) and sp[k + 1].text == "-" and not sp[k + 1].whitespace_ and not t.whitespace_:
            if head is not None:
                break
            k += 3                          # "short-range", "wind-turbine": a modifier
            continue
        if t.pos_ in ("NOUN", "PROPN") and not t.like_num:
            if t.pos_ == "NOUN":
                head = t
            elif head is not None:
                break
        elif head is not None or not (t.pos_ in ("ADJ", "CCONJ") or t.tag_ in ("VBN", "VBG") or t.text == ","):
            break
        k += 1
    return head


def _qualify(c: _Ctx, cand: _Cand) -> None:
    cand.qual_start = cand.start
    before = c.text[max(0, cand.start - 40):cand.start]
    low = re.sub(r"\s+", " ", before.lower()).rstrip()
    prev = c.token_at(cand.start - 1)
    particle = prev is not None and (prev.dep_ == "prt" or prev.tag_ == "RP")     # "handed over 40"
    for phrase, q in _QUALS:
        if particle and " " not in phrase:
            continue
        if low.endswith(phrase) and (len(low) == len(phrase) or not low[-len(phrase) - 1].isalnum()):
            if q != "exact":                # "a record" leaves "two or three" at least
                cand.qualifier = q
            # where the phrase starts in the original text
            m = re.search(r"\s+".join(map(re.escape, phrase.split())) + r"\s*$", before, re.IGNORECASE)
            if m:
                cand.qual_start = cand.start - (len(before) - m.start())
            break
    after = re.sub(r"\s+", " ", c.text[cand.end:cand.end + 12].lower()).lstrip()
    for phrase, q in _TRAIL_QUALS.items():
        if after.startswith(phrase) and (len(after) == len(phrase) or not after[len(phrase)].isalnum()):
            cand.qualifier = q


# -- what is measured ---------------------------------------------------------------------------

def _is_date_tok(c: _Ctx, tok) -> bool:
    return tok.ent_type_ in ("DATE", "TIME") or c.in_date(tok.idx, tok.idx + len(tok))


def _phrase(c: _Ctx, n, depth: int = 0, avoid: tuple[int, int] = (-1, -1)) -> str | None:
    """A short noun phrase for token ``n``: its modifiers, the head, and an of/to/from/for/in
    phrase; never the amount itself (``avoid``: its token range), never across a line break."""
    if n is None or n.pos_ == "PRON" or c.in_dateline(n.idx) or avoid[0] <= n.i <= avoid[1]:
        return None
    if n.lemma_.lower() in _GENERIC:
        for ch in n.children:
            if ch.dep_ == "prep" and ch.lower_ == "of":
                pobj = next((g for g in ch.children if g.dep_ == "pobj"), None)
                if pobj is not None and not _is_date_tok(c, pobj) and not pobj.like_num and \
                        not avoid[0] <= pobj.i <= avoid[1]:
                    return _phrase(c, pobj, depth + 1, avoid)
    keep = {n.i}
    for ch in n.lefts:
        if ch.dep_ in ("amod", "compound", "nmod", "poss", "npadvmod") and not (ch.dep_ == "poss" and ch.pos_ == "PRON"):
            keep.update(t.i for t in ch.subtree)
    for ch in n.rights:
        if ch.dep_ == "prep" and ch.lower_ not in _SKIP_PREPS and depth == 0:
            pobj = next((g for g in ch.children if g.dep_ == "pobj"), None)
            if pobj is None or _is_date_tok(c, pobj) or pobj.like_num:
                continue
            sub = [t for t in pobj.subtree]
            if len(sub) > 6 or any(avoid[0] <= t.i <= avoid[1] for t in sub):
                continue
            if ch.lower_ == "in" and pobj.ent_type_ in ("GPE", "LOC", "FAC"):
                continue
            keep.add(ch.i)
            keep.update(t.i for t in sub if not _is_date_tok(c, t))
        elif ch.dep_ in ("compound", "flat"):
            keep.update(t.i for t in ch.subtree)
        elif ch.dep_ in ("cc", "conj") and depth == 0 and ch.pos_ != "VERB" and len(list(ch.subtree)) <= 2:
            keep.update(t.i for t in ch.subtree)     # fabric and garments
    doc = n.doc
    keep = {i for i in keep if not avoid[0] <= i <= avoid[1]}
    keep |= {i + 1 for i in keep if i + 2 in keep and doc[i + 1].text in ("-", "–")}   # "the clean-up"
    toks = [doc[i] for i in sorted(keep)]
    # one contiguous run around the head, within one line
    run = [toks[0]]
    for t in toks[1:]:
        if t.i == run[-1].i + 1 and "\n" not in run[-1].whitespace_ and not t.is_space:
            run.append(t)
        elif t.i <= n.i:
            run = [t]
        else:
            break
    run = [t for t in run if not t.is_space]
    run = [t for t in run if not (t.text in "$€£¥%" or t.like_num and t.dep_ == "nummod")]
    while run and (run[0].lower_ in _STOP or run[0].is_punct or run[0].pos_ == "DET" or run[0].tag_ == "POS"):
        run = run[1:]
    while run and (run[-1].is_punct or run[-1].pos_ in ("ADP", "CCONJ", "DET")):
        run = run[:-1]
    if not run:
        return None
    words = "".join(t.text_with_ws for t in run).strip()
    first = run[0]
    line_start = first.i == 0 or "\n" in first.doc[first.i - 1].text_with_ws
    if (first.is_sent_start or line_start) and first.ent_type_ == "" and not first.text.isupper():
        words = words[:1].lower() + words[1:]
    return words or None


def _subject(c: _Ctx, v):
    start = v
    for _ in range(3):
        subs = [ch for ch in v.children if ch.dep_ in ("nsubj", "nsubjpass") and not c.in_dateline(ch.idx)
                and "\n" not in c.text[min(ch.idx, v.idx):max(ch.idx, v.idx)]]
        if subs:
            ch = subs[0]
            if ch.lower_ in ("which", "that") and v.dep_ == "relcl":
                return v.head
            return None if ch.pos_ == "PRON" else ch
        if v.dep_ in ("advcl", "xcomp", "conj", "pcomp") and v.head.pos_ in ("VERB", "AUX"):
            v = v.head
            continue
        if v.dep_ in ("acl", "relcl") and v.head.pos_ in ("NOUN", "PROPN"):
            return v.head
        break
    # a split parse ("said that cargo moving ... had grown by 62%"): the nearest subject to the left
    for t in reversed(start.doc[max(start.sent.start, start.i - 10):start.i]):
        if t.dep_ in ("nsubj", "nsubjpass") and t.pos_ in ("NOUN", "PROPN") and not c.in_dateline(t.idx):
            return t
    return None


def _what(c: _Ctx, cand: _Cand) -> str | None:
    """What the amount measures; the first rule that applies wins (see the module doc)."""
    toks = c.tokens(cand.start, cand.end)
    if not len(toks):
        return None
    sp = c.sp
    first_i = (c.token_at(cand.qual_start) or toks[0]).i if cand.qual_start >= 0 else toks[0].i
    first_i = min(first_i, toks[0].i)
    last_i = toks[-1].i
    avoid = (first_i, last_i)
    prev = sp[first_i - 1] if first_i > 0 else None
    after = last_i + 1
    if after < len(sp) and sp[after].text == "(":      # "₹2,500 crore ($300 million) in credit"
        close = next((k for k in range(after, min(len(sp), after + 8)) if sp[k].text == ")"), None)
        after = close + 1 if close is not None else after
    elif after < len(sp) and sp[after].text == ")" and first_i > 0 and sp[first_i - 1].text == "(":
        after += 1                                     # the conversion itself: "($300 million) in credit"
    nxt = sp[after] if after < len(sp) else None
    # X worth $N ("more than 30 joint projects with China worth $14.5 billion")
    if prev is not None and prev.lower_ == "worth" and prev.i > 0:
        n = sp[prev.i - 1]
        # "projects with China worth": the projects; "the signing of 30 agreements worth": the agreements
        while n.dep_ == "pobj" and n.head.lower_ != "of" and n.head.head.pos_ == "NOUN" and n.head.head.i < n.i:
            n = n.head.head
        if n.pos_ in ("NOUN", "PROPN"):
            return _phrase(c, n, avoid=avoid)
        if n.pos_ in ("AUX", "VERB"):
            return _phrase(c, _subject(c, n), avoid=avoid)
    # $N worth of X / $N in deals / 20 million tonnes of freight / $25 million for medical equipment
    if nxt is not None:
        if nxt.lower_ == "worth" and after + 2 < len(sp) and sp[after + 1].lower_ == "of":
            return _phrase(c, _head_of_np(sp, after + 2), avoid=avoid)
        preps = {"money": ("in", "of", "for", "on"), "measure": ("of", "in"), "percent": ()}.get(cand.kind, ())
        # "a grant of 1.5 billion yen for new school buses": the grant, not what it pays for
        named_by_of = prev is not None and prev.lower_ == "of" and prev.i > 0 and sp[prev.i - 1].pos_ == "NOUN" \
            and sp[prev.i - 1].lemma_.lower() not in _GENERIC
        obj = toks[-1]
        while obj.dep_ in ("conj", "appos") and obj.head.i != obj.i:
            obj = obj.head                  # "lend Armenia and Georgia €400 million": parsed as a conjunct
        money_head = obj.head if cand.kind == "money" and obj.dep_ in ("dobj", "dative") else None
        if money_head is not None and money_head.lemma_.lower() in _LOAN_VERBS and nxt.lower_ in ("for", "on"):
            # "lend Kyrgyzstan €1.2 billion for projects": a loan ("invest $3 billion in a plant" measures the
            # plant: the dev set's convention, kept)
            return _VERB_NOUNS.get(money_head.lemma_.lower())
        if nxt.lower_ in preps and not (named_by_of and nxt.lower_ in ("for", "on")):
            n = _head_of_np(sp, after + 1)
            if n is not None and n.pos_ in ("NOUN", "VERB") and not _is_date_tok(c, n) and \
                    n.ent_type_ not in ("GPE", "LOC", "FAC", "ORG", "NORP"):
                return _phrase(c, n, avoid=avoid)
        if cand.kind == "percent" and nxt.lower_ == "of":
            n = _head_of_np(sp, after + 1)      # "about 12% of its foreign debt"
            p = _phrase(c, n, avoid=avoid) if n is not None and n.pos_ == "NOUN" else None
            if p:
                return f"{p} share"
    # an investment volume of $N / a loan of $N
    if prev is not None and prev.lower_ == "of" and prev.i > 0 and sp[prev.i - 1].pos_ == "NOUN":
        n = sp[prev.i - 1]
        bare_generic = n.lemma_.lower() in _GENERIC and not any(ch.dep_ == "compound" for ch in n.children)
        p = None if bare_generic else _phrase(c, n, avoid=avoid)     # "a total of $N": ask the verb
        if bare_generic and n.head.lower_ == "with":
            # "(signed) nine agreements ..., with a combined value of 23 billion pesos"
            w = n.head.head
            owner_tok = w if w.pos_ == "NOUN" else next((ch for ch in w.children if ch.dep_ == "dobj"), None) \
                if w.pos_ == "VERB" else None
            owner = _phrase(c, owner_tok, avoid=avoid) if owner_tok is not None else None
            if owner:
                return f"{owner} {n.lemma_.lower()}"
        if p:
            w = n.head
            if w.lower_ == "with":     # 52 joint projects with an investment volume of ...
                o = w.head if w.head.pos_ == "NOUN" else (sp[w.i - 1] if sp[w.i - 1].pos_ == "NOUN" else None)
                owner = _phrase(c, o, avoid=avoid)
                if owner:
                    p = f"{owner} {p}"
            return p
    # "the line cost about 560bn tenge" parsed with "cost" as a noun
    if prev is not None and prev.lower_ in ("cost", "costs") and prev.i > 0 and sp[prev.i - 1].pos_ in ("NOUN", "PROPN"):
        p = _phrase(c, sp[prev.i - 1], avoid=avoid)
        if p:
            return f"{p} cost"
    # $50 bn trade goal / a 45 billion yen loan agreement / a 15% increase / the 272-km line
    # (past a parenthesised conversion: "a $210 million (27 billion shillings) loan")
    nxt = sp[after] if after < len(sp) and sp[after - 1].text == ")" else sp[last_i + 1] if last_i + 1 < len(sp) else None
    hyphenated = cand.kind == "measure" and "-" in c.text[cand.start:cand.end]
    if nxt is not None and (nxt.pos_ in ("NOUN", "ADJ") or hyphenated and nxt.pos_ == "PROPN") and \
            cand.kind in ("money", "percent", "measure") and \
            not _is_date_tok(c, nxt) and nxt.lower_ not in ("a", "per", "each", "worth"):
        n = _head_of_np(sp, nxt.i)
        if n is not None and n.pos_ == "NOUN" and not _is_date_tok(c, n):
            return _phrase(c, n, avoid=avoid)
    return _from_verb(c, cand, toks, avoid)


def _count_what(c: _Ctx, cand: _Cand) -> str | None:
    """A count that a level verb reports ("wine exports rose to 95 million bottles") measures the
    verb's subject; any other count names what it counts."""
    toks = c.tokens(cand.start, cand.end)
    head = toks[-1] if len(toks) else None
    if head is None or head.dep_ not in ("pobj", "dobj", "attr"):
        return None
    v = head.head.head if head.dep_ == "pobj" and head.head.lower_ in ("to", "at") else head.head
    if v.pos_ not in ("VERB", "AUX") or v.lemma_.lower() not in _LEVEL_VERBS:
        return None
    s = _subject(c, v)
    return _phrase(c, s) if s is not None and not _is_actor(c, s) else None


def _acted_on(c: _Ctx, cand: _Cand) -> str | None:
    """What a count names, with the act done to it: "shot down 71 drones" -> "drones shot down",
    "132 Myanmar nationals were deported" -> "Myanmar nationals deported" (two counts of drones
    in one story differ by their verb)."""
    toks = c.tokens(cand.start, cand.end)
    head = toks[-1] if len(toks) else None
    while head is not None and head.dep_ == "conj" and head.head.pos_ == "NOUN":
        head = head.head                    # "launched 86 drones and four cruise missiles"
    if head is None or not cand.what or head.dep_ not in ("dobj", "nsubjpass"):
        return cand.what
    v = head.head
    if v.pos_ != "VERB" or v.lemma_.lower() in _PLAIN_COUNT_VERBS or v.i < head.i and head.dep_ == "nsubjpass":
        return cand.what
    if any(ch.dep_ == "neg" for ch in v.children):
        return cand.what
    participle = (getInflection(v.lemma_.lower(), "VBN") or (v.lower_,))[0]
    prt = " ".join(ch.lower_ for ch in v.children if ch.dep_ == "prt" or
                   ch.dep_ == "advmod" and ch.i == v.i + 1 and ch.lower_ in _PARTICLES)    # "shot down" as advmod
    return f"{cand.what} {participle}" + (f" {prt}" if prt else "")


def _head_of_np(sp, i: int):
    """The last noun of the noun run starting at token ``i`` (articles, numbers, adjectives and
    a possessive first)."""
    head = None
    k = i
    while k < len(sp) and k - i < 7:
        t = sp[k]
        if head is not None and t.ent_type_ in ("DATE", "TIME"):
            break                     # "of electricity next winter": the date is no part of it
        if t.pos_ in ("NOUN", "PROPN"):
            head = t
        elif t.text in ("-", "–") or head is not None and t.pos_ == "ADJ":
            pass                      # the Ayagoz–Bakhty railway line, non-oil trade
        elif head is not None and t.tag_ == "POS":
            head = None               # "Mongolia's exports": the possessor is no part of the head
        elif head is None and t.tag_ == "VBG" and k == i:
            return t                  # "on rebuilding roads"
        elif head is not None or t.pos_ not in ("ADJ", "DET", "CCONJ", "NUM") and t.tag_ not in ("VBN", "VBG", "PRP$"):
            break
        k += 1
    return head


def _is_actor(c: _Ctx, tok) -> bool:
    """A country, organisation or person (who pays or receives), not a measured quantity."""
    if tok.ent_type_ in ("GPE", "ORG", "NORP", "PERSON") or tok.lemma_.lower() in _ACTOR_HEADS:
        return True
    e = c.ents.entity_at(tok.idx, tok.idx + len(tok))
    return e is not None and e.type in ("PERSON", "ORG", "GPE")


def _purpose(c: _Ctx, v, avoid) -> str | None:
    """What money is for: "give ... for the construction of schools", "spend ... on roads",
    "give ... to support reforms"."""
    for ch in v.children:
        if ch.dep_ == "prep" and ch.lower_ in ("for", "on"):
            p = next((g for g in ch.children if g.dep_ in ("pobj", "pcomp")), None)
            if p is not None and not _is_actor(c, p) and not _is_date_tok(c, p):
                return _phrase(c, p, avoid=avoid) if p.pos_ != "VERB" else _verb_phrase(p)
        if ch.dep_ in ("xcomp", "advcl") and ch.pos_ == "VERB" and any(g.lower_ == "to" for g in ch.children):
            obj = next((g for g in ch.children if g.dep_ == "dobj"), None)
            if obj is not None:
                return _phrase(c, obj, avoid=avoid)
    return None


def _verb_phrase(v) -> str:
    obj = next((g for g in v.children if g.dep_ == "dobj"), None)
    return f"{v.text} {obj.text}" if obj is not None else v.text


def _from_verb(c: _Ctx, cand: _Cand, toks, avoid) -> str | None:
    span = {t.i for t in toks}
    anchor = next((t for t in toks if t.head.i not in span or t.head is t), toks[-1])
    cur, preps, change = anchor, [], None
    for _ in range(6):
        h = cur.head
        if h is cur:
            return None
        if h.pos_ == "ADP" or h.lower_ in ("worth",):
            preps.append(h.lower_)
        elif h.lower_ in _CHANGE and h.pos_ in ("ADV", "ADJ"):
            change = _CHANGE[h.lower_]
        elif h.pos_ in ("VERB", "AUX"):
            break
        elif h.pos_ in ("NOUN", "PROPN") and cur.dep_ in ("pobj", "appos", "conj", "nmod") and preps and \
                preps[-1] in ("of", "for") and h.i not in span:
            if h.lemma_.lower() in _GENERIC:
                cur = h
                continue
            return _phrase(c, h, avoid=avoid)
        cur = h
    else:
        return None
    v = h
    lemma = v.lemma_.lower()
    prep = preps[-1] if preps else None
    if lemma in _CHANGE and (prep == "by" or (cand.kind == "percent" and prep not in ("to", "at", "for", "of"))):
        change = _CHANGE[lemma]
    # raise the share to 15% / put their losses at 24 mln tenge / build a plant for $3 billion
    if prep in ("to", "by", "at", "for") or any(x in ("to", "by") for x in preps):
        obj = next((ch for ch in v.children if ch.dep_ == "dobj" and ch.i not in span), None)
        if obj is not None:
            if obj.pos_ == "PRON":
                cand.refers_back = obj.lower_ in ("it", "this")
                return None               # "raise it to $5 billion": find_amounts looks back
            p = _phrase(c, obj, avoid=avoid)
            return f"{p} {change}" if p and change and prep == "by" else p
    if v.dep_ in ("acl", "amod") and v.head.pos_ in ("NOUN", "PROPN"):
        return _phrase(c, v.head, avoid=avoid)
    s = _subject(c, v)
    if s is not None and avoid[0] <= s.i <= avoid[1]:
        return None                       # the amount is the subject
    if s is not None and s.lower_ in ("it", "this"):
        cand.refers_back = True           # "want it to reach $120 billion"
        return None
    if s is not None and cand.kind == "count" and lemma not in _CHANGE and lemma not in _STATE_VERBS:
        return None                       # "detained 12 fishermen": the count names itself
    if s is None or _is_actor(c, s):
        # who gives, lends or spends is not what is measured: the purpose, the object, the act
        if cand.kind == "money":
            if lemma in _LOAN_VERBS:
                return _VERB_NOUNS.get(lemma)     # "lend $1.2 bn to build wind farms" measures a loan
            return _purpose(c, v, avoid) or (_VERB_NOUNS.get(lemma) if prep is None else None)
        obj = next((ch for ch in v.children if ch.dep_ == "dobj" and ch.i not in span and not ch.like_num
                    and ch.ent_type_ not in ("MONEY", "CARDINAL", "PERCENT", "QUANTITY")), None)
        p = _phrase(c, obj, avoid=avoid) if obj is not None else None
        if p:
            return p                      # "Georgia received 7.1 million visitors, 23% more"
        return _VERB_NOUNS.get(lemma)
    if cand.kind == "percent" and prep == "for" and lemma in _SHARE_VERBS:
        p = _phrase(c, s, avoid=avoid)
        return f"{p} share" if p else None
    p = _phrase(c, s, avoid=avoid)
    if p is None:
        return None
    if change:
        return f"{p} {change}"
    if lemma == "cost":
        return f"{p} cost"
    if cand.kind == "measure" and prep is None and lemma in _MEASURE_VERBS:
        return f"{p} {_MEASURE_VERBS[lemma]}"
    return p


def _changes_of_earlier(c: _Ctx, group: list[_Cand], whats: list[str | None]) -> list[str | None]:
    """A percentage that gives the change of a figure just stated measures that figure's change:
    "trade reached $43.8bn, a 5% increase" / "$33.6 billion, 4.1% more than a year earlier"."""
    out = list(whats)
    for k, cand in enumerate(group):
        if cand.kind != "percent":
            continue
        change = None
        if whats[k] and whats[k].lower() in _CHANGE:           # "a 5% increase" gave "increase"
            change = _CHANGE[whats[k].lower()]
        elif whats[k] is None:
            nxt = c.token_at(cand.end + 1) if cand.end + 1 < len(c.text) else None
            if nxt is not None and nxt.lower_ in ("more", "less", "higher", "lower"):
                change = _CHANGE[nxt.lower_]
        if change is None and k > 0:
            # "averaged 118 mln cubic metres a day, up 6 percent year on year": the change of that figure
            at = cand.qual_start if cand.qual_start >= 0 else cand.start
            prev = c.token_at(at - 1) if at > 0 else None
            if prev is not None and prev.lower_ in ("up", "down") and c.text[max(0, prev.idx - 2):prev.idx].strip() in (",", ""):
                change = _CHANGE[prev.lower_]
        earlier = next((whats[j] for j in range(k - 1, -1, -1) if group[j].kind != "percent" and whats[j]), None)
        if change and earlier:
            out[k] = f"{earlier} {change}"
    return out


# -- period -------------------------------------------------------------------------------------

def _date_value(c: _Ctx, d: DateMention) -> tuple[str, int, int] | None:
    """A date that can be a figure's period: a year, month, quarter, half or season (a day or a
    time dates an event, not a figure), not after "since"/"from"/"until"."""
    if d.type != "DATE" or not _DATE_VALUE.match(d.value or "") or _EVENT_DATE.match(d.value):
        return None
    before = c.text[max(0, d.start - 16):d.start].lower().split()
    if before and (before[-1] in _PERIOD_SKIP or "than" in before[-2:]):
        return None                     # "since 2019", "23% more than in 2022": not the figure's time
    return d.value, d.start, d.end


def _periods(c: _Ctx, s: int, e: int) -> list[tuple[str, int, int]]:
    """The dated expressions of a sentence, ranges joined ("2025-01/2025-09")."""
    vals = [v for d in c.dates_in(s, e) if (v := _date_value(c, d))]
    out: list[tuple[str, int, int]] = []
    for v in vals:
        if out and re.fullmatch(r"\s*(?:[-–—]|to|through|until)\s*", c.text[out[-1][2]:v[1]]):
            a = out.pop()
            out.append((f"{a[0]}/{v[0]}", a[1], v[2]))
        else:
            out.append(v)
    for m in _FISCAL.finditer(c.text, s, e):
        y1, y2 = m.group(1), m.group(2)
        if int(y2) == (int(y1) + 1) % 100 and not any(a <= m.start() < b for _, a, b in out):
            out.append((f"{y1}/{y1[:2]}{y2}", m.start(), m.end()))
    return sorted(out, key=lambda x: x[1])


def _reduced_relative(v) -> bool:
    """"a grant agreed in 2022" parsed as an adverbial clause: a bare participle after a noun."""
    prev = v.doc[v.i - 1] if v.i > 0 else None
    return (v.tag_ in ("VBN", "VBD") and prev is not None and prev.pos_ in ("NOUN", "PROPN")
            and not any(ch.dep_ in ("nsubj", "nsubjpass", "mark", "aux", "auxpass") for ch in v.children))


def _clause_root(tok):
    """The verb heading a token's clause family: climbs through prepositions, complements and
    coordinated or adverbial verbs, stops at a relative or participial clause ("a grant agreed
    in 2022") and at the sentence root."""
    cur = tok
    for _ in range(12):
        if cur.pos_ in ("VERB", "AUX") and (
                cur.dep_ not in ("aux", "auxpass", "xcomp", "advcl", "conj", "pcomp", "ccomp")
                or cur.dep_ == "advcl" and (any(ch.dep_ == "mark" and ch.lower_ in _EVENT_MARKS for ch in cur.children)
                                            or _reduced_relative(cur))):
            return cur                  # "... since the ban was introduced in 2023" is its own event
        if cur.head is cur:
            return cur
        cur = cur.head
    return cur


def _same_clause(c: _Ctx, cand: _Cand, period: tuple[str, int, int]) -> bool:
    """Whether a date belongs to the amount's clause ("In 2023, trade grew by 30%, reaching
    $41 bn"), not to another event ("a $45 million grant agreed in 2022") or a list item."""
    lo, hi = min(cand.end, period[2]), max(cand.start, period[1])
    if any(ch in c.text[lo:hi] for ch in ":;"):
        return False
    toks, dtoks = c.tokens(cand.start, cand.end), c.tokens(period[1], period[2])
    if not len(toks) or not len(dtoks):
        return True
    return _clause_root(toks[-1]).i == _clause_root(dtoks[-1]).i


def _periods_for(c: _Ctx, cands: list[_Cand], periods) -> dict[int, str]:
    """Each date belongs to the amount just before it ("$27.8 billion in 2023 and $13.1 billion in
    2024"); a date before every amount ("In 2023, trade grew by 30%, reaching $41 bn") belongs
    to all that have none of their own; failing both, the nearest date of the same clause."""
    out: dict[int, str] = {}
    owned: dict[int, str] = {}
    free: list[tuple[str, int, int]] = []
    for p in periods:
        before = [x for x in cands if x.end <= p[1]]
        if before:
            owner = max(before, key=lambda x: x.end)
            if _same_clause(c, owner, p):
                owned.setdefault(id(owner), p[0])
        else:
            free.append(p)
    for x in cands:
        mine = [p for p in free if _same_clause(c, x, p)]
        if id(x) in owned:
            out[id(x)] = owned[id(x)]
        elif mine:
            out[id(x)] = mine[-1][0]
        elif x.kind == "percent":           # "rose 5% to $43.8 billion in 2024": the rate shares the year
            near = [p for p in periods if _same_clause(c, x, p)]
            if near:
                out[id(x)] = min(near, key=lambda p: min(abs(p[1] - x.end), abs(x.start - p[2])))[0]
    return out


# -- entry point --------------------------------------------------------------------------------

def _local_currency(cand: _Cand, sentence_countries: list[str], c: _Ctx) -> None:
    """"390 billion pesos" in a Chilean story are CLP: a currency word several countries use
    takes the code of the first such country named in the sentence, else in the document."""
    by_country = _CUR_BY_COUNTRY.get(cand.cur_word) or _CUR_BY_COUNTRY.get(cand.cur_word + "s")
    if not by_country:
        return
    for country in [*sentence_countries, *c.doc_countries()]:
        if country in by_country:
            cand.unit = by_country[country]
            return


def find_amounts(doc: Document, sp, ents: DocEntities, dates: list[DateMention]) -> list[Amount]:
    if sp is None or not doc.text:
        return []
    c = _Ctx(doc, sp, ents, dates)
    cands = _regex_candidates(c)
    cands += _count_candidates(c, [(x.start, x.end) for x in cands])
    cands.sort(key=lambda x: x.start)
    by_sent: dict[tuple[int, int], list[_Cand]] = {}
    for cand in cands:
        by_sent.setdefault(c.sent_of(cand.start), []).append(cand)
    out: list[Amount] = []
    last_what: tuple[int, str] | None = None      # (sentence start, what) of the latest figure
    for (s, e), group in by_sent.items():
        periods = _periods_for(c, group, _periods(c, s, e))
        in_sentence = ents.countries_in(s, e)
        countries = in_sentence
        if not countries:      # "In 2024, bilateral trade reached ...": the paragraph says whose
            ps = c.text.rfind("\n", 0, s) + 1
            pe = c.text.find("\n", e)
            countries = ents.countries_in(ps, len(c.text) if pe < 0 else pe)
        for cand in group:
            _local_currency(cand, in_sentence, c)
        whats = []
        for cand in group:
            _qualify(c, cand)
            whats.append(_what(c, cand) if cand.kind != "count" else (_count_what(c, cand) or _acted_on(c, cand)))
        whats = _changes_of_earlier(c, group, whats)
        for k, cand in enumerate(group):
            # "Trade hit $92 billion in 2025; they want it to reach $120 billion": the same measure,
            # from the latest figure of this or the previous sentence
            if whats[k] is None and cand.refers_back:
                earlier = [w for x, w in zip(group[:k], whats[:k]) if w]
                if earlier:
                    whats[k] = earlier[-1]
                elif last_what is not None and "\n\n" not in c.text[last_what[0]:s]:
                    whats[k] = last_what[1]
        for k, cand in enumerate(group):
            # "cut its net loss to R23.9 billion from R31 billion", "lift trade to $150 billion, from
            # $87.7 billion last year": the starting figure measures what the new one does
            at = cand.qual_start if cand.qual_start >= 0 else cand.start
            if whats[k] is None and re.search(r"\bfrom\s*$", c.text[max(0, at - 6):at]):
                earlier = [w for x, w in zip(group[:k], whats[:k]) if w and x.unit == cand.unit]
                if earlier:
                    whats[k] = earlier[-1]
        for k in range(1, len(group)):
            gap = c.text[group[k - 1].end:group[k].start]
            if re.fullmatch(r"\s*\((?:about|around|some|roughly|approximately|nearly|almost)?\s*", gap):
                # "23 billion pesos ($1.2 billion)": one sum in two currencies, one measure (where one lacks it)
                whats[k] = whats[k] or whats[k - 1]
                whats[k - 1] = whats[k - 1] or whats[k]
        units = {x.unit: w for x, w in zip(group, whats) if x.kind in ("measure", "count") and w}
        for k, w in enumerate(whats):
            if w in units and units[w] != w:
                whats[k] = units[w]               # "140,000 tonnes worth 29 billion roubles": what the tonnes are
        if any(whats):
            last_what = (s, [w for w in whats if w][-1])
        for cand, what in zip(group, whats):
            out.append(Amount(
                id=f"{doc.id}-a{cand.start}", doc_id=doc.id, text=doc.text[cand.start:cand.end],
                value=cand.value, unit=cand.unit, what=what, qualifier=cand.qualifier,
                period=periods.get(id(cand)), entities=list(countries),
                evidence=[Evidence(doc.id, s, e, doc.text[s:e])], start=cand.start, end=cand.end))
    return out
