"""Fusion across documents (link/fusion.py): one event per happening with every report's
evidence and its independent sources, one utterance id per utterance, conflicts kept."""
import json
import shutil

import pytest

from annalist import Options, build, open_store, pipeline
from annalist.link.fusion import Report, figure_conflicts, fuse_events, same_utterance, utterances
from annalist.model import Actor, Amount, Event, Evidence, Quote
from conftest import CORPUS, SEEDS, TODAY

KAZ = Actor("Kazakhstan", "E-kaz", "KAZ", "GOV")
CHN = Actor("China", "E-chn", "CHN", "GOV")
RUS = Actor("Russia", "E-rus", "RUS", "GOV")
TOKAYEV = Actor("Kassym-Jomart Tokayev", "E-tok", "KAZ", "HEAD_OF_STATE", "President")
XI = Actor("Xi Jinping", "E-xi", "CHN", "HEAD_OF_STATE", "President")
WANG = Actor("Wang Yi", "E-wang", "CHN", "FOREIGN_MINISTER", "Foreign Minister")


def _event(doc, start, plover="CONSULT", source=TOKAYEV, target=XI, date="2025-06-16", status="reported",
           negated=False, story="s1", location=None):
    return Event(f"{doc}-v{start}", doc, plover, "040", source, target, "met",
                 [Evidence(doc, start, start + 10, "x" * 10)], date, "day" if date and len(date) == 10 else "year",
                 None, location, status, negated=negated, story_id=story)


def _reports(*specs):
    """(doc, published, outlet[, original])"""
    return {s[0]: Report(s[0], "s1", s[1], s[2], s[3] if len(s) > 3 else s[0]) for s in specs}


REPORTS = _reports(("a", "2025-06-16", "Wire"), ("b", "2025-06-17", "Daily"), ("c", "2025-06-16", "Herald", "a"))


def test_two_outlets_reporting_one_meeting_give_one_event_with_both_sentences():
    fused = fuse_events([_event("a", 0), _event("b", 50)], REPORTS)
    assert len(fused) == 1
    f = fused[0]
    assert f.doc_ids == ["a", "b"] and {e.doc_id for e in f.evidence} == {"a", "b"}
    assert f.sources == 2 and f.first_reported == "2025-06-16" and f.first_doc_id == "a"


def test_a_syndicated_copy_is_not_an_independent_source():
    fused = fuse_events([_event("a", 0), _event("c", 0)], REPORTS)
    assert len(fused) == 1 and fused[0].sources == 1 and fused[0].doc_ids == ["a", "c"]


def test_two_articles_of_one_outlet_count_once():
    reports = _reports(("a", "2025-06-16", "Wire"), ("b", "2025-06-16", "Wire"))
    assert fuse_events([_event("a", 0), _event("b", 0)], reports)[0].sources == 1


def test_met_with_in_either_order_is_one_meeting():
    assert len(fuse_events([_event("a", 0), _event("b", 0, source=XI, target=TOKAYEV)], REPORTS)) == 1


def test_an_accusation_in_the_other_direction_is_another_event():
    events = [_event("a", 0, "ACCUSE", KAZ, RUS), _event("b", 0, "ACCUSE", RUS, KAZ)]
    assert len(fuse_events(events, REPORTS)) == 2


def test_meetings_with_two_different_people_stay_apart():
    assert len(fuse_events([_event("a", 0), _event("b", 0, target=WANG)], REPORTS)) == 2


def test_a_country_and_its_president_can_report_one_happening():
    assert len(fuse_events([_event("a", 0, source=KAZ, target=CHN), _event("b", 0)], REPORTS)) == 1


def test_different_countries_stay_apart():
    assert len(fuse_events([_event("a", 0), _event("b", 0, target=RUS)], REPORTS)) == 2


def test_planned_and_negated_events_never_fuse_with_reported_ones():
    events = [_event("a", 0), _event("b", 0, status="planned"), _event("b", 20, negated=True)]
    assert sorted((f.status, f.negated) for f in fuse_events(events, REPORTS)) == \
        [("planned", False), ("reported", False), ("reported", True)]


def test_a_follow_up_recalling_the_meeting_joins_it():
    fused = fuse_events([_event("a", 0), _event("b", 0, status="background")], REPORTS)
    assert len(fused) == 1 and fused[0].status == "reported"


