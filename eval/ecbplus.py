"""How well story clustering recovers the real-world events of ECB+ (content only, no dates).

    python -m eval.ecbplus [--data ../shared/data/ecbplus-dev] [--json]

Each ECB+ topic holds two different events that look alike (two earthquakes, two arrests);
``story`` in ``labels.csv`` is the event. All documents are clustered at once and scored
with pairwise and BCubed precision/recall/F1 against ``story``. For comparison: a TF-IDF
cosine + connected components baseline whose threshold is tuned on the same documents.

Honest figures: the shipped thresholds were chosen on these topics, so the script also
cross-validates across topics: the two thresholds that matter (``topic_link``,
``story_link``) are tuned on the odd topics and scored on the even ones (each half clustered
on its own), and the other way round; the baseline's threshold likewise. Tuning picks the
grid point whose neighbourhood scores best, so a plateau wins over a lucky peak."""
from __future__ import annotations

import argparse
import csv
import json
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from annalist.link.stories import StoryDoc, StoryIndex

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "ecbplus-dev"
TOPIC_GRID = (0.01, 0.02, 0.03, 0.04, 0.05)
STORY_GRID = (0.05, 0.06, 0.07, 0.08, 0.09, 0.10, 0.12)
BASELINE_GRID = tuple(round(x, 3) for x in np.arange(0.05, 0.40, 0.005))


# -- metrics ---------------------------------------------------------------------------------

def pairwise(pred: Sequence, gold: Sequence) -> dict:
    """Precision/recall/F1 over all pairs of documents put (or belonging) together."""
    pairs = lambda c: sum(k * (k - 1) // 2 for k in c.values())  # noqa: E731
    tp = pairs(Counter(zip(pred, gold)))
    pp, gp = pairs(Counter(pred)), pairs(Counter(gold))
    p = tp / pp if pp else 1.0
    r = tp / gp if gp else 1.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}


def bcubed(pred: Sequence, gold: Sequence) -> dict:
    """BCubed precision/recall/F1 (Bagga and Baldwin 1998), averaged over documents."""
    both, cp, cg = Counter(zip(pred, gold)), Counter(pred), Counter(gold)
    n = len(pred)
    p = sum(k * k / cp[a] for (a, _), k in both.items()) / n
    r = sum(k * k / cg[b] for (_, b), k in both.items()) / n
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}


def score(pred: dict[str, str], gold: dict[str, str]) -> dict:
    ids = sorted(gold)
    p, g = [pred[i] for i in ids], [gold[i] for i in ids]
    return {"pairwise": pairwise(p, g), "bcubed": bcubed(p, g), "docs": len(ids),
            "stories": len(set(g)), "clusters": len(set(p))}


def _objective(s: dict) -> float:
    return s["pairwise"]["f1"] + s["bcubed"]["f1"]


# -- data ------------------------------------------------------------------------------------

