"""Subscribers of the review: one address each, its subscriptions to lists and its segments."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from centrale.store.bounces import move_address
from centrale.store.subscriber_tables import (
    mailing_lists,
    segments,
    send_recipients,
    sends,
    subscriber_segments,
    subscribers,
    subscriptions,
    suppressions,
)


@dataclass(frozen=True)
class SubscriberRow:
    id: int
    email: str
    name: str
    organisation: str
    language: str
    created_at: datetime
    confirmed_at: datetime | None


_COLUMNS = (
    subscribers.c.id,
    subscribers.c.email,
    subscribers.c.name,
    subscribers.c.organisation,
    subscribers.c.language,
    subscribers.c.created_at,
    subscribers.c.confirmed_at,
)


def subscriber_by_id(conn: Connection, subscriber_id: int) -> SubscriberRow | None:
    row = conn.execute(select(*_COLUMNS).where(subscribers.c.id == subscriber_id)).first()
    return SubscriberRow(*row) if row else None


def subscriber_by_email(conn: Connection, email: str) -> SubscriberRow | None:
    row = conn.execute(select(*_COLUMNS).where(subscribers.c.email == email)).first()
    return SubscriberRow(*row) if row else None


def email_of(conn: Connection, subscriber_id: int) -> str:
    return str(
        conn.execute(
            select(subscribers.c.email).where(subscribers.c.id == subscriber_id)
        ).scalar_one()
    )


def add_subscriber(conn: Connection, email: str, **profile: str) -> int:
    """A new, unconfirmed subscriber; `profile` is name, organisation and language."""
    return int(
        conn.execute(
            insert(subscribers).values(email=email, **profile).returning(subscribers.c.id)
        ).scalar_one()
    )


def set_email(conn: Connection, stored: str, email: str) -> None:
    """Store the subscriber whose address is stored as `stored` under `email` (the same
    address in another form), with its suppression and bounces: a suppressed address stays
    suppressed in its new form."""
    conn.execute(update(subscribers).where(subscribers.c.email == stored).values(email=email))
    move_address(conn, stored, email)


def set_profile(conn: Connection, subscriber_id: int, **profile: str) -> None:
    conn.execute(update(subscribers).where(subscribers.c.id == subscriber_id).values(profile))


def mark_confirmed(conn: Connection, subscriber_id: int, at: datetime) -> None:
    conn.execute(
        update(subscribers).where(subscribers.c.id == subscriber_id).values(confirmed_at=at)
    )


def remove_subscribers(conn: Connection, subscriber_ids: Iterable[int]) -> None:
    """Delete subscribers; their subscriptions, segments and send records go with them."""
    conn.execute(delete(subscribers).where(subscribers.c.id.in_(list(subscriber_ids))))


def segment_codes(conn: Connection, subscriber_id: int) -> tuple[str, ...]:
    """The codes of a subscriber's segments, oldest segment first."""
    codes = conn.execute(
        select(segments.c.code)
        .join(subscriber_segments)
        .where(subscriber_segments.c.subscriber_id == subscriber_id)
        .order_by(segments.c.id)
    ).scalars()
    return tuple(codes)


def set_segments(conn: Connection, subscriber_id: int, segment_ids: Iterable[int]) -> None:
    conn.execute(
        delete(subscriber_segments).where(subscriber_segments.c.subscriber_id == subscriber_id)
    )
    rows = [{"subscriber_id": subscriber_id, "segment_id": sid} for sid in set(segment_ids)]
    if rows:
        conn.execute(insert(subscriber_segments), rows)


def statuses(conn: Connection, subscriber_id: int) -> dict[str, str]:
    """A subscriber's subscriptions: list code -> pending, active or unsubscribed."""
    rows = conn.execute(
        select(mailing_lists.c.code, subscriptions.c.status)
        .join(mailing_lists)
        .where(subscriptions.c.subscriber_id == subscriber_id)
    )
    return {row.code: row.status for row in rows}


def add_subscription(conn: Connection, subscriber_id: int, list_id: int, status: str) -> None:
    conn.execute(
        insert(subscriptions).values(subscriber_id=subscriber_id, list_id=list_id, status=status)
    )


def set_status(conn: Connection, subscriber_id: int, list_id: int, status: str) -> None:
    conn.execute(
        update(subscriptions)
        .where(subscriptions.c.subscriber_id == subscriber_id, subscriptions.c.list_id == list_id)
        .values(status=status, updated_at=datetime.now(UTC))
    )


def issues_received(conn: Connection, subscriber_id: int) -> list[dict[str, Any]]:
    """The issues sent to a subscriber, oldest first: issue id, subject, when."""
    rows = conn.execute(
        select(sends.c.issue_id, sends.c.subject, send_recipients.c.sent_at)
        .join(sends)
        .where(
            send_recipients.c.subscriber_id == subscriber_id,
            send_recipients.c.status == "sent",
        )
        .order_by(send_recipients.c.sent_at)
    )
    return [dict(row._mapping) for row in rows]


def unconfirmed_before(conn: Connection, cutoff: datetime) -> list[tuple[int, str]]:
    """(id, email) of the sign-ups made before `cutoff` and never confirmed."""
    rows = conn.execute(
        select(subscribers.c.id, subscribers.c.email).where(
            subscribers.c.confirmed_at.is_(None), subscribers.c.created_at < cutoff
        )
    )
    return [(int(row.id), row.email) for row in rows]


def subscriber_rows(
    conn: Connection, list_id: int, *, status: str | None, segment_id: int | None
) -> list[dict[str, Any]]:
    """One row per subscriber of a list, by address: profile, status, segment codes (joined
    by commas) and the reason of a suppression."""
    codes = (
        func.group_concat(segments.c.code)
        if conn.dialect.name == "sqlite"
        else func.string_agg(segments.c.code, ",")
    )
    segment_codes = (
        select(subscriber_segments.c.subscriber_id, codes.label("codes"))
        .join(segments)
        .group_by(subscriber_segments.c.subscriber_id)
        .subquery()
    )
    query = (
        select(
            subscribers.c.id,
            subscribers.c.email,
            subscribers.c.name,
            subscribers.c.organisation,
            subscribers.c.language,
            subscribers.c.confirmed_at,
            subscriptions.c.status,
            func.coalesce(segment_codes.c.codes, "").label("segments"),
            suppressions.c.reason.label("suppressed"),
        )
        .join(subscriptions, subscriptions.c.subscriber_id == subscribers.c.id)
        .outerjoin(segment_codes, segment_codes.c.subscriber_id == subscribers.c.id)
        .outerjoin(suppressions, suppressions.c.email == subscribers.c.email)
        .where(subscriptions.c.list_id == list_id)
        .order_by(subscribers.c.email)
    )
    if status:
        query = query.where(subscriptions.c.status == status)
    if segment_id is not None:
        query = query.where(
            subscribers.c.id.in_(
                select(subscriber_segments.c.subscriber_id).where(
                    subscriber_segments.c.segment_id == segment_id
                )
            )
        )
    return [dict(row._mapping) for row in conn.execute(query)]
