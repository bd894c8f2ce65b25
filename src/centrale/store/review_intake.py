"""The review's items as they come in: stored once per canonical URL, then ranked and
clustered (`centrale.review.fetching`, `.ranking`, `.dedup`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from centrale.store.review_tables import review_items, review_sources


@dataclass(frozen=True)
class RecentItem:
    """What ranking and clustering read of an item, with its source's priority."""

    id: int
    title: str
    text: str | None
    language: str
    state: str
    cluster_id: int | None
    published_at: datetime | None
    priority: int


def known_urls(conn: Connection, canonical_urls: Iterable[str]) -> set[str]:
    """Those of the canonical URLs that an item already has."""
    column = review_items.c.canonical_url
    return set(conn.scalars(select(column).where(column.in_(list(canonical_urls)))))


def add_item(
    conn: Connection,
    *,
    source_id: int,
    url: str,
    canonical_url: str,
    title: str,
    author: str | None,
    published_at: datetime | None,
    fetched_at: datetime,
    language: str,
    region: str,
    summary: str | None,
    text: str | None,
) -> None:
    """Store a new item: pending, unscored, an article until the editor says otherwise."""
    conn.execute(
        insert(review_items).values(
            source_id=source_id,
            url=url,
            canonical_url=canonical_url,
            title=title,
            author=author,
            published_at=published_at,
            fetched_at=fetched_at,
            language=language,
            region=region,
            summary=summary,
            text=text,
            score=0.0,
            state="pending",
            kept=False,
            kind="article",
        )
    )


def items_fetched_since(conn: Connection, since: datetime) -> list[RecentItem]:
    items = review_items.c
    rows = conn.execute(
        select(
            items.id,
            items.title,
            items.text,
            items.language,
            items.state,
            items.cluster_id,
            items.published_at,
            review_sources.c.priority,
        )
        .join(review_sources, review_sources.c.id == items.source_id)
        .where(items.fetched_at >= since)
    )
    return [RecentItem(*row) for row in rows]


def set_rank(conn: Connection, item_id: int, *, score: float, kept: bool, state: str) -> None:
    conn.execute(
        update(review_items)
        .where(review_items.c.id == item_id)
        .values(score=score, kept=kept, state=state)
    )


def set_cluster(conn: Connection, item_id: int, cluster_id: int) -> None:
    conn.execute(
        update(review_items).where(review_items.c.id == item_id).values(cluster_id=cluster_id)
    )
