"""A store for the explorer, search, brief and export tests: the example corpus plus one
hostile article, built once per session, with records we insert ourselves.

The extractors for events, quotes, amounts and agreements are written by others; until they
land (and after), these tests need known records. They are drawn from the real texts by
simple patterns, so every offset and evidence slice is genuine. Ids end in "-t..." so they
never collide with extracted ones. Stories come from the gold file."""
from __future__ import annotations

import json
import re
from pathlib import Path

from annalist import Options, build
from annalist.pipeline import fuse
from annalist.model import Actor, Agreement, Amount, Event, Evidence, Extraction, Location, Quote
from annalist.store import Store

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "examples" / "corpus"
GOLD_STORIES = ROOT / "examples" / "gold" / "stories.json"
TODAY = "2026-11-23"

XSS = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"
HOSTILE = {
    "url": "javascript:alert(1)",
    "title": f"{XSS} Minister {XSS_IMG} visits Astana",
    "outlet": f"Evil Outlet {XSS_IMG}",
    "published": "2024-01-15",
    "text": (f"ASTANA — The minister met {XSS} officials in Astana on Monday, Kazakhstan said. "
             f"\"We signed nothing {XSS_IMG} today,\" the minister said in Astana. "
             "Trade reached $9 billion in 2023, the ministry reported.\n\n"
             "A link said javascript:alert(1) and <a href=\"javascript:alert(1)\">click</a>."),
}

_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
          "eleven": 11, "twelve": 12}
_EVENT_RULES = [  # (pattern, plover, cameo, mode, trigger group)
    (re.compile(r"\b(signed)\b"), "AGREE", "057", None),
    (re.compile(r"\b(held talks|met|talks)\b"), "CONSULT", "040", "meet"),
    (re.compile(r"\b(visit|visited|visits)\b"), "CONSULT", "042", "visit"),
    (re.compile(r"\b(loan|lend|finance)\b"), "AID", "071", None),
    (re.compile(r"\b(protest note)\b"), "ACCUSE", "112", None),
    (re.compile(r"\b(detained)\b"), "COERCE", "173", None),
    (re.compile(r"\b(opens|opened)\b"), "COOPERATE", "061", None),
]
_QUOTE = re.compile(r"[“«\"]([^”»\"\n]{20,400})[”»\"]")
_MONEY = re.compile(r"(?:\$|US\$)\s?(\d+(?:\.\d+)?)\s?(billion|bn|million|mln)\b", re.I)
_PERCENT = re.compile(r"\b(\d+(?:\.\d+)?)\s?(%|percent)")
_DOCS = re.compile(r"\b(\d+|" + "|".join(_WORDS) + r")\s+(?:\w+\s+)?(documents|agreements)\b", re.I)


def hostile_jsonl(folder: Path) -> Path:
    path = folder / "hostile.jsonl"
    path.write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
    return path


def build_store(folder: Path) -> Path:
    """Build the example corpus and the hostile article, then seed records and stories."""
    db = folder / "corpus.duckdb"
    build([str(CORPUS), str(hostile_jsonl(folder))],
          Options(db=str(db), progress=False, reference_date=TODAY))
    seed_records(db)
    return db


def _countries(ents: list[dict], start: int, end: int) -> list[tuple[str, dict]]:
    found = {}
    for e in ents:
        for s, t in e["mentions"]:
            if e["country"] and start <= s and t <= end:
                found.setdefault(e["country"], (s, e))
    return [(c, e) for c, (s, e) in sorted(found.items(), key=lambda kv: kv[1][0])]


def _actor(country: str, ent: dict | None) -> Actor:
    return Actor(name=ent["name"] if ent else country, entity_id=ent["id"] if ent else None, country=country,
                 role="GOV")


def _person_in(ents: list[dict], start: int, end: int) -> dict | None:
    for e in ents:
        if e["type"] == "PERSON" and any(start <= s and t <= end for s, t in e["mentions"]):
            return e
    return None


