"""A subscriber's rights over their data (export, erasure) and the editor's listings.

Export gives everything stored about one address: profile, subscriptions, segments, consent
events and the issues sent to it. Erasure deletes the subscriber and their bounce records;
the consent ledger keeps its hashed proof, and an active suppression stays so that a bouncing
address is not mailed again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from centrale.review import consent
from centrale.review.subscribers import DEFAULT_LIST, ids_by_code, load
from centrale.store import bounces, mailing_lists, subscribers

if TYPE_CHECKING:
    from sqlalchemy import Engine


def export_subscriber(engine: Engine, subscriber_id: int, digest: str | None = None) -> dict:
    """Everything stored about one subscriber, as JSON-ready data.

    >>> export_subscriber(engine, 1)["email"]  # doctest: +SKIP
    'nadia.amrani@example.ma'
    """
    with engine.connect() as conn:
        subscriber = load(conn, subscriber_id, digest)
        row = subscribers.subscriber_by_id(conn, subscriber_id)  # there: load() found it
        received = subscribers.issues_received(conn, subscriber_id)
        events = consent.events_for(conn, subscriber_id, subscriber.email)
    return _json_ready(
        {
            "email": subscriber.email,
            "name": subscriber.name,
            "organisation": subscriber.organisation,
            "language": subscriber.language,
            "created_at": row.created_at if row else None,
            "confirmed_at": subscriber.confirmed_at,
            "subscriptions": subscriber.lists,
            "segments": list(subscriber.segments),
            "consent_events": events,
            "issues_received": received,
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
        bounces.forget_bounces(conn, subscriber.email)
        subscribers.remove_subscribers(conn, [subscriber_id])
    return subscriber.email


def purge_unconfirmed(engine: Engine, older_than: timedelta, *, now: datetime | None = None) -> int:
    """Erase sign-ups never confirmed within `older_than`: unproven addresses are not kept.

    >>> purge_unconfirmed(engine, timedelta(days=30))  # doctest: +SKIP
    4
    """
    cutoff = (now or datetime.now(UTC)) - older_than
    with engine.begin() as conn:
        stale = subscribers.unconfirmed_before(conn, cutoff)
        consent.record_many(
            conn,
            [
                {
                    "subscriber_id": subscriber_id,
                    "email": email,
                    "event": "erase",
                    "origin": "retention",
                    "detail": f"non confirmé avant {cutoff:%Y-%m-%d}",
                }
                for subscriber_id, email in stale
            ],
        )
        subscribers.remove_subscribers(conn, [subscriber_id for subscriber_id, _ in stale])
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
        segment_id = ids_by_code(conn, "segments", [segment])[segment] if segment else None
        rows = subscribers.subscriber_rows(conn, list_id, status=status, segment_id=segment_id)
        return [_json_ready(row) for row in rows]


def list_codes(engine: Engine) -> dict[str, dict[str, str]]:
    """The known lists and segments with their French names, for forms and help texts."""
    with engine.connect() as conn:
        return {
            "lists": mailing_lists.names_by_code(conn, "lists"),
            "segments": mailing_lists.names_by_code(conn, "segments"),
        }


def _json_ready(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    return value
