"""Agreements: documents signed (placeholder: none yet)."""
from __future__ import annotations

from ..model import Agreement, DateMention, Document
from .actors import DocEntities

__all__ = ["find_agreements"]


def find_agreements(doc: Document, sp, ents: DocEntities, dates: list[DateMention]) -> list[Agreement]:
    return []
