"""The project's own development set (eval/devset/sentences.jsonl) and its scorer (eval/devset.py)."""
from __future__ import annotations

import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # eval/ is not an installed package: plain `pytest` needs the repo root
    sys.path.insert(0, str(ROOT))

from eval import devset

DATA = ROOT / "eval" / "devset" / "sentences.jsonl"
ITEMS = devset.load(DATA)
# every held-out set: name -> (items, id prefix)
HELDOUTS = {name: (devset.load(path), {"heldout": "ho"}.get(name, "h" + name[-1]))
            for name, path in devset.SPLITS.items() if name != "dev"}
# the format checks run on every file: the held-out sets are annotated by the same guidelines
BOTH = pytest.mark.parametrize("items", [ITEMS] + [v[0] for v in HELDOUTS.values()], ids=["dev", *HELDOUTS])

KEYS = {"id", "text", "published", "dateline", "origin", "events", "dates", "quotes", "amounts", "agreements"}
STATUSES = {"reported", "planned", "background"}
AGREEMENT_KINDS = {"agreement", "memorandum", "protocol", "joint statement", "declaration", "treaty", "contract",
                   "roadmap", "plan", "documents"}
QUALIFIERS = {"exact", "about", "more_than", "less_than", "at_least", "up_to"}
# CAMEO roots each PLOVER type may carry (PLOVER gold records; 191 'restrict movement' is COERCE)
ROOTS = {"AGREE": {"03"}, "CONSULT": {"04"}, "SUPPORT": {"05"}, "COOPERATE": {"06"}, "AID": {"07"},
         "CONCEDE": {"08"}, "RETREAT": {"08"}, "REQUEST": {"02", "10"}, "ACCUSE": {"09", "11"}, "REJECT": {"12"},
         "THREATEN": {"13"}, "PROTEST": {"14"}, "MOBILIZE": {"15"}, "SANCTION": {"16"}, "COERCE": {"17", "19"},
         "ASSAULT": {"18", "19", "20"}}
COUNTRY = re.compile(r"[A-Z]{3}|IGO:[A-Z]+")
# TIMEX3 values: dates to any precision (with weeks, weekends, quarters, halves, seasons, parts of
# day, clock times), decades, durations and sets, and the REF tokens
TIMEX = re.compile(r"\d{3,4}(-(\d\d(-\d\d(T(\d\d:\d\d|MO|AF|EV|NI))?)?|W\d\d(-WE)?|Q[1-4]|H[12]|SP|SU|FA|WI))?"
                   r"|P(\d+(\.\d+)?|X)[YMWD]|PT(\d+|X)[HM]|PRESENT_REF|PAST_REF|FUTURE_REF")
ISO_DATE = re.compile(r"\d{4}(-\d\d(-\d\d)?|-W\d\d|-Q[1-4]|-H[12]|-(SP|SU|FA|WI))?|\d{3}")
UNIT = re.compile(r"[A-Z]{3}|percent|[a-z][a-z' -]*[a-z]")


def _ids(items):
    return [it["id"] for it in items]


def test_every_item_parses_with_the_expected_keys_and_unique_ids():
    assert len(ITEMS) >= 320
    assert [it["id"] for it in ITEMS if set(it) != KEYS] == []
    ids = _ids(ITEMS)
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"(ex|wr)-\d{4}", i) for i in ids)
    for it in ITEMS:
        date.fromisoformat(it["published"])
        assert it["text"].strip() == it["text"] and it["text"]
        assert it["dateline"] is None or (it["dateline"].isupper() and it["text"].startswith(it["dateline"]))
        if it["origin"] == "written":
            assert it["id"].startswith("wr-")
        else:
            assert it["id"].startswith("ex-") and (ROOT / it["origin"]).is_file(), it["origin"]


@pytest.mark.parametrize("name", list(HELDOUTS))
def test_heldout_items_are_new_written_sentences_with_the_expected_keys(name):
    items, prefix = HELDOUTS[name]
    assert len(items) >= 120
    assert [it["id"] for it in items if set(it) != KEYS or not re.fullmatch(rf"{prefix}-\d{{4}}", it["id"])] == []
    assert len(set(_ids(items))) == len(items)
    assert all(it["origin"] == "written" for it in items)
    # no text of an earlier set again
    earlier = {it["text"] for it in ITEMS}
    for other in list(HELDOUTS)[:list(HELDOUTS).index(name)]:
        earlier |= {it["text"] for it in HELDOUTS[other][0]}
    assert [it["id"] for it in items if it["text"] in earlier] == []
    for it in items:
        date.fromisoformat(it["published"])
        assert it["dateline"] is None or (it["dateline"].isupper() and it["text"].startswith(it["dateline"]))
    assert sum(not it["events"] for it in items) >= 0.15 * len(items)   # negatives exist


def test_minimum_sizes_and_mix():
    c = devset.counts(ITEMS)
    assert c["items"] >= 320
    assert c["events"] >= 150 and c["quotes"] >= 60 and c["amounts"] >= 100 and c["dates"] >= 150
    share = c["by_origin"]["examples"] / c["items"]
    assert 0.35 <= share <= 0.65, share  # about half from the examples, half written
    for kind in ("events", "dates", "quotes", "amounts", "agreements"):
        empty = sum(not it[kind] for it in ITEMS) / len(ITEMS)
        assert empty >= 0.15, (kind, empty)  # negatives exist for every record type
    types = Counter(e["plover"] for it in ITEMS for e in it["events"])
    assert set(types) == set(devset.PLOVER_TYPES)


