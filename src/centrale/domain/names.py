"""Moroccan person names written in Latin script: one normal form, one phonetic key.

Institutions write the same name many ways: accents or not, `El Amrani` / `El-Amrani` /
`Elamrani`, `Mohamed` / `Mohammed` / `Muhammad` / `Mhamed`, `Youssef` / `Yusuf`,
`Chaoui` / `Shaoui`, `Khadija` / `Khadidja`, `Fatima-Zahra` / `Fatimazahra`.

- `normalise_latin_name` keeps the vowels (they tell names apart) but removes the noise:
  accents, case, punctuation, spaces, doubled letters, particles written apart.
- `latin_name_key` is a consonant skeleton in which a name written in Latin letters and the
  same name written in Arabic (`centrale.domain.arabic.arabic_name_key`) meet.
"""

from __future__ import annotations

import re
import unicodedata

#: Particles that join the word after them, mapped to one spelling.
PARTICLES: dict[str, str] = {
    "el": "el",
    "al": "al",
    "ben": "ben",
    "bin": "ben",
    "ibn": "ben",
    "ait": "ait",
    "ayt": "ait",
    "ou": "ou",
    "ould": "ould",
    "ouled": "ould",
    "oulad": "ould",
    "bel": "bel",
    "bou": "bou",
}
#: The article assimilated to a sun letter (`Es-Saadi`, `Ech-Chaoui`, `Er-Rami`).
ARTICLES = {"el", "es", "ech", "et", "ed", "en", "er", "ez", "ad", "as", "ar", "at", "az"}

#: Usual Maghrebi spellings in which the article is fused into the name (`Lahcen` is
#: al-Hassan); the key of the fused form must meet the key of the Arabic name.
FUSED_ARTICLE = {
    "lahcen": "hasan",
    "lahsen": "hasan",
    "lhassan": "hasan",
    "lhoussaine": "husain",
    "lhousaine": "husain",
    "lahoucine": "husain",
    "lhoucine": "husain",
    "larbi": "arbi",
    "lhaj": "haj",
    "lhadj": "haj",
    "lmahdi": "mahdi",
    "lamrani": "amrani",
    "lalami": "alami",
}

_APOSTROPHES = re.compile(r"['’`´ʼ‘]")
_NOT_LETTER = re.compile(r"[^a-z]+")
_DOUBLED = re.compile(r"(.)\1+")
_ABD_ARTICLE = re.compile(r"abd(?:el|al|ul|oul|il)")
_ABD_SUN = re.compile(r"abd[eaiu]([rnsztd])\1")
_SUN_ARTICLE = re.compile(r"^e(ch|[stdnrz])\1")
#: Spelling variants of one sound, applied in order on the compact form.
_NORMAL_FORM: tuple[tuple[str, str], ...] = (
    ("sh", "ch"),
    ("dj", "j"),
    ("ph", "f"),
    ("q", "k"),
    ("ck", "k"),
    ("w", "u"),
)
_NORMAL_FORM += (("ou", "u"),)


