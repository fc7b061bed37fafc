"""Near-duplicates and story clustering at scale, on synthetic news.

    python bench/linking.py [--sizes 1000,10000,100000] [--json] [--seed N]

The corpus is generated: happenings of a dozen kinds (earthquakes, arrests, trade talks,
factory fires, ...) with invented people, places, figures and dates, each reported by 1 to
8 articles of 150-300 words written from shuffled sentence variants, plus about 10% near
copies (a republished article with a few words changed and maybe its last paragraph cut).
Articles arrive at a steady ~100 a day, so a bigger corpus covers a longer period, as a
growing archive does; every article is dated (its publication day).

Each size and task runs in a fresh process, so peak memory (ru_maxrss) is that task's own:
``dedup`` is DedupIndex.add over all articles; ``stories`` is one StoryIndex.add over all
articles (near-duplicates included); ``incremental`` adds the last 1% to an index holding
the rest; ``resume`` does what a later build does: loads that index from its saved bytes,
adds the last 1% and saves it again. Quality against the generator's happenings is printed as a sanity check only."""
from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PER_DAY = 100
START = date(2020, 1, 1)

FIRST = ("Amir Bolat Chen Dana Elif Farid Galina Hiro Ines Jamal Kira Lev Mira Nurlan Olga Pavel "
         "Qing Rustam Sara Timur Umar Vera Wei Yusuf Zara Adil Bella Carlos Dmitri Erlan Fatima "
         "Goran Hana Igor Jonas Karim Lina Marat Nadia Oskar Petra Ravi Sofia Tomas Ulan Viktor").split()
SYL = "ba ko ri sen ta mu lin dar ev ol gan ish ur ne pa zhan ber tov el ka mir sul yan det".split()
CITY_A = "North South East West New Old Upper Lower Port Lake Fort Saint".split()
CITY_B = ("Aral Belt Corin Dalen Esker Faro Gorm Havel Istra Jorv Kamen Lutz Morav Norden Orsk "
          "Pavlo Quarn Rask Sella Torun Ural Varn Wexel Yarra Zeltan").split()
ORGS = ("Ministry of Energy|Interior Ministry|State Railways|National Bank|Port Authority|Civil Aviation "
        "Agency|Health Ministry|Supreme Court|Chamber of Commerce|Emergency Service").split("|")
OUTLETS = "Daily Ledger|Morning Wire|Capital Courier|Steppe Post|River Times|Evening Herald|Trade Journal".split("|")

