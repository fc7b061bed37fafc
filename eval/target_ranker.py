"""Train the event coder's target ranker on the dev set (``eval/devset/sentences.jsonl``) and
write its weights to ``annalist/knowledge/target_ranker.json``.

    python -m eval.target_ranker            # cross-validated figures, then fit and write the weights
    python -m eval.target_ranker --dry-run  # figures only

For every event the rules code with the gold type and a right source, each other actor of the
sentence is a candidate target (``_Coder.target_candidates``: dependency path from the trigger,
event type, kind of actor, whether the rules chose it). A logistic regression (scikit-learn) learns
which candidate is the gold target; the weights go into a knowledge file, so run time needs no
model library, only a dot product per candidate. The held-out set is never read here.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from . import devset

OUT = devset.ROOT / "annalist" / "knowledge" / "target_ranker.json"


def examples(items: list[dict]) -> list[tuple[str, list[tuple[set[str], bool]]]]:
    """(item id, [(features, is the gold target)]) per rule event of the gold type with a right source."""
    from annalist.analyse import load_pipeline
    from annalist.extract.actors import resolve_entities
    from annalist.extract.dates import date_mentions
    from annalist.extract.events import find_events

    nlp = load_pipeline(devset.MODEL)
    out = []
    docs = [devset.document_of(it) for it in items]
    for it, doc, sp in zip(items, docs, nlp.pipe((d.text for d in docs), batch_size=64)):
        trace: dict = {}
        events = find_events(doc, sp, resolve_entities(doc, sp), date_mentions(doc), trace=trace, use_ranker=False)
        used: set[int] = set()
        for g in it["events"]:
            if g["target"] is None:
                continue
            for k, ev in enumerate(events):
                base = re.sub(r"(-\d+)?(\.\d+)?$", "", ev.id)     # "ex-0001-v45-2.2" -> "ex-0001-v45"
                if k in used or base not in trace or not devset.type_ok(g, ev):
                    continue
                if not (devset._actor_ok(g["source"], ev.source) or (
                        g["plover"] in devset.SYMMETRIC and devset._actor_ok(g["target"], ev.source))):
                    continue
                _srcs, cands = trace[base]
                rows = [(feats, devset._actor_ok(g["target"], acts[0]) or (
                    g["plover"] in devset.SYMMETRIC and devset._actor_ok(g["source"], acts[0])))
                        for acts, feats in cands]
                if rows:
                    used.add(k)
                    out.append((it["id"], rows))
                break
    return out


def fit(data, C: float = 0.5):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    X = [{f: 1 for f in feats} for _, rows in data for feats, _ in rows]
    y = [int(lab) for _, rows in data for _, lab in rows]
    vec = DictVectorizer()
    model = LogisticRegression(C=C, max_iter=2000, fit_intercept=False)
    model.fit(vec.fit_transform(X), y)
    return {name: float(w) for name, w in zip(vec.get_feature_names_out(), model.coef_[0]) if abs(w) > 1e-4}


def accuracy(data, weights, switch: float, accept: float) -> tuple[int, int, int]:
    """(events whose chosen target is right with the ranker, with the rules alone, events)."""
    from annalist.extract.events import _TargetRanker

    ranker = _TargetRanker(weights, switch, accept)
    with_r = rules = 0
    for _, rows in data:
        cands = [([i], feats) for i, (feats, _) in enumerate(rows)]
        chosen = [i for i, (feats, _) in enumerate(rows) if "rule" in feats]
        pick = ranker.choose(chosen[:1], cands)
        with_r += bool(pick) and rows[pick[0]][1]
        rules += bool(chosen) and rows[chosen[0]][1]
    return with_r, rules, len(data)


def cross_validate(data, folds: int = 5, switch: float = 0.25, accept: float = 0.5) -> tuple[int, int, int]:
    by_item = defaultdict(list)
    for iid, rows in data:
        by_item[iid].append((iid, rows))
    ids = sorted(by_item)
    tot = [0, 0, 0]
    for k in range(folds):
        test_ids = set(ids[k::folds])
        train = [d for i in ids if i not in test_ids for d in by_item[i]]
        test = [d for i in ids if i in test_ids for d in by_item[i]]
        a, b, n = accuracy(test, fit(train), switch, accept)
        tot = [tot[0] + a, tot[1] + b, tot[2] + n]
    return tot[0], tot[1], tot[2]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args(argv)
    data = examples(devset.load(devset.DEFAULT_DATA))
    print(f"{len(data)} events with candidates, {sum(len(r) for _, r in data)} candidates")
    best = None
    for switch in (0.1, 0.25, 0.5):
        for accept in (0.3, 0.5, 0.7):
            a, b, n = cross_validate(data, switch=switch, accept=accept)
            print(f"switch {switch:.2f} accept {accept:.2f}: 5-fold right target {a}/{n} (rules alone {b}/{n})")
            if best is None or a > best[0]:
                best = (a, switch, accept)
    _, switch, accept = best
    weights = fit(data)
    if args.dry_run:
        return 0
    OUT.write_text(json.dumps({
        "version": 1,
        "source": "Logistic regression (scikit-learn) fitted by eval/target_ranker.py on the event targets of "
                  "eval/devset/sentences.jsonl (never on heldout.jsonl); switch and accept chosen by 5-fold "
                  "cross-validation over dev items.",
        "enabled": True, "switch": switch, "accept": accept,
        "weights": dict(sorted(weights.items())),
    }, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(weights)} weights, switch {switch}, accept {accept})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
