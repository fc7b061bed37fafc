"""extract: one cleaned, parsed document -> the records of the export contract.

Each extractor is a function of (Document, spaCy Doc, what earlier steps found) and every
record it returns carries evidence spans into ``Document.text``."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Document, Extraction
from .actors import resolve_entities
from .agreements import find_agreements
from .amounts import find_amounts
from .dates import date_mentions
from .events import find_events
from .quotes import find_quotes

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["extract"]


def extract(doc: Document, sp: "Doc | None") -> Extraction:
    """All records of one document (only dates when it was not analysed)."""
    # 1. temporal expressions, resolved against the publication day: later steps date by them
    dates = date_mentions(doc)
    if sp is None:
        return Extraction(doc.id, dates=dates)
    # 2. entities with country and role, pronouns and short forms resolved within the document
    ents = resolve_entities(doc, sp)
    # 3. the rest reads entities (speakers, parties, actors) and dates (periods, event dates)
    return Extraction(
        doc.id, dates=dates, entities=ents.entities,
        quotes=find_quotes(doc, sp, ents),
        amounts=find_amounts(doc, sp, ents, dates),
        agreements=find_agreements(doc, sp, ents, dates),
        events=find_events(doc, sp, ents, dates),
    )
