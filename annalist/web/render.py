"""Jinja2 environment and the helpers templates use: highlighted text, links, dates.

Article text is untrusted. Autoescape is on; the few helpers that return Markup escape
every piece of text themselves, and only ever add our own tags, class names and numbers."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from ..outputs.chart import color_for
from ..outputs.records import PLOVER_TYPES, format_date, safe_url

__all__ = ["make_env", "highlight", "mark_snippet", "link", "evidence_link", "short"]

TEMPLATES = Path(__file__).parent / "templates"

# Highlight classes for record kinds (CSS colours them; the legend toggles them).
KIND_CLASS = {"event": "h-ev", "quote": "h-q", "amount": "h-amt", "agreement": "h-agr", "entity": "h-ent",
              "date": "h-date", "target": "h-target"}


def make_env(extra_dirs: tuple[Path, ...] = ()) -> Environment:
    env = Environment(loader=FileSystemLoader([str(TEMPLATES), *map(str, extra_dirs)]),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(date=format_date, safe_url=safe_url, short=short, q=lambda s: quote(str(s), safe=""),
                       pct=lambda v: f"{float(v):.0%}" if v is not None else "", amount=format_amount)
    env.globals.update(link=link, evidence_link=evidence_link, PLOVER_TYPES=PLOVER_TYPES, color_for=color_for,
                       actor_label=actor_label)
    return env


def short(value, n: int = 90) -> str:
    text = " ".join(str(value or "").split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def link(path: str, **params) -> str:
    """An app path with query parameters (lists repeat the key; empty values are left out)."""
    pairs = []
    for k, v in params.items():
        for item in (v if isinstance(v, (list, tuple)) else [v]):
            if item not in (None, ""):
                pairs.append((k, item))
    return path + ("?" + urlencode(pairs) if pairs else "")


def evidence_link(doc_id: str | None, start=None, end=None) -> str:
    """The document page, scrolled to and marking [start, end)."""
    if not doc_id:
        return "#"
    base = f"/documents/{quote(str(doc_id), safe='')}"
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end:
        return f"{base}?start={start}&end={end}#o-{start}-{end}"
    return base


def actor_label(actor: dict | None) -> str:
    if not actor:
        return "—"
    name = actor.get("name") or "?"
    extra = ", ".join(x for x in (actor.get("country"), actor.get("role")) if x)
    return f"{name} ({extra})" if extra else name


def format_amount(a: dict) -> str:
    value, unit = a.get("value"), a.get("unit") or ""
    if value is None:
        return a.get("text") or ""
    v = float(value)
    for div, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(v) >= div:
            return f"{v / div:,.3g} {word} {unit}".strip()
    return f"{v:,.10g} {unit}".strip()


def highlight(text: str, spans: list[dict], anchors: list[int] = ()) -> Markup:
    """``text`` as escaped HTML with <span class=...> over every span.

    spans: {"start", "end", "cls", "title"?}; overlapping spans split the text at every
    boundary so each piece carries all the classes that cover it. Every span start gets an
    anchor ``o-START-END`` (the links from records land there); ``anchors`` adds ``s-N``
    markers (sentence starts)."""
    n = len(text)
    clean = []
    for s in spans:
        a, b = s.get("start"), s.get("end")
        if isinstance(a, int) and isinstance(b, int) and 0 <= a < b <= n:
            clean.append((a, b, s))
    breaks = [(m.start(), m.end()) for m in re.finditer(r"\n+", text)]
    cuts = sorted({0, n, *[a for a, _, _ in clean], *[b for _, b, _ in clean], *[a for a in anchors if 0 <= a <= n],
                   *[x for br in breaks for x in br]})
    break_at = dict(breaks)
    starts: dict[int, list[str]] = {}
    seen_ids = set()
    for a, b, s in clean:
        anchor = f"o-{a}-{b}"
        if anchor not in seen_ids:
            seen_ids.add(anchor)
            starts.setdefault(a, []).append(anchor)
    for i, a in enumerate(anchors):
        if 0 <= a <= n:
            starts.setdefault(a, []).append(f"s-{i}")
    out = []
    for a, b in zip(cuts, cuts[1:]):
        for anchor in starts.get(a, []):
            out.append(Markup('<span class="anchor" id="{}"></span>').format(anchor))
        if break_at.get(a) == b:   # a run of newlines: a paragraph break (the text keeps one newline)
            out.append(Markup('<span class="pb">\n</span>'))
            continue
        piece = text[a:b]
        active = [s for (x, y, s) in clean if x <= a and b <= y]
        if active:
            classes = " ".join(sorted({c for s in active for c in str(s["cls"]).split()}))
            titles = "; ".join(dict.fromkeys(s["title"] for s in active if s.get("title")))
            out.append(Markup('<span class="hl {}"{}>{}</span>').format(
                classes, Markup(' title="{}"').format(titles) if titles else "", piece))
        else:
            out.append(escape(piece))
    return Markup("").join(out)


def mark_snippet(snippet: str, highlights: list) -> Markup:
    """A search snippet with <mark> over the matched words."""
    out, pos = [], 0
    for a, b in sorted((int(h[0]), int(h[1])) for h in highlights or [] if len(h) == 2):
        if a < pos or b > len(snippet) or a >= b:
            continue
        out.append(escape(snippet[pos:a]))
        out.append(Markup("<mark>{}</mark>").format(snippet[a:b]))
        pos = b
    out.append(escape(snippet[pos:]))
    return Markup("").join(out)