@BOTH
def test_events_are_well_formed(items):
    bad = []
    for it in items:
        for e in it["events"]:
            ok = (e["plover"] in devset.PLOVER_TYPES and re.fullmatch(r"\d{2,4}", e["cameo"])
                  and e["cameo"][:2] in ROOTS[e["plover"]] and e["status"] in STATUSES
                  and isinstance(e["negated"], bool) and e["source"] is not None
                  and (e["date"] is None or ISO_DATE.fullmatch(e["date"])))
            for a in (e["source"], e["target"]):
                if a is not None:
                    ok = ok and set(a) == {"name", "country"} and a["name"].strip() and (
                        a["country"] is None or COUNTRY.fullmatch(a["country"]))
            if not ok:
                bad.append((it["id"], e))
    assert bad == []


@BOTH
def test_dates_occur_verbatim_with_timex_values(items):
    bad = []
    for it in items:
        spans = devset.locate(it["text"], [d["text"] for d in it["dates"]])
        for d, (s, _) in zip(it["dates"], spans):
            if s < 0 or not TIMEX.fullmatch(d["value"]):
                bad.append((it["id"], d))
    assert bad == []


@BOTH
def test_quotes_occur_verbatim(items):
    bad = []
    for it in items:
        for q in it["quotes"]:
            parts = q.get("parts", [q["text"]])
            ok = (isinstance(q["direct"], bool) and q["speaker"].strip() and all(p in it["text"] for p in parts)
                  and " ".join(parts) == q["text"] and set(q) <= {"text", "speaker", "direct", "parts"})
            ok = ok and ("parts" not in q or len(parts) >= 2)
            if not ok:
                bad.append((it["id"], q))
    assert bad == []


@BOTH
def test_amounts_occur_verbatim_with_well_formed_values(items):
    bad = []
    for it in items:
        for a in it["amounts"]:
            ok = (a["text"] in it["text"] and isinstance(a["value"], (int, float)) and a["value"] > 0
                  and UNIT.fullmatch(a["unit"]) and a["what"].strip() and len(a["what"].split()) <= 5
                  and a["qualifier"] in QUALIFIERS and (a["period"] is None or ISO_DATE.fullmatch(a["period"])))
            if not ok:
                bad.append((it["id"], a))
    assert bad == []


@BOTH
def test_agreements_are_well_formed(items):
    bad = [(it["id"], g) for it in items for g in it["agreements"]
           if g["kind"] not in AGREEMENT_KINDS or not isinstance(g["count"], int) or g["count"] < 1
           or g["status"] not in STATUSES | {"negated"} or (g["title"] is not None and not g["title"].strip())]
    assert bad == []


@pytest.mark.parametrize("path", list(devset.SPLITS.values()), ids=list(devset.SPLITS))
def test_the_scorer_gives_the_gold_full_marks(path):
    """Gold scored against itself: every figure is 1.0 (checks matching and span location)."""
    result, _ = devset.evaluate(path, oracle=True)
    for kind, metrics in result.items():
        if kind in ("events", "dates", "quotes", "amounts", "agreements"):
            for name, fig in metrics.items():
                value = fig["f1"] if isinstance(fig, dict) else fig
                assert value in (1.0, None), (kind, name, fig)


def test_scorer_matching_rules():
    from annalist.model import Actor, Event

    gold = {"plover": "CONSULT", "cameo": "040", "source": {"name": "Daniyar Seitkali", "country": "KAZ"},
            "target": {"name": "Gao Jianming", "country": "CHN"}, "status": "reported", "negated": False}

    def ev(plover, src, tgt, negated=False):
        return Event(id="x", doc_id="x", plover=plover, cameo="04", source=src, target=tgt, trigger="", evidence=[],
                     negated=negated)

    kaz, chn = Actor("Seitkali", country="KAZ"), Actor("Gao", country="CHN")
    assert devset.actors_ok(gold, ev("CONSULT", kaz, chn))
    assert devset.actors_ok(gold, ev("CONSULT", chn, kaz))  # swapped: accepted for CONSULT
    assert not devset.actors_ok(dict(gold, plover="ACCUSE"), ev("ACCUSE", chn, kaz))
    assert not devset.type_ok(gold, ev("CONSULT", kaz, chn, negated=True))
    assert devset.actors_ok(dict(gold, target=None), ev("CONSULT", kaz, None))
    assert devset.name_match("Han Zhiyuan", "Han") and devset.name_match("Daniyar Seitkali", "Seitkali")
    assert not devset.name_match("Daniyar Seitkali", "Gao Jianming")
    assert devset.norm_unit("truck drivers") == devset.norm_unit("drivers") and devset.norm_unit("%") == "percent"
    assert devset.what_match("bilateral trade", "trade between the two countries")
    assert not devset.what_match("bilateral trade", "loan")
    assert devset.period_ok("2025", "2025-01/2025-09") and not devset.period_ok(None, "2025")


@pytest.mark.slow
def test_scorer_runs_on_the_extractors():
    result, _ = devset.evaluate(DATA)
    assert result["counts"]["items"] == len(ITEMS)
    # extractor exceptions are scored as empty items and listed in result["first_failures"]
    # TODO(lead): raise these pinned minimums as the extractors land. The project's targets are
    # F1 >= 0.85 for events.type_actors, >= 0.90 for quotes.text_speaker and >= 0.90 for
    # amounts.value_unit_what (see devset.TARGETS and eval/devset/README.md).
    minimums = {"events.type_actors": 0.0, "quotes.text_speaker": 0.0, "amounts.value_unit_what": 0.0,
                "events.type": 0.0, "dates.span": 0.0, "agreements.kind_count": 0.0}
    for key, floor in minimums.items():
        kind, metric = key.split(".")
        assert result[kind][metric]["f1"] >= floor, (key, result[kind][metric])
