"""The review's issues and the items they carry (`centrale.review.issues`, `.composition`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, delete, func, insert, select, update

from centrale.store.review_items import ItemRow, item_row, item_selection
from centrale.store.review_tables import (
    review_issue_items,
    review_issues,
    review_items,
    review_sources,
)


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


@dataclass(frozen=True)
class IssueRow:
    id: int
    number: int
    date_from: date
    date_to: date
    language: str
    intro: str
    disclaimer: str
    status: str
    published_at: datetime | None
    #: The barometer's figures frozen at publication, as JSON.
    barometer: str | None


@dataclass(frozen=True)
class SeeAlsoRow:
    primary_id: int
    source_name: str
    title: str
    url: str


def issue_id_by_number(conn: Connection, number: int) -> int | None:
    issue_id = conn.scalar(select(review_issues.c.id).where(review_issues.c.number == number))
    return int(issue_id) if issue_id is not None else None


def highest_number(conn: Connection) -> int | None:
    return conn.scalar(select(func.max(review_issues.c.number)))


def add_issue(
    conn: Connection,
    *,
    number: int,
    date_from: date,
    date_to: date,
    language: str,
    intro: str,
    disclaimer: str,
) -> int:
    """Create a draft issue and return its id."""
    issue_id = conn.scalar(
        insert(review_issues)
        .returning(review_issues.c.id)
        .values(
            number=number,
            date_from=date_from,
            date_to=date_to,
            language=language,
            intro=intro,
            disclaimer=disclaimer,
            status="draft",
        )
    )
    return int(issue_id or 0)


def issue_by_id(conn: Connection, issue_id: int) -> IssueRow | None:
    issues = review_issues.c
    row = conn.execute(
        select(
            issues.id,
            issues.number,
            issues.date_from,
            issues.date_to,
            issues.language,
            issues.intro,
            issues.disclaimer,
            issues.status,
            issues.published_at,
            issues.barometer,
        ).where(issues.id == issue_id)
    ).first()
    return IssueRow(**row._mapping) if row else None


def mark_published(
    conn: Connection, issue_id: int, *, published_at: datetime, barometer: str
) -> None:
    conn.execute(
        update(review_issues)
        .where(review_issues.c.id == issue_id)
        .values(status="published", published_at=published_at, barometer=barometer)
    )


def list_issues(conn: Connection, *, published_only: bool = False) -> list[IssueSummary]:
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
    return [
        IssueSummary(
            r.id, r.number, r.date_from, r.date_to, r.language, r.status, r.published_at, r.n
        )
        for r in conn.execute(query)
    ]


def item_ids_of_issue(conn: Connection, issue_id: int) -> set[int]:
    links = review_issue_items.c
    return set(conn.scalars(select(links.item_id).where(links.issue_id == issue_id)))


def add_issue_item(conn: Connection, issue_id: int, item_id: int, position: int) -> None:
    conn.execute(
        insert(review_issue_items).values(issue_id=issue_id, item_id=item_id, position=position)
    )


def last_issue_position(conn: Connection, issue_id: int) -> int:
    """The position of the issue's last item (0 for an empty issue)."""
    links = review_issue_items.c
    last = conn.scalar(select(func.max(links.position)).where(links.issue_id == issue_id))
    return int(last or 0)


def remove_issue_item(conn: Connection, issue_id: int, item_id: int) -> bool:
    """False when the issue did not carry the item."""
    links = review_issue_items.c
    done = conn.execute(
        delete(review_issue_items).where((links.issue_id == issue_id) & (links.item_id == item_id))
    )
    return done.rowcount == 1


def accepted_items_untaken(conn: Connection, start: datetime, end: datetime) -> list[int]:
    """Accepted items published (else fetched) from `start` to `end` that no issue carries
    yet, in the editor's order."""
    items = review_items.c
    when = func.coalesce(items.published_at, items.fetched_at)
    taken = select(review_issue_items.c.item_id)
    query = (
        select(items.id)
        .where(items.state == "accepted")
        .where(when.between(start, end))
        .where(items.id.not_in(taken))
        .order_by(items.position.is_(None), items.position, items.id)
    )
    return list(conn.scalars(query))


def items_of_issue(conn: Connection, issue_id: int) -> list[ItemRow]:
    """The items an issue carries, in its order."""
    rows = conn.execute(
        item_selection()
        .join(review_issue_items, review_issue_items.c.item_id == review_items.c.id)
        .where(review_issue_items.c.issue_id == issue_id)
        .order_by(review_issue_items.c.position)
    )
    return [item_row(row) for row in rows]


def see_also(conn: Connection, primary_ids: list[int]) -> list[SeeAlsoRow]:
    """The other items of these primaries' clusters, rejected ones left out, from the
    highest-priority source down."""
    if not primary_ids:
        return []
    items = review_items.c
    rows = conn.execute(
        select(items.cluster_id, review_sources.c.name, items.title, items.url)
        .join(review_sources, review_sources.c.id == items.source_id)
        .where(items.cluster_id.in_(primary_ids))
        .where(items.cluster_id != items.id)
        .where(items.state != "rejected")
        .order_by(review_sources.c.priority.desc(), items.id)
    )
    return [SeeAlsoRow(*row) for row in rows]