def load(data: Path) -> tuple[list[StoryDoc], dict[str, str], dict[str, str]]:
    labels = {}
    with open(data / "labels.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            labels[row["doc"]] = (row["topic"], row["story"])
    docs = []
    for line in (data / "docs.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            docs.append(StoryDoc(rec["url"].rsplit("/", 1)[-1], rec["text"]))
    topic = {d.doc_id: labels[d.doc_id][0] for d in docs}
    story = {d.doc_id: labels[d.doc_id][1] for d in docs}
    return docs, topic, story


# -- annalist --------------------------------------------------------------------------------

def _tune(index: StoryIndex, gold: dict[str, str]) -> tuple[dict, dict]:
    """The grid point whose neighbourhood scores best (the mean objective over it and its
    grid neighbours): the middle of a plateau rather than a lucky peak."""
    grid = {}
    for a, t in enumerate(TOPIC_GRID):
        for b, s in enumerate(STORY_GRID):
            grid[a, b] = score(index.recluster(topic_link=t, story_link=s), gold)

    def smoothed(a, b):
        near = [grid[x, y] for x in (a - 1, a, a + 1) for y in (b - 1, b, b + 1) if (x, y) in grid]
        return sum(_objective(v) for v in near) / len(near)

    a, b = max(grid, key=lambda k: (smoothed(*k), _objective(grid[k])))
    return {"topic_link": TOPIC_GRID[a], "story_link": STORY_GRID[b]}, grid[a, b]


def _baseline_sims(docs: Sequence[StoryDoc]):
    from sklearn.feature_extraction.text import TfidfVectorizer
    vec = TfidfVectorizer(sublinear_tf=True, stop_words="english", ngram_range=(1, 2))
    m = vec.fit_transform([d.text for d in docs])
    return (m @ m.T).tocoo()


def _components(ids: list[str], sims, threshold: float) -> dict[str, str]:
    from scipy.sparse.csgraph import connected_components
    import scipy.sparse as sp
    keep = (sims.data >= threshold) & (sims.row != sims.col)
    g = sp.coo_matrix((np.ones(keep.sum()), (sims.row[keep], sims.col[keep])), shape=sims.shape)
    _, lab = connected_components(g, directed=False)
    return {i: f"c{k}" for i, k in zip(ids, lab)}


def _baseline_tune(docs, gold) -> tuple[float, dict]:
    ids = [d.doc_id for d in docs]
    sims = _baseline_sims(docs)
    best = None
    for t in BASELINE_GRID:
        sc = score(_components(ids, sims, t), gold)
        if best is None or _objective(sc) > _objective(best[1]):
            best = (t, sc)
    return best


def evaluate(data: Path) -> dict:
    docs, topic, story = load(data)
    started = time.perf_counter()
    index = StoryIndex()
    index.add(docs)
    elapsed = time.perf_counter() - started
    s = index.settings
    out: dict = {
        "data": str(data), "docs": len(docs), "stories": len(set(story.values())),
        "settings": {"topic_link": s.topic_link, "story_link": s.story_link, "edge_min": s.edge_min,
                     "weights": dict(zip(("words", "names", "numbers"), s.weights))},
        "annalist": score({i: index.story_of(i) for i in story}, story),
        "seconds": round(elapsed, 2),
    }
    # cross-validation over topics: tune on one half, score the other (each clustered alone)
    halves = {k: [d for d in docs if int(topic[d.doc_id]) % 2 == k] for k in (1, 0)}
    indexes = {}
    for k, part in halves.items():
        indexes[k] = StoryIndex()
        indexes[k].add(part)
    folds = []
    for tune_k, test_k in ((1, 0), (0, 1)):
        tune_gold = {d.doc_id: story[d.doc_id] for d in halves[tune_k]}
        test_gold = {d.doc_id: story[d.doc_id] for d in halves[test_k]}
        params, tuned = _tune(indexes[tune_k], tune_gold)
        held = score(indexes[test_k].recluster(**params), test_gold)
        b_t, b_tuned = _baseline_tune(halves[tune_k], tune_gold)
        b_ids = [d.doc_id for d in halves[test_k]]
        b_held = score(_components(b_ids, _baseline_sims(halves[test_k]), b_t), test_gold)
        folds.append({"tuned_on": "odd topics" if tune_k else "even topics", "params": params,
                      "tuned_score": tuned, "held_out": held,
                      "baseline": {"threshold": b_t, "tuned_score": b_tuned, "held_out": b_held}})
    out["cross_validation"] = folds
    out["cross_validated"] = _pool(docs, story, folds, indexes, halves)
    # the baseline on everything, its threshold tuned on everything
    b_t, b_all = _baseline_tune(docs, story)
    out["baseline"] = {"method": "TF-IDF (words + word pairs, sublinear tf) cosine, connected components",
                       "threshold": b_t, **b_all}
    return out


def _pool(docs, story, folds, indexes, halves) -> dict:
    """Held-out predictions of both folds, pooled and scored as one (clusters never span halves)."""
    pred, base = {}, {}
    for fold, test_k in zip(folds, (0, 1)):
        pred.update({k: f"{test_k}-{v}" for k, v in indexes[test_k].recluster(**fold["params"]).items()})
        ids = [d.doc_id for d in halves[test_k]]
        b = _components(ids, _baseline_sims(halves[test_k]), fold["baseline"]["threshold"])
        base.update({k: f"{test_k}-{v}" for k, v in b.items()})
    return {"annalist": score(pred, story), "baseline": score(base, story)}


def _fmt(s: dict) -> str:
    pw, b3 = s["pairwise"], s["bcubed"]
    return (f"pairwise P {pw['p']:.3f} R {pw['r']:.3f} F1 {pw['f1']:.3f} | "
            f"BCubed P {b3['p']:.3f} R {b3['r']:.3f} F1 {b3['f1']:.3f} | {s['clusters']} clusters")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not (args.data / "docs.jsonl").is_file():
        ap.error(f"no ECB+ data at {args.data} (docs.jsonl, labels.csv)")
    res = evaluate(args.data)
    if args.json:
        print(json.dumps(res, indent=2))
        return 0
    print(f"ECB+ {res['docs']} documents, {res['stories']} stories ({res['seconds']} s)")
    print(f"  annalist (shipped settings)       {_fmt(res['annalist'])}")
    print(f"  baseline (threshold {res['baseline']['threshold']:.3f})      {_fmt(res['baseline'])}")
    print("cross-validation across topics (tune on one half, score the other):")
    for f in res["cross_validation"]:
        p = f["params"]
        print(f"  tuned on {f['tuned_on']:11s} topic_link {p['topic_link']} story_link {p['story_link']}: "
              f"held out {_fmt(f['held_out'])}")
        print(f"  {'':21s}baseline threshold {f['baseline']['threshold']:.3f}: held out {_fmt(f['baseline']['held_out'])}")
    cv = res["cross_validated"]
    print(f"  pooled held-out annalist          {_fmt(cv['annalist'])}")
    print(f"  pooled held-out baseline          {_fmt(cv['baseline'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
