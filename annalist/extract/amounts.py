"""Amounts: money, percentages and counted things (placeholder: none yet)."""
from __future__ import annotations

from ..model import Amount, DateMention, Document
from .actors import DocEntities

__all__ = ["find_amounts"]


def find_amounts(doc: Document, sp, ents: DocEntities, dates: list[DateMention]) -> list[Amount]:
    return []
