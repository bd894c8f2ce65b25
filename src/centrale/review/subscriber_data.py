"""A subscriber's rights over their data (export, erasure) and the editor's listings.

Export gives everything stored about one address: profile, subscriptions, segments, consent
events and the issues sent to it. Erasure deletes the subscriber and their bounce records;
the consent ledger keeps its hashed proof, and an active suppression stays so that a bouncing
address is not mailed again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, func, select

from centrale.review import consent
from centrale.review.subscribers import DEFAULT_LIST, ids_by_code, load
from centrale.store.subscriber_tables import (
    bounces,
    mailing_lists,
    segments,
    send_recipients,
    sends,
    subscriber_segments,
    subscribers,
    subscriptions,
    suppressions,
)


def export_subscriber(engine: Engine, subscriber_id: int, digest: str | None = None) -> dict:
    """Everything stored about one subscriber, as JSON-ready data.

    >>> export_subscriber(engine, 1)["email"]  # doctest: +SKIP
    'nadia.amrani@example.ma'
    """
    with engine.connect() as conn:
        subscriber = load(conn, subscriber_id, digest)
        row = conn.execute(select(subscribers).where(subscribers.c.id == subscriber_id)).one()
        received = conn.execute(
            select(sends.c.issue_id, sends.c.subject, send_recipients.c.sent_at)
            .join(sends)
            .where(
                send_recipients.c.subscriber_id == subscriber_id,
                send_recipients.c.status == "sent",
            )
            .order_by(send_recipients.c.sent_at)
        )
        events = consent.events_for(conn, subscriber_id, subscriber.email)
    return _json_ready(
        {
            "email": subscriber.email,
            "name": subscriber.name,
            "organisation": subscriber.organisation,
            "language": subscriber.language,
            "created_at": row.created_at,
            "confirmed_at": subscriber.confirmed_at,
            "subscriptions": subscriber.lists,
            "segments": list(subscriber.segments),
            "consent_events": events,
            "issues_received": [dict(r._mapping) for r in received],
        }
    )


def erase_subscriber(
    engine: Engine, subscriber_id: int, digest: str | None = None, *, origin: str, ip: str | None
) -> str:
    """Delete a subscriber for good; returns the erased address (for the confirmation text)."""
    with engine.begin() as conn:
        subscriber = load(conn, subscriber_id, digest)
        consent.record(
            conn,
            subscriber_id=subscriber_id,
            email=subscriber.email,
            event="erase",
            origin=origin,
            ip=ip,
        )
        conn.execute(delete(bounces).where(bounces.c.email == subscriber.email))
        conn.execute(delete(subscribers).where(subscribers.c.id == subscriber_id))
    return subscriber.email


def purge_unconfirmed(engine: Engine, older_than: timedelta, *, now: datetime | None = None) -> int:
    """Erase sign-ups never confirmed within `older_than`: unproven addresses are not kept.

    >>> purge_unconfirmed(engine, timedelta(days=30))  # doctest: +SKIP
    4
    """
    cutoff = (now or datetime.now(UTC)) - older_than
    with engine.begin() as conn:
        stale = conn.execute(
            select(subscribers.c.id, subscribers.c.email).where(
                subscribers.c.confirmed_at.is_(None), subscribers.c.created_at < cutoff
            )
        ).all()
        consent.record_many(
            conn,
            [
                {
                    "subscriber_id": row.id,
                    "email": row.email,
                    "event": "erase",
                    "origin": "retention",
                    "detail": f"non confirmé avant {cutoff:%Y-%m-%d}",
                }
                for row in stale
            ],
        )
        conn.execute(delete(subscribers).where(subscribers.c.id.in_([row.id for row in stale])))
    return len(stale)


def subscriber_rows(
    engine: Engine,
    *,
    list_code: str = DEFAULT_LIST,
    status: str | None = None,
    segment: str | None = None,
) -> list[dict[str, Any]]:
    """One row per subscriber of a list: address, profile, status, segments, suppression."""
    with engine.connect() as conn:
        list_id = ids_by_code(conn, "lists", [list_code])[list_code]
        segment_codes = (
            select(
                subscriber_segments.c.subscriber_id,
                func.group_concat(segments.c.code).label("codes")
                if engine.dialect.name == "sqlite"
                else func.string_agg(segments.c.code, ",").label("codes"),
            )
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
        if segment:
            segment_id = ids_by_code(conn, "segments", [segment])[segment]
            query = query.where(
                subscribers.c.id.in_(
                    select(subscriber_segments.c.subscriber_id).where(
                        subscriber_segments.c.segment_id == segment_id
                    )
                )
            )
        return [_json_ready(dict(row._mapping)) for row in conn.execute(query)]


def list_codes(engine: Engine) -> dict[str, dict[str, str]]:
    """The known lists and segments with their French names, for forms and help texts."""
    with engine.connect() as conn:
        return {
            "lists": dict(conn.execute(select(mailing_lists.c.code, mailing_lists.c.name)).all()),
            "segments": dict(
                conn.execute(select(segments.c.code, segments.c.name).order_by(segments.c.id)).all()
            ),
        }


def _json_ready(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    return value
