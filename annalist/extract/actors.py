"""Actors: entity mentions -> entities with country, role and aliases (within one document).

A first version: spaCy's entities, countries by name via pycountry. It is replaced
by the full resolver (titles, roles, demonyms, organisations, coreference)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model import Actor, Document, Entity

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["DocEntities", "resolve_entities"]


@dataclass
class DocEntities:
    """The entities of one document and lookups by character span."""

    entities: list[Entity] = field(default_factory=list)

    def entity_at(self, start: int, end: int) -> Entity | None:
        """The entity with a mention overlapping [start, end) (the longest such mention wins)."""
        best, best_len = None, -1
        for e in self.entities:
            for s, t in e.mentions:
                if s < end and start < t and t - s > best_len:
                    best, best_len = e, t - s
        return best

    def actor_at(self, start: int, end: int) -> Actor | None:
        e = self.entity_at(start, end)
        if e is None:
            return None
        return Actor(name=e.name, entity_id=e.id, country=e.country, role=e.role, title=e.title)

    def countries_in(self, start: int, end: int) -> list[str]:
        """Countries of the entities mentioned in [start, end), in order of first mention."""
        found: dict[str, int] = {}
        for e in self.entities:
            for s, t in e.mentions:
                if start <= s and t <= end and e.country:
                    found.setdefault(e.country, s)
        return sorted(found, key=found.get)


def resolve_entities(doc: Document, sp: "Doc | None") -> DocEntities:
    if sp is None:
        return DocEntities()
    import pycountry

    by_key: dict[tuple[str, str], Entity] = {}
    for ent in sp.ents:
        if ent.label_ not in ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"):
            continue
        key = (ent.label_, ent.text)
        e = by_key.get(key)
        if e is None:
            country = None
            if ent.label_ in ("GPE", "NORP"):
                try:
                    country = pycountry.countries.lookup(ent.text).alpha_3
                except LookupError:
                    country = None
            e = by_key[key] = Entity(id=f"{doc.id}-e{ent.start_char}", doc_id=doc.id, name=ent.text,
                                     type="GPE" if ent.label_ in ("GPE", "NORP") else ent.label_,
                                     country=country, role="GOV" if country else None)
        e.mentions.append((ent.start_char, ent.end_char))
    return DocEntities(list(by_key.values()))
