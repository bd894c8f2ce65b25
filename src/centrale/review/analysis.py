"""Text analysis for ranking: normalise, tokenise, drop stop words, stem (PyStemmer's Snowball
stemmers for French, Arabic and English), then count the profile's terms, phrases included.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_FRENCH

STEMMERS = {"fr": "french", "ar": "arabic", "en": "english"}
#: Characters XML 1.0 does not allow (C0 controls but tab and line ends, surrogates, U+FFFE and
#: U+FFFF): pasted from a PDF or a word processor, one makes a whole feed unreadable.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def without_controls(text: str) -> str:
    r"""`text` without the characters no feed can carry (form feeds, vertical tabs, NULs...).

    >>> without_controls("Microcrédit\x0c au\x0b Maroc\n")
    'Microcrédit au Maroc\n'
    """
    return _NOT_IN_XML.sub("", text)


ARABIC_STOPWORDS = frozenset(
    [
        "في",
        "من",
        "على",
        "إلى",
        "الى",
        "عن",
        "أن",
        "ان",
        "إن",
        "التي",
        "الذي",
        "الذين",
        "هذا",
        "هذه",
        "ذلك",
        "تلك",
        "كان",
        "كانت",
        "قد",
        "لا",
        "ما",
        "مع",
        "كما",
        "بين",
        "بعد",
        "قبل",
        "عند",
        "حول",
        "خلال",
        "أو",
        "او",
        "ثم",
        "لم",
        "لن",
        "هو",
        "هي",
        "هم",
    ]
)
WORD = re.compile(r"\w+", re.UNICODE)
MICRO = re.compile(r"\bmicro[\s\-‐‑–]+(?=\w)", re.IGNORECASE)
ARABIC_MARKS = re.compile("[\u064b-\u0652\u0640]")  # short vowels and tatweel
ARABIC_FOLDS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"})


def fold_accents(word: str) -> str:
    """`épargné` -> `epargne`: so that a missing accent does not hide a match."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def normalise(text: str, language: str) -> str:
    """Lower case; `micro-crédit` and `micro crédit` written as one word; Arabic letters
    folded (hamza forms, tāʾ marbūṭa, alif maqṣūra) and vowel marks removed.

    >>> normalise("Le Micro-Crédit", "fr")
    'le microcrédit'
    """
    text = MICRO.sub("micro", text.lower())
    if language == "ar":
        text = ARABIC_MARKS.sub("", text).translate(ARABIC_FOLDS)
    return text


@cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(STEMMERS.get(language, "english"))


@cache
def _stopwords(language: str) -> frozenset[str]:
    if language == "fr":
        return frozenset(STOPWORDS_FRENCH)
    if language == "ar":
        return frozenset(normalise(word, "ar") for word in ARABIC_STOPWORDS)
    return frozenset(STOPWORDS_EN)


def tokens(text: str, language: str) -> list[str]:
    """Stemmed tokens of a text, stop words left out.

    >>> tokens("Les microcrédits aux emprunteurs", "fr")
    ['microcred', 'emprunteur']
    """
    stop = _stopwords(language)
    words = [w for w in WORD.findall(normalise(text, language)) if len(w) > 1 and w not in stop]
    if language == "fr":
        # Snowball stems `microcrédit` and `microcrédits` apart: drop the plural first.
        words = [w[:-1] if len(w) > 4 and w[-1] in "sx" else w for w in words]
    stems = _stemmer(language).stemWords(words)
    if language == "ar":
        return list(stems)
    return [fold_accents(stem) for stem in stems]


def term_counts(stems: list[str], terms: Iterable[tuple[str, ...]]) -> dict[tuple[str, ...], int]:
    """How often each term (a tuple of stems, a phrase if longer than one) occurs.

    >>> term_counts(["central", "risqu", "central"], [("central",), ("central", "risqu")])
    {('central',): 2, ('central', 'risqu'): 1}
    """
    words = Counter(stems)
    counts = {}
    for term in terms:
        first = words.get(term[0], 0)
        if len(term) == 1 or first == 0:
            counts[term] = first
            continue
        size = len(term)
        counts[term] = sum(
            1
            for i, stem in enumerate(stems[: len(stems) - size + 1])
            if stem == term[0] and tuple(stems[i : i + size]) == term
        )
    return counts
