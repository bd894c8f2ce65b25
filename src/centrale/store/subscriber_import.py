"""Subscribers loaded in bulk from a file: one executemany per table, not one row at a time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, insert, select

from centrale.store.subscriber_tables import subscriber_segments, subscribers, subscriptions


def known_emails(conn: Connection, emails: Iterable[str]) -> set[str]:
    """Those of `emails` that are already subscribers."""
    query = select(subscribers.c.email).where(subscribers.c.email.in_(list(emails)))
    return set(conn.execute(query).scalars())


def add_subscribers(
    conn: Connection, people: list[dict[str, str]], confirmed_at: datetime | None
) -> dict[str, int]:
    """Insert new subscribers (email, name, organisation, language); their ids by email."""
    conn.execute(
        insert(subscribers), [{**person, "confirmed_at": confirmed_at} for person in people]
    )
    emails = [person["email"] for person in people]
    return dict(
        conn.execute(
            select(subscribers.c.email, subscribers.c.id).where(subscribers.c.email.in_(emails))
        ).all()
    )


def add_subscriptions(
    conn: Connection, subscriber_ids: Iterable[int], list_id: int, status: str
) -> None:
    rows = [{"subscriber_id": sid, "list_id": list_id, "status": status} for sid in subscriber_ids]
    if rows:
        conn.execute(insert(subscriptions), rows)


def add_segment_links(conn: Connection, links: Iterable[tuple[int, int]]) -> None:
    """Put subscribers into segments: (subscriber id, segment id) pairs."""
    rows = [{"subscriber_id": sid, "segment_id": segment_id} for sid, segment_id in links]
    if rows:
        conn.execute(insert(subscriber_segments), rows)
