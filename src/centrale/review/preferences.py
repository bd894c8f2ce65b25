"""What a subscriber changes from their signed links: preferences, and unsubscribing.

Both append to the consent ledger; unsubscribing is idempotent, so a mail client's one-click
POST sent twice, or a click after the POST, changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from centrale.review import consent
from centrale.review.errors import choice
from centrale.review.subscribers import (
    LANGUAGES,
    Subscriber,
    ids_by_code,
    load,
    set_segments,
    set_status,
)
from centrale.store import subscribers

if TYPE_CHECKING:
    from sqlalchemy import Engine


def update_preferences(
    engine: Engine,
    subscriber_id: int,
    digest: str,
    *,
    language: str,
    segment_codes: Iterable[str],
    list_codes: Iterable[str],
    wording_version: str,
    origin: str = "preferences_page",
    ip: str | None = None,
) -> Subscriber:
    """Save the preference page: language, segments, and which lists stay active."""
    language = choice(language, LANGUAGES, "Langue")
    with engine.begin() as conn:
        subscriber = load(conn, subscriber_id, digest)
        segment_ids = ids_by_code(conn, "segments", segment_codes)
        wanted = ids_by_code(conn, "lists", list_codes)
        all_lists = ids_by_code(conn, "lists", subscriber.lists)
        subscribers.set_profile(conn, subscriber_id, language=language)
        set_segments(conn, subscriber_id, segment_ids.values())
        events = []
        base = {"subscriber_id": subscriber_id, "email": subscriber.email, "origin": origin}
        for code, list_id in {**all_lists, **wanted}.items():
            before = subscriber.lists.get(code)
            if code in wanted and before != "active" and subscriber.confirmed_at is not None:
                consent.wording(conn, wording_version)  # the consent given must be a known text
                if before is None:
                    subscribers.add_subscription(conn, subscriber_id, list_id, "active")
                else:
                    set_status(conn, subscriber_id, list_id, "active")
                events.append(
                    {
                        **base,
                        "event": "signup",
                        "list_code": code,
                        "ip": ip,
                        "wording_version": wording_version,
                        "language": language,
                    }
                )
            elif code not in wanted and before in ("active", "pending"):
                set_status(conn, subscriber_id, list_id, "unsubscribed")
                events.append({**base, "event": "unsubscribe", "list_code": code, "ip": ip})
        detail = {"language": language, "segments": sorted(segment_ids), "lists": sorted(wanted)}
        events.append({**base, "event": "preferences", "ip": ip, "detail": json.dumps(detail)})
        consent.record_many(conn, events)
        return load(conn, subscriber_id)


def unsubscribe(
    engine: Engine,
    subscriber_id: int,
    digest: str,
    list_code: str,
    *,
    origin: str,
    ip: str | None = None,
) -> bool:
    """Stop a subscription at once; True if it changed (a second click changes nothing)."""
    with engine.begin() as conn:
        subscriber = load(conn, subscriber_id, digest)
        if subscriber.lists.get(list_code) in (None, "unsubscribed"):
            return False
        list_id = ids_by_code(conn, "lists", [list_code])[list_code]
        set_status(conn, subscriber_id, list_id, "unsubscribed")
        consent.record(
            conn,
            subscriber_id=subscriber_id,
            email=subscriber.email,
            event="unsubscribe",
            list_code=list_code,
            origin=origin,
            ip=ip,
        )
        return True
