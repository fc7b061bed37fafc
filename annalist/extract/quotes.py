"""Quotes: direct and reported speech with resolved speakers (placeholder: none yet)."""
from __future__ import annotations

from ..model import Document, Quote
from .actors import DocEntities

__all__ = ["find_quotes"]


def find_quotes(doc: Document, sp, ents: DocEntities) -> list[Quote]:
    return []
