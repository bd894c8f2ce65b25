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

from typing import TYPE_CHECKING

from centrale.review.composition import IssueView, issue_view
from centrale.review.wording import EDITIONS, wording

if TYPE_CHECKING:
    from sqlalchemy import Engine


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
            self._made[language] = issue_view(self.engine, self.original.id, language)
        return self._made[language]