def seed_records(db: Path) -> None:
    with Store(db) as store:
        con = store.con
        extractions = []
        for d in store.documents():
            if d.outlet and "onerror" in d.outlet:
                continue  # the hostile article gets hand-made records below
            ents = [{"id": r[0], "name": r[1], "type": r[2], "country": r[3], "mentions": json.loads(r[4] or "[]")}
                    for r in con.execute("SELECT id, name, type, country, mentions FROM entities WHERE doc_id = ? "
                                         "ORDER BY id", [d.id]).fetchall()]
            sents = store.sentences(d.id) or [(0, len(d.text))]
            doc_countries = [c for c, _ in _countries(ents, 0, len(d.text))]
            pub = d.published
            x = Extraction(d.id)
            seen_types = set()
            for s, t in sents:
                text = d.text[s:t]
                low = text.lower()
                evidence = [Evidence(d.id, s, t, text)]
                for pattern, plover, cameo, mode in _EVENT_RULES:
                    m = pattern.search(low)
                    if not m or plover in seen_types:
                        continue
                    seen_types.add(plover)
                    pairs = _countries(ents, s, t)
                    countries = [c for c, _ in pairs] + [c for c in doc_countries if c not in {c for c, _ in pairs}]
                    ent_by = dict(pairs)
                    src = _actor(countries[0], ent_by.get(countries[0])) if countries else None
                    tgt = _actor(countries[1], ent_by.get(countries[1])) if len(countries) > 1 else None
                    negated = bool(re.search(r"\b(did not|not) sign", low))
                    trigger = text[m.start():m.end()]
                    x.events.append(Event(
                        id=f"{d.id}-tv{s + m.start()}", doc_id=d.id, plover=plover, cameo=cameo, source=src,
                        target=tgt, trigger=trigger, evidence=evidence, date=pub.value if pub else None,
                        date_precision=pub.precision if pub else None, date_from="publication date",
                        location=Location(d.dateline.title(), None) if d.dateline else None,
                        status="reported", mode=mode, negated=negated, confidence=0.6,
                        summary=f"{src.name if src else '?'} {trigger} {tgt.name if tgt else ''}".strip()))
                for m in _QUOTE.finditer(text):
                    qs, qe = s + m.start(1), s + m.end(1)
                    person = _person_in(ents, s, t)
                    speaker = Actor(person["name"], person["id"], person["country"]) if person else None
                    x.quotes.append(Quote(id=f"{d.id}-tq{qs}", doc_id=d.id, text=d.text[qs:qe], direct=True,
                                          speaker=speaker, evidence=evidence, start=qs, end=qe))
                for m in _MONEY.finditer(text):
                    scale = 1e9 if m.group(2).lower() in ("billion", "bn") else 1e6
                    what = next((w for w in ("bilateral trade", "trade", "loan", "investment", "deals")
                                 if w in low), None)
                    year = re.search(r"\b(20\d\d)\b", text)
                    x.amounts.append(Amount(
                        id=f"{d.id}-ta{s + m.start()}", doc_id=d.id, text=m.group(0), value=float(m.group(1)) * scale,
                        unit="USD", what=what, qualifier="exact", period=year.group(1) if year else None,
                        entities=doc_countries[:2], evidence=evidence, start=s + m.start(), end=s + m.end()))
                for m in _PERCENT.finditer(text):
                    x.amounts.append(Amount(
                        id=f"{d.id}-ta{s + m.start()}", doc_id=d.id, text=m.group(0), value=float(m.group(1)),
                        unit="percent", what="growth" if "grow" in low else None, qualifier="exact", period=None,
                        entities=doc_countries[:2], evidence=evidence, start=s + m.start(), end=s + m.end()))
                m = _DOCS.search(text)
                if m and "sign" in low:
                    word = m.group(1).lower()
                    count = int(word) if word.isdigit() else _WORDS.get(word, 1)
                    x.agreements.append(Agreement(
                        id=f"{d.id}-tg{s + m.start()}", doc_id=d.id, title=None, kind="documents",
                        parties=doc_countries[:2], signed=pub.value if pub else None, topic=None, count=count,
                        evidence=evidence, status="negated" if re.search(r"\bnot sign", low) else "reported"))
            for attr in ("events", "quotes", "amounts", "agreements"):  # a quote may span two sentences
                setattr(x, attr, list({r.id: r for r in getattr(x, attr)}.values()))
            if x.events or x.quotes or x.amounts or x.agreements:
                extractions.append(x)
        extractions += _hostile_records(store)
        store.write_batch([], [], extractions=extractions)
        _seed_stories(store)
        fuse(store)   # the seeded records, fused over the gold stories as a build would


