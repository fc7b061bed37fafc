"""Score :func:`annalist.extract.timex.find_timexes` on TimeML (TBAQ) files,
TempEval-3 task A style: strict/relaxed span P/R/F1, then type and value
accuracy over the relaxed-matched spans. The DCT is the anchor, not a target.

    python -m eval.timebank [--data PATH] [--json]
"""
from __future__ import annotations

import argparse
import html
import json
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from annalist.extract.timex import find_timexes

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "timebank-dev"

_TAG = re.compile(r"<(/?)([A-Za-z0-9_]+)([^>]*?)(/?)>|&(#?\w+);")
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_DCT = re.compile(r"<DCT>\s*<TIMEX3([^>]*)>", re.S)


@dataclass
class GoldTimex:
    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass
class Doc:
    name: str
    folder: str
    text: str
    dct: date | None
    gold: list[GoldTimex] = field(default_factory=list)


def parse_tml(path: Path) -> Doc:
    """Plain text of <TEXT> with the offsets of its TIMEX3 elements."""
    raw = path.read_text(encoding="utf-8")
    m = _DCT.search(raw)
    dct = None
    if m:
        val = dict(_ATTR.findall(m.group(1))).get("value", "")
        try:
            dct = date.fromisoformat(val[:10])
        except ValueError:
            dct = None
    body = raw[raw.index("<TEXT>") + len("<TEXT>"): raw.index("</TEXT>")]
    out: list[str] = []
    pos = 0
    n = 0  # length of plain text so far
    open_tx: tuple[int, dict[str, str]] | None = None
    gold: list[GoldTimex] = []
    for t in _TAG.finditer(body):
        chunk = body[pos:t.start()]
        out.append(chunk)
        n += len(chunk)
        pos = t.end()
        if t.group(5) is not None:  # entity such as &amp;
            ch = html.unescape(t.group(0))
            out.append(ch)
            n += len(ch)
            continue
        if t.group(2) != "TIMEX3":
            continue
        if t.group(1):  # closing tag
            if open_tx is not None:
                s, attrs = open_tx
                gold.append(GoldTimex(s, n, "", attrs.get("type", ""), attrs.get("value", "")))
                open_tx = None
        elif not t.group(4):
            open_tx = (n, dict(_ATTR.findall(t.group(3))))
    out.append(body[pos:])
    text = "".join(out)
    for g in gold:
        g.text = text[g.start:g.end]
    return Doc(path.stem, path.parent.name, text, dct, gold)


def load_docs(data: Path) -> list[Doc]:
    """Every .tml file under data; a file name seen twice is scored once."""
    seen: set[str] = set()
    docs = []
    for p in sorted(data.rglob("*.tml")):
        if p.name not in seen:
            seen.add(p.name)
            docs.append(parse_tml(p))
    return docs


@dataclass
class Counts:
    gold: int = 0
    system: int = 0
    strict: int = 0
    relaxed: int = 0
    type_ok: int = 0
    value_ok: int = 0

    def add(self, o: "Counts") -> None:
        for k in vars(self):
            setattr(self, k, getattr(self, k) + getattr(o, k))

    def report(self) -> dict[str, float | int]:
        def prf(hit: int) -> tuple[float, float, float]:
            p = hit / self.system if self.system else 0.0
            r = hit / self.gold if self.gold else 0.0
            return p, r, (2 * p * r / (p + r) if p + r else 0.0)

        sp, sr, sf = prf(self.strict)
        rp, rr, rf = prf(self.relaxed)
        _, _, vf = prf(self.value_ok)  # TempEval-3 style attribute F1
        _, _, tf = prf(self.type_ok)
        rm = self.relaxed or 1
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in {
            "gold": self.gold, "system": self.system,
            "strict_p": sp, "strict_r": sr, "strict_f1": sf,
            "relaxed_p": rp, "relaxed_r": rr, "relaxed_f1": rf,
            "type_acc": self.type_ok / rm, "value_acc": self.value_ok / rm,
            "type_f1": tf, "value_f1": vf,
        }.items()}


def score_doc(doc: Doc, errors: list | None = None) -> Counts:
    sys_tx = find_timexes(doc.text, anchor=doc.dct)
    c = Counts(gold=len(doc.gold), system=len(sys_tx))
    used: set[int] = set()
    for g in doc.gold:
        match = None
        for i, s in enumerate(sys_tx):
            if i not in used and s.start < g.end and g.start < s.end:
                # prefer an exact span if one exists among the overlaps
                if match is None or (s.start, s.end) == (g.start, g.end):
                    match = i
        if match is None:
            if errors is not None:
                errors.append(("miss", doc.name, doc.dct, g, None, doc.text))
            continue
        used.add(match)
        s = sys_tx[match]
        c.relaxed += 1
        c.strict += (s.start, s.end) == (g.start, g.end)
        c.type_ok += s.type == g.type
        c.value_ok += s.value == g.value
        if errors is not None and (s.value != g.value or s.type != g.type or (s.start, s.end) != (g.start, g.end)):
            errors.append(("diff", doc.name, doc.dct, g, s, doc.text))
    if errors is not None:
        for i, s in enumerate(sys_tx):
            if i not in used:
                errors.append(("spurious", doc.name, doc.dct, None, s, doc.text))
    return c


def evaluate(data: Path, errors: list | None = None) -> dict:
    docs = load_docs(data)
    total = Counts()
    per: dict[str, Counts] = {}
    t0 = time.perf_counter()
    for d in docs:
        c = score_doc(d, errors)
        total.add(c)
        per.setdefault(d.folder, Counts()).add(c)
    secs = time.perf_counter() - t0
    return {
        "documents": len(docs), "seconds": round(secs, 3),
        "overall": total.report(),
        "folders": {k: v.report() for k, v in sorted(per.items())},
    }


def _table(res: dict) -> str:
    cols = ["gold", "system", "strict_p", "strict_r", "strict_f1",
            "relaxed_p", "relaxed_r", "relaxed_f1", "type_acc", "value_acc", "value_f1"]
    heads = ["gold", "sys", "sP", "sR", "sF1", "rP", "rR", "rF1", "type", "value", "valF1"]
    rows = [("overall", res["overall"])] + list(res["folders"].items())
    lines = [f"{'set':<10}" + "".join(f"{h:>7}" for h in heads)]
    for name, r in rows:
        cells = "".join(f"{r[c]:>7}" if isinstance(r[c], int) else f"{r[c]:>7.3f}" for c in cols)
        lines.append(f"{name:<10}{cells}")
    lines.append(f"{res['documents']} documents in {res['seconds']:.2f} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.timebank", description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of .tml files (searched recursively)")
    ap.add_argument("--json", action="store_true", help="print a JSON object instead of a table")
    ap.add_argument("--errors", type=Path, help="write every mismatch to this file (for rule work)")
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"no data folder at {args.data}", file=sys.stderr)
        return 2
    errs: list | None = [] if args.errors else None
    res = evaluate(args.data, errs)
    if args.errors and errs is not None:
        with args.errors.open("w", encoding="utf-8") as fh:
            for kind, name, dct, g, s, text in errs:
                span = g or s
                ctx = text[max(0, span.start - 60):span.end + 40].replace("\n", " ")
                gs = f"{g.text!r} {g.type} {g.value}" if g else "-"
                ss = f"{s.text!r} {s.type} {s.value}" if s else "-"
                fh.write(f"{kind}\t{name}\t{dct}\tG: {gs}\tS: {ss}\t| {ctx}\n")
    print(json.dumps(res, indent=2) if args.json else _table(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
