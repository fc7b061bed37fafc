"""Near-duplicates (annalist.link.dedup): copies are found, look-alikes are not, the pairs
found do not depend on the order, and the index saves and restores."""
from __future__ import annotations

import io
import json
import random
from pathlib import Path
from datetime import date

import numpy as np
import pytest

from annalist.link.dedup import DedupIndex, shingles
from annalist.link.stories import StoryDoc
from conftest import CORPUS, TODAY, gold_documents

WORDS = ("government minister said talks border trade railway agreement signed billion energy "
         "officials capital visit delegation project investment farmers wheat exports port "
         "loan bank wind solar plant construction drivers trucks crossing protest note").split()


def article(seed: int, n: int = 220) -> str:
    rng = random.Random(seed)
    sentences = []
    while sum(len(s.split()) for s in sentences) < n:
        sentences.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))).capitalize() + ".")
    return "\n\n".join(" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3))


def edit(text: str, seed: int, changes: int = 4, cut: bool = False) -> str:
    rng = random.Random(seed)
    words = text.split(" ")
    for _ in range(changes):
        words[rng.randrange(len(words))] = rng.choice(["reportedly", "officially", "also"])
    out = " ".join(words)
    return out.rsplit("\n\n", 1)[0] if cut else out


def test_a_lightly_edited_copy_is_found_and_an_unrelated_article_is_not():
    original = article(1)
    index = DedupIndex()
    assert index.add([StoryDoc("orig", original)]) == {}
    found = index.add([StoryDoc("copy", edit(original, 2)), StoryDoc("other", article(3)),
                       StoryDoc("cut", edit(original, 4, cut=True))])
    assert found == {"copy": "orig", "cut": "orig"}


def test_a_short_brief_quoted_inside_a_long_roundup_is_not_its_duplicate():
    brief = article(5, n=60)
    roundup = article(6, n=300) + "\n\n" + brief + "\n\n" + article(7, n=300)
    index = DedupIndex()
    index.add([StoryDoc("roundup", roundup)])
    assert index.add([StoryDoc("brief", brief)]) == {}


def test_the_pairs_found_do_not_depend_on_the_order():
    texts = {f"a{i}": article(i) for i in range(6)}
    texts.update({f"c{i}": edit(texts[f"a{i}"], 100 + i) for i in range(0, 6, 2)})
    docs = [StoryDoc(k, v) for k, v in texts.items()]

    def pairs(order):
        index = DedupIndex()
        found = index.add_pairs(order[:4]) + index.add_pairs(order[4:])
        return {frozenset((a, b)) for a, b, _ in found}

    expected = {frozenset((f"a{i}", f"c{i}")) for i in range(0, 6, 2)}
    assert pairs(docs) == expected
    shuffled = docs[:]
    random.Random(9).shuffle(shuffled)
    assert pairs(shuffled) == expected
    assert pairs(docs[::-1]) == expected


def test_the_index_saves_and_restores():
    index = DedupIndex()
    original = article(11)
    index.add([StoryDoc("orig", original), StoryDoc("other", article(12))])
    restored = DedupIndex.from_bytes(index.to_bytes())
    assert len(restored) == 2 and "orig" in restored
    sigs = restored.signatures()
    assert np.array_equal(sigs["orig"][0], index.signatures()["orig"][0])
    assert restored.add([StoryDoc("copy", edit(original, 13))]) == {"copy": "orig"}
    buf = io.BytesIO()
    np.savez(buf, header=np.frombuffer(json.dumps({"format": "something else"}).encode(), dtype=np.uint8),
             sigs=np.zeros((0, 128), dtype=np.uint32), sizes=np.zeros(0, dtype=np.int64))
    with pytest.raises(ValueError):
        DedupIndex.from_bytes(buf.getvalue())


def test_shingles_ignore_case_punctuation_and_line_breaks():
    assert np.array_equal(shingles("The minister said: talks went well.\n\nNext week"),
                          shingles("the Minister said talks went   well next WEEK"))
    assert len(shingles("")) == 0 and len(shingles("one two")) == 1


def test_the_wire_copies_of_the_example_corpus_are_found(tmp_path):
    from annalist.clean import clean
    from annalist.ingest import iter_inputs
    from annalist.model import Rejection

    gold = {g["source"]: g for g in gold_documents()}
    docs = []
    for raw in iter_inputs([str(CORPUS)], 10_000_000):
        if isinstance(raw, Rejection):
            continue
        doc = clean(raw, today=date.fromisoformat(TODAY))
        key = doc.source.split("corpus/")[-1] if doc.source not in gold else doc.source
        docs.append(StoryDoc(key, doc.text, title=doc.title))
    assert len(docs) == len(gold)
    index = DedupIndex()
    pairs = {frozenset((a, b)) for a, b, _ in index.add_pairs(docs)}
    copies = {s for s, g in gold.items() if g["near_copy_of"]}
    original = {g["near_copy_of"] for g in gold.values() if g["near_copy_of"]}
    group = copies | original
    assert all(p <= group for p in pairs), "only the wire story and its republications are near-duplicates"
    assert {frozenset((c, next(iter(original)))) for c in copies} <= pairs


TE3 = Path(__file__).resolve().parents[2] / "shared" / "data" / "te3-silver-news.jsonl"


@pytest.mark.skipif(not TE3.exists(), reason=f"{TE3} absent (shared dev sets)")
def test_the_band_index_finds_the_pairs_datasketchs_lsh_finds_on_real_newswire():
    from datasketch import LeanMinHash, MinHashLSH

    from annalist.link.dedup import SCHEME, SEED, containment

    texts = [json.loads(line)["text"] for line in TE3.read_text(encoding="utf-8").splitlines()[:1200]]
    texts += [edit(t, k, changes=3, cut=k % 2 == 0) for k, t in enumerate(texts[::6])]   # near-copies
    texts += [edit(t, k, changes=len(t.split()) // 6) for k, t in enumerate(texts[1::6])]  # look-alikes
    items = [(f"d{k}", t) for k, t in enumerate(texts)]
    index = DedupIndex()
    compared: set[tuple[int, int]] = set()
    candidates = index._candidates

    def seen(first, end):
        for pos, others in candidates(first, end):
            compared.update((pos, o) for o in others.tolist())
            yield pos, others

    index._candidates = seen
    half = len(items) // 2
    got = index.add_pairs(items[:half]) + index.add_pairs(items[half:])   # two calls, as builds do

    reference = DedupIndex()
    lsh = MinHashLSH(threshold=reference._lsh_threshold, num_perm=reference.num_perm)
    sigs, sizes, want, queried = {}, {}, [], set()
    for doc_id, text in items:
        sig, size = reference.sketch(text)
        if size:
            lean = LeanMinHash(seed=SEED, hashvalues=sig, scheme=SCHEME)
            for other in lsh.query(lean):
                queried.add((doc_id, other))
                score = float(containment(sig, size, sigs[other][None, :], np.asarray([sizes[other]]), reference.min_ratio)[0])
                if score >= reference.threshold:
                    want.append((doc_id, other, round(score, 4)))
            lsh.insert(doc_id, lean)
        sigs[doc_id], sizes[doc_id] = sig, size
    assert len(want) >= 150 and len(queried) > len(want)   # candidates include look-alikes
    assert {(f"d{pos}", f"d{o}") for pos, o in compared} == queried
    assert sorted(got) == sorted(want)
