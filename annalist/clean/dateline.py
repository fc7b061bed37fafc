"""The dateline that opens a news body: "ASTANA —", "BEIJING, June 16 (Xinhua) --"."""
from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CAPS", "Dateline", "find_dateline"]

# Capital letters for a regex class: ASCII and the accented Latin ones ("BOGOTÁ", "ŁÓDŹ").
CAPS = "A-Z" + "".join(chr(c) for c in range(0xC0, 0x250) if chr(c).isupper())

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE = rf"(?:{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?)"
# An all-caps place (optionally ", Country"), or a capitalised one when an agency or date follows.
_DATELINE = re.compile(
    rf"""^(?P<place>[{CAPS}][{CAPS}'’.\-]+(?:\s+[{CAPS}][{CAPS}'’.\-]+){{0,3}})(?:,\s*(?P<region>[A-Z][A-Za-z.]+(?:\s+[A-Z][A-Za-z.]+)?))?
         (?:,?\s*(?P<date>{_DATE}))?\s*(?:\((?P<agency>[A-Za-z][\w .&-]{{1,30}})\))?\s*(?:—|–|--|-)\s+"""
    rf"""|^(?P<place2>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?),\s*(?P<date2>{_DATE})\s*(?:\((?P<agency2>[A-Za-z][\w .&-]{{1,30}})\))?\s*(?:—|–|--|-|:)\s+""",
    re.X)


@dataclass(frozen=True, slots=True)
class Dateline:
    place: str           # "Astana" (title case)
    date_text: str | None
    agency: str | None
    end: int             # where the body after the dateline starts


def find_dateline(text: str) -> Dateline | None:
    m = _DATELINE.match(text)
    if not m:
        return None
    place = m.group("place") or m.group("place2")
    if len(place.replace(" ", "")) < 3:
        return None
    return Dateline(place.title(), m.group("date") or m.group("date2"),
                    m.group("agency") or m.group("agency2"), m.end())
