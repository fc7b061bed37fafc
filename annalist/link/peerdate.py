"""Dates from other documents: an article with no day-precise date of its own borrows the
date of a dated article that reports the same happening, and says so."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from ..extract.timex import find_timexes
from ..model import DatedValue

__all__ = ["PeerCandidate", "peer_dates", "MIN_SIMILARITY"]

# TF-IDF cosine over words and word pairs: shared phrasing marks the same happening, shared
# topic words alone do not. At 0.2, 53% of lent dates were exact and 66% within a day on
# newswire with one date in five hidden (python -m eval.dating); confidence follows the score.
MIN_SIMILARITY = 0.2
BLOCK_ROWS = 128


class PeerCandidate:
    __slots__ = ("doc_id", "text", "own")

    def __init__(self, doc_id: str, text: str, own: DatedValue | None):
        self.doc_id, self.text, self.own = doc_id, text, own

    @property
    def needs_date(self) -> bool:
        return self.own is None or self.own.precision != "day"

    @property
    def can_lend(self) -> bool:
        return self.own is not None and self.own.precision == "day" and self.own.confidence >= 0.7


def _not_before(own: DatedValue | None) -> str:
    return own.value if own else ""


def _fits_weekdays(weekdays: set[int], lent: str) -> bool:
    """An article that names the weekday of its events is published that day or the next."""
    if not weekdays:
        return True
    day = date.fromisoformat(lent)
    return day.weekday() in weekdays or (day - timedelta(days=1)).weekday() in weekdays


def peer_dates(docs: Sequence[PeerCandidate]) -> dict[str, tuple[DatedValue, str]]:
    """doc_id -> (borrowed date, the id of the document it came from), for documents that need one."""
    needy = [d for d in docs if d.needs_date]
    lenders = [d for d in docs if d.can_lend]
    if not needy or not lenders:
        return {}
    # Fitted on the documents at hand: rare shared words (names, figures) weigh most.
    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english", ngram_range=(1, 2),
                                 token_pattern=r"(?u)\b\w[\w$.%-]*\w\b")
    matrix = vectorizer.fit_transform([d.text for d in needy] + [d.text for d in lenders])
    lending = matrix[len(needy):].T.tocsc()
    out: dict[str, tuple[DatedValue, str]] = {}
    # A block of needy rows at a time: needy x lenders similarities at once grow with the
    # square of the corpus (4,238 x 95,346 dense floats, 3.2 GB, at 100k documents).
    for start in range(0, len(needy), BLOCK_ROWS):
        block = (matrix[start:start + BLOCK_ROWS] @ lending).toarray()
        for row, doc in enumerate(needy[start:start + BLOCK_ROWS]):
            found = _borrow(doc, block[row], lenders)
            if found:
                out[doc.doc_id] = found
    return out


def _borrow(doc: PeerCandidate, sims, lenders: Sequence[PeerCandidate]) -> tuple[DatedValue, str] | None:
    """The date of the most similar lender that the document's own text allows."""
    lower = _not_before(doc.own)
    weekdays = {t.weekday for t in find_timexes(doc.text) if t.weekday is not None}
    near = np.flatnonzero(sims >= MIN_SIMILARITY)
    # Most similar first; among equals the lender that came first, so the choice is repeatable.
    for col in near[np.lexsort((near, -sims[near]))]:
        score = float(sims[col])
        lender = lenders[col]
        if (lender.doc_id == doc.doc_id or lender.own.value[: len(lower)] < lower
                or not _fits_weekdays(weekdays, lender.own.value)):
            continue  # the lender's date must fit what the text itself allows
        dv = DatedValue(
            lender.own.value, "day", "inferred", round(min(lender.own.confidence, 0.35 + score), 2),
            f"from document {lender.doc_id}, which reports the same happening ({score:.2f} similar) "
            f"and is dated {lender.own.value} by its {lender.own.source}")
        return dv, lender.doc_id
    return None
