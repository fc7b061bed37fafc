"""Timeline charts as plain SVG text: the explorer inlines them, the brief embeds or writes them.

No JavaScript and no style attributes (so a strict Content-Security-Policy holds); every
label is escaped, and links are made by the caller's function (ours only build app paths)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from markupsafe import escape

from .records import PLOVER_TYPES

__all__ = ["timeline_svg", "PLOVER_COLORS", "color_for"]

# Cooperation in greens and blues, conflict in oranges and reds (the PLOVER order).
PLOVER_COLORS = dict(zip(PLOVER_TYPES, (
    "#1b7837", "#2166ac", "#5aae61", "#92c5de", "#4393c3", "#01665e", "#80cdc1", "#a6dba0",
    "#f4a582", "#fdb863", "#e08214", "#d6604d", "#b2182b", "#8c510a", "#c51b7d", "#67001f")))
_OTHER = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
          "#9c755f", "#bab0ac")
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def color_for(name: str, index: int = 0) -> str:
    return PLOVER_COLORS.get(name) or _OTHER[index % len(_OTHER)]


def timeline_svg(data: dict, *, title: str = "Events per month by type",
                 link: Callable[[str, str], str | None] | None = None, width: int = 760, height: int = 260) -> str:
    """A stacked bar chart of ``data`` = {"months": [YYYY-MM...], "types": [...], "bins":
    [{"month", "plover", "count"}]} (what records.timeline returns). Long ranges fold to years."""
    months, types, bins = list(data.get("months") or []), list(data.get("types") or []), data.get("bins") or []
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    yearly = len(months) > 72
    for b in bins:
        key = b["month"][:4] if yearly else b["month"]
        counts[key][b["plover"]] += int(b["count"])
    if yearly:
        months = sorted({m[:4] for m in months})
    esc_title = escape(title)
    if not months:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} 60" role="img" '
                f'aria-label="{esc_title}"><title>{esc_title}</title>'
                f'<text x="10" y="35" font-size="14" fill="#555">Nothing to chart yet.</text></svg>')
    colors = {t: color_for(t, i) for i, t in enumerate(types)}
    # Legend rows first: their height decides the plot's.
    legend, lx, ly, row_h = [], 0, 0, 18
    for t in types:
        w = 18 + 7 * len(t) + 14
        if lx + w > width - 20 and lx > 0:
            lx, ly = 0, ly + row_h
        legend.append((t, lx, ly))
        lx += w
    legend_h = ly + row_h + 6
    left, right, top, bottom = 40, 10, 28, 34 + legend_h
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((sum(c.values()) for c in counts.values()), default=0) or 1
    step = max(1, -(-peak // 4))
    ymax = step * 4 if peak > 4 else peak
    bar_gap = 2 if len(months) < 40 else 1
    slot = plot_w / len(months)
    bar_w = max(1.0, slot - bar_gap)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
           f'role="img" aria-label="{esc_title}" font-family="system-ui, sans-serif">',
           f"<title>{esc_title}</title>",
           f'<text x="{left}" y="16" font-size="13" font-weight="600" fill="#222">{esc_title}</text>']
    for i in range(0, ymax + 1, max(1, step if peak > 4 else 1)):
        y = top + plot_h - plot_h * i / ymax
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd" stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="#555">{i}</text>')
    label_every = 1 if len(months) <= 14 else 3 if len(months) <= 40 else 6
    for i, m in enumerate(months):
        x = left + i * slot + bar_gap / 2
        y = top + plot_h
        for t in types:
            n = counts.get(m, {}).get(t, 0)
            if not n:
                continue
            h = plot_h * n / ymax
            y -= h
            rect = (f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colors[t]}">'
                    f"<title>{escape(_month_label(m, True))}: {escape(t)} {n}</title></rect>")
            href = link(m, t) if link else None
            out.append(f'<a href="{escape(href)}">{rect}</a>' if href else rect)
        if yearly or i % label_every == 0 or (not yearly and m.endswith("-01")):
            out.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 13}" font-size="10" text-anchor="middle" '
                       f'fill="#444">{escape(_month_label(m, False))}</text>')
            if not yearly and (i == 0 or m.endswith("-01")):
                out.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 25}" font-size="10" '
                           f'text-anchor="middle" fill="#444">{escape(m[:4])}</text>')
    ly0 = height - legend_h + 4
    for t, lx, ly in legend:
        out.append(f'<rect x="{left + lx}" y="{ly0 + ly}" width="12" height="12" fill="{colors[t]}"/>')
        out.append(f'<text x="{left + lx + 16}" y="{ly0 + ly + 10}" font-size="11" fill="#333">{escape(t)}</text>')
    if data.get("unplaced"):
        out.append(f'<text x="{width - right}" y="16" font-size="10" text-anchor="end" fill="#777">'
                   f'{int(data["unplaced"])} dated only to a year, not shown</text>')
    out.append("</svg>")
    return "\n".join(out)


def _month_label(m: str, full: bool) -> str:
    if len(m) == 4:
        return m
    name = _MONTHS[int(m[5:7]) - 1]
    return f"{name} {m[:4]}" if full else name
