"""GDELT-style TSV and PLOVER/POLECAT-style JSON exports of the events."""
from __future__ import annotations

import csv
import json

import pytest

from annalist.outputs.event_formats import GDELT_COLUMNS, write_gdelt_tsv, write_plover_json
from annalist.store import Store
from web.seedstore import corpus_store  # tests/web/seedstore.py

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return corpus_store(tmp_path_factory)


def test_gdelt_tsv_has_the_event_table_columns(db, tmp_path):
    out = tmp_path / "events.tsv"
    with Store(db, read_only=True) as store:
        n = write_gdelt_tsv(store, out)
        # one row per happening (fused across documents), as GDELT has one row per event
        events = store.con.execute("SELECT count(*) FROM fused_events WHERE NOT coalesce(negated, false) "
                                   "AND coalesce(status, 'reported') <> 'planned'").fetchone()[0]
    assert len(GDELT_COLUMNS) == 61 and GDELT_COLUMNS[0] == "GLOBALEVENTID" and GDELT_COLUMNS[-1] == "SOURCEURL"
    lines = out.read_text(encoding="utf-8").splitlines()
    assert n == events == len(lines) - 1
    rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert all(len(line.split("\t")) == 61 for line in lines)
    ids = [r["GLOBALEVENTID"] for r in rows]
    assert len(set(ids)) == len(ids) and all(i.isdigit() for i in ids)
    for r in rows:
        assert len(r["SQLDATE"]) == 8 and r["SQLDATE"].startswith(r["Year"]) and r["MonthYear"] == r["SQLDATE"][:6]
        assert r["EventRootCode"] == r["EventCode"][:2] and r["EventBaseCode"] == r["EventCode"][:3]
        assert r["QuadClass"] in ("1", "2", "3", "4")
        assert -10 <= float(r["GoldsteinScale"]) <= 10
        assert int(r["NumMentions"]) >= int(r["NumArticles"]) >= 1
        assert not r["SOURCEURL"].lower().startswith(("javascript:", "data:"))
    agree = next(r for r in rows if r["EventCode"] == "057")
    assert agree["QuadClass"] == "1" and agree["GoldsteinScale"] == "8.0"
    kaz = next(r for r in rows if r["Actor1CountryCode"] == "KAZ" and r["Actor1Type1Code"])
    assert kaz["Actor1Code"] == "KAZ" + kaz["Actor1Type1Code"]
    # Stable ids: a second export gives the same GLOBALEVENTIDs.
    with Store(db, read_only=True) as store:
        write_gdelt_tsv(store, tmp_path / "again.tsv", header=False)
    again = [line.split("\t")[0] for line in (tmp_path / "again.tsv").read_text().splitlines()]
    assert again == ids


def test_plover_json_one_object_per_event(db, tmp_path):
    with Store(db, read_only=True) as store:
        n = write_plover_json(store, tmp_path / "events.json")
        write_plover_json(store, tmp_path / "events.jsonl")
        total = store.con.execute("SELECT count(*) FROM fused_events").fetchone()[0]
        texts = dict(store.con.execute("SELECT id, text FROM documents").fetchall())
    records = json.loads((tmp_path / "events.json").read_text(encoding="utf-8"))
    lines = [json.loads(x) for x in (tmp_path / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    assert n == total == len(records) == len(lines)
    assert records == lines
    for r in records:
        assert {"event_id", "event_date", "event_type", "mode", "source", "target", "location", "sources",
                "status", "negated"} <= set(r)
        for s in r["sources"]:
            assert texts[s["doc_id"]][s["start"]:s["end"]] == s["text"]
    sectors = {(r["source"] or {}).get("sector") for r in records}
    assert "Government" in sectors
