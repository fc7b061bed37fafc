"""Stories: all the coverage of one real-world happening, found incrementally.

How a document is seen
    Three weighted term vectors: *words* (lowercased words and pairs of adjacent words, stop
    words out), *names* (capitalised words inside sentences, plus the names the extractor
    found) and *numbers* (figures of two digits or more). A term weighs (1 + log tf) x idf,
    where the idf comes from a fixed table of how common each word is in general newswire
    (``knowledge/stories.json``; a word pair is as rare as its rarer word), never from the
    documents at hand: a document's vectors do not change when others are added.

The graph (an edge depends on its two documents only)
    Two dated documents are linked when at most ``window_days`` apart and the cosine of their
    word vectors reaches ``edge_min_dated`` (every pair in the window is compared, bucket by
    bucket). A pair with an undated document is a candidate when the two share
    ``key_shared`` of their ``key_terms`` heaviest terms (an inverted index), and linked at
    cosine ``edge_min``: time cannot help there, so weaker content links count. A dated and an
    undated document need ``key_shared_mixed`` shared terms and cosine ``edge_min_mixed`` (the
    bar of two dated ones). Each document keeps only its ``link_k`` strongest links (a link
    stays while either end keeps it): dense coverage of one subject puts thousands of look-alike
    reports in a window, and the graph otherwise grew faster than the corpus. The top k of a
    union is the top k of its parts' top k, so batches keep the same links; a link that drops
    out of a top k leaves its two components joined, which is harmless (a component's stories
    come from its links). Near-duplicates (MinHash LSH, :mod:`annalist.link.dedup`) are always linked, whatever their
    dates.

Stories: a deterministic function of each connected component of the graph
    1. *kind of happening*: average-link clustering over the kept links (a missing pair
       counts as 0) at ``topic_link``. Near-duplicates
       start as one unit, so they always stay together, and no cluster may hold two dated
       documents more than ``window_days`` apart.
    2. *which happening*: inside each such group the terms are reweighted by how rare they are
       *within the group* (a term every member uses, such as "earthquake" in a group of
       earthquake reports, stops counting; a term only one member uses cannot link anyone
       and is dropped), so the names, places, figures and phrasing that tell two look-alike
       happenings apart decide. Average-link again, at ``story_link``, over the words, names
       and numbers similarities (``weights``). Fragments of at most ``attach_max`` documents
       then join the story of their group they are closest to, if that is at least
       ``attach_share`` of ``story_link`` (short or oddly written reports).
    A component's stories depend only on its members (taken in doc_id order), so
    :meth:`StoryIndex.add` recomputes the components the new documents touch and gives
    exactly the stories one :func:`cluster` call over all the documents gives, in any order
    of batches. A story's id comes from its smallest doc_id, so it changes when stories merge.

Time
    A document's own day is its publication day; without one, the day its extracted events
    most often fall on (the latest on a tie). Days only mentioned in the text play no part:
    a later article recalling an old meeting in passing is published outside that meeting's
    window, so it cannot join its story.

Cost
    Linking is linear in the number of documents for a steady flow of dated news (each
    document is compared with the documents of its time window); undated documents are
    compared through the key-term index, whose lists grow with the corpus: the comparisons
    are quadratic (a few per cent of documents are undated, each compared with the documents
    sharing its key terms). Candidates are scored a bounded number of pairs at a time
    (``CANDIDATE_PAIRS``), and the links kept are at most ``link_k`` per document. A component is
    recomputed whole when it grows; continuous coverage chains most dated documents into one
    component, so ``add`` then costs about a third of a one-shot run (see bench/linking.py).

Measured on ECB+ with ``python -m eval.ecbplus``; speed with ``python bench/linking.py``.
"""
from __future__ import annotations

import hashlib
import heapq
import io
import json
import math
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from functools import cache

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from ..knowledge import load
from .dedup import DedupIndex

__all__ = ["StoryDoc", "StoryIndex", "cluster", "story_id", "Settings", "build_background", "GraphFeatures",
           "graph_features"]

_COLS = 0x7FFFFFFF                       # hashed term columns (crc32, 31 bits)
_WORD = re.compile(r"\b\w\w+\b")         # the words of the words channel (lowercased text)
_CAPITAL = re.compile(r"(?<![\w'’-])[A-Z][\w]*(?:['’-]\w+)*")   # a capitalised word (original text)
_TOKEN = re.compile(r"\w[\w'’.,-]*\w|\w")      # runs such as 1,200.50 or 61-year-old
_NUMBER = re.compile(r"\d[\d.]*\d")            # a figure, once commas are out
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\"“”‘’'(\[—–-]|\n)\s*$")
_STOP = ENGLISH_STOP_WORDS
CHANNELS = ("words", "names", "numbers")
_STATE_FORMAT = "annalist-stories/3"


@dataclass(frozen=True)
class StoryDoc:
    doc_id: str
    text: str
    title: str | None = None
    published: str | None = None          # ISO day, or None
    names: tuple[str, ...] = ()           # canonical names of people/orgs/places found in it
    event_dates: tuple[str, ...] = ()     # ISO dates of the events it reports


@dataclass(frozen=True)
class Settings:
    """Thresholds and weights; defaults from ``knowledge/stories.json``."""

    edge_min: float
    edge_min_dated: float
    edge_min_mixed: float
    topic_link: float
    link_k: int
    story_link: float
    window_days: int
    key_terms: int
    key_shared: int
    key_shared_mixed: int
    min_split: int
    attach_max: int
    attach_share: float
    dense_max: int
    weights: tuple[float, float, float]   # words, names, numbers
    dedup_threshold: float

    @classmethod
    def default(cls, **overrides) -> "Settings":
        k = load("stories")
        values = dict(edge_min=k["edge_min"], edge_min_dated=k["edge_min_dated"],
                      edge_min_mixed=k["edge_min_mixed"], topic_link=k["topic_link"], link_k=k["link_k"], story_link=k["story_link"],
                      window_days=k["window_days"], key_terms=k["key_terms"],
                      key_shared=k["key_shared"], key_shared_mixed=k["key_shared_mixed"],
                      min_split=k["min_split"],
                      attach_max=k["attach_max"], attach_share=k["attach_share"],
                      dense_max=k["dense_max"], weights=tuple(k["weights"][c] for c in CHANNELS),
                      dedup_threshold=k["dedup_threshold"])
        unknown = set(overrides) - set(values)
        if unknown:
            raise TypeError(f"unknown story option(s): {', '.join(sorted(unknown))}")
        values.update(overrides)
        values["weights"] = tuple(values["weights"])
        return cls(**values)


