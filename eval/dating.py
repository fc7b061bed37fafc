"""How often text-only dating recovers the known publication dates of real newswire.

    python -m eval.dating [--data ../shared/data/te3-silver-news.jsonl] [--today YYYY-MM-DD] [--json]

Each article's ``published`` is removed; the cleaner dates it from its text alone
(no metadata, no other documents) and the result is compared with the removed date."""
from __future__ import annotations

import argparse
import json
from collections import Counter
from datetime import date
from pathlib import Path

from annalist.clean import clean
from annalist.model import RawDocument

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "te3-silver-news.jsonl"


def evaluate(path: Path, today: date) -> dict:
    counts: Counter = Counter()
    by_source: Counter = Counter()
    confident = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        raw = RawDocument(source=rec.get("url", ""), origin=str(path), format="jsonl", body=rec["text"],
                          title=rec.get("title"), outlet=rec.get("outlet"))
        doc = clean(raw, today=today)
        gold = rec["published"]
        counts["articles"] += 1
        pub = getattr(doc, "published", None)
        if pub is None:
            continue
        counts["dated"] += 1
        by_source[f"{pub.source}/{pub.precision}"] += 1
        counts["year_right"] += pub.value[:4] == gold[:4]
        if pub.precision == "day":
            counts["day_precision"] += 1
            delta = abs((date.fromisoformat(pub.value) - date.fromisoformat(gold)).days)
            counts["day_exact"] += delta == 0
            counts["day_within_1"] += delta <= 1
            if pub.confidence >= 0.7:
                confident["n"] += 1
                confident["exact"] += delta == 0
    n = counts["articles"]
    return {
        "articles": n,
        "dated": counts["dated"], "dated_share": round(counts["dated"] / n, 3),
        "year_right_share": round(counts["year_right"] / n, 3),
        "day_precision": counts["day_precision"],
        "day_exact_share": round(counts["day_exact"] / n, 3),
        "day_within_1_share": round(counts["day_within_1"] / n, 3),
        "day_exact_of_day_precision": round(counts["day_exact"] / max(1, counts["day_precision"]), 3),
        "confident_day": confident["n"], "confident_day_exact": round(confident["exact"] / max(1, confident["n"]), 3),
        "by_source": dict(by_source.most_common()),
    }


def evaluate_with_peers(path: Path, today: date, every: int = 5) -> dict:
    """Hide the date of every ``every``-th article; the others keep theirs (as metadata) and
    lend them through the cross-document step (link/peerdate.py)."""
    from annalist.link.peerdate import PeerCandidate, peer_dates
    from annalist.model import DatedValue

    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    candidates, hidden = [], {}
    for n, rec in enumerate(records):
        doc_id = f"d{n}"
        if n % every == 0:
            raw = RawDocument(source=doc_id, origin=str(path), format="jsonl", body=rec["text"])
            doc = clean(raw, today=today)
            own = getattr(doc, "published", None)
            hidden[doc_id] = rec["published"]
        else:
            own = DatedValue(rec["published"], "day", "metadata", 0.95, "metadata")
        candidates.append(PeerCandidate(doc_id, rec["text"], own))
    borrowed = peer_dates(candidates)
    got = {doc_id: borrowed[doc_id][0].value for doc_id in hidden if doc_id in borrowed}
    deltas = [abs((date.fromisoformat(got[k]) - date.fromisoformat(hidden[k])).days) for k in got]
    n = len(hidden)
    return {"hidden": n, "dated_from_peers": len(got), "dated_share": round(len(got) / n, 3),
            "exact_share": round(sum(d == 0 for d in deltas) / n, 3),
            "within_1_share": round(sum(d <= 1 for d in deltas) / n, 3),
            "exact_of_dated": round(sum(d == 0 for d in deltas) / max(1, len(got)), 3),
            "within_1_of_dated": round(sum(d <= 1 for d in deltas) / max(1, len(got)), 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--today", default=date.today().isoformat(), help="the 'today' dating may not pass")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    result = evaluate(args.data, date.fromisoformat(args.today))
    peers = evaluate_with_peers(args.data, date.fromisoformat(args.today))
    if args.json:
        print(json.dumps({"text_only": result, "with_peers": peers}, indent=2))
        return
    n = result["articles"]
    print(f"{n} articles, publication date removed, dated from their text alone:")
    print(f"  any date found      {result['dated_share']:.1%}")
    print(f"  year right          {result['year_right_share']:.1%}")
    print(f"  exact day           {result['day_exact_share']:.1%}   within one day {result['day_within_1_share']:.1%}")
    print(f"  exact, of day-level {result['day_exact_of_day_precision']:.1%} ({result['day_precision']} articles)")
    print(f"  confidence >= 0.7   {result['confident_day']} articles, {result['confident_day_exact']:.1%} exact")
    print(f"  by provenance       {result['by_source']}")
    print(f"\nOne article in five with its date hidden, the rest dated; cross-document dating:")
    print(f"  {peers['hidden']} hidden, {peers['dated_share']:.1%} dated from a peer; exact {peers['exact_share']:.1%}, "
          f"within one day {peers['within_1_share']:.1%} (of those dated: exact {peers['exact_of_dated']:.1%}, "
          f"within one day {peers['within_1_of_dated']:.1%})")


if __name__ == "__main__":
    main()
