"""A readable, sourced brief of what the store holds on some actors over some period.

Extractive: every passage is cut verbatim from an article's cleaned text, and carries a
numbered citation to that article (outlet, title, date, source) and its character offsets.
Sections: key developments in date order, key figures with conflicting reports side by side,
notable quotes, agreements signed, and a timeline chart.

``write_brief(store, "brief.html")`` writes one self-contained HTML file (chart inline, no
script at all, a Content-Security-Policy that forbids any); ``brief.md`` writes Markdown and
the chart as ``brief.timeline.svg`` beside it."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from markupsafe import Markup

from ..errors import UsageError
from ..store import Store
from . import records as R
from .chart import timeline_svg

__all__ = ["write_brief", "compose_brief", "Brief", "BriefReport"]

_TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class Passage:
    """A verbatim slice of one article: text == article text[start:end]."""

    text: str
    doc_id: str
    start: int
    end: int
    n: int                      # the citation number of doc_id
    also: list[int] = field(default_factory=list)   # other articles reporting the same


@dataclass
class Brief:
    title: str
    scope: str
    developments: list[dict] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)
    quotes: list[dict] = field(default_factory=list)
    agreements: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    chart: dict = field(default_factory=dict)
    chart_title: str = ""
    from_leads: bool = False    # no events in scope: developments are the articles' opening sentences


@dataclass
class BriefReport:
    path: Path
    files: list[Path]
    developments: int
    figures: int
    quotes: int
    agreements: int
    sources: int

    def as_dict(self) -> dict:
        return {"path": str(self.path), "files": [str(p) for p in self.files], "developments": self.developments,
                "figures": self.figures, "quotes": self.quotes, "agreements": self.agreements, "sources": self.sources}


class _Citations:
    """Numbers articles in the order the brief first cites them."""

    def __init__(self, con):
        self.con, self.numbers, self.sources, self.texts = con, {}, [], {}

    def text(self, doc_id: str) -> str:
        if doc_id not in self.texts:
            row = self.con.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()
            self.texts[doc_id] = row[0] if row else ""
        return self.texts[doc_id]

    def number(self, doc_id: str) -> int:
        if doc_id not in self.numbers:
            d = R.get_document(self.con, doc_id, with_records=False) or {"id": doc_id}
            self.numbers[doc_id] = len(self.sources) + 1
            self.sources.append({"n": self.numbers[doc_id], "doc_id": doc_id, "outlet": d.get("outlet"),
                                 "title": d.get("title"), "published": d.get("published"), "url": d.get("url"),
                                 "safe_url": R.safe_url(d.get("url")), "source": d.get("source")})
        return self.numbers[doc_id]

    def passage(self, doc_id: str | None, start, end, also: list[str] = ()) -> Passage | None:
        """The verbatim slice (whitespace trimmed, offsets moved to match), or None if the
        offsets do not fit the article."""
        if not doc_id or not isinstance(start, int) or not isinstance(end, int):
            return None
        text = self.text(doc_id)
        if not 0 <= start < end <= len(text):
            return None
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece) - len(piece.rstrip())
        start, end = start + lead, end - trail
        if start >= end:
            return None
        n = self.number(doc_id)
        others = sorted({self.number(d) for d in also if d and d != doc_id})
        return Passage(text[start:end], doc_id, start, end, n, others)


def _scope_docs(con, actors: tuple[str, ...]) -> set[str] | None:
    """Documents that involve every actor (None: no actor given, every document)."""
    if not actors:
        return None
    docs = None
    for a in actors:
        ids = R.doc_ids_matching(con, R.Filters(countries=(a,)))
        docs = ids if docs is None else docs & ids
    return docs or set()


def compose_brief(con, actors=(), since: str | None = None, until: str | None = None, title: str | None = None,
                  max_items: int = 40) -> Brief:
    actors = tuple(R.check_country(a) for a in actors if a)
    since, until = R.check_date(since, "since"), R.check_date(until, "until")
    scope_docs = _scope_docs(con, actors)
    in_range = R.doc_ids_matching(con, R.Filters(since=since, until=until))
    docs = in_range if scope_docs is None else in_range & scope_docs
    period = " – ".join(x for x in (R.format_date(since) or ("" if not until else "start"),
                                    R.format_date(until) or ("" if not since else "now")) if x)
    scope = ", ".join(filter(None, ["–".join(actors) if actors else "all actors", period or "all dates"]))
    brief = Brief(title=title or f"Brief: {'–'.join(actors) if actors else 'all coverage'}"
                  + (f", {period}" if period else ""), scope=scope)
    cite = _Citations(con)
    story_of = dict(con.execute("SELECT id, story_id FROM documents").fetchall())
    if R.has_table(con, "stories"):
        for sid, doc_ids in con.execute("SELECT id, doc_ids FROM stories").fetchall():
            for d in R.as_list(doc_ids):
                if not story_of.get(str(d)):
                    story_of[str(d)] = str(sid)

    # 1. key developments: events that happened or are planned, merged across articles
    events = [e for e in R.list_events(con, R.Filters(since=since, until=until), limit=None, include_negated=False)[1]
              if (scope_docs is None or e["doc_id"] in scope_docs) and e.get("status") != "background"]
    if actors:
        events = [e for e in events if {(e.get("source") or {}).get("country"),
                                        (e.get("target") or {}).get("country")} & set(actors)]
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for e in events:
        pair = tuple(sorted(filter(None, [(e.get("source") or {}).get("country"), (e.get("target") or {}).get("country")])))
        story = e.get("story_id") or story_of.get(e["doc_id"])
        key = (story, e["plover"], pair, e.get("status")) if story else (e.get("date"), e["plover"], pair, e.get("status"))
        groups[key].append(e)
    chosen = sorted(groups.values(), key=lambda g: (-len({e["doc_id"] for e in g}), str(g[0].get("date"))))[:max_items]
    for group in sorted(chosen, key=lambda g: (str(min(str(e.get("date") or "9999") for e in g)), g[0]["plover"])):
        group.sort(key=lambda e: (-(e.get("confidence") or 0), str(e.get("published") or ""), e["id"]))
        best = group[0]
        ev = next((x for x in best["evidence"] if x.get("doc_id")), None)
        p = cite.passage(ev and ev["doc_id"], ev and ev.get("start"), ev and ev.get("end"),
                         also=[e["doc_id"] for e in group])
        if p is None:
            continue
        pair = "–".join(sorted(filter(None, [(best.get("source") or {}).get("country"),
                                              (best.get("target") or {}).get("country")])))
        same = next((d for d in brief.developments if (d["passage"].doc_id, d["passage"].start, d["passage"].end)
                     == (p.doc_id, p.start, p.end)), None)
        if same:   # one sentence coding two events: one line, both types
            if best["plover"] not in same["plover"].split(" · "):
                same["plover"] += " · " + best["plover"]
            same["passage"].also = sorted(set(same["passage"].also) | set(p.also))
            continue
        first_date = min((str(e["date"]) for e in group if e.get("date")), default=None)
        brief.developments.append({"date": first_date, "plover": best["plover"], "actors": pair,
                                   "status": best.get("status") or "reported", "passage": p, "event_id": best["id"]})
    if not brief.developments:
        brief.from_leads = True
        _lead_developments(con, brief, cite, docs, story_of, max_items)

    # 2. key figures, with conflicting reports side by side
    amounts = [a for a in R.list_amounts(con, R.Filters(), limit=None)[1] if a["doc_id"] in docs]
    fig_groups: dict[tuple, list[dict]] = defaultdict(list)
    for a in amounts:
        if R.normalise(a.get("what")):   # a figure with no stated measure cannot be compared or conflict
            fig_groups[(a.get("unit"), R.normalise(a.get("what")), str(a.get("period") or ""))].append(a)
    ranked = sorted(fig_groups.items(), key=lambda kv: (-len({a["doc_id"] for a in kv[1]}), kv[0][1]))[:25]
    for (unit, what, period), group in ranked:
        by_value: dict[float, list[dict]] = defaultdict(list)   # one line per value, every article citing it
        for a in sorted(group, key=lambda a: (str(a.get("published") or ""), a["doc_id"], a.get("start") or 0)):
            by_value[a.get("value")].append(a)
        entries = []
        for value, same in by_value.items():
            a = same[0]
            p = cite.passage(a["doc_id"], a.get("start"), a.get("end"), also=[x["doc_id"] for x in same])
            if p:
                entries.append({"passage": p, "value": value, "qualifier": a.get("qualifier"),
                                "formatted": _format_value(value, unit)})
        if entries:
            brief.figures.append({"what": group[0].get("what"), "unit": unit, "period": period,
                                  "entries": entries, "conflict": len(entries) > 1})

    # 3. notable quotes: direct, attributed, one per utterance
    quotes = [q for q in R.list_quotes(con, R.Filters(), limit=None)[1]
              if q["doc_id"] in docs and q.get("direct") and (q.get("speaker") or {}).get("name")]
    by_utterance: dict[str, list[dict]] = defaultdict(list)
    for q in quotes:
        by_utterance[q.get("utterance_id") or R.normalise(q.get("text"))].append(q)
    picked = sorted(by_utterance.values(), key=lambda g: (-len(g), -len(g[0].get("text") or "")))[:12]
    for group in sorted(picked, key=lambda g: str(g[0].get("published") or "")):
        q = group[0]
        p = cite.passage(q["doc_id"], q.get("start"), q.get("end"), also=[x["doc_id"] for x in group])
        if p:
            brief.quotes.append({"speaker": q["speaker"].get("name"), "title": q["speaker"].get("title"),
                                 "date": q.get("published"), "passage": p})

    # 4. agreements signed (and those reported as not signed)
    agreements = [g for g in R.list_agreements(con, R.Filters(), limit=None)[1] if g["doc_id"] in docs]
    agr_groups: dict[tuple, list[dict]] = defaultdict(list)
    for g in agreements:
        label = g.get("title") or (f"{g.get('count')} {g.get('kind')}" if (g.get("count") or 1) > 1 else g.get("kind"))
        agr_groups[(story_of.get(g["doc_id"]) or g["doc_id"], R.normalise(label), g.get("status"))].append(g | {"label": label})
    for group in sorted(agr_groups.values(), key=lambda g: str(g[0].get("signed") or g[0].get("published") or "")):
        g = group[0]
        ev = next((x for x in g["evidence"] if x.get("doc_id")), None)
        p = cite.passage(ev and ev["doc_id"], ev and ev.get("start"), ev and ev.get("end"),
                         also=[x["doc_id"] for x in group])
        if p:
            brief.agreements.append({"label": g["label"], "parties": g.get("parties") or [], "signed": g.get("signed"),
                                     "status": g.get("status") or "reported", "passage": p})

    # 5. the timeline chart
    if events:
        bins: dict[tuple[str, str], int] = defaultdict(int)
        for e in events:
            m = str(e.get("date") or e.get("published") or "")[:7]
            if len(m) == 7 and e.get("status") != "planned":
                bins[(m, e["plover"])] += 1
        brief.chart_title = "Events per month by type"
    else:
        bins = defaultdict(int)
        for d in docs:
            row = con.execute("SELECT substr(published, 1, 7), coalesce(outlet, '(unknown outlet)') FROM documents "
                              "WHERE id = ?", [d]).fetchone()
            if row and row[0] and len(row[0]) == 7:
                bins[(row[0], row[1])] += 1
        brief.chart_title = "Articles per month by outlet"
    types = [t for t in R.PLOVER_TYPES if any(k[1] == t for k in bins)] + sorted({k[1] for k in bins} - set(R.PLOVER_TYPES))
    brief.chart = {"months": R.month_range([m for m, _ in bins]), "types": types,
                   "bins": [{"month": m, "plover": t, "count": n} for (m, t), n in sorted(bins.items())]}
    brief.sources = cite.sources
    return brief


def _lead_developments(con, brief: Brief, cite: _Citations, docs: set[str], story_of: dict, max_items: int) -> None:
    """Without events, each story's (or article's) opening sentence stands for what happened."""
    rows = con.execute("SELECT id, published FROM documents WHERE list_contains(?, id) ORDER BY published, id",
                       [sorted(docs)]).fetchall()
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for doc_id, published in rows:
        groups[story_of.get(doc_id) or doc_id].append((doc_id, published))
    for members in list(groups.values())[:max_items]:
        doc_id, published = members[0]
        sents = R.document_sentences(con, doc_id)
        if not sents:
            continue
        p = cite.passage(doc_id, sents[0][0], sents[0][1], also=[m[0] for m in members])
        if p:
            brief.developments.append({"date": published, "plover": None, "actors": "", "status": "reported",
                                       "passage": p, "event_id": None})


def _format_value(value, unit) -> str:
    if value is None:
        return ""
    v = float(value)
    for div, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(v) >= div:
            return f"{v / div:,.4g} {word} {unit or ''}".strip()
    return f"{v:,.10g} {unit or ''}".strip()


# -- rendering ---------------------------------------------------------------------------------------------

def _env():
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    env = Environment(loader=FileSystemLoader(str(_TEMPLATES)), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["date"] = R.format_date
    return env


def render_html(brief: Brief, store_name: str = "") -> str:
    chart = Markup(timeline_svg(brief.chart, title=brief.chart_title)) if brief.chart.get("bins") else None
    return _env().get_template("brief.html").render(
        brief=brief, chart=chart, store_name=store_name,
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))


_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}()#+!|~])")


def md(text) -> str:
    """Markdown-safe text: HTML-escaped (no tag survives) and markup characters backslashed."""
    s = " ".join(str(text or "").split())
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", s)


def _md_passage(p: Passage) -> str:
    also = f"; also [{'], ['.join(map(str, p.also))}]" if p.also else ""
    return f"“{md(p.text)}” [{p.n}] (§{p.start}–{p.end}{also})"


def render_markdown(brief: Brief, chart_file: str | None) -> str:
    out = [f"# {md(brief.title)}", "",
           f"_Scope: {md(brief.scope)}. Extractive: every passage is quoted verbatim from the article cited "
           f"in brackets; § gives character offsets into that article's cleaned text._", ""]
    if chart_file:
        out += [f"![{md(brief.chart_title)}]({chart_file})", ""]
    out += ["## Key developments", ""]
    if brief.from_leads:
        out += ["_No events are extracted for this scope yet; each article's (or story's) opening sentence is shown._", ""]
    for d in brief.developments:
        label = " · ".join(x for x in (d.get("plover"), d.get("actors"),
                                       d["status"] if d["status"] != "reported" else "") if x)
        out.append(f"- **{md(R.format_date(d['date']) or 'undated')}**{' · ' + md(label) if label else ''}: "
                   f"{_md_passage(d['passage'])}")
    if not brief.developments:
        out.append("_Nothing in scope._")
    out += ["", "## Key figures", ""]
    if brief.figures:
        out += ["| Measure | Period | Reported | Conflict |", "|---|---|---|---|"]
        for f in brief.figures:
            reported = "<br>".join(f"{md(e['formatted'])}: {_md_passage(e['passage'])}" for e in f["entries"])
            out.append(f"| {md(f['what'])} ({md(f['unit'])}) | {md(f['period'] or '—')} | {reported} | "
                       f"{'**reports differ**' if f['conflict'] else ''} |")
    else:
        out.append("_No figures in scope._")
    out += ["", "## Notable quotes", ""]
    for q in brief.quotes:
        out.append(f"- **{md(q['speaker'])}**{', ' + md(q['title']) if q.get('title') else ''} "
                   f"({md(R.format_date(q['date']))}): {_md_passage(q['passage'])}")
    if not brief.quotes:
        out.append("_No attributed quotes in scope._")
    out += ["", "## Agreements", ""]
    for g in brief.agreements:
        status = " — **not signed**" if g["status"] == "negated" else (f" — {md(g['status'])}" if g["status"] != "reported" else "")
        out.append(f"- **{md(g['label'])}** ({md('–'.join(g['parties']))}{', ' + md(R.format_date(g['signed'])) if g['signed'] else ''})"
                   f"{status}: {_md_passage(g['passage'])}")
    if not brief.agreements:
        out.append("_No agreements in scope._")
    out += ["", "## Sources", ""]
    for s in brief.sources:
        where = s["safe_url"] and f"<{s['safe_url']}>" or md(s.get("url") or s.get("source") or "")
        out.append(f"{s['n']}. <a id=\"src-{s['n']}\"></a>{md(s.get('outlet') or 'unknown outlet')}, "
                   f"“{md(s.get('title') or 'untitled')}”, {md(R.format_date(s.get('published')) or 'undated')}. "
                   f"{where} (document `{s['doc_id']}`)")
    return "\n".join(out) + "\n"


def write_brief(store: Store, out: str | Path, actors=(), since: str | None = None, until: str | None = None,
                title: str | None = None, max_items: int = 40) -> BriefReport:
    """Compose the brief and write it to ``out`` (.html/.htm or .md, by extension)."""
    out = Path(out)
    ext = out.suffix.lower()
    if ext not in (".html", ".htm", ".md", ".markdown"):
        raise UsageError(f"{out}: the brief is written as .html or .md; name the file with one of those")
    brief = compose_brief(store.con, actors, since, until, title, max_items)
    out.parent.mkdir(parents=True, exist_ok=True)
    files = [out]
    if ext in (".html", ".htm"):
        text = render_html(brief, Path(store.path).name)
    else:
        chart_path = out.with_name(out.stem + ".timeline.svg")
        if brief.chart.get("bins"):
            chart_path.write_text(timeline_svg(brief.chart, title=brief.chart_title), encoding="utf-8")
            files.append(chart_path)
        text = render_markdown(brief, chart_path.name if brief.chart.get("bins") else None)
    partial = out.with_name(f".{out.name}.partial")   # renamed into place: no half-written brief
    partial.write_text(text, encoding="utf-8")
    partial.replace(out)
    return BriefReport(out, files, len(brief.developments), len(brief.figures), len(brief.quotes),
                       len(brief.agreements), len(brief.sources))