def story_id(members: Iterable[str], days: Iterable[int | None] | None = None) -> str:
    """The id of the story made of these documents, from its first document: the earliest
    of its own days (``days``, one per member; undated ones count last), the smallest id on
    a tie. So a story keeps its id (and its links in the explorer) while later coverage
    joins it; it changes only when an earlier article joins or stories merge or split."""
    members = list(members)
    if days is None:
        first = min(members)
    else:
        first = min(zip(members, days), key=lambda m: (m[1] is None, m[1] or 0, m[0]))[0]
    return "s" + hashlib.sha1(first.encode("utf-8")).hexdigest()[:16]


# -- background idf --------------------------------------------------------------------------

@cache
def _background() -> tuple[dict[str, float], float]:
    """word -> idf from the fixed newswire table, and the idf of a word not in it."""
    table = load("stories")["background"]
    n = table["docs"]
    idf = {w: math.log((1 + n) / (1 + df)) + 1 for w, df in table["df"].items()}
    return idf, math.log(1 + n) + 1


def build_background(texts: Iterable[str], min_df: int = 3) -> dict:
    """The background table (``knowledge/stories.json`` key ``background``) from a corpus of
    general news: for each word in at least ``min_df`` articles, in how many it appears."""
    df: Counter = Counter()
    n = 0
    for text in texts:
        n += 1
        df.update({w for w in _WORD.findall(text.lower()) if w not in _STOP})
    return {"docs": n, "min_df": min_df,
            "df": {w: c for w, c in sorted(df.items(), key=lambda kv: (-kv[1], kv[0])) if c >= min_df}}


# -- features --------------------------------------------------------------------------------

_VOCAB: dict[str, tuple[int, float]] = {}   # word -> (column, idf): a cache, not state
_PAIR_MUL = np.uint64(0x9E3779B1)


def _word_info(words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Columns (crc32 of the word) and background idf of each word."""
    vocab = _VOCAB
    if len(vocab) > 2_000_000:
        vocab.clear()
    idf, unseen = _background()
    cols = np.empty(len(words), dtype=np.int64)
    idfs = np.empty(len(words), dtype=np.float64)
    for i, w in enumerate(words):
        info = vocab.get(w)
        if info is None:
            info = vocab[w] = (zlib.crc32(w.encode("utf-8")) & _COLS, idf.get(w, unseen))
        cols[i], idfs[i] = info
    return cols, idfs


def _vector(cols: np.ndarray, idfs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sparse (1 + log tf) x idf vector from a column per occurrence."""
    if len(cols) == 0:
        return np.zeros(0, dtype=np.int32), np.zeros(0)
    uniq, first, counts = np.unique(cols, return_index=True, return_counts=True)
    return uniq.astype(np.int32), (1.0 + np.log(counts)) * idfs[first]


def _features(doc: StoryDoc) -> list[tuple[np.ndarray, np.ndarray]]:
    """The three weighted vectors (column and weight arrays) of a document."""
    text = doc.text
    if doc.title and not text.lstrip().startswith(doc.title.strip()):
        text = f"{doc.title}\n\n{text}"
    # words and word pairs (pairs of the words left once stop words are out); a pair is as
    # rare as its rarer word
    toks = [w for w in _WORD.findall(text.lower()) if w not in _STOP]
    cols, idfs = _word_info(toks)
    if len(cols) > 1:
        pair_cols = ((cols[:-1].astype(np.uint64) * _PAIR_MUL + cols[1:].astype(np.uint64))
                     % np.uint64(_COLS)).astype(np.int64)
        cols = np.concatenate([cols, pair_cols])
        idfs = np.concatenate([idfs, np.maximum(idfs[:-1], idfs[1:])])
    words = _vector(cols, idfs)
    # names: capitalised words that do not open a sentence, and the extractor's names
    name_toks: list[str] = []
    for m in _CAPITAL.finditer(text):
        before = text[max(0, m.start() - 3):m.start()]
        if m.start() and not _SENTENCE_END.search(before):
            name_toks.extend(w for w in _WORD.findall(m.group(0).lower()) if w not in _STOP)
    for name in doc.names:
        name_toks.extend(w for w in _WORD.findall(name.lower()) if w not in _STOP)
    names = _vector(*_word_info(name_toks))
    numbers = [n for n in (t.rstrip(".,").replace(",", "") for t in _TOKEN.findall(text) if t[0].isdigit())
               if _NUMBER.fullmatch(n)]   # figures of two digits or more ("61-year-old" is not one)
    nums = _vector(*_word_info(numbers))
    return [words, names, nums]


def _key_columns(words: tuple[np.ndarray, np.ndarray], k: int) -> np.ndarray:
    """The k heaviest word columns (ties: the smaller column): what candidates are found by."""
    idx, w = words
    if len(idx) <= k:
        return idx
    order = np.lexsort((idx, -w))[:k]
    return np.sort(idx[order])


def _norm(weights: np.ndarray) -> float:
    """The norm of a words vector as stored (float32 weights)."""
    w = weights.astype(np.float32).astype(np.float64)
    return float(np.sqrt(np.dot(w, w)))


@dataclass(frozen=True)
class GraphFeatures:
    """What the story graph compares of one document (for engines that build the graph
    themselves, such as the Spark engine): its own day, its words vector (sorted columns,
    float32 weights, as the index stores them), that vector's norm and its key columns."""

    day: int | None
    columns: np.ndarray
    weights: np.ndarray
    norm: float
    keys: np.ndarray


def graph_features(doc: StoryDoc, settings: Settings) -> GraphFeatures:
    words = _features(doc)[0]
    return GraphFeatures(own_day(doc), words[0], words[1].astype(np.float32), _norm(words[1]),
                         _key_columns(words, settings.key_terms))


def _day(value: str | None) -> int | None:
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


def own_day(doc: StoryDoc) -> int | None:
    """The document's own day (ordinal): publication day, else its events' most common day."""
    day = _day(doc.published)
    if day is not None:
        return day
    days = Counter(d for d in map(_day, doc.event_dates) if d is not None)
    if not days:
        return None
    return max(days.items(), key=lambda kv: (kv[1], kv[0]))[0]


# -- storage ---------------------------------------------------------------------------------

class _Rows:
    """Append-only sparse rows (columns int32, values float32), gathered into CSR on demand."""

    def __init__(self):
        self.indices = np.zeros(1024, dtype=np.int32)
        self.data = np.zeros(1024, dtype=np.float32)
        self.indptr = [0]
        self._indptr_arr: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def append(self, idx: np.ndarray, val: np.ndarray) -> None:
        start, end = self.indptr[-1], self.indptr[-1] + len(idx)
        if end > len(self.indices):
            size = max(end, 2 * len(self.indices))
            self.indices = np.resize(self.indices, size)
            self.data = np.resize(self.data, size)
        self.indices[start:end] = idx
        self.data[start:end] = val
        self.indptr.append(end)
        self._indptr_arr = None

    def _ptr(self) -> np.ndarray:
        if self._indptr_arr is None:
            self._indptr_arr = np.asarray(self.indptr, dtype=np.int64)
        return self._indptr_arr

    def gather(self, rows: np.ndarray, n_cols: int = _COLS) -> sp.csr_matrix:
        """The CSR matrix of these rows, in this order."""
        ptr = self._ptr()
        rows = np.asarray(rows, dtype=np.int64)
        starts, ends = ptr[rows], ptr[rows + 1]
        lens = ends - starts
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lens, out=indptr[1:])
        pos = np.repeat(starts - indptr[:-1], lens) + np.arange(indptr[-1], dtype=np.int64)
        return sp.csr_matrix((self.data[pos], self.indices[pos], indptr), shape=(len(rows), n_cols))


