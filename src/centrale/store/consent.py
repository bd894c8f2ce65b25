"""The consent ledger and the consent wordings people agree to.

The ledger is append-only (triggers in migration 0004 refuse UPDATE and DELETE): there is no
function here that changes or removes an event.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, or_, select

from centrale.store.subscriber_tables import consent_events, consent_wordings


@dataclass(frozen=True)
class Wording:
    version: str
    language: str
    text: str


def add_events(conn: Connection, rows: Iterable[dict[str, Any]]) -> None:
    """Append events; every row has the same keys (one executemany)."""
    rows = list(rows)
    if rows:
        conn.execute(insert(consent_events), rows)


def events_for(conn: Connection, subscriber_id: int, email_sha256: str) -> list[dict[str, Any]]:
    """Every event of one subscriber, by id or by address, oldest first, with the wording
    they consented to (events outlive the subscriber's id, not the hash of the address)."""
    query = (
        select(
            consent_events.c.event,
            consent_events.c.list_code,
            consent_events.c.wording_version,
            consent_wordings.c.text.label("wording"),
            consent_events.c.language,
            consent_events.c.origin,
            consent_events.c.ip,
            consent_events.c.detail,
            consent_events.c.occurred_at,
        )
        .outerjoin(consent_wordings)
        .where(
            or_(
                consent_events.c.subscriber_id == subscriber_id,
                consent_events.c.email_sha256 == email_sha256,
            )
        )
        .order_by(consent_events.c.id)
    )
    return [dict(row._mapping) for row in conn.execute(query)]


def newest_wording(conn: Connection, language: str) -> Wording | None:
    row = conn.execute(
        select(consent_wordings.c.version, consent_wordings.c.language, consent_wordings.c.text)
        .where(consent_wordings.c.language == language)
        .order_by(consent_wordings.c.created_at.desc(), consent_wordings.c.version.desc())
        .limit(1)
    ).first()
    return Wording(*row) if row else None


def wording(conn: Connection, version: str) -> Wording | None:
    row = conn.execute(
        select(
            consent_wordings.c.version, consent_wordings.c.language, consent_wordings.c.text
        ).where(consent_wordings.c.version == version)
    ).first()
    return Wording(*row) if row else None


def add_wording(conn: Connection, version: str, language: str, text: str) -> Wording:
    conn.execute(insert(consent_wordings).values(version=version, language=language, text=text))
    return Wording(version, language, text)
