"""An issue as the templates see it: sections, the `[Source] Titre` summary, the barometer.

Every rendering (e-mail, text, web page, PDF, feeds) reads the same `IssueView`, built here
from the store, so the formats cannot drift apart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from centrale.review.barometer import Barometer, barometer_figures, barometer_view
from centrale.review.errors import UnknownIssue
from centrale.review.moments import as_utc
from centrale.review.wording import (
    KINDS,
    REGIONS,
    Wording,
    date_range,
    text_direction,
    wording,
)
from centrale.store import review_issues as store
from centrale.store.review_items import ItemRow

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass(frozen=True)
class SeeAlso:
    source_name: str
    title: str
    url: str


@dataclass(frozen=True)
class IssueItem:
    id: int
    headline: str
    source_name: str
    url: str
    language: str
    direction: str
    region: str
    kind: str
    excerpt: str | None
    link_label: str
    published_at: datetime | None
    see_also: list[SeeAlso]

    @property
    def summary_line(self) -> str:
        return f"[{self.source_name}] {self.headline}"


@dataclass(frozen=True)
class Section:
    region: str
    kind: str
    title: str
    items: list[IssueItem]


@dataclass(frozen=True)
class IssueView:
    id: int
    number: int
    date_from: date
    date_to: date
    language: str
    direction: str
    status: str
    published_at: datetime | None
    intro: str
    disclaimer: str
    words: Wording
    sections: list[Section]
    barometer: Barometer

    @property
    def items(self) -> list[IssueItem]:
        return [item for section in self.sections for item in section.items]

    @property
    def summary(self) -> list[str]:
        return [item.summary_line for item in self.items]

    @property
    def period(self) -> str:
        return date_range(self.date_from, self.date_to, self.language)

    @property
    def title(self) -> str:
        return f"{self.words.name} {self.words.number} {self.number} – {self.period}"

    @property
    def updated(self) -> datetime:
        return as_utc(self.published_at) or datetime.combine(self.date_to, datetime.min.time(), UTC)


def issue_view(engine: Engine, issue_id: int, language: str | None = None) -> IssueView:
    """Assemble issue `issue_id` for rendering, in its own language or in the edition of
    `language`: that language's fixed texts (standard introduction and disclaimer, titles,
    link labels, dates, barometer) and direction, the items left as they were quoted.

    >>> issue_view(engine, 1).summary[0]  # doctest: +SKIP
    '[Le Matin] «Le microcrédit, un des outils de réduction de la pauvreté»'
    >>> issue_view(engine, 1, "ar").direction  # doctest: +SKIP
    'rtl'
    """
    with engine.connect() as conn:
        issue = store.issue_by_id(conn, issue_id)
        if issue is None:
            raise UnknownIssue(f"Revue inconnue : identifiant {issue_id}.")
        rows = store.items_of_issue(conn, issue_id)
        related: dict[int, list[SeeAlso]] = {}
        for other in store.see_also(conn, [row.id for row in rows]):
            related.setdefault(other.primary_id, []).append(
                SeeAlso(other.source_name, other.title, other.url)
            )
    language = language or issue.language
    words = wording(language)
    own = language == issue.language
    items = [_issue_item(row, words, related.get(row.id, [])) for row in rows]
    if issue.status == "published" and issue.barometer is not None:
        figures = json.loads(issue.barometer)
    else:
        figures = barometer_figures(engine, issue.date_to)
    return IssueView(
        id=issue.id,
        number=issue.number,
        date_from=issue.date_from,
        date_to=issue.date_to,
        language=language,
        direction=text_direction(language),
        status=issue.status,
        published_at=as_utc(issue.published_at),
        intro=issue.intro if own else words.intro,
        disclaimer=issue.disclaimer if own else words.disclaimer,
        words=words,
        sections=_sections(items, words),
        barometer=barometer_view(figures, language),
    )


def _issue_item(r: ItemRow, words: Wording, see_also: list[SeeAlso]) -> IssueItem:
    label_key = r.link_label or ("article" if r.kind == "article" else "plus")
    return IssueItem(
        id=r.id,
        headline=r.headline or r.title,
        source_name=r.source_name,
        url=r.url,
        language=r.language,
        direction=text_direction(r.language),
        region=r.region,
        kind=r.kind,
        excerpt=r.excerpt,
        link_label=words.labels.get(label_key, label_key),
        published_at=as_utc(r.published_at),
        see_also=see_also,
    )


def _sections(items: list[IssueItem], words: Wording) -> list[Section]:
    sections = []
    for region in REGIONS:
        for kind in KINDS:
            chosen = [item for item in items if item.region == region and item.kind == kind]
            if chosen:
                title = f"{words.regions[region]} – {words.kinds[kind]}"
                sections.append(Section(region, kind, title, chosen))
    return sections