# Each kind: facts, each in two phrasings (an article picks one of each fact it uses); the
# first fact is the lead. Background lines recall an older, unrelated happening.
KINDS = {
    "earthquake": [
        ("A magnitude {n1}.{d1} earthquake struck near {city} on {day}, killing at least {n2} people.",
         "At least {n2} people died when a {n1}.{d1}-magnitude quake hit the {city} area on {day}."),
        ("The quake hit at a depth of {n3} kilometres, the {org} said.",
         "According to the {org}, the tremor was centred {n3} km underground."),
        ("Rescue teams led by {p1} searched collapsed buildings in {city} through the night.",
         "{p1}, who heads the rescue effort, said crews worked overnight in the rubble."),
        ("{p1} said {n4} houses had been damaged and {n5} families moved to shelters.",
         "Some {n4} homes were damaged and {n5} families now sleep in shelters, {p1} told reporters."),
        ("Aftershocks of up to magnitude {d1}.{d2} shook the region for hours.",
         "Residents felt aftershocks as strong as {d1}.{d2} well into the evening."),
        ("{p2}, a shopkeeper in {city}, said walls cracked and power lines fell as the ground shook.",
         "\"Everything was swaying,\" said {p2}, who runs a shop in {city}."),
    ],
    "arrest": [
        ("Police in {city} arrested {p1} on {day} on suspicion of {crime}.",
         "{p1} was detained in {city} on {day}, accused of {crime}."),
        ("{p1}, {n2}, was held after a {n3}-month investigation, the {org} said.",
         "The {org} said the {n2}-year-old had been under investigation for {n3} months."),
        ("Prosecutors accuse {p1} of taking {n4} million in bribes from contractors.",
         "Investigators say contractors paid {p1} about {n4} million in kickbacks."),
        ("A lawyer for {p1}, {p2}, said the charges were politically motivated.",
         "Defence lawyer {p2} called the case against {p1} a political vendetta."),
        ("A court in {city} will decide on {day2} whether {p1} stays in custody.",
         "A custody hearing in {city} is set for {day2}."),
        ("If convicted, {p1} faces up to {n5} years in prison.",
         "The charges carry a sentence of up to {n5} years."),
    ],
    "trade": [
        ("{p1} and {p2} signed {n2} agreements worth {n4} million dollars in {city} on {day}.",
         "Deals worth {n4} million dollars, {n2} documents in all, were signed by {p1} and {p2} in {city} on {day}."),
        ("The deals cover energy, transport and farming, the {org} said.",
         "Energy, logistics and agriculture make up most of the package, according to the {org}."),
        ("{p1} said bilateral trade reached {n5} billion dollars last year and should double.",
         "Trade between the two countries hit {n5} billion dollars last year, {p1} said, and the goal is to double it."),
        ("The sides agreed to open a new border crossing near {city} by {year}.",
         "A new crossing point near {city} is due to open in {year}."),
        ("The {n1}th session of the intergovernmental commission was co-chaired by {p1} and {p2}.",
         "{p1} and {p2} co-chaired the commission's {n1}th session."),
        ("{p2} invited business leaders to a forum planned for next spring.",
         "A business forum is planned for the spring, {p2} said."),
    ],
    "fire": [
        ("A fire at a {product} factory in {city} on {day} killed {n2} workers and injured {n3}.",
         "{n2} workers died and {n3} were hurt when fire swept through a {product} plant in {city} on {day}."),
        ("Firefighters needed {n1} hours to bring the blaze under control, the {org} said.",
         "It took {n1} hours to contain the flames, the {org} said."),
        ("The factory owner, {p1}, was questioned by police over safety violations.",
         "Police questioned owner {p1} about fire safety breaches."),
        ("{p2}, a worker who escaped, said the emergency exits had been locked.",
         "\"The exits were locked,\" said {p2}, who got out through a window."),
        ("The plant employed about {n4} people and was last inspected in {year}.",
         "Some {n4} people worked at the site, which had not been inspected since {year}."),
        ("Authorities ordered checks at all {product} plants in the region.",
         "Inspections of every {product} factory in the region were ordered."),
    ],
    "election": [
        ("Voters in {city} elected {p1} as mayor on {day} with {n2} percent of the vote.",
         "{p1} won the {city} mayoral race on {day}, taking {n2} percent."),
        ("{p1} defeated {p2}, who won {n3} percent, the election commission said.",
         "Runner-up {p2} got {n3} percent, according to the election commission."),
        ("Turnout was {n5} percent, up from the previous vote in {year}.",
         "{n5} percent of voters took part, more than in {year}."),
        ("{p1} promised to fix roads and build {n4} new homes.",
         "The mayor-elect has pledged {n4} new homes and better roads."),
        ("{p2} conceded defeat late in the evening and congratulated the winner.",
         "Late on election night {p2} admitted defeat."),
        ("Observers from the {org} reported minor irregularities at several polling stations.",
         "The {org} said its observers saw only minor problems."),
    ],
    "strike": [
        ("Workers at the {product} plant in {city} went on strike on {day} demanding higher pay.",
         "A pay strike began at {city}'s {product} plant on {day}."),
        ("About {n4} employees joined the walkout, union leader {p1} said.",
         "Union leader {p1} put the number of strikers at {n4}."),
        ("The union wants a {n2} percent raise and a shorter working week.",
         "Strikers are demanding {n2} percent more pay and shorter hours."),
        ("Plant director {p2} called the demands unrealistic but said talks could resume.",
         "Director {p2} said the demands could not be met but left the door open to talks."),
        ("Output fell by {n3} percent during the stoppage, the {org} said.",
         "The {org} estimated the stoppage cut production by {n3} percent."),
        ("The last strike at the plant, in {year}, lasted {n1} days.",
         "A walkout in {year} went on for {n1} days."),
    ],
    "flood": [
        ("Floods in {city} forced {n4} people from their homes on {day} after days of heavy rain.",
         "Heavy rain flooded {city} on {day}, driving {n4} people from their homes."),
        ("The river rose {n1} metres above its normal level, the {org} said.",
         "Water levels were {n1} metres above normal, according to the {org}."),
        ("Regional governor {p1} declared a state of emergency in {n2} districts.",
         "{p1}, the regional governor, declared an emergency in {n2} districts."),
        ("{p2}, a farmer, said his fields and livestock had been lost to the water.",
         "\"We lost everything, the animals, the harvest,\" said farmer {p2}."),
        ("Rescuers evacuated {n3} villages by boat and helicopter.",
         "Boats and helicopters took people out of {n3} villages."),
        ("Damage was estimated at {n5} million dollars.",
         "Early estimates put the damage at {n5} million dollars."),
    ],
    "merger": [
        ("{company} agreed on {day} to buy {company2} for {n4} million dollars.",
         "{company} will pay {n4} million dollars for {company2}, it said on {day}."),
        ("The deal, announced in {city}, creates the largest {product} maker in the region.",
         "Announced in {city}, the takeover forms the region's biggest {product} producer."),
        ("{p1}, chief executive of {company}, said the merger would save {n2} million a year.",
         "Savings of {n2} million a year are expected, said {company} chief {p1}."),
        ("Shareholders of {company2} will receive {n3} dollars per share.",
         "{company2} investors get {n3} dollars a share."),
        ("Regulators at the {org} must approve the deal, expected to close in {year}.",
         "The deal needs approval from the {org} and should close in {year}."),
        ("{p2}, an analyst, said the price was high but the fit was good.",
         "Analyst {p2} said {company} paid a lot but the businesses fit well."),
    ],
}
BACKGROUND = [
    "It was the worst such event since {year}, when {bn} people were affected in {bcity}.",
    "In {year}, a similar case in {bcity} involved {bp}, who later left office.",
    "{bp}, who visited {bcity} last month, has called for new rules.",
    "The region last saw comparable events in {year}.",
]
FILLER = [
    "The news was widely reported by local media.",
    "Further details were not immediately available.",
    "Officials promised to release more information later in the day.",
    "The story is developing and will be updated.",
    "Local television showed images from the scene.",
    "Reaction on social media was swift and mostly critical.",
    "Opposition politicians demanded an independent inquiry.",
    "Markets reacted calmly to the news.",
    "The government held an emergency meeting to discuss the situation.",
    "Several foreign embassies issued statements.",
    "Analysts said the consequences would be felt for months.",
    "Residents gathered outside the building to wait for news.",
    "A spokesman declined to comment on the details.",
    "Newspapers carried the story on their front pages the next morning.",
    "Independent experts urged caution in drawing early conclusions.",
    "Calls to the ministry went unanswered.",
    "The president was briefed on the events, his office said.",
    "Trade unions and business groups issued separate statements.",
]
NOUNS = ("vehicles buildings roads contracts workers families schools shops bridges permits accounts flights "
         "trucks shipments clinics warehouses pensioners farms tenders licences bonds wells pipelines kiosks "
         "buses trains tractors barges cranes generators pumps classrooms wards depots mines ferries loans").split()