class _UnionFind:
    def __init__(self):
        self.parent: list[int] = []
        self.members: dict[int, list[int]] = {}

    def add(self) -> int:
        i = len(self.parent)
        self.parent.append(i)
        self.members[i] = [i]
        return i

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    def union(self, a: int, b: int) -> int:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))
        return ra


class _TopLinks:
    """Each document's ``k`` strongest links: strongest first (cosines at 9 decimals), ties by the
    other end's doc_id, so the kept set does not depend on the order documents came in (the top
    k of a union is the top k of its parts' top k). A link is kept while either end keeps it.
    Rows of a (documents x k) array, -1 where a document has fewer links: the graph a build
    holds is at most k per document, however dense the coverage (written by hand: no library
    keeps a bounded top k per node of a growing graph, vectorised)."""

    def __init__(self, k: int):
        self.k = k
        self.other = np.full((0, k), -1, dtype=np.int64)
        self.weight = np.zeros((0, k))

    def grow(self, n: int) -> None:
        if n > len(self.other):
            size = max(n, 2 * len(self.other), 1024)
            other = np.full((size, self.k), -1, dtype=np.int64)
            weight = np.zeros((size, self.k))
            other[:len(self.other)], weight[:len(self.weight)] = self.other, self.weight
            self.other, self.weight = other, weight

    def merge(self, a: np.ndarray, b: np.ndarray, w: np.ndarray, rank: np.ndarray) -> np.ndarray:
        """Offer links (a[i], b[i], w[i]) to both ends; returns the pairs (n x 2) that entered a
        top k they were not in."""
        k = self.k
        if len(a) == 0 or k <= 0:
            return np.zeros((0, 2), dtype=np.int64)
        u = np.concatenate([a, b]).astype(np.int64)
        d = np.concatenate([b, a]).astype(np.int64)
        wr = _rounded(np.concatenate([w, w]))
        touched = np.unique(u)
        old_d = self.other[touched].ravel()
        valid = old_d >= 0
        old_u = np.repeat(touched, k)[valid]
        uu = np.concatenate([old_u, u])
        dd = np.concatenate([old_d[valid], d])
        ww = np.concatenate([self.weight[touched].ravel()[valid], wr])
        fresh = np.concatenate([np.zeros(len(old_u), dtype=bool), np.ones(len(u), dtype=bool)])
        # a pair offered twice (or already kept) counts once, as kept
        order = np.lexsort((fresh, dd, uu))
        uu, dd, ww, fresh = uu[order], dd[order], ww[order], fresh[order]
        first = np.ones(len(uu), dtype=bool)
        first[1:] = (uu[1:] != uu[:-1]) | (dd[1:] != dd[:-1])
        uu, dd, ww, fresh = uu[first], dd[first], ww[first], fresh[first]
        order = np.lexsort((rank[dd], -ww, uu))
        uu, dd, ww, fresh = uu[order], dd[order], ww[order], fresh[order]
        slot = np.arange(len(uu)) - np.searchsorted(uu, uu, side="left")
        keep = slot < k
        self.other[touched] = -1
        self.weight[touched] = 0.0
        self.other[uu[keep], slot[keep]] = dd[keep]
        self.weight[uu[keep], slot[keep]] = ww[keep]
        new = keep & fresh
        return np.stack([uu[new], dd[new]], axis=1)

    def links(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The kept links of these documents as (lo, hi, w), lo < hi, each pair once."""
        rows = np.asarray(rows, dtype=np.int64)
        other = self.other[rows].ravel()
        valid = other >= 0
        u = np.repeat(rows, self.k)[valid]
        other, w = other[valid], self.weight[rows].ravel()[valid]
        lo, hi = np.minimum(u, other), np.maximum(u, other)
        _, first = np.unique(lo * (len(self.other) + 1) + hi, return_index=True)
        return lo[first], hi[first], w[first]


# -- clustering ------------------------------------------------------------------------------

def _average_link(n_units: int, unit_size: Sequence[int], links: dict[tuple[int, int], float],
                  threshold: float, unit_day: Sequence[int | None] | None = None,
                  window: int = 0) -> list[list[int]]:
    """Average-link agglomeration of units 0..n-1 over sparse links (a missing pair counts
    as 0): merge the pair of clusters whose mean pairwise similarity is highest, while it is
    at least ``threshold``. ``links`` maps (a, b), a < b, to the summed similarity between
    the members of units a and b. With ``unit_day``, no cluster may hold two dated units
    more than ``window`` days apart. Deterministic: ties go to the pair of smallest units."""
    size = list(unit_size)
    lo = list(unit_day) if unit_day is not None else [None] * n_units
    hi = list(lo)
    nbr: list[dict[int, float] | None] = [dict() for _ in range(n_units)]
    for (a, b), s in links.items():
        nbr[a][b] = s
        nbr[b][a] = s
    version = [0] * n_units
    heap = [(-s / (size[a] * size[b]), a, b, 0, 0) for (a, b), s in links.items()
            if s / (size[a] * size[b]) >= threshold]
    heapq.heapify(heap)
    members = [[u] for u in range(n_units)]
    while heap:
        neg, a, b, va, vb = heapq.heappop(heap)
        if nbr[a] is None or nbr[b] is None or version[a] != va or version[b] != vb:
            continue
        if lo[a] is not None and lo[b] is not None and max(hi[a], hi[b]) - min(lo[a], lo[b]) > window:
            continue  # spans grow with merges: this pair can never merge
        if lo[a] is None:
            lo[a], hi[a] = lo[b], hi[b]
        elif lo[b] is not None:
            lo[a], hi[a] = min(lo[a], lo[b]), max(hi[a], hi[b])
        # merge b into a (a < b: the cluster keeps its smallest unit as its name)
        na, nb = nbr[a], nbr[b]
        del na[b]
        del nb[a]
        for x, s in nb.items():
            na[x] = na.get(x, 0.0) + s
            nx = nbr[x]
            nx[a] = nx.get(a, 0.0) + nx.pop(b)
        nbr[b] = None
        size[a] += size[b]
        members[a].extend(members[b])
        members[b] = []
        version[a] += 1
        for x, s in na.items():
            avg = s / (size[a] * size[x])
            if avg >= threshold:
                u, v = (a, x) if a < x else (x, a)
                heapq.heappush(heap, (-avg, u, v, version[u], version[v]))
    return [sorted(m) for m in members if m]


def _normalise_rows(m: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ m)


class _Against:
    """Dot products of query rows with a fixed set of rows (one time window's documents), the
    fixed side gathered once and its columns made compact; query terms outside it cannot score."""

    def __init__(self, rows: "_Rows", nbrs: np.ndarray):
        self.rows = rows
        mb = rows.gather(nbrs)
        self.cols, inv = np.unique(mb.indices, return_inverse=True)
        self.mbt = sp.csr_matrix((mb.data.astype(np.float64), inv.astype(np.int64), mb.indptr),
                                 shape=(len(nbrs), len(self.cols))).T.tocsr()

    def dots(self, a: np.ndarray) -> sp.coo_matrix:
        """(query row, fixed row) -> dot product, the nonzero ones."""
        if not len(self.cols):
            return sp.coo_matrix((len(a), self.mbt.shape[1]))
        ma = self.rows.gather(a)
        at = np.minimum(np.searchsorted(self.cols, ma.indices), len(self.cols) - 1)
        hit = self.cols[at] == ma.indices
        row = np.repeat(np.arange(len(a)), np.diff(ma.indptr))
        ma = sp.csr_matrix((ma.data[hit].astype(np.float64), (row[hit], at[hit])), shape=(len(a), len(self.cols)))
        return (ma @ self.mbt).tocoo()


def _pair_dots(a: sp.csr_matrix, b: sp.csr_matrix) -> np.ndarray:
    """Row-by-row dot products of two CSR matrices of the same shape."""
    return np.asarray(a.multiply(b).sum(axis=1), dtype=np.float64).ravel()


def _rounded(w: np.ndarray) -> np.ndarray:
    """Cosines compared at 9 decimals: the engines sum the same products in another order."""
    return np.round(np.asarray(w, dtype=np.float64), 9)


def _id_rank(ids: Sequence[str]) -> np.ndarray:
    """Each position's rank in doc_id order (ties between links are settled by doc_id, which does
    not depend on the order documents were added in)."""
    order = sorted(range(len(ids)), key=ids.__getitem__)
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids))
    return rank


# Pairs per step in _linked_dots: a row gathered per pair for every pair at once grew with the
# links of a group (millions of pairs in the giant group of a 100k-document build).
PAIR_CHUNK = 50_000
# Candidate pairs scored per product in StoryIndex._new_links (a window's queries x its
# documents, or undated documents x key-term lists): bounds the memory of the link search.
CANDIDATE_PAIRS = 2_000_000


def _linked_dots(mat: sp.csr_matrix, pi: np.ndarray, pj: np.ndarray) -> np.ndarray:
    """Dot products of rows ``pi[k]`` and ``pj[k]`` of ``mat``, a chunk of pairs at a time."""
    out = np.empty(len(pi))
    for s in range(0, len(pi), PAIR_CHUNK):
        out[s:s + PAIR_CHUNK] = _pair_dots(mat[pi[s:s + PAIR_CHUNK]], mat[pj[s:s + PAIR_CHUNK]])
    return out


class StoryIndex:
    """Incremental story clustering. ``add`` returns the story of every new document and of
    every earlier one whose story changed; ``stories`` lists them all.

    Documents are only added, never removed (rebuild the index to forget one); a doc_id
    already indexed is ignored. Options override ``knowledge/stories.json`` (see
    :class:`Settings`)."""

    def __init__(self, settings: Settings | None = None, **opts):
        self.settings = settings or Settings.default(**opts)
        if settings is not None and opts:
            raise TypeError("give either settings or options, not both")
        self.dedup = DedupIndex(self.settings.dedup_threshold)
        self._ids: list[str] = []
        self._pos: dict[str, int] = {}
        self._days: list[int | None] = []
        self._days_arr: np.ndarray | None = None
        self._rows = [_Rows() for _ in CHANNELS]
        self._norm: list[float] = []          # norm of each words vector
        self._keys = _Rows()                  # key columns, as compact ids
        self._key_ids: dict[int, int] = {}
        self._buckets: dict[int, list[int]] = {}
        self._undated: list[int] = []
        self._uf = _UnionFind()
        self._dups: dict[int, list[tuple[int, int]]] = {}
        self._duplicate_of: dict[str, str] = {}
        self._story: list[str] = []
        self._top = _TopLinks(self.settings.link_k)   # the graph: each document's strongest links
        self._joins: list[np.ndarray] = []   # pairs that entered a top k in this add: to union
        self._split_cache: dict[tuple[int, ...], list[list[int]]] = {}
        self._split_fresh: dict[tuple[int, ...], list[list[int]]] = {}

    def __len__(self) -> int:
        return len(self._ids)

    # -- public ----------------------------------------------------------------------------------
    def add(self, docs: Sequence[StoryDoc]) -> dict[str, str]:
        """Add documents; doc_id -> story_id for the new ones and for every earlier one whose
        story changed."""
        new: list[StoryDoc] = []
        seen = set()
        for d in docs:
            if d.doc_id not in self._pos and d.doc_id not in seen:
                seen.add(d.doc_id)
                new.append(d)
        if not new:
            return {}
        first = len(self._ids)
        for d in new:
            self._append(d)
        positions = list(range(first, len(self._ids)))
        # near-duplicates: must-links, whatever the dates
        dups = []
        for a, b, _score in self.dedup.add_pairs(new):
            dups.append((self._pos[a], self._pos[b]))
            self._duplicate_of.setdefault(a, b)
        self._new_links(positions)
        return self._relink(positions, dups)

    def stories(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for doc_id, sid in zip(self._ids, self._story):
            out.setdefault(sid, []).append(doc_id)
        return {sid: sorted(members) for sid, members in sorted(out.items())}

    def story_of(self, doc_id: str) -> str | None:
        pos = self._pos.get(doc_id)
        return None if pos is None else self._story[pos]

    def recluster(self, **changes) -> dict[str, str]:
        """Recompute every story with other clustering settings (``topic_link``,
        ``story_link``, ``min_split``, ``dense_max``, ``weights``: those that do not change the
        graph), for tuning; returns doc_id -> story_id for every document."""
        graph = {"edge_min", "edge_min_dated", "edge_min_mixed", "window_days", "key_terms", "key_shared",
                 "key_shared_mixed", "link_k", "dedup_threshold"} & set(changes)
        if graph:
            raise ValueError(f"{', '.join(sorted(graph))} change the graph: build a new index")
        self.settings = replace(self.settings, **changes)
        self._split_cache = {}
        for root in sorted({self._uf.find(p) for p in range(len(self._ids))}):
            for members in self._component_stories(root):
                sid = story_id([self._ids[p] for p in members], [self._days[p] for p in members])
                for p in members:
                    self._story[p] = sid
        return dict(zip(self._ids, self._story))

    def duplicate_pairs(self) -> list[tuple[str, str]]:
        """Every near-duplicate pair found (later-added id, earlier-added id), sorted."""
        return sorted((self._ids[a], self._ids[b]) for pairs in self._dups.values() for a, b in pairs)

    # -- saved state -----------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """The whole index (NumPy arrays and JSON, no pickle), so that a later build adds its new
        documents without recomputing the others."""
        n = len(self._ids)
        header = {"format": _STATE_FORMAT, "settings": {k: list(v) if isinstance(v, tuple) else v
                                                        for k, v in asdict(self.settings).items()},
                  "ids": self._ids, "days": self._days, "story": self._story, "duplicate_of": self._duplicate_of,
                  # how each group of the last clustering split: reused while the group stays the same
                  "splits": [[list(k), v] for k, v in self._split_cache.items()]}
        arrays = {"header": np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8),
                  "norm": np.asarray(self._norm, dtype=np.float64),
                  "parent": np.asarray([self._uf.find(i) for i in range(n)], dtype=np.int64),
                  "key_cols": np.asarray(list(self._key_ids), dtype=np.int64),
                  "key_ids": np.asarray(list(self._key_ids.values()), dtype=np.int64),
                  "dedup": np.frombuffer(self.dedup.to_bytes(), dtype=np.uint8)}
        for name, rows in [*((f"rows{c}", r) for c, r in enumerate(self._rows)), ("keys", self._keys)]:
            end = rows.indptr[-1]
            arrays[f"{name}_indices"], arrays[f"{name}_data"] = rows.indices[:end], rows.data[:end]
            arrays[f"{name}_indptr"] = np.asarray(rows.indptr, dtype=np.int64)
        arrays["top_other"], arrays["top_weight"] = self._top.other[:n], self._top.weight[:n]
        dups = [(r, a, b) for r in sorted(self._dups) for a, b in self._dups[r]]
        arrays["dups"] = np.asarray(dups, dtype=np.int64).reshape(-1, 3)
        buf = io.BytesIO()
        np.savez_compressed(buf, **arrays)   # a third of the size (15 MB at 10,000 documents)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "StoryIndex":
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            a = {k: z[k] for k in z.files}
        header = json.loads(a["header"].tobytes().decode("utf-8"))
        if header.get("format") != _STATE_FORMAT:
            raise ValueError(f"not a saved StoryIndex of this version ({header.get('format')!r})")
        saved = header["settings"]
        if set(saved) != {f.name for f in fields(Settings)}:   # saved before a setting was added or dropped
            raise ValueError("saved with other clustering settings")
        settings = Settings(**{k: tuple(v) if isinstance(v, list) else v for k, v in saved.items()})
        index = cls(settings)
        index.dedup = DedupIndex.from_bytes(a["dedup"].tobytes())
        index._ids = header["ids"]
        index._pos = {d: i for i, d in enumerate(index._ids)}
        index._days = header["days"]
        index._story = header["story"]
        index._duplicate_of = header["duplicate_of"]
        index._split_cache = {tuple(k): v for k, v in header.get("splits", [])}
        index._norm = a["norm"].tolist()
        index._key_ids = dict(zip(a["key_cols"].tolist(), a["key_ids"].tolist()))
        for name, rows in [*((f"rows{c}", r) for c, r in enumerate(index._rows)), ("keys", index._keys)]:
            rows.indices = a[f"{name}_indices"].astype(np.int32)
            rows.data = a[f"{name}_data"].astype(np.float32)
            rows.indptr = a[f"{name}_indptr"].tolist()
        width = max(1, settings.window_days)
        for pos, day in enumerate(index._days):
            if day is None:
                index._undated.append(pos)
            else:
                index._buckets.setdefault(day // width, []).append(pos)
        index._uf.parent = a["parent"].tolist()
        index._uf.members = {}
        for pos, root in enumerate(index._uf.parent):
            index._uf.members.setdefault(root, []).append(pos)
        index._top.grow(len(index._ids))
        n = len(index._ids)
        index._top.other[:n] = a["top_other"].reshape(n, settings.link_k)
        index._top.weight[:n] = a["top_weight"].reshape(n, settings.link_k)
        for r, x, y in a["dups"].tolist():
            index._dups.setdefault(r, []).append((x, y))
        return index

    def duplicates(self) -> dict[str, str]:
        """doc_id -> the earlier-added document it near-duplicates (see :class:`DedupIndex`)."""
        return dict(self._duplicate_of)

    # -- adding ----------------------------------------------------------------------------------
    def _append(self, doc: StoryDoc) -> None:
        pos = len(self._ids)
        self._ids.append(doc.doc_id)
        self._pos[doc.doc_id] = pos
        self._story.append("")
        day = own_day(doc)
        self._days.append(day)
        if day is None:
            self._undated.append(pos)
        else:
            self._buckets.setdefault(day // max(1, self.settings.window_days), []).append(pos)
        vectors = _features(doc)
        for rows, (idx, val) in zip(self._rows, vectors):
            rows.append(idx, val)
        self._norm.append(_norm(vectors[0][1]))
        keys = [self._key_ids.setdefault(int(c), len(self._key_ids))
                for c in _key_columns(vectors[0], self.settings.key_terms)]
        self._keys.append(np.asarray(sorted(keys), dtype=np.int32), np.ones(len(keys), dtype=np.float32))
        self._uf.add()
        self._top.grow(pos + 1)

    def _compatible(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        days = self._days_array()
        da, db = days[a], days[b]
        undated = (da < 0) | (db < 0)
        return undated | (np.abs(da - db) <= self.settings.window_days)

    def _days_array(self) -> np.ndarray:
        if self._days_arr is None or len(self._days_arr) != len(self._days):
            self._days_arr = np.asarray([-1 if d is None else d for d in self._days], dtype=np.int64)
        return self._days_arr

    def _new_links(self, positions: list[int]) -> None:
        """Offer every link between the new documents and everything indexed to the kept top k
        (:class:`_TopLinks`); the pairs that enter it are unioned by :meth:`_relink`.

        Two dated documents: within ``window_days`` and cosine >= ``edge_min_dated`` (compared
        within time buckets). Two undated: sharing ``key_shared`` key terms and cosine >=
        ``edge_min``. A dated and an undated one: ``key_shared_mixed`` terms, ``edge_min_mixed``.
        Candidates are scored a bounded number of pairs at a time (``CANDIDATE_PAIRS``)."""
        s = self.settings
        width = max(1, s.window_days)
        days = self._days_array()
        norms = np.asarray(self._norm)
        rank = _id_rank(self._ids)
        by_bucket: dict[int | None, list[int]] = {}
        for p in positions:
            day = self._days[p]
            by_bucket.setdefault(None if day is None else day // width, []).append(p)
        # dated with dated: every pair in the window
        for bucket, qs in sorted(by_bucket.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)):
            if bucket is None:
                continue
            nbrs = np.asarray(sorted(self._buckets.get(bucket - 1, []) + self._buckets.get(bucket, [])
                                     + self._buckets.get(bucket + 1, [])), dtype=np.int64)
            against = _Against(self._rows[0], nbrs)
            q = np.asarray(qs, dtype=np.int64)
            # queries per product bounded by its largest possible size: dense coverage of one
            # subject puts thousands of documents in a window, and 1,000 queries at once then
            # peaked at gigabytes
            step = max(1, min(1000, CANDIDATE_PAIRS // max(1, len(nbrs))))
            for start in range(0, len(q), step):
                qc = q[start:start + step]
                dots = against.dots(qc)
                qi, oi, d = qc[dots.row], nbrs[dots.col], dots.data
                keep = (oi < qi) & (np.abs(days[qi] - days[oi]) <= s.window_days)
                qi, oi, d = qi[keep], oi[keep], d[keep]
                cos = d / (norms[qi] * norms[oi])
                keep = _rounded(cos) >= s.edge_min_dated
                self._offer(qi[keep], oi[keep], cos[keep], rank)
        # pairs with an undated document: candidates from shared key terms
        undated_new = by_bucket.get(None, [])
        dated_new = [p for p in positions if self._days[p] is not None]
        tasks = []
        if undated_new:
            tasks.append((np.asarray(undated_new, dtype=np.int64), np.arange(len(self._ids), dtype=np.int64)))
        if dated_new and self._undated:
            tasks.append((np.asarray(dated_new, dtype=np.int64), np.asarray(self._undated, dtype=np.int64)))
        n_keys = max(1, len(self._key_ids))
        for q, nbrs in tasks:
            nbr_keys = self._keys.gather(nbrs, n_keys).T.tocsr()
            # in a corpus on one subject nearly every pair shares a key term, so a fixed number of
            # rows per product grew with the corpus
            step = max(1, min(2000, CANDIDATE_PAIRS // max(1, len(nbrs))))
            for start in range(0, len(q), step):
                qc = q[start:start + step]
                shared = (self._keys.gather(qc, n_keys) @ nbr_keys).tocoo()
                qi, oi = qc[shared.row], nbrs[shared.col]
                mixed = (days[qi] < 0) != (days[oi] < 0)
                keep = (oi < qi) & (shared.data >= np.where(mixed, s.key_shared_mixed, s.key_shared))
                qi, oi, mixed = qi[keep], oi[keep], mixed[keep]
                cos = np.zeros(len(qi))
                for c in range(0, len(qi), 20000):
                    a = self._rows[0].gather(qi[c:c + 20000]).astype(np.float64)
                    b = self._rows[0].gather(oi[c:c + 20000]).astype(np.float64)
                    cos[c:c + 20000] = _pair_dots(a, b) / (norms[qi[c:c + 20000]] * norms[oi[c:c + 20000]])
                keep = _rounded(cos) >= np.where(mixed, s.edge_min_mixed, s.edge_min)
                self._offer(qi[keep], oi[keep], cos[keep], rank)

    def _offer(self, a: np.ndarray, b: np.ndarray, w: np.ndarray, rank: np.ndarray) -> None:
        if len(a):
            self._joins.append(self._top.merge(a, b, w, rank))

    def _relink(self, positions: list[int], dups: list[tuple[int, int]]) -> dict[str, str]:
        uf = self._uf
        # union the components the new kept links and near-duplicates join (one union per distinct
        # pair of roots); a link that later drops out of a top k leaves them joined: harmless, a
        # component's stories come from its links, and no link runs between its parts
        joins = np.concatenate([np.asarray(dups, dtype=np.int64).reshape(-1, 2), *self._joins])
        self._joins = []
        if len(joins):
            ends = np.unique(joins)
            root_arr = np.full(len(self._ids), -1, dtype=np.int64)
            root_arr[ends] = [uf.find(int(p)) for p in ends]
            old_roots = sorted(set(root_arr[ends].tolist()))
            width = len(self._ids)
            for key in np.unique(root_arr[joins[:, 0]] * width + root_arr[joins[:, 1]]).tolist():
                uf.union(key // width, key % width)
            # move the near-duplicate lists of components that were merged into another
            for r in old_roots:
                root = uf.find(r)
                if root != r and r in self._dups:
                    self._dups.setdefault(root, []).extend(self._dups.pop(r))
        for a, b in dups:
            self._dups.setdefault(uf.find(a), []).append((a, b))
        changed: dict[str, str] = {}
        self._split_fresh = {}
        affected = sorted({uf.find(p) for p in positions})
        for root in affected:
            for members in self._component_stories(root):
                sid = story_id([self._ids[p] for p in members], [self._days[p] for p in members])
                for p in members:
                    if self._story[p] != sid:
                        self._story[p] = sid
                        changed[self._ids[p]] = sid
        for p in positions:
            changed.setdefault(self._ids[p], self._story[p])
        # keep the splits of the groups just seen, drop those of groups that no longer exist
        # in the recomputed components (their documents were all among these components)
        recomputed = {p for root in affected for p in self._uf.members[root]}
        self._split_cache = {k: v for k, v in self._split_cache.items() if k[0] not in recomputed}
        self._split_cache.update(self._split_fresh)
        return changed

    # -- one component ---------------------------------------------------------------------------
    def _component_stories(self, root: int) -> list[list[int]]:
        """The stories of one connected component: a function of its members alone."""
        members = sorted(self._uf.members[root], key=self._ids.__getitem__)
        if len(members) == 1:
            return [members]
        local = {p: i for i, p in enumerate(members)}
        # units: near-duplicate groups
        parent = list(range(len(members)))

        def find(i):
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for a, b in self._dups.get(root, []):
            ra, rb = find(local[a]), find(local[b])
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        unit_of_root: dict[int, int] = {}
        unit = [unit_of_root.setdefault(find(i), len(unit_of_root)) for i in range(len(members))]
        n_units = len(unit_of_root)
        unit_size = np.bincount(unit, minlength=n_units).tolist()
        # stage 1: average-link over the members' kept links
        ei, ej, ew = self._top.links(np.asarray(members, dtype=np.int64))
        member_arr = np.asarray(members, dtype=np.int64)
        by_pos = np.argsort(member_arr)
        li = by_pos[np.searchsorted(member_arr[by_pos], ei)]
        lj = by_pos[np.searchsorted(member_arr[by_pos], ej)]
        lo, hi = np.minimum(li, lj), np.maximum(li, lj)
        order = np.lexsort((hi, lo))
        lo, hi, ew = lo[order], hi[order], ew[order]
        links = _unit_links(unit, lo, hi, ew)
        unit_day: list[int | None] = [None] * n_units
        for i, u in enumerate(unit):   # a unit's day: its earliest (a republication does not stretch it)
            day = self._days[members[i]]
            if day is not None and (unit_day[u] is None or day < unit_day[u]):
                unit_day[u] = day
        groups = _average_link(n_units, unit_size, links, self.settings.topic_link, unit_day,
                               self.settings.window_days)
        # stage 2: within each group, reweighted by rarity inside the group
        units_docs: list[list[int]] = [[] for _ in range(n_units)]
        for i, u in enumerate(unit):
            units_docs[u].append(i)
        out: list[list[int]] = []
        for group in groups:
            docs = sorted(i for u in group for i in units_docs[u])
            if len(group) < self.settings.min_split:
                out.append([members[i] for i in docs])
                continue
            key = tuple(members[i] for i in docs)
            parts = self._split_cache.get(key)
            if parts is None:   # a group of the same documents splits the same way: reuse it
                parts = [[members[i] for i in part] for part in self._split(group, docs, unit, members, (lo, hi))]
            self._split_fresh[key] = parts
            out.extend(parts)
        return out

    def _split(self, group: list[int], docs: list[int], unit: list[int], members: list[int],
               edge_pairs: tuple[np.ndarray, np.ndarray]) -> list[list[int]]:
        s = self.settings
        pos = np.asarray([members[i] for i in docs], dtype=np.int64)
        m = len(docs)
        g_unit_ids = {u: k for k, u in enumerate(sorted(group))}
        g_unit = np.asarray([g_unit_ids[unit[i]] for i in docs], dtype=np.int64)
        n_units = len(group)
        if m <= s.dense_max:
            pi, pj = np.triu_indices(m, 1)
        else:
            lo, hi = edge_pairs   # too many for every pair: the linked ones
            where = np.full(len(members), -1, dtype=np.int64)
            where[np.asarray(docs, dtype=np.int64)] = np.arange(m)
            inside = (where[lo] >= 0) & (where[hi] >= 0)
            pi, pj = where[lo[inside]], where[hi[inside]]
        sim = np.zeros(len(pi))
        total = 0.0
        for rows, weight in zip(self._rows, s.weights):
            if weight <= 0:
                continue
            total += weight
            mat = rows.gather(pos).astype(np.float64)
            uniq, inv = np.unique(mat.indices, return_inverse=True)
            mat = sp.csr_matrix((mat.data, inv.astype(np.int64), mat.indptr), shape=(m, len(uniq)))
            row_of = np.repeat(np.arange(m), np.diff(mat.indptr))
            unit_col = np.unique(g_unit[row_of] * len(uniq) + inv)
            df = np.bincount(unit_col % len(uniq), minlength=len(uniq)) if len(uniq) else np.zeros(0)
            factor = _local_factor(df, n_units)
            mat.data = mat.data * factor[inv]
            mat = _normalise_rows(mat)
            if m <= s.dense_max:
                dense = (mat @ mat.T).toarray()
                sim += weight * dense[pi, pj]
            else:
                sim += weight * _linked_dots(mat, pi, pj)
        sim /= max(total, 1e-12)
        keep = self._compatible(pos[pi], pos[pj]) & (sim > 0)
        pi, pj, sim = pi[keep], pj[keep], sim[keep]
        links = _unit_links(g_unit.tolist(), pi, pj, sim)
        sizes = np.bincount(g_unit, minlength=n_units).tolist()
        parts = _average_link(n_units, sizes, links, s.story_link)
        parts = _attach(parts, sizes, links, s.attach_max, s.attach_share * s.story_link)
        units_docs: list[list[int]] = [[] for _ in range(n_units)]
        for k, u in enumerate(g_unit.tolist()):
            units_docs[u].append(docs[k])
        return [sorted(d for u in part for d in units_docs[u]) for part in parts]


def _attach(parts: list[list[int]], sizes: Sequence[int], links: dict[tuple[int, int], float],
            small_max: int, link: float) -> list[list[int]]:
    """Fragments of at most ``small_max`` documents left by average-link join the larger
    story of their group they are most similar to, when that mean similarity is at least
    ``link``. Short or oddly written reports of a happening otherwise end up alone. Each
    fragment is compared with the larger stories as they were, so the order does not matter."""
    if small_max <= 0 or len(parts) < 2:
        return parts
    size = [sum(sizes[u] for u in p) for p in parts]
    where = {u: k for k, p in enumerate(parts) for u in p}
    big = {k for k, z in enumerate(size) if z > small_max}
    if not big:
        return parts
    totals: dict[tuple[int, int], float] = {}
    for (a, b), v in links.items():
        ka, kb = where[a], where[b]
        if ka != kb:
            totals[(ka, kb)] = totals.get((ka, kb), 0.0) + v
            totals[(kb, ka)] = totals.get((kb, ka), 0.0) + v
    out = [list(p) for p in parts]
    for k in range(len(parts)):
        if k in big:
            continue
        best = max(((totals.get((k, c), 0.0) / (size[k] * size[c]), -c) for c in big))
        if best[0] >= link:
            out[-best[1]].extend(parts[k])
            out[k] = []
    return [sorted(p) for p in out if p]


def _local_factor(df: np.ndarray, n: int) -> np.ndarray:
    """How much a term counts inside a group of n units when df of them use it: log-rarity
    within the group, 0 for a term only one unit uses (it links no one)."""
    return np.where(df >= 2, np.log((n + 1) / (df + 1)), 0.0)


def _unit_links(unit: Sequence[int], lo: np.ndarray, hi: np.ndarray, w: np.ndarray
                ) -> dict[tuple[int, int], float]:
    """(unit a, unit b), a < b -> summed similarity of the links between their documents."""
    if len(w) == 0:
        return {}
    u = np.asarray(unit, dtype=np.int64)
    ua, ub = u[lo], u[hi]
    a, b = np.minimum(ua, ub), np.maximum(ua, ub)
    keep = a != b
    a, b, w = a[keep], b[keep], w[keep]
    if len(w) == 0:
        return {}
    key = a * (int(u.max()) + 1) + b
    uniq, inv = np.unique(key, return_inverse=True)   # links in (lo, hi) order: sums are reproducible
    sums = np.bincount(inv, weights=w, minlength=len(uniq))
    width = int(u.max()) + 1
    return dict(zip(zip((uniq // width).tolist(), (uniq % width).tolist()), sums.tolist()))


def cluster(docs: Sequence[StoryDoc], **opts) -> dict[str, str]:
    """One-shot clustering: doc_id -> story_id (the same as adding the documents to a
    :class:`StoryIndex` in any batches)."""
    index = StoryIndex(**opts)
    index.add(docs)
    return {doc_id: index.story_of(doc_id) for doc_id in index._ids}
