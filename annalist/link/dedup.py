"""Near-duplicates: syndicated or lightly edited copies of one article.

Each document becomes the set of its word 4-grams (shingles), sketched with MinHash
(datasketch, 128 permutations). LSH bands find the candidates (datasketch's banding, kept in
NumPy arrays: one 64-bit key per band and document, about 0.3 kB a document where
datasketch's in-memory tables took about 8 kB), so adding a document costs about the same
however many are indexed; a candidate is a near-duplicate
when the shorter text is at least ``threshold`` contained in the longer one and the two are
of comparable length (the shorter at least ``min_ratio`` of the longer). Containment rather
than plain resemblance, so that a copy cut short by the republishing outlet still counts,
and the length ratio, so that a short brief quoted whole inside a long round-up does not.

Every decision depends on the two documents only (their signatures and sizes), so which
pairs are near-duplicates does not depend on the order the documents come in; only which of
two copies is called the original does (the earlier added).

The index keeps only signatures and sizes (no text); :meth:`DedupIndex.to_bytes` and
:meth:`DedupIndex.from_bytes` save and restore it (NumPy arrays and JSON, no pickle), and
:meth:`DedupIndex.signatures` exposes them for a store that keeps them itself.
"""
from __future__ import annotations

import io
import json
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np
from datasketch import MinHash, MinHashLSH

if TYPE_CHECKING:
    from .stories import StoryDoc

__all__ = ["DedupIndex", "shingles", "containment", "originals", "SHINGLE", "SEED"]

SHINGLE = 4          # words per shingle
SEED = 1             # MinHash permutation seed (part of the saved state's meaning)
SCHEME = "affine32"  # datasketch 2.0 permutation scheme (32-bit hash values)
_FORMAT = "annalist-dedup/1"
_WORD = re.compile(r"\w+")


_WORD_HASH: dict[str, int] = {}   # a cache of word hashes, not state
_MIX = np.uint64(0x100000001B3)
# Candidate pairs (a new document, an earlier one sharing a band) gathered at once in
# DedupIndex._candidates: bounds the memory of the search however many copies share bands.
CANDIDATE_PAIRS = 2_000_000
MARK_CELLS = 1 << 24   # cells of the table that dedupes them (bytes)


def shingles(text: str, k: int = SHINGLE) -> np.ndarray:
    """The distinct k-word shingles of ``text`` as stable 32-bit hashes, sorted.

    Words are lowercased ``\\w+`` runs, so punctuation, quote styles and line breaks do not
    matter; a shingle's hash is computed from its words' crc32 hashes. A text shorter than
    k words is one shingle."""
    words = _WORD.findall(text.lower())
    if not words:
        return np.zeros(0, dtype=np.uint32)
    cache = _WORD_HASH
    if len(cache) > 1_000_000:
        cache.clear()
    h = np.fromiter((cache.get(w) or cache.setdefault(w, zlib.crc32(w.encode("utf-8")) | 1) for w in words),
                    dtype=np.uint64, count=len(words))
    k = min(k, len(words))
    acc = np.zeros(len(words) - k + 1, dtype=np.uint64)
    for j in range(k):   # FNV-style mix of the k word hashes, in order
        acc = (acc * _MIX) ^ h[j:len(words) - k + 1 + j]
    return np.unique((acc ^ (acc >> np.uint64(32))).astype(np.uint32))


def containment(sig: np.ndarray, size: int, sigs: np.ndarray, sizes: np.ndarray, min_ratio: float) -> np.ndarray:
    """Estimated containment of the smaller shingle set in the larger, of one document
    (``sig``, ``size``) against others (rows of ``sigs``, ``sizes``); 0 where the sizes are
    too different or a text has no words."""
    sizes = np.asarray(sizes)
    small, large = np.minimum(sizes, size), np.maximum(sizes, size)
    jaccard = np.count_nonzero(np.asarray(sigs) == sig, axis=1) / len(sig)
    inter = jaccard * (sizes + size) / (1 + jaccard)
    ok = (small > 0) & (small >= min_ratio * large)
    return np.where(ok, np.minimum(1.0, inter / np.maximum(small, 1)), 0.0)


def originals(pairs: Iterable[tuple[str, str]], published: dict[str, str | None]) -> dict[str, str]:
    """doc -> the original of its near-duplicate group: the earliest published (then smallest
    id), whatever order the documents were added in."""
    pairs = list(pairs)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for x in {x for pair in pairs for x in pair}:
        groups.setdefault(find(x), []).append(x)
    out = {}
    for members in groups.values():
        first = min(members, key=lambda d: (published.get(d) or "9999", d))
        out.update({d: first for d in members if d != first})
    return out


def _identity(x):
    return x


def _splitmix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a bijective mix of 64-bit values."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