PARTS = ("damaged closed inspected cancelled suspended reviewed repaired delayed approved blocked counted "
         "evacuated audited seized insured rebuilt flooded reopened sold leased").split()
WHEN = ["by the weekend", "within a week", "since the morning", "over the past month", "before noon",
        "overnight", "earlier this year", "in recent days"]
SAY = ["said", "told reporters", "added", "wrote in a statement", "told local radio"]
CRIMES = ["fraud", "embezzlement", "money laundering", "abuse of office", "tax evasion", "smuggling"]
PRODUCTS = ["cement", "textile", "steel", "furniture", "chemical", "paper", "glass", "tyre"]


def _surname(rng: random.Random) -> str:
    return "".join(rng.choice(SYL) for _ in range(rng.randint(2, 3))).capitalize()


def _detail(rng: random.Random, facts: dict) -> str:
    """A sentence of detail about one happening: who said how many of what were done where."""
    who = rng.choice([facts["p1"], facts["p2"], f"the {facts['org']}", "officials", "witnesses"])
    where = rng.choice([facts["city"], f"the {rng.choice(CITY_B)} district", "the area", facts["local"],
                        f"{_surname(rng)} street"])
    if rng.random() < 0.5:
        return (f"{who[0].upper()}{who[1:]} {rng.choice(SAY)} that {rng.randint(2, 400)} {rng.choice(NOUNS)} "
                f"in {where} had been {rng.choice(PARTS)} {rng.choice(WHEN)}.")
    return (f"According to {who}, {rng.randint(2, 400)} {rng.choice(NOUNS)} were {rng.choice(PARTS)} "
            f"{rng.choice(WHEN)}, and {rng.randint(2, 90)} more could follow.")


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {_surname(rng)}"


