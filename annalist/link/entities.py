"""One entity per person, organisation or place across documents.

The per-document resolver has already merged "Tokayev", "the President" and "he" into the
full name within each article. Here articles meet: the same full name (accents and case
folded) and type is one entity; a surname-only entity joins the single full-name entity
that ends with it and has a compatible country, and stays apart when two people share the
surname; a one-word organisation (an acronym) joins the single entity that uses it as an
alias. Linear in the number of entities: dictionaries, no pairwise comparison."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["EntityRow", "GlobalEntity", "link_entities", "fold"]


def fold(name: str) -> str:
    """"Recep Tayyip Erdoğan" -> "recep tayyip erdogan"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_name.lower()).split())


@dataclass(frozen=True, slots=True)
class EntityRow:
    id: str
    doc_id: str
    name: str
    type: str
    country: str | None
    role: str | None
    title: str | None
    aliases: tuple[str, ...]
    mentions: int


@dataclass(slots=True)
class GlobalEntity:
    id: str
    name: str
    type: str
    country: str | None
    role: str | None
    title: str | None
    aliases: list[str]
    mentions: int
    doc_ids: list[str]
    members: list[str] = field(default_factory=list)   # the per-document entity ids


def _compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


def _most_common(values: Iterable[str | None]) -> str | None:
    counts = Counter(v for v in values if v)
    if not counts:
        return None
    return min(counts, key=lambda v: (-counts[v], v))


def link_entities(rows: Iterable[EntityRow]) -> list[GlobalEntity]:
    rows = sorted(rows, key=lambda r: r.id)
    clusters: dict[tuple[str, str], list[EntityRow]] = defaultdict(list)
    deferred: list[EntityRow] = []
    for r in rows:
        key = fold(r.name)
        if not key:
            continue
        if len(key.split()) == 1 and r.type in ("PERSON", "ORG"):
            deferred.append(r)  # a surname or an acronym: attach once all full names are known
        else:
            clusters[(r.type, key)].append(r)
    by_surname: dict[str, list[tuple[str, str]]] = defaultdict(list)
    by_alias: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for (typ, key), members in clusters.items():
        if typ == "PERSON":
            by_surname[key.split()[-1]].append((typ, key))
        for m in members:
            for alias in m.aliases:
                if len(fold(alias).split()) == 1:
                    by_alias[fold(alias)].add((typ, key))
    for r in deferred:
        key = fold(r.name)
        if r.type == "PERSON":
            options = [k for k in by_surname.get(key, []) if _compatible(r.country, _cluster_country(clusters[k]))]
        else:
            options = [k for k in by_alias.get(key, ()) if k[0] == r.type]
        if len(options) == 1:
            clusters[options[0]].append(r)
        else:
            clusters[(r.type, key)].append(r)  # ambiguous or unknown: its own entity
    return [_merge(key, members) for key, members in sorted(clusters.items())]


def _cluster_country(members: list[EntityRow]) -> str | None:
    return _most_common(m.country for m in members)


def _merge(key: tuple[str, str], members: list[EntityRow]) -> GlobalEntity:
    names = Counter(m.name for m in members if fold(m.name) == key[1]) or Counter(m.name for m in members)
    name = min(names, key=lambda n: (-names[n], -len(n), n))
    aliases = sorted({a for m in members for a in (m.name, *m.aliases)} - {name})
    digest = hashlib.sha256(f"{key[0]}|{key[1]}".encode()).hexdigest()[:12]
    return GlobalEntity(
        id=f"E{digest}", name=name, type=key[0], country=_cluster_country(members),
        role=_most_common(m.role for m in members), title=_most_common(m.title for m in members),
        aliases=aliases, mentions=sum(m.mentions for m in members),
        doc_ids=sorted({m.doc_id for m in members}), members=sorted(m.id for m in members))