def _respell(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    """Apply `pairs` and collapse doubled letters until nothing changes (so it is idempotent)."""
    while True:
        before = text
        text = _DOUBLED.sub(r"\1", text)
        for old, new in pairs:
            text = text.replace(old, new)
        if text == before:
            return text


_KEY_DIGRAPHS = (
    ("sch", "X"),
    ("ch", "X"),
    ("sh", "X"),
    ("kh", "h"),
    ("gh", "g"),
    ("th", "t"),
    ("dh", "d"),
    ("dj", "j"),
    ("ph", "f"),
    ("ck", "k"),
    ("ce", "se"),
    ("ci", "si"),
    ("x", "ks"),
    ("q", "k"),
    ("c", "k"),
    ("p", "b"),
    ("v", "f"),
)
_VOWELS = set("aeiouyw")


def _tokens(raw: str) -> list[str]:
    text = unicodedata.normalize("NFKD", raw)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = _NOT_LETTER.sub(" ", _APOSTROPHES.sub("", text))
    return [_halved(token) for token in text.split()]


_RUN = re.compile(r"(.)\1*")


def _halved(token: str) -> str:
    """The token with every run of a letter halved, as long as every run is of even length.

    A word typed with each letter doubled is the word: without this, the doubled consonant
    that marks a sun article (`Errachidi`) would appear in every doubled word.

    >>> _halved("eerrrraaaa"), _halved("bennani"), _halved("aaaabbbb")
    ('erraa', 'bennani', 'ab')
    """
    while len(token) > 1:
        runs = [match.group(0) for match in _RUN.finditer(token)]
        if any(len(run) % 2 for run in runs):
            break
        token = "".join(run[: len(run) // 2] for run in runs)
    return token


def _join_particles(tokens: list[str]) -> list[str]:
    """Glue each particle to the next word: `el amrani` -> `elamrani`."""
    out: list[str] = []
    pending = ""
    for token in tokens:
        # Doubled letters are noise here as everywhere (`Bbin` is `Bin`, hence `Ben`).
        plain = _DOUBLED.sub(r"\1", token)
        particle = PARTICLES.get(plain) or (plain if plain in ARTICLES else None)
        if particle is not None:
            pending += particle
            continue
        out.append(pending + token)
        pending = ""
    if pending:
        out.append(pending)
    return out


def normalise_latin_name(raw: str | None) -> str | None:
    """Compact lower-case form: no accents, punctuation, spaces or doubled letters.

    >>> normalise_latin_name("  El-Amrani "), normalise_latin_name("Mohammed"),
    ('elamrani', 'mohamed')
    >>> normalise_latin_name("Fatima Zahra") == normalise_latin_name("fatima-zahra")
    True
    """
    if raw is None:
        return None
    compact = _respell("".join(_join_particles(_tokens(raw))), _NORMAL_FORM)
    return compact or None


def _strip_article(compact: str) -> str:
    collapsed = _DOUBLED.sub(r"\1", compact)
    fused = FUSED_ARTICLE.get(collapsed)
    if fused is not None:
        return fused
    sun = _SUN_ARTICLE.match(compact)
    if sun and len(compact) > 4:
        return compact[1 + len(sun.group(1)) :]
    base = compact if compact[:2] == collapsed[:2] else collapsed
    if base.startswith("el") and len(base) > 3:
        return base[2:]
    # A fused `al` is the article only before a consonant (`Alfassi`); `Alaoui` and `Alami`
    # keep it because their Arabic form starts with the letter ain, read as a vowel.
    if base.startswith("al") and len(base) > 3 and collapsed[2] not in _VOWELS:
        return base[2:]
    return base


def skeleton(text: str) -> str:
    """Consonant skeleton of a name already spelled with the key's consonants.

    The first letter keeps a trace (`a` for a vowel, `w` or `y` for a semivowel before a
    vowel) so that Amine and Mina differ; every later vowel is dropped.

    >>> skeleton("amina"), skeleton("yusuf"), skeleton("uafae")
    ('amn', 'ysf', 'wf')
    """
    if not text:
        return ""
    head = ""
    rest = text
    if text[0] in "WY":  # a semivowel that the Arabic spelling makes certain
        head, rest = text[0].lower(), text[1:]
    elif text.startswith("ou") or text[0] in "uw":
        step = 2 if text.startswith("ou") else 1
        if len(text) > step and text[step] in _VOWELS:
            head, rest = "w", text[step:]
        else:
            head, rest = "a", text[step:]
    elif text[0] == "y" and len(text) > 1 and text[1] in _VOWELS:
        head, rest = "y", text[1:]
    elif text[0] in _VOWELS:
        head, rest = "a", text[1:]
    # A doubled letter is one letter (`nn` of Bennani is the Arabic shadda); but two like
    # consonants with a vowel between them are two letters: Bennani (بناني) is b-n-n, not Ben.
    body = "".join(ch for ch in _DOUBLED.sub(r"\1", rest) if ch not in _VOWELS)
    return head + body


def latin_name_key(raw: str | None) -> str | None:
    """Cross-script key of a Latin-script name; equal for the usual spellings of one name.

    >>> {latin_name_key(n) for n in ("Mohamed", "Muhammad", "M'hamed", "Mouhamad")}
    {'mhmd'}
    >>> latin_name_key("El Amrani") == latin_name_key("Amrani") == latin_name_key("Elamrani")
    True
    """
    if raw is None:
        return None
    tokens = _tokens(raw)
    if len(tokens) > 1 and (tokens[0] in ARTICLES or tokens[0] == "al"):
        tokens = tokens[1:]
    words = _join_particles(tokens)
    if not words:
        return None
    compact = _strip_article("".join(words))
    compact = _ABD_SUN.sub(r"abd\1", _ABD_ARTICLE.sub("abd", compact))
    return skeleton(_respell(compact, _KEY_DIGRAPHS)).lower() or None
