"""The typed records that flow through the stages.

ingest -> RawDocument -> clean -> Document -> analyse -> Analysis -> extract -> records
Offsets in every record point into ``Document.text`` (the cleaned body).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "RawDocument", "Rejection", "Document", "DatedValue", "Sentence", "EntityMention",
    "Analysis", "Evidence", "DateMention",
]

Format = Literal["text", "html", "jsonl", "feed"]
DateSource = Literal["metadata", "header", "text", "inferred"]
Precision = Literal["day", "month", "year"]


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One article as read from its input, before cleaning."""

    source: str                 # file path, or the item's url, or FILE:LINE
    origin: str                 # the file it came from (for error messages and outlet grouping)
    format: Format
    body: str                   # decoded plain text, or HTML when ``is_html``
    is_html: bool = False
    title: str | None = None
    outlet: str | None = None
    published: str | None = None   # as given by metadata or a header line (any format); clean parses it
    published_from: DateSource | None = None
    url: str | None = None
    line: int | None = None        # JSON Lines line number / feed item index
    input_hash: str = ""           # sha256 of the raw item: what "already done" is keyed on


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input that produced no document, with the reason (see ``errors.InputError``)."""

    source: str
    reason: str
    line: int | None = None
    input_hash: str | None = None

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line is not None else self.source


@dataclass(frozen=True, slots=True)
class DatedValue:
    """A date with its precision, where it came from, how sure we are and why."""

    value: str                   # ISO: YYYY-MM-DD, YYYY-MM or YYYY
    precision: Precision
    source: DateSource
    confidence: float
    basis: str                   # human-readable reason: "header line", "'Monday (16 June)': ..."


@dataclass(slots=True)
class Document:
    """A cleaned article: what every later stage reads."""

    id: str
    source: str
    origin: str
    format: Format
    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: DatedValue | None = None
    dateline: str | None = None
    boilerplate_removed: list[str] = field(default_factory=list)
    language: str = "en"
    input_hash: str = ""
    story_id: str | None = None
    duplicate_of: str | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class EntityMention:
    start: int
    end: int
    label: str                   # spaCy label: PERSON, ORG, GPE, NORP, DATE, MONEY, ...
    text: str


@dataclass(slots=True)
class Analysis:
    """What the NLP pass found in one document (offsets into ``Document.text``)."""

    doc_id: str
    language: str
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[EntityMention] = field(default_factory=list)
    analysed: bool = True        # False for non-English documents: stored, not mis-analysed


@dataclass(frozen=True, slots=True)
class Evidence:
    doc_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class DateMention:
    """A temporal expression in a document's text (dates.jsonl)."""

    id: str
    doc_id: str
    text: str
    start: int
    end: int
    type: str
    value: str
    precision: str | None
    anchor: str | None
