"""Language of a document, so non-English text is stored and flagged, not mis-analysed."""
from __future__ import annotations

from functools import cache

__all__ = ["detect_language"]


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str, float]:
    """ISO 639-1 code and probability, from the first few thousand characters."""
    lang, prob = _identifier().classify(text[:3000])
    return lang, float(prob)
