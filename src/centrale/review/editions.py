"""An issue's editions: the same issue in each language the review has words for.

An issue is written in one language (French unless created otherwise). Its edition in another
language takes that language's fixed texts (masthead, summary, section titles, link labels,
dates, barometer) and direction, `rtl` for Arabic; the items keep their own language and
direction, as they were quoted.

The rule when an edition cannot be produced: the standard introduction and disclaimer exist
in every edition, but one the editor wrote has no translation. An issue whose introduction or
disclaimer is not the standard text of its language is therefore sent in its own edition
(French, for a French issue) to every reader, the footer alone in the reader's language.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from sqlalchemy import Engine, select

from centrale.review.barometer import barometer_figures, barometer_view
from centrale.review.composition import IssueItem, IssueView, Section, issue_view
from centrale.review.wording import EDITIONS, Wording, text_direction, wording
from centrale.store.review_tables import review_issues


def edition_language(issue: IssueView, reader_language: str) -> str:
    """The language of the edition a reader of `reader_language` receives.

    >>> edition_language(issue_view(engine, 1), "ar")  # doctest: +SKIP
    'ar'
    """
    if reader_language == issue.language or reader_language not in EDITIONS:
        return issue.language
    own = wording(issue.language)
    if issue.intro.strip() != own.intro or issue.disclaimer.strip() != own.disclaimer:
        return issue.language
    return reader_language


class Editions:
    """The editions of one issue, each assembled once, for a send that renders per reader.

    >>> Editions(engine, 1).for_reader("ar").direction  # doctest: +SKIP
    'rtl'
    """

    def __init__(self, engine: Engine, issue_id: int) -> None:
        self.engine = engine
        self.original = issue_view(engine, issue_id)
        self._made: dict[str, IssueView] = {self.original.language: self.original}

    def for_reader(self, reader_language: str) -> IssueView:
        language = edition_language(self.original, reader_language)
        if language not in self._made:
            self._made[language] = translated(
                self.original, language, self._figures(), wording(language)
            )
        return self._made[language]

    def _figures(self) -> dict[str, Any] | None:
        # The same figures as the original: frozen at publication, else the registry's latest.
        with self.engine.connect() as conn:
            frozen = conn.execute(
                select(review_issues.c.barometer).where(review_issues.c.id == self.original.id)
            ).scalar()
        if self.original.status == "published" and frozen is not None:
            figures: dict[str, Any] | None = json.loads(frozen)  # "null" on an empty registry
            return figures
        return barometer_figures(self.engine, self.original.date_to)


def translated(
    issue: IssueView, language: str, figures: dict[str, Any] | None, words: Wording
) -> IssueView:
    """`issue` in the fixed texts of `language`; its items are left as quoted."""
    label_keys = {label: key for key, label in issue.words.labels.items()}
    sections = [
        Section(
            section.region,
            section.kind,
            f"{words.regions[section.region]} – {words.kinds[section.kind]}",
            [_relabelled(item, label_keys, words) for item in section.items],
        )
        for section in issue.sections
    ]
    return replace(
        issue,
        language=language,
        direction=text_direction(language),
        intro=words.intro,
        disclaimer=words.disclaimer,
        words=words,
        sections=sections,
        barometer=barometer_view(figures, language),
    )


def _relabelled(item: IssueItem, label_keys: dict[str, str], words: Wording) -> IssueItem:
    key = label_keys.get(item.link_label)
    if key is None or key not in words.labels:
        return item
    return replace(item, link_label=words.labels[key])