def test_sources_a_day_apart_are_one_event_with_a_date_conflict():
    events = [_event("a", 0), _event("c", 0), _event("b", 0, date="2025-06-17")]
    [f] = fuse_events(events, REPORTS)
    assert f.date == "2025-06-16"   # two reports against one
    [conflict] = f.conflicts
    assert conflict.field == "date"
    assert {v.value: v.doc_ids for v in conflict.variants} == {"2025-06-16": ("a", "c"), "2025-06-17": ("b",)}


def test_one_article_reporting_two_days_reports_two_meetings():
    assert len(fuse_events([_event("a", 0), _event("a", 50, date="2025-06-17")], REPORTS)) == 2


def test_days_far_apart_are_two_events():
    assert len(fuse_events([_event("a", 0), _event("b", 0, date="2025-06-20")], REPORTS)) == 2


def test_events_of_different_stories_never_fuse():
    assert len(fuse_events([_event("a", 0), _event("b", 0, story="s2")], REPORTS)) == 2


def test_two_translations_of_one_sentence_are_one_utterance():
    assert same_utterance("No matter how the international situation changes, China and Kazakhstan will help each other",
                          "Regardless of how the international situation changes, China and Kazakhstan will help each other")
    assert not same_utterance("Trade between our countries keeps growing fast",
                              "We will open two new border crossings next year")


def test_utterances_are_per_speaker():
    quote = lambda doc, text, speaker: Quote(f"{doc}-q0", doc, text, True, speaker, [], story_id="s1")
    same_words = "Our two countries are good neighbours and reliable partners"
    got = utterances([quote("a", same_words, XI), quote("b", same_words, XI), quote("c", same_words, TOKAYEV)], REPORTS)
    assert got["a-q0"] == got["b-q0"] != got["c-q0"]


def test_figures_for_one_measure_that_differ_are_a_story_conflict():
    amount = lambda doc, value, period="2024": Amount(f"{doc}-a0", doc, "$", value, "USD", "trade", "exact",
                                                      period, [], [])
    got = figure_conflicts([amount("a", 44e9), amount("c", 44e9), amount("b", 43.8e9), amount("b", 41e9, "2023")],
                           REPORTS)
    [conflict] = got["s1"]
    assert conflict.about == "trade (USD, 2024)"
    assert {v.value: v.doc_ids for v in conflict.variants} == {"44000000000": ("a", "c"), "43800000000": ("b",)}


# -- on the example corpus and the seeds --------------------------------------------------------

@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("fusion") / "examples.duckdb")
    build([str(CORPUS)], Options(db=db, reference_date=TODAY, progress=False))
    with open_store(db, read_only=True) as store:
        yield store


def _sources(store):
    return dict(store.con.execute("SELECT id, regexp_replace(source, '.*/', '') FROM documents").fetchall())


def test_examples_the_wind_farm_loan_signing_is_one_event_with_its_copies_counted_once(examples):
    rows = examples.con.execute("""SELECT doc_ids, sources, outlets, date, conflicts FROM fused_events
                                   WHERE plover = 'SUPPORT' AND source->>'name' = 'Nurlan Temirkhanov'""").fetchall()
    assert len(rows) == 1
    doc_ids, sources, outlets, date, conflicts = rows[0]
    assert len(doc_ids) == 5 and len(outlets) == 4
    assert sources < len(doc_ids)       # the syndicated copies of one wire report count once
    assert date == "2025-07-23"
    assert [c["field"] for c in json.loads(conflicts)] == ["date"]   # one outlet dates it a day later


def test_examples_every_fused_event_traces_to_its_sentences(examples):
    texts = dict(examples.con.execute("SELECT id, text FROM documents").fetchall())
    for evidence, doc_ids in examples.con.execute("SELECT evidence, doc_ids FROM fused_events").fetchall():
        spans = json.loads(evidence)
        assert {s["doc_id"] for s in spans} == set(doc_ids)
        assert all(texts[s["doc_id"]][s["start"]:s["end"]] == s["text"] for s in spans)


def test_examples_every_report_points_to_its_fused_event(examples):
    assert examples.con.execute("SELECT count(*) FROM events WHERE event_id IS NULL").fetchone()[0] == 0
    assert examples.con.execute("""SELECT count(*) FROM events e JOIN fused_events f ON f.id = e.event_id
                                   WHERE NOT list_contains(f.mention_ids, e.id)""").fetchone()[0] == 0