def _hostile_records(store: Store) -> list[Extraction]:
    doc = next((d for d in store.documents() if d.outlet and "onerror" in d.outlet), None)
    if doc is None:
        return []
    text = doc.text
    qs = text.index("We signed")
    qe = text.index("today,") + len("today")
    ms = text.index("$9 billion")
    es = text.index("The minister met")
    ee = text.index("said.", es) + len("said.")
    ev = [Evidence(doc.id, es, ee, text[es:ee])]
    who = Actor(name=f"Minister {XSS}", country="KAZ", role="GOV")
    return [Extraction(
        doc.id,
        events=[Event(id=f"{doc.id}-tv{es}", doc_id=doc.id, plover="CONSULT", cameo="040", source=who,
                      target=Actor(name=XSS_IMG, country="CHN"), trigger="met", evidence=ev, date="2024-01-15",
                      date_precision="day", summary=f"{XSS} met {XSS_IMG}",
                      location=Location(f"Astana {XSS}", "KAZ"))],
        quotes=[Quote(id=f"{doc.id}-tq{qs}", doc_id=doc.id, text=text[qs:qe], direct=True, speaker=who,
                      evidence=[Evidence(doc.id, qs, qe, text[qs:qe])], start=qs, end=qe)],
        amounts=[Amount(id=f"{doc.id}-ta{ms}", doc_id=doc.id, text="$9 billion", value=9e9, unit="USD",
                        what=f"trade {XSS}", qualifier="exact", period="2023", entities=["KAZ"],
                        evidence=ev, start=ms, end=ms + len("$9 billion"))],
        agreements=[Agreement(id=f"{doc.id}-tg{es}", doc_id=doc.id, title=f"Pact {XSS}", kind="agreement",
                              parties=["KAZ", "CHN"], signed="2024-01-15", topic=XSS_IMG, count=1, evidence=ev)],
    )]


def _seed_stories(store: Store) -> None:
    """The gold stories, as the linker will write them (stories table + documents.story_id)."""
    con = store.con
    gold = json.loads(GOLD_STORIES.read_text(encoding="utf-8"))
    docs = con.execute("SELECT id, source, outlet FROM documents").fetchall()
    con.execute("""CREATE TABLE IF NOT EXISTS stories (id VARCHAR PRIMARY KEY, doc_ids VARCHAR[], date VARCHAR,
                   date_precision VARCHAR, title VARCHAR, event_ids VARCHAR[], outlets VARCHAR[])""")
    types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_name = 'stories'").fetchall())

    def as_col(name, values):
        return values if types.get(name, "").endswith("[]") else json.dumps(values)

    # The gold stories replace the linker's, so page tests know exactly what to expect.
    con.execute("DELETE FROM stories")
    con.execute("UPDATE documents SET story_id = NULL")

    for label, story in gold.items():
        ids = [i for i, src, _ in docs if any(src == g or src.endswith("/" + g) for g in story["sources"])]
        if not ids:
            continue
        outlets = sorted({o for i, _, o in docs if i in ids and o})
        events = [r[0] for r in con.execute("SELECT id FROM events WHERE list_contains(?, doc_id) ORDER BY id",
                                            [ids]).fetchall()]
        summary = re.sub(r"^(Single article|Caspian Wire): ", "", story["summary"])
        title = re.split(r"[;(]| and (?:sign|set)", summary)[0].strip().rstrip(",.")
        con.execute("INSERT INTO stories (id, doc_ids, date, date_precision, title, event_ids, outlets) "
                    "VALUES (?, ?, ?, 'day', ?, ?, ?)",
                    ["t-" + label, as_col("doc_ids", ids), story["date"], title, as_col("event_ids", events),
                     as_col("outlets", outlets)])
        con.execute("UPDATE documents SET story_id = ? WHERE list_contains(?, id)",
                    ["t-" + label, ids])


# -- one built store per test session ---------------------------------------------------------------

_BUILT: dict[str, Path] = {}


def corpus_store(tmp_path_factory) -> Path:
    """The seeded example store, built once per session (web, search, brief and export tests share it)."""
    if "db" not in _BUILT:
        _BUILT["db"] = build_store(tmp_path_factory.mktemp("corpus"))
    return _BUILT["db"]


def copy_store(db: Path, folder: Path) -> Path:
    """A private copy for a test that changes the store."""
    import shutil
    target = folder / db.name
    shutil.copyfile(db, target)
    return target


def hostile_doc_id(db: Path) -> str:
    with Store(db, read_only=True) as store:
        return store.con.execute("SELECT id FROM documents WHERE outlet LIKE '%onerror%'").fetchone()[0]
