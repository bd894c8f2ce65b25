"""Excerpts: the editor quotes the passage to show; centrale suggests the best sentences and
formats the quote the Flash-back way, « (…) … », with the elisions the passage needs.

A passage is checked against the article's text, fragment by fragment (fragments are what
lies between elision marks); a fragment that is not found is reported, not refused, since
editors legitimately write a bracketed word in place of a pronoun: « (Elle) s'entend… ».
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from centrale.review.analysis import without_controls
from centrale.review.errors import InvalidReviewInput, choice
from centrale.review.queue import get_item
from centrale.review.ranking import bm25
from centrale.review.wording import LINK_LABELS, NBSP
from centrale.store import review_items as store

if TYPE_CHECKING:
    from sqlalchemy import Engine

ELISION = "(…)"
MARKS = re.compile(r"[\(\[](?:…|\.\.\.)[\)\]]")
SENTENCE_END = re.compile(r"(?<=[.!?؟…])[»\"”]?\s+(?=[«\"“(\[A-ZÀ-ÖØ-Þ0-9\u0600-\u06ff])")
ABBREVIATIONS = ("M.", "Mme.", "Dr.", "Pr.", "St.", "etc.", "art.", "p.", "n°.", "Mr.", "Ms.")
EDITORIAL = re.compile(r"^[\(\[][^\)\]]{1,30}[\)\]]\s*")
QUOTE_CHARS = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"'})
MIN_SENTENCE, MAX_SENTENCE = 40, 450


@dataclass(frozen=True)
class Quote:
    text: str
    missing: list[str]


def sentences(text: str) -> list[str]:
    """The sentences of a text, paragraph by paragraph.

    >>> sentences("M. Belmaachi répond. Le taux est de 90%. Fin")
    ['M. Belmaachi répond.', 'Le taux est de 90%.', 'Fin']
    """
    found = []
    for paragraph in text.split("\n"):
        start = 0
        for match in SENTENCE_END.finditer(paragraph):
            head = paragraph[start : match.start()].rstrip()
            if head.endswith(ABBREVIATIONS):
                continue
            found.append(paragraph[start : match.end()].strip())
            start = match.end()
        if paragraph[start:].strip():
            found.append(paragraph[start:].strip())
    return found


def suggest(text: str, language: str, count: int = 3) -> list[str]:
    """The `count` sentences that say the most about microfinance, in the article's order.

    >>> suggest("Il pleut. Le microcrédit aide les femmes rurales du Maroc.", "fr", 1)
    ['Le microcrédit aide les femmes rurales du Maroc.']
    """
    candidates = [s for s in sentences(text) if MIN_SENTENCE <= len(s) <= MAX_SENTENCE]
    if not candidates:
        candidates = sentences(text)
    scores = bm25(candidates, language)
    best = sorted(range(len(candidates)), key=lambda i: (-scores[i], i))[:count]
    return [candidates[i] for i in sorted(best)]


def compose(chosen: list[str], text: str) -> str:
    """A passage made of chosen sentences, with an elision wherever the article has a gap.

    >>> compose(["B.", "D."], "A. B. C. D.")
    '(…) B. (…) D.'
    """
    parts: list[str] = []
    cursor = 0
    flat = _flat(text)
    for sentence in chosen:
        position = flat.find(_flat(sentence), cursor)
        if position < 0:
            raise InvalidReviewInput(
                f"La phrase « {sentence[:60]} »… ne figure pas dans l'article ; "
                "choisissez parmi les suggestions."
            )
        if flat[cursor:position].strip():
            parts.append(ELISION)
        parts.append(sentence)
        cursor = position + len(_flat(sentence))
    return " ".join(parts)


def format_quote(passage: str, text: str) -> Quote:
    """The quote as printed, « (…) … », and the fragments not found in the article.

    >>> format_quote("ont montré que le microcrédit a rendu autonome", "Les études ont montré "
    ...              "que le microcrédit a rendu autonome des milliers de bénéficiaires.").text
    '«\\xa0(…) ont montré que le microcrédit a rendu autonome\\xa0»'
    """
    body = " ".join(passage.split()).strip().strip('«»"“” ').strip()
    if not body:
        raise InvalidReviewInput("Citation vide ; donnez le passage de l'article à citer.")
    body = MARKS.sub(ELISION, body)
    fragments = [f for f in (part.strip(" .,;:") for part in body.split(ELISION)) if f]
    flat = _flat(text)
    cursor, missing, first_at = 0, [], None
    for fragment in fragments:
        needle = _flat(EDITORIAL.sub("", fragment))
        position = flat.find(needle, cursor)
        if position < 0:
            missing.append(fragment)
            continue
        first_at = position if first_at is None else first_at
        cursor = position + len(needle)
    if first_at and not body.startswith(ELISION):
        body = f"{ELISION} {body}"
    return Quote(f"«{NBSP}{body}{NBSP}»", missing)


def quote_item(engine: Engine, item_id: int, passage: str, *, label: str | None = None) -> Quote:
    """Set an item's quote (and link label), formatted; returns it with what was not found.

    >>> quote_item(engine, 4, "Les différentes enquêtes (…) du microcrédit.").missing
    ... # doctest: +SKIP
    []
    """
    item = get_item(engine, item_id)
    quote = format_quote(without_controls(passage), item.text or "")
    if label is not None:
        label = choice(label, LINK_LABELS, "Libellé du lien")
    with engine.begin() as conn:
        store.set_excerpt(conn, item_id, quote.text, link_label=label)
    return quote


def _flat(text: str) -> str:
    # Compare without typographic differences: apostrophes, quotes and spacing.
    return " ".join(text.translate(QUOTE_CHARS).split())