def test_examples_the_trade_figure_conflict_is_kept_with_its_sources(examples):
    conflicts = [c for (raw,) in examples.con.execute("SELECT conflicts FROM stories WHERE conflicts IS NOT NULL").fetchall()
                 for c in json.loads(raw)]
    trade = [c for c in conflicts if c["about"] == "trade (USD, 2024)"]
    assert trade and {v["value"] for v in trade[0]["variants"]} == {"44000000000", "43800000000"}


def test_examples_outlets_quoting_one_minister_in_other_words_share_an_utterance(examples):
    rows = examples.con.execute("""SELECT utterance_id, list(text) FROM quotes GROUP BY 1
                                   HAVING count(DISTINCT doc_id) > 1""").fetchall()
    texts = [t for _, ts in rows for t in ts]
    assert any("The numbers are good" in t for t in texts) and any("The figures are good" in t for t in texts)
    assert examples.con.execute("SELECT count(*) FROM quotes WHERE utterance_id IS NULL").fetchone()[0] == 0


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    if not SEEDS.is_dir():
        pytest.skip(f"the seed articles are not at {SEEDS}")
    db = str(tmp_path_factory.mktemp("fusion") / "seeds.duckdb")
    build([str(SEEDS)], Options(db=db, reference_date=TODAY, progress=False))
    with open_store(db, read_only=True) as store:
        yield store


def test_seeds_the_2025_meeting_is_one_event_reported_by_two_outlets(seeds):
    names = _sources(seeds)
    rows = seeds.con.execute("""SELECT doc_ids, sources, date FROM fused_events
                                WHERE plover = 'CONSULT' AND status = 'reported' AND date = '2025-06-16'""").fetchall()
    assert len(rows) == 1
    doc_ids, sources, _ = rows[0]
    assert sorted(names[d][:3] for d in doc_ids) == ["000", "001"] and sources == 2


def test_seeds_two_translations_of_xis_words_share_an_utterance(seeds):
    rows = seeds.con.execute("""SELECT list(text) FROM quotes GROUP BY utterance_id
                                HAVING count(DISTINCT doc_id) > 1""").fetchall()
    joined = [" | ".join(ts) for (ts,) in rows]
    assert any("No matter how the international situation changes" in j
               and "Regardless of how the international situation changes" in j for j in joined)


def test_a_story_title_is_written_from_its_main_event():
    from annalist.link.fusion import story_title
    from annalist.model import Location
    fused = fuse_events([_event("a", 0, location=Location("Astana", "KAZ")), _event("b", 0),
                         _event("a", 40, "ACCUSE", KAZ, RUS)], REPORTS)
    assert story_title(fused) == "Kassym-Jomart Tokayev and Xi Jinping hold talks in Astana"
    signing = fuse_events([_event("a", 0, "SUPPORT", KAZ, CHN)], REPORTS)
    signing[0].cameo = "057"
    assert story_title(signing) == "Kazakhstan and China sign agreements"
    vague = fuse_events([_event("a", 0, source=Actor("the company"), target=None)], REPORTS)
    assert story_title(vague) is None


def test_a_story_titled_from_a_described_group_puts_its_verb_in_the_plural():
    from annalist.link.fusion import story_title
    banks = Actor("two central banks", None, "IND", "GOV")
    signing = fuse_events([_event("a", 0, "SUPPORT", banks, None)], REPORTS)
    signing[0].cameo = "057"
    assert story_title(signing) == "Two central banks sign agreements"
    backing = fuse_events([_event("a", 0, "SUPPORT", Actor("Chinese investors", None, "CHN", "BUS"), KAZ)], REPORTS)
    assert story_title(backing) == "Chinese investors back Kazakhstan"
    # a name ending in s is no group
    assert story_title(fuse_events([_event("a", 0, "SUPPORT", Actor("Almas Temirkhanovs", "e1", "KAZ"), KAZ)],
                                   REPORTS)) == "Almas Temirkhanovs backs Kazakhstan"


def test_examples_story_titles_name_the_main_happening(examples):
    titles = [t for (t,) in examples.con.execute("SELECT title FROM stories").fetchall()]
    assert "Daniyar Seitkali and Gao Jianming hold talks in Astana" in titles
    assert "Nurlan Temirkhanov and Zhou Pengfei sign agreements in Almaty" in titles


