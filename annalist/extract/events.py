"""Events: who did what to whom, coded PLOVER and CAMEO (placeholder: none yet)."""
from __future__ import annotations

from ..model import DateMention, Document, Event
from .actors import DocEntities

__all__ = ["find_events"]


def find_events(doc: Document, sp, ents: DocEntities, dates: list[DateMention]) -> list[Event]:
    return []
