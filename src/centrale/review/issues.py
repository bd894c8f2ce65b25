"""Issues of the review: create one over any date range, fill it, publish it.

An issue takes the editor's accepted items (primaries of their clusters) whose publication
date falls in its range, in the queue's order; items can then be added or removed one by one.
Publishing freezes the barometer's figures so that the archive never shifts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import Engine, func, insert, select, update

from centrale.review.barometer import barometer_figures
from centrale.review.errors import InvalidReviewInput, IssueExists, UnknownIssue, UnknownItem
from centrale.review.wording import EDITIONS, wording
from centrale.store.review_tables import review_issue_items, review_issues, review_items


@dataclass(frozen=True)
class IssueSummary:
    id: int
    number: int
    date_from: date
    date_to: date
    language: str
    status: str
    published_at: datetime | None
    items: int


def create_issue(
    engine: Engine,
    number: int,
    date_from: date,
    date_to: date,
    *,
    language: str = "fr",
    intro: str | None = None,
    disclaimer: str | None = None,
    take_accepted: bool = True,
) -> int:
    """Create a draft issue and return its id; it takes the accepted items of its range.

    >>> create_issue(engine, 118, date(2015, 2, 2), date(2015, 4, 5))  # doctest: +SKIP
    1
    """
    if number <= 0:
        raise InvalidReviewInput(f"Numéro de revue invalide : {number} ; donnez un entier positif.")
    if date_from > date_to:
        raise InvalidReviewInput(
            f"Période invalide : du {date_from:%d/%m/%Y} au {date_to:%d/%m/%Y} ; "
            "la date de début doit précéder la date de fin."
        )
    if language not in EDITIONS:
        raise InvalidReviewInput(
            f"Langue d'édition inconnue : {language!r} ; éditions possibles : "
            + ", ".join(EDITIONS)
            + "."
        )
    words = wording(language)
    with engine.begin() as conn:
        if conn.scalar(select(review_issues.c.id).where(review_issues.c.number == number)):
            last = conn.scalar(select(func.max(review_issues.c.number)))
            raise IssueExists(
                f"Le numéro {number} existe déjà ; choisissez-en un autre "
                f"(le plus grand numéro actuel est {last})."
            )
        issue_id = conn.scalar(
            insert(review_issues)
            .returning(review_issues.c.id)
            .values(
                number=number,
                date_from=date_from,
                date_to=date_to,
                language=language,
                intro=intro or words.intro,
                disclaimer=disclaimer or words.disclaimer,
                status="draft",
            )
        )
    if take_accepted:
        add_items(engine, number, _accepted_in_range(engine, date_from, date_to))
    return int(issue_id)


def add_items(engine: Engine, number: int, item_ids: list[int]) -> None:
    """Append items to an issue, after those it has; an item already in it stays in place."""
    issue_id = issue_id_of(engine, number)
    with engine.begin() as conn:
        present = set(
            conn.scalars(
                select(review_issue_items.c.item_id).where(
                    review_issue_items.c.issue_id == issue_id
                )
            )
        )
        position = len(present)
        for item_id in item_ids:
            if not conn.scalar(select(review_items.c.id).where(review_items.c.id == item_id)):
                raise UnknownItem(
                    f"Article inconnu : {item_id} ; voyez `centrale review queue list`."
                )
            if item_id in present:
                continue
            position += 1
            present.add(item_id)
            conn.execute(
                insert(review_issue_items).values(
                    issue_id=issue_id, item_id=item_id, position=position
                )
            )


def remove_item(engine: Engine, number: int, item_id: int) -> None:
    """Take an item out of an issue."""
    issue_id = issue_id_of(engine, number)
    with engine.begin() as conn:
        conn.execute(
            review_issue_items.delete().where(
                (review_issue_items.c.issue_id == issue_id)
                & (review_issue_items.c.item_id == item_id)
            )
        )


def publish_issue(engine: Engine, number: int, *, now: datetime | None = None) -> None:
    """Mark an issue published and freeze its barometer; publishing twice changes nothing."""
    issue_id = issue_id_of(engine, number)
    with engine.connect() as conn:
        row = conn.execute(select(review_issues).where(review_issues.c.id == issue_id)).one()
    if row.status == "published":
        return
    figures = barometer_figures(engine, row.date_to)
    with engine.begin() as conn:
        conn.execute(
            update(review_issues)
            .where(review_issues.c.id == issue_id)
            .values(
                status="published",
                published_at=now or datetime.now(UTC),
                barometer=json.dumps(figures),
            )
        )


def list_issues(engine: Engine, *, published_only: bool = False) -> list[IssueSummary]:
    """Issues, newest number first, with how many items each carries."""
    counts = (
        select(review_issue_items.c.issue_id, func.count().label("n"))
        .group_by(review_issue_items.c.issue_id)
        .subquery()
    )
    query = (
        select(review_issues, func.coalesce(counts.c.n, 0).label("n"))
        .outerjoin(counts, counts.c.issue_id == review_issues.c.id)
        .order_by(review_issues.c.number.desc())
    )
    if published_only:
        query = query.where(review_issues.c.status == "published")
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        IssueSummary(
            r.id, r.number, r.date_from, r.date_to, r.language, r.status, r.published_at, r.n
        )
        for r in rows
    ]


def issue_id_of(engine: Engine, number: int) -> int:
    """The database id of issue N°`number`, or a French error naming the number."""
    with engine.connect() as conn:
        issue_id = conn.scalar(select(review_issues.c.id).where(review_issues.c.number == number))
    if issue_id is None:
        raise UnknownIssue(
            f"Numéro de revue inconnu : {number} ; voyez `centrale review issue list`."
        )
    return int(issue_id)


def _accepted_in_range(engine: Engine, date_from: date, date_to: date) -> list[int]:
    start = datetime.combine(date_from, time.min, tzinfo=UTC)
    end = datetime.combine(date_to, time.max, tzinfo=UTC)
    when = func.coalesce(review_items.c.published_at, review_items.c.fetched_at)
    taken = select(review_issue_items.c.item_id)
    query = (
        select(review_items.c.id)
        .where(review_items.c.state == "accepted")
        .where(when.between(start, end))
        .where(review_items.c.id.not_in(taken))
        .order_by(review_items.c.position.is_(None), review_items.c.position, review_items.c.id)
    )
    with engine.connect() as conn:
        return list(conn.scalars(query))
