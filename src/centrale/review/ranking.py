"""Relevance to microfinance: BM25 over stemmed text, with the topic profile's term weights
in place of the inverse document frequency, then the editor's rules.

Why not the corpus IDF: a week's intake from specialised sources is mostly on topic, and the
IDF of "microcrédit" then falls to almost nothing, ranking at random exactly where it
matters. BM25's saturating term frequency and length normalisation are kept; the weights
come from the profile (`profile.py`), the same in every language, so French, Arabic and
English items are ranked on one scale.

Rules: `boost` multiplies the score of items containing the term by its weight; `block`
hides pending items containing it; `keep` shows items containing it whatever their score,
and wins over `block`. Sources weigh by priority (1 to 5): 0.7 to 1.3.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from centrale.errors import Conflict
from centrale.review.analysis import fold_accents, normalise, term_counts, tokens
from centrale.review.errors import InvalidReviewInput, choice
from centrale.review.moments import utc_now
from centrale.review.profile import PROFILE
from centrale.store import review_intake, review_rules
from centrale.store.review_rules import Rule

if TYPE_CHECKING:
    from sqlalchemy import Engine

K1 = 1.2
B = 0.75
RULE_KINDS = ("boost", "block", "keep")
#: The longest term, and matching key, a rule keeps (its columns' size).
MAX_TERM = 200


@dataclass(frozen=True)
class RankReport:
    scored: int
    blocked: int
    kept: int


@cache
def profile_terms(language: str) -> dict[tuple[str, ...], float]:
    """The profile of a language as stemmed terms and their weights."""
    terms: dict[tuple[str, ...], float] = {}
    for term, weight in PROFILE.get(language, {}).items():
        stems = tuple(tokens(term, language))
        if stems:
            terms[stems] = max(weight, terms.get(stems, 0.0))
    return terms


def bm25(texts: Sequence[str], language: str) -> list[float]:
    """BM25 scores of texts in one language against the topic profile.

    >>> a, b = bm25(["Le microcrédit au Maroc", "Le couscous aux légumes"], "fr")
    >>> a > 0 == b
    True
    """
    terms = profile_terms(language)
    if not terms:
        return [0.0] * len(texts)
    stemmed = [tokens(text, language) for text in texts]
    average = sum(len(s) for s in stemmed) / len(stemmed) if stemmed else 1.0
    scores = []
    for stems in stemmed:
        norm = K1 * (1 - B + B * len(stems) / (average or 1.0))
        counts = term_counts(stems, terms)
        scores.append(
            sum(
                weight * counts[term] * (K1 + 1) / (counts[term] + norm)
                for term, weight in terms.items()
                if counts[term]
            )
        )
    return scores


def contains(text: str, term: str, language: str) -> bool:
    """Whether `term` appears in `text` as whole words, ignoring case and accents."""
    haystack = fold_accents(normalise(text, language))
    needle = fold_accents(normalise(term, language))
    return re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack) is not None


def add_rule(engine: Engine, kind: str, term: str, weight: float = 1.5) -> int:
    """Add a boost, block or keep rule.

    >>> add_rule(engine, "boost", "Maroc", 1.3)  # doctest: +SKIP
    1
    """
    kind = choice(kind, RULE_KINDS, "Type de règle")
    if not term.strip():
        raise InvalidReviewInput("Règle sans terme ; donnez le mot ou l'expression visés.")
    if kind == "boost" and weight <= 0:
        raise InvalidReviewInput(f"Poids invalide : {weight} ; donnez un nombre positif.")
    term = " ".join(term.split())
    key = rule_key(term)
    if max(len(term), len(key)) > MAX_TERM:
        # Some characters spread when accents are taken apart (« … » is three dots): the
        # term may fit while the form it is matched by does not.
        spread = (
            f", {len(key)} une fois les accents et signes décomposés"
            if len(key) > len(term)
            else ""
        )
        raise InvalidReviewInput(
            f"Terme trop long ({len(term)} caractères{spread}) : {MAX_TERM} au plus ; une "
            "règle vise un mot ou une expression."
        )
    try:
        with engine.begin() as conn:
            weight = weight if kind == "boost" else 1.0
            return review_rules.add_rule(conn, kind, term, key, weight)
    except Conflict as error:
        # The review answers a repeated rule as a bad value, like its other input errors.
        raise InvalidReviewInput(error.message) from error


def rule_key(term: str) -> str:
    """A rule's term as the matcher sees it: « Maroc », « MAROC » and « maroc » are one rule.

    >>> rule_key("  Micro-Crédit   au MAROC ") == rule_key("microcredit au maroc")
    True
    """
    # Arabic folds apply to Arabic letters only, so one key serves every language.
    return fold_accents(normalise(" ".join(term.split()), "ar"))


def list_rules(engine: Engine) -> list[Rule]:
    with engine.connect() as conn:
        return review_rules.list_rules(conn)


def remove_rule(engine: Engine, rule_id: int) -> None:
    with engine.begin() as conn:
        gone = review_rules.remove_rule(conn, rule_id)
    if not gone:
        raise InvalidReviewInput(
            f"Règle inconnue : {rule_id} ; voyez `centrale review rules list`."
        )


def rank_items(engine: Engine, *, window_days: int = 60, now: datetime | None = None) -> RankReport:
    """Score the items fetched in the last `window_days` and apply the rules."""
    since = (now or utc_now()) - timedelta(days=window_days)
    rules = list_rules(engine)
    with engine.connect() as conn:
        rows = review_intake.items_fetched_since(conn, since)
    by_language: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        by_language.setdefault(row.language, []).append(index)
    scores = [0.0] * len(rows)
    for language, indexes in by_language.items():
        # The title counts twice: it says what the article is about.
        texts = [f"{rows[i].title}\n{rows[i].title}\n{rows[i].text or ''}" for i in indexes]
        for index, score in zip(indexes, bm25(texts, language), strict=True):
            scores[index] = score
    report = RankReport(0, 0, 0)
    with engine.begin() as conn:
        for row, score in zip(rows, scores, strict=True):
            text = f"{row.title}\n{row.text or ''}"
            matched = [rule for rule in rules if contains(text, rule.term, row.language)]
            kept = any(rule.kind == "keep" for rule in matched)
            blocked = not kept and any(rule.kind == "block" for rule in matched)
            for rule in matched:
                if rule.kind == "boost":
                    score *= rule.weight
            score *= 1 + 0.15 * (row.priority - 3)
            state = row.state
            if state == "pending" and blocked:
                state = "blocked"
            elif state == "blocked" and not blocked:
                state = "pending"
            review_intake.set_rank(conn, row.id, score=round(score, 4), kept=kept, state=state)
            report = RankReport(
                report.scored + 1, report.blocked + (state == "blocked"), report.kept + kept
            )
    return report
