"""Language of an item, detected offline by py3langid (its model ships inside the package).

Detection is limited to the languages the review's sources are written in, so that a short
French headline is not read as, say, Catalan; a text too short to judge takes its source's
language.
"""

from __future__ import annotations

from functools import cache
from typing import Any

CANDIDATES = ("fr", "ar", "en", "es", "de", "it", "pt")
MIN_LETTERS = 40
MIN_CONFIDENCE = 0.8


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(CANDIDATES))
    return identifier


def detect_language(text: str, fallback: str) -> str:
    """The ISO 639-1 code of `text`'s language, or `fallback` when unsure.

    >>> detect_language("Le microcrédit a rendu autonomes des milliers de femmes.", "en")
    'fr'
    >>> detect_language("OK", "ar")
    'ar'
    """
    letters = sum(1 for char in text if char.isalpha())
    if letters < MIN_LETTERS:
        return fallback
    language, confidence = _identifier().classify(text[:4000])
    if confidence < MIN_CONFIDENCE:
        return fallback
    return str(language)