class DedupIndex:
    """Incremental near-duplicate finder (MinHash LSH over word shingles).

    ``add(docs)`` returns, for each new document that near-duplicates one added before it
    (in an earlier call, or earlier in the same call), the id of that document: the most
    similar one, the earliest added on a tie."""

    def __init__(self, threshold: float = 0.8, num_perm: int = 128, *, min_ratio: float = 0.5,
                 shingle: int = SHINGLE):
        if not 0 < threshold <= 1 or not 0 < min_ratio <= 1:
            raise ValueError("threshold and min_ratio must be in (0, 1]")
        self.threshold, self.num_perm, self.min_ratio, self.shingle = threshold, num_perm, min_ratio, shingle
        # The smallest Jaccard resemblance two sets can have when the smaller is `threshold`
        # contained in the larger and at least `min_ratio` of its size: the LSH cut-off.
        t, r = threshold, min_ratio
        self._lsh_threshold = max(0.05, min(0.95, 0.9 * t * r / (1 + r - t * r)))
        self._bands = list(MinHashLSH(threshold=self._lsh_threshold, num_perm=num_perm).hashranges)
        self._perm = MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME).permutations
        self._ids: list[str] = []
        self._pos: dict[str, int] = {}
        self._sizes = np.zeros(1024, dtype=np.int64)
        self._sigs = np.zeros((1024, num_perm), dtype=np.uint32)
        self._band_keys = np.zeros((1024, len(self._bands)), dtype=np.uint64)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._pos

    # -- sketches ------------------------------------------------------------------------------
    def sketch(self, text: str) -> tuple[np.ndarray, int]:
        """(MinHash signature, number of distinct shingles) of a text."""
        hashes = shingles(text, self.shingle)
        m = MinHash(num_perm=self.num_perm, seed=SEED, hashfunc=_identity, permutations=self._perm,
                    scheme=SCHEME)
        if len(hashes):
            m.update_batch(hashes.tolist())
        return m.hashvalues.copy(), len(hashes)

    def _similarity(self, sig: np.ndarray, size: int, others: np.ndarray) -> np.ndarray:
        return containment(sig, size, self._sigs[others], self._sizes[others], self.min_ratio)

    def bands(self) -> list[tuple[int, int]]:
        """The LSH bands, as (start, end) ranges of a signature: two documents are candidates
        when one band of their signatures is equal (datasketch's own banding)."""
        return list(self._bands)

    # -- adding --------------------------------------------------------------------------------
    def add_pairs(self, docs: Sequence["StoryDoc"] | Iterable[tuple[str, str]]
                  ) -> list[tuple[str, str, float]]:
        """Add documents; return every near-duplicate pair (new id, earlier id, similarity)
        they form with documents added before (in this call or an earlier one). Documents
        whose id is already indexed are skipped."""
        items = []
        for item in docs:
            doc_id, text = (item.doc_id, item.text) if hasattr(item, "doc_id") else item
            items.append((doc_id, *self.sketch(text)))
        return self._insert_many(items)

    def _band_keys_of(self, sigs: np.ndarray) -> np.ndarray:
        """One 64-bit key per band of each signature row (a collision only adds a candidate,
        which containment then judges)."""
        out = np.zeros((len(sigs), len(self._bands)), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for j, (a, b) in enumerate(self._bands):
                h = np.full(len(sigs), _MIX, dtype=np.uint64)
                for col in range(a, b):
                    h = _splitmix(h ^ sigs[:, col].astype(np.uint64))
                out[:, j] = h
        return out

    def _insert_many(self, items: Sequence[tuple[str, np.ndarray, int]]) -> list[tuple[str, str, float]]:
        """Index ``items`` (id, signature, size) in order; each is compared with every earlier
        document sharing a band with it (a document without words is neither)."""
        first = len(self._ids)
        for doc_id, sig, size in items:
            if doc_id in self._pos:
                continue
            pos = len(self._ids)
            if pos == len(self._sizes):
                self._sizes = np.resize(self._sizes, 2 * pos)
                self._sigs = np.resize(self._sigs, (2 * pos, self.num_perm))
                self._band_keys = np.resize(self._band_keys, (2 * pos, len(self._bands)))
            self._pos[doc_id] = pos
            self._ids.append(doc_id)
            self._sizes[pos] = size
            self._sigs[pos] = sig
        end = len(self._ids)
        if end == first:
            return []
        self._band_keys[first:end] = self._band_keys_of(self._sigs[first:end])
        found: list[tuple[str, str, float]] = []
        for pos, others in self._candidates(first, end):
            scores = self._similarity(self._sigs[pos], int(self._sizes[pos]), others)
            mine = [(self._ids[pos], self._ids[j], round(float(v), 4))
                    for j, v in zip(others.tolist(), scores.tolist()) if v >= self.threshold]
            mine.sort(key=lambda p: (-p[2], self._pos[p[1]]))
            found.extend(mine)
        return found

    def _candidates(self, first: int, end: int) -> Iterator[tuple[int, np.ndarray]]:
        """(position, the earlier positions sharing a band with it, sorted) for each of the
        positions first..end-1 that has any, in order. Gathered a bounded number of pairs at a
        time (``CANDIDATE_PAIRS``): the copies of one article can share bands by the thousand,
        and sets of every such pair grew quadratically (75 million, 4.6 GB at 100k synthetic
        documents)."""
        indexed = np.flatnonzero(self._sizes[:end] > 0)
        new = indexed[indexed >= first]
        if not len(new):
            return
        n_bands = len(self._bands)
        # per band: the indexed documents in key order (position order within a key), and for
        # each new one where its key's group starts and how many earlier ones the group holds
        in_key_order = np.empty((n_bands, len(indexed)), dtype=np.int64)
        group_start = np.empty((len(new), n_bands), dtype=np.int64)
        earlier = np.empty((len(new), n_bands), dtype=np.int64)
        new_slots = np.arange(len(indexed) - len(new), len(indexed))   # `indexed` is sorted
        for j in range(n_bands):
            keys = self._band_keys[indexed, j]
            order = np.argsort(keys, kind="stable")      # equal keys stay in position order
            ks = keys[order]
            starts = np.r_[True, ks[1:] != ks[:-1]]
            start = np.flatnonzero(starts)[np.cumsum(starts) - 1]   # of each slot's group
            slot = np.empty(len(order), dtype=np.int64)
            slot[order] = np.arange(len(order))
            in_key_order[j] = indexed[order]
            at = slot[new_slots]
            group_start[:, j], earlier[:, j] = start[at], at - start[at]
        # a chunk of new documents at a time: their pairs, one per shared band, gathered (at most
        # CANDIDATE_PAIRS) and marked in a (chunk x end) table, which dedupes and sorts them
        # (two copies share most of their bands: np.unique over the repeats took 4x as long)
        bound = np.cumsum(earlier.sum(axis=1))
        rows_max = max(1, MARK_CELLS // end)
        mark = np.zeros((min(rows_max, len(new)), end), dtype=bool)
        lo = 0
        while lo < len(new):
            fit = int(np.searchsorted(bound, (bound[lo - 1] if lo else 0) + CANDIDATE_PAIRS, side="right"))
            hi = min(lo + rows_max, max(lo + 1, fit))
            for j in range(n_bands):
                count = earlier[lo:hi, j]
                total = int(count.sum())
                if total:
                    offset = np.cumsum(count) - count
                    rows = np.repeat(np.arange(hi - lo), count)
                    mark[rows, in_key_order[j][np.repeat(group_start[lo:hi, j] - offset, count)
                                               + np.arange(total)]] = True
            row, other = np.nonzero(mark[:hi - lo])
            mark[row, other] = False
            cut = np.flatnonzero(np.r_[True, row[1:] != row[:-1], True]) if len(row) else []
            for a, b in zip(cut[:-1], cut[1:]):
                yield int(new[lo + row[a]]), other[a:b]
            lo = hi

    def add(self, docs: Sequence["StoryDoc"]) -> dict[str, str]:
        """doc_id -> id of the earlier-added document it near-duplicates (most similar, then
        earliest), for the new documents that near-duplicate one."""
        out: dict[str, str] = {}
        for new, old, _score in self.add_pairs(docs):
            out.setdefault(new, old)  # pairs come best first for each new document
        return out

    # -- state ---------------------------------------------------------------------------------
    def signatures(self) -> dict[str, tuple[np.ndarray, int]]:
        """doc_id -> (signature, shingle count): everything the index knows."""
        return {d: (self._sigs[i].copy(), int(self._sizes[i])) for i, d in enumerate(self._ids)}

    def add_signatures(self, items: Iterable[tuple[str, np.ndarray, int]]) -> list[tuple[str, str, float]]:
        """Add documents by their saved signatures (in their original order); returns the
        near-duplicate pairs like :meth:`add_pairs`."""
        return self._insert_many([(d, np.asarray(sig, dtype=np.uint32), int(size)) for d, sig, size in items])

    def to_bytes(self) -> bytes:
        header = {"format": _FORMAT, "threshold": self.threshold, "num_perm": self.num_perm,
                  "min_ratio": self.min_ratio, "shingle": self.shingle, "seed": SEED, "scheme": SCHEME, "ids": self._ids}
        buf = io.BytesIO()
        n = len(self._ids)
        np.savez_compressed(buf, header=np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8),
                            sigs=self._sigs[:n], sizes=self._sizes[:n])
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "DedupIndex":
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            header = json.loads(z["header"].tobytes().decode("utf-8"))
            sigs, sizes = z["sigs"], z["sizes"]
        if header.get("format") != _FORMAT or header.get("seed") != SEED or header.get("scheme") != SCHEME:
            raise ValueError(f"not a saved DedupIndex of this version ({header.get('format')!r})")
        index = cls(header["threshold"], header["num_perm"], min_ratio=header["min_ratio"],
                    shingle=header["shingle"])
        index.add_signatures(zip(header["ids"], sigs, sizes))
        return index