def test_timeline_lists_the_relation_in_date_order_with_sources(examples):
    from annalist.outputs.timeline import timeline
    got = timeline(examples, ("KAZ", "CHN"), since="2025-06", until="2025-12")
    days = [e.date for e in got.entries]
    assert days == sorted(days) and days and all("2025-06" <= d[:7] <= "2025-12" for d in days)
    assert all({"KAZ", "CHN"} <= {(e.source or {}).get("country"), (e.target or {}).get("country")}
               for e in got.entries)
    talks = [e for e in got.entries if e.plover == "CONSULT" and e.date == "2025-06-16"]
    assert talks and talks[0].sources >= 3 and talks[0].story.title
    assert not any(e.negated for e in got.entries)


def test_timeline_places_background_events_at_their_own_date(seeds):
    from annalist.outputs.timeline import timeline
    got = timeline(seeds, ("KAZ", "CHN"))
    background = [e for e in got.entries if e.status == "background"]
    assert background and all(e.date < e.first_reported for e in background)
    assert any(e.status == "planned" for e in got.entries)


def test_timeline_command_prints_json_and_rejects_bad_types(tmp_path, examples):
    from click.testing import CliRunner
    from annalist.cli import cli
    db = examples.con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    result = CliRunner().invoke(cli, ["timeline", "--db", db, "--actor", "KAZ", "--type", "CONSULT", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["events"] and all(e["plover"] == "CONSULT" for e in data["events"])
    import subprocess, sys
    bad = subprocess.run([sys.executable, "-m", "annalist", "timeline", "--db", db, "--type", "MEET"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "not a PLOVER type" in bad.stderr


# -- incremental linking -------------------------------------------------------------------------

def _linking(db):
    with open_store(db, read_only=True) as store:
        rows = store.con.execute("SELECT id, source, story_id, duplicate_of FROM documents").fetchall()
        key = {i: s.split("corpus/")[-1] for i, s, _, _ in rows}
        stories = sorted(sorted(key[i] for i, _, st2, _ in rows if st2 == st) for st in {r[2] for r in rows})
        dups = sorted((key[i], key[d]) for i, _, _, d in rows if d)
        fused = store.con.execute("SELECT list(id ORDER BY id) FROM fused_events").fetchone()[0]
    return stories, dups, fused


def test_a_later_build_adds_its_documents_to_the_saved_stories(tmp_path, examples):
    import shutil
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    db = str(tmp_path / "inc.duckdb")
    first = build([str(corpus / "html"), str(corpus / "feeds")], Options(db=db, reference_date=TODAY, progress=False))
    assert first.stories.startswith("rebuilt")
    second = build([str(corpus)], Options(db=db, reference_date=TODAY, progress=False))
    assert second.stories == f"incremental, {second.new} added" and second.new > 0
    once = examples.con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    assert _linking(db) == _linking(once)   # the same stories, near-duplicates and events as one build
    # an edited article changes what clustering sees: the index is rebuilt, not patched
    article = next((corpus / "text").glob("*.txt"))
    article.write_text(article.read_text(encoding="utf-8").replace("Kazakhstan", "Kazakstan", 1), encoding="utf-8")
    third = build([str(corpus)], Options(db=db, reference_date=TODAY, progress=False))
    assert third.updated == 1 and third.stories.startswith("rebuilt (1 indexed documents changed or left)")


_FUSION_STATE = ["SELECT * FROM fused_events ORDER BY id", "SELECT id, event_id FROM events ORDER BY id",
                 "SELECT id, utterance_id, event_id FROM quotes ORDER BY id",
                 "SELECT id, title, conflicts, event_ids FROM stories ORDER BY id"]


def test_examples_fusion_a_few_stories_at_a_time_equals_fusion_of_all_at_once(examples, tmp_path, monkeypatch):
    db = tmp_path / "copy.duckdb"
    shutil.copy(examples.con.execute("SELECT file FROM pragma_database_list WHERE name = current_database()").fetchone()[0], db)
    with open_store(str(db)) as store:
        monkeypatch.setattr(pipeline, "FUSION_PART_DOCS", 10**9)
        pipeline.fuse(store)
        whole = [store.con.execute(q).fetchall() for q in _FUSION_STATE]
        parts = list(pipeline._whole_stories(store.con.execute(
            "SELECT id, story_id FROM documents").fetchall(), 2))
        assert len(parts) > 10 and all(len(p) < 12 for p in parts)
        monkeypatch.setattr(pipeline, "FUSION_PART_DOCS", 2)
        pipeline.fuse(store)
        assert [store.con.execute(q).fetchall() for q in _FUSION_STATE] == whole
    assert len(whole[0]) > 30 and any(row[2] for row in whole[3])   # fused events; a story conflict
