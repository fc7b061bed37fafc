"""Every temporal expression of a document, resolved against its publication date."""
from __future__ import annotations

from datetime import date

from ..model import DateMention, Document
from .timex import find_timexes

__all__ = ["date_mentions", "anchor_of"]


def anchor_of(doc: Document) -> date | None:
    """The publication day, when it is known to the day."""
    if doc.published and doc.published.precision == "day":
        return date.fromisoformat(doc.published.value)
    return None


def date_mentions(doc: Document) -> list[DateMention]:
    anchor = anchor_of(doc)
    return [DateMention(f"{doc.id}-t{t.start}", doc.id, t.text, t.start, t.end, t.type, t.value,
                        t.precision, t.anchor) for t in find_timexes(doc.text, anchor)]
