"""Person names written in Arabic script, and their key in the Latin skeleton's alphabet.

`normalise_arabic_name` is the usual search normalisation: one alef, hamza carriers folded,
taa marbuta as haa, alef maqsura as yaa, no diacritics or tatweel. `arabic_name_key`
transliterates into the consonant skeleton of `centrale.domain.names.latin_name_key`, so that
`محمد` and `Mohamed` get the same key.
"""

from __future__ import annotations

import re

from centrale.domain.names import skeleton

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ئ": "ي",
        "ى": "ي",
        "ة": "ه",
        "ک": "ك",
        "ی": "ي",
        "گ": "ك",
        "ڭ": "ك",
    }
)
_ALEFS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"})
_NOT_ARABIC = re.compile(r"[^\u0621-\u064a\s]+")
_SPACES = re.compile(r"\s+")

#: Arabic letters in the skeleton's alphabet. Long vowels, hamza, ain and taa marbuta are
#: vowels there (`a`), dropped after the first letter, as Latin spellings drop or vary them.
_LETTERS: dict[str, str] = {
    "ا": "a",
    "أ": "a",
    "إ": "a",
    "آ": "a",
    "ٱ": "a",
    "ء": "a",
    "ؤ": "u",
    "ئ": "i",
    "ى": "a",
    "ع": "a",
    "ة": "a",
    "و": "u",
    "ي": "i",
    "ب": "b",
    "ت": "t",
    "ث": "t",
    "ج": "j",
    "ح": "h",
    "خ": "h",
    "د": "d",
    "ذ": "d",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ش": "x",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "d",
    "غ": "g",
    "ف": "f",
    "ق": "k",
    "ك": "k",
    "ک": "k",
    "گ": "g",
    "ڭ": "g",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
    "ی": "i",
}
_PARTICLES = {"بن", "ابن", "ايت", "اوﻻد", "ولد", "بو"}


def _clean(raw: str) -> str:
    text = _DIACRITICS.sub("", raw).replace(_TATWEEL, "")
    return _SPACES.sub(" ", _NOT_ARABIC.sub(" ", text)).strip()


def normalise_arabic_name(raw: str | None) -> str | None:
    """Arabic name in one spelling: alef and hamza forms, taa marbuta, alef maqsura folded.

    >>> normalise_arabic_name("فَاطِمَة") == normalise_arabic_name("فاطمه")
    True
    >>> normalise_arabic_name("إبراهيـــم")
    'ابراهيم'
    """
    if raw is None:
        return None
    text = _clean(raw).translate(_FOLD).replace(" ", "")
    return text or None


def _word_without_article(word: str) -> str:
    if word.startswith("ال") and len(word) > 3:
        return word[2:]
    return word


def arabic_name_key(raw: str | None) -> str | None:
    """Cross-script key of an Arabic-script name, comparable with `latin_name_key`.

    >>> arabic_name_key("محمد"), arabic_name_key("العمراني"), arabic_name_key("يوسف")
    ('mhmd', 'amrn', 'ysf')
    """
    if raw is None:
        return None
    words = _clean(raw).translate(_ALEFS).split()
    if not words:
        return None
    kept = [words[0] if words[0] in _PARTICLES else _word_without_article(words[0])]
    for word in words[1:]:
        # Only the first word's article goes (as in the Latin key); `عبد الله` keeps a trace.
        kept.append(_word_without_article(word) if word.startswith("ال") else word)
    text = "".join(kept)
    latin = "".join(_LETTERS.get(ch, "") for ch in text)
    # A first waw or yaa is the consonant w or y (`وفاء` Wafae, `يوسف` Youssef).
    if text[:1] in ("و", "ي"):
        latin = ("W" if text[0] == "و" else "Y") + latin[1:]
    return skeleton(latin) or None
