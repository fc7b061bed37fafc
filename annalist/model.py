"""The typed records that flow through the stages.

ingest -> RawDocument -> clean -> Document -> analyse -> Analysis -> extract -> records
Offsets in every record point into ``Document.text`` (the cleaned body).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "RawDocument", "Rejection", "Document", "DatedValue", "Sentence", "EntityMention",
    "Analysis", "Evidence", "DateMention", "Entity", "Actor", "Location", "Event", "Quote",
    "Amount", "Agreement", "Extraction", "Variant", "Conflict", "FusedEvent",
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


# -- extraction records (export contract: ../shared/spec/export-format.md) ---------------------

@dataclass(slots=True)
class Entity:
    """One person, organisation or place within a document, with every mention of it."""

    id: str                      # f"{doc_id}-e{start of first mention}"
    doc_id: str
    name: str                    # the fullest form the document uses ("Kassym-Jomart Tokayev")
    type: str                    # PERSON | ORG | GPE | LOC | EVENT
    country: str | None = None   # ISO 3166-1 alpha-3, or "IGO:SCO" for international organisations
    role: str | None = None      # HEAD_OF_STATE, HEAD_OF_GOV, FOREIGN_MINISTER, MINISTER, GOV, LEG, MIL, BUS, MEDIA, IGO, ...
    title: str | None = None     # "President", "Foreign Minister", as written
    aliases: list[str] = field(default_factory=list)   # every other form used ("Tokayev", "the Kazakh President")
    mentions: list[tuple[int, int]] = field(default_factory=list)  # offsets of every mention, pronouns included


@dataclass(frozen=True, slots=True)
class Actor:
    """An event participant or a speaker: a resolved entity, or a bare country/role."""

    name: str
    entity_id: str | None = None
    country: str | None = None
    role: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Location:
    name: str
    country: str | None = None


@dataclass(slots=True)
class Event:
    """Who did what to whom, when and where."""

    id: str                      # f"{doc_id}-v{start of the trigger}"
    doc_id: str
    plover: str                  # one of the 16 PLOVER types: CONSULT, AGREE, COOPERATE, ...
    cameo: str                   # CAMEO code as a string: "036", "057"
    source: Actor | None
    target: Actor | None
    trigger: str                 # the word(s) that code the event ("met", "signed")
    evidence: list[Evidence]     # the sentence(s) that report it
    date: str | None = None      # ISO, to its precision
    date_precision: str | None = None
    date_from: str | None = None   # "text: 'on Monday (16 June)'", "publication date", ...
    location: Location | None = None
    status: str = "reported"     # reported | planned | background
    mode: str | None = None      # PLOVER mode where it applies (e.g. "visit" for CONSULT)
    negated: bool = False        # "did not sign": kept for the record, never counted as having happened
    summary: str = ""
    confidence: float = 0.5
    story_id: str | None = None


@dataclass(slots=True)
class Quote:
    id: str                      # f"{doc_id}-q{start of the quoted text}"
    doc_id: str
    text: str                    # the quoted words, without quotation marks (== doc.text[start:end] for one span)
    direct: bool
    speaker: Actor | None
    evidence: list[Evidence]     # the quoted span(s) and the attribution
    start: int = 0
    end: int = 0
    event_id: str | None = None
    story_id: str | None = None
    utterance_id: str | None = None


@dataclass(slots=True)
class Amount:
    id: str                      # f"{doc_id}-a{start}"
    doc_id: str
    text: str                    # as written: "$44 billion"
    value: float                 # fully expanded: 44000000000
    unit: str                    # ISO 4217 ("USD", "KZT"), "percent", or a counted noun ("agreements")
    what: str | None             # what is measured: "bilateral trade"
    qualifier: str               # exact | more_than | less_than | about | at_least | up_to
    period: str | None           # the date or year it refers to ("2024")
    entities: list[str]          # countries (ISO3) or entity ids it is about
    evidence: list[Evidence]
    start: int = 0
    end: int = 0


@dataclass(slots=True)
class Agreement:
    id: str                      # f"{doc_id}-g{start}"
    doc_id: str
    title: str | None            # as reported; None when the text only counts documents
    kind: str                    # agreement | memorandum | protocol | joint statement | treaty | contract | roadmap | documents
    parties: list[str]           # ISO3 countries and organisations
    signed: str | None           # ISO date
    topic: str | None
    count: int                   # 1 for a named document; N for "signed 24 documents"
    evidence: list[Evidence]
    status: str = "reported"     # reported | planned | background | negated
    story_id: str | None = None


@dataclass(slots=True)
class Extraction:
    """Everything extracted from one document."""

    doc_id: str
    dates: list[DateMention] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)


# -- records across documents (link stage) -----------------------------------------------------

@dataclass(frozen=True, slots=True)
class Variant:
    """One value sources give for a fact, and which documents give it."""

    value: str
    doc_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Conflict:
    """Sources disagree on a fact: every value is kept with its sources."""

    field: str                   # "date", "location", "value", "count", ...
    variants: tuple[Variant, ...]
    about: str | None = None     # what the fact belongs to ("bilateral trade (USD, 2024)")


@dataclass(slots=True)
class FusedEvent:
    """One happening, fused from every document's report of it (events.jsonl)."""

    id: str                      # "e" + hash of its smallest mention id
    story_id: str | None
    plover: str
    cameo: str
    source: Actor | None         # entity_id: the cross-document entity
    target: Actor | None
    evidence: list[Evidence]     # every sentence, from every document, that reports it
    mention_ids: list[str]       # the per-document events fused here
    doc_ids: list[str]
    outlets: list[str]
    sources: int                 # independent sources: near-duplicate copies and one outlet count once
    first_reported: str | None   # earliest publication day among its documents
    first_doc_id: str | None
    date: str | None = None
    date_precision: str | None = None
    date_from: str | None = None
    location: Location | None = None
    status: str = "reported"
    mode: str | None = None
    negated: bool = False
    summary: str = ""
    trigger: str = ""
    confidence: float = 0.5
    conflicts: list[Conflict] = field(default_factory=list)