def generate(n: int, seed: int = 7) -> tuple[list[dict], dict[str, str]]:
    """n articles: dicts with doc_id, text, title, published; and doc_id -> happening."""
    rng = random.Random(seed)
    docs: list[dict] = []
    gold: dict[str, str] = {}
    days = max(1, n // PER_DAY)
    story = 0
    while len(docs) < n:
        story += 1
        kind = rng.choice(sorted(KINDS))
        day = START + timedelta(days=rng.randrange(days))
        facts = {
            "city": f"{rng.choice(CITY_A)} {rng.choice(CITY_B)}" if rng.random() < 0.5 else rng.choice(CITY_B) + rng.choice(["sk", "grad", "abad", "ovo", ""]),
            "p1": _person(rng), "p2": _person(rng), "org": rng.choice(ORGS),
            "n1": rng.randint(2, 9), "d1": rng.randint(0, 9), "d2": rng.randint(0, 9),
            "n2": rng.randint(3, 60), "n3": rng.randint(2, 40), "n4": rng.randint(100, 5000),
            "n5": rng.randint(5, 95), "year": rng.randint(2010, 2019),
            "crime": rng.choice(CRIMES), "product": rng.choice(PRODUCTS),
            "company": f"{_surname(rng)} Group", "company2": f"{_surname(rng)} Holdings",
            "day": f"{day:%A}", "day2": f"{day + timedelta(days=rng.randint(1, 5)):%B} {rng.randint(1, 28)}",
        }
        facts.update(bcity=rng.choice(CITY_B), bp=_person(rng), bn=rng.randint(10, 900),
                     local=f"the {_surname(rng)} {rng.choice(['quarter', 'estate', 'valley', 'industrial zone'])}")
        details = [_detail(rng, facts) for _ in range(12)]
        variants = [(a.format(**facts), b.format(**facts)) for a, b in KINDS[kind]]
        background = [b.format(**facts) for b in BACKGROUND]
        for k in range(rng.choice([1, 1, 2, 2, 3, 4, 5, 6, 8])):
            if len(docs) >= n:
                break
            lead = rng.choice(variants[0])
            body = [rng.choice(v) for v in rng.sample(variants[1:], rng.randint(3, len(variants) - 1))]
            body += rng.sample(background, rng.randint(0, 2)) + rng.sample(FILLER, rng.randint(0, 3))
            target = rng.randint(150, 300)
            pool = rng.sample(details, len(details))
            words = len(lead.split()) + sum(len(x.split()) for x in body)
            while words < target:
                body.append(pool.pop() if pool else _detail(rng, facts))
                words += len(body[-1].split())
            rng.shuffle(body)
            sents = [lead] + body
            text = "\n\n".join(" ".join(sents[i:i + 3]) for i in range(0, len(sents), 3))
            pub = day + timedelta(days=rng.choice([0, 0, 0, 1, 1, 2]))
            doc_id = f"d{len(docs):06d}"
            docs.append({"doc_id": doc_id, "text": text, "published": pub.isoformat(),
                         "title": f"{kind.capitalize()} in {facts['city']}", "outlet": rng.choice(OUTLETS)})
            gold[doc_id] = f"h{story}"
            # about 10% near copies: a republication with a few words changed, maybe cut short
            if rng.random() < 0.1 and len(docs) < n:
                words_ = text.split(" ")
                for _ in range(rng.randint(1, 4)):
                    words_[rng.randrange(len(words_))] = rng.choice(["reportedly", "officially", "also", "now"])
                copy = " ".join(words_)
                if rng.random() < 0.5:
                    copy = copy.rsplit("\n\n", 1)[0]
                cid = f"d{len(docs):06d}"
                docs.append({"doc_id": cid, "text": copy, "published": (pub + timedelta(days=rng.choice([0, 1]))).isoformat(),
                             "title": None, "outlet": rng.choice(OUTLETS)})
                gold[cid] = f"h{story}"
    return docs, gold


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_task(task: str, n: int, seed: int) -> dict:
    from annalist.link.dedup import DedupIndex
    from annalist.link.stories import StoryDoc, StoryIndex

    docs, gold = generate(n, seed)
    sdocs = [StoryDoc(d["doc_id"], d["text"], title=d["title"], published=d["published"]) for d in docs]
    base = _peak_mb()
    out: dict = {"task": task, "docs": n}
    started = time.perf_counter()
    if task == "dedup":
        index = DedupIndex()
        found = index.add(sdocs)
        out["near_duplicates"] = len(found)
    elif task == "stories":
        index = StoryIndex()
        index.add(sdocs)
        pred = {d.doc_id: index.story_of(d.doc_id) for d in sdocs}
        out["stories"] = len(set(pred.values()))
        out["happenings"] = len(set(gold.values()))
        from eval.ecbplus import score
        sc = score(pred, gold)
        out["pairwise_f1"], out["bcubed_f1"] = sc["pairwise"]["f1"], sc["bcubed"]["f1"]
        out["edges"] = int((index._top.other[:len(index)] >= 0).sum())   # kept links, counted at each end
        sizes: dict[int, int] = {}
        for p in range(len(index)):
            r = index._uf.find(p)
            sizes[r] = sizes.get(r, 0) + 1
        out["largest_component"] = max(sizes.values())
    elif task == "incremental":
        cut = n - max(1, n // 100)
        index = StoryIndex()
        index.add(sdocs[:cut])
        started = time.perf_counter()
        changed = index.add(sdocs[cut:])
        out["added"] = n - cut
        out["reported"] = len(changed)
    elif task == "resume":
        # what a later build does: load the saved index, add its documents, save it again
        cut = n - max(1, n // 100)
        index = StoryIndex()
        index.add(sdocs[:cut])
        saved = index.to_bytes()
        del index
        started = time.perf_counter()
        index = StoryIndex.from_bytes(saved)
        loaded = time.perf_counter() - started
        changed = index.add(sdocs[cut:])
        out["state_mb"] = round(len(index.to_bytes()) / 1e6, 1)
        out["load_seconds"] = round(loaded, 2)
        out["added"] = n - cut
        out["reported"] = len(changed)
    else:
        raise ValueError(task)
    out["seconds"] = round(time.perf_counter() - started, 2)
    out["peak_mb"] = round(_peak_mb(), 1)
    out["peak_mb_over_corpus"] = round(_peak_mb() - base, 1)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--tasks", default="dedup,stories,incremental,resume")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--task", help=argparse.SUPPRESS)  # internal: run one task in this process
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.task:
        print(json.dumps(run_task(args.task, args.n, args.seed)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    for n in sizes:
        for task in args.tasks.split(","):
            proc = subprocess.run([sys.executable, __file__, "--task", task, "--n", str(n), "--seed", str(args.seed)],
                                  capture_output=True, text=True)
            if proc.returncode:
                sys.stderr.write(proc.stderr)
                return proc.returncode
            rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            if not args.json:
                r = rows[-1]
                extra = ""
                if task == "stories":
                    extra = (f"  {r['stories']} stories / {r['happenings']} happenings, pairwise F1 {r['pairwise_f1']:.3f}, "
                             f"BCubed F1 {r['bcubed_f1']:.3f}, {r['edges']} edges, largest component {r['largest_component']}")
                elif task == "dedup":
                    extra = f"  {r['near_duplicates']} near-duplicates"
                else:
                    extra = f"  added {r['added']} to {n - r['added']}, {r['reported']} assignments reported"
                print(f"{n:>7} {task:11s} {r['seconds']:8.2f} s  peak {r['peak_mb']:7.1f} MB{extra}", flush=True)
    ratios = {}
    by = {(r["task"], r["docs"]): r["seconds"] for r in rows}
    for task in args.tasks.split(","):
        for small, big in zip(sizes, sizes[1:]):
            if (task, small) in by and (task, big) in by and by[(task, small)] > 0:
                ratios[f"{task} {big}/{small}"] = round(by[(task, big)] / by[(task, small)], 1)
    if args.json:
        print(json.dumps({"rows": rows, "ratios": ratios}, indent=2))
    else:
        for k, v in ratios.items():
            print(f"time ratio {k}: {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
