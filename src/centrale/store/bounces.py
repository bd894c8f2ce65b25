"""Bounces received for the review's mail, and the suppression list they feed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from centrale.store.subscriber_tables import bounces, suppressions


def suppress(conn: Connection, email: str, reason: str, detail: str) -> bool:
    """Add an address to the suppression list; False if it was already there."""
    exists = conn.execute(select(suppressions.c.email).where(suppressions.c.email == email)).first()
    if exists:
        return False
    conn.execute(insert(suppressions).values(email=email, reason=reason, detail=detail))
    return True


def lift_suppression(conn: Connection, email: str) -> bool:
    """False when the address was not suppressed."""
    gone = conn.execute(delete(suppressions).where(suppressions.c.email == email))
    return gone.rowcount != 0


def move_address(conn: Connection, stored: str, email: str) -> None:
    """The suppression and bounces of `stored` carried over to `email`, the same address in
    another form: a suppressed address stays suppressed."""
    if conn.execute(select(suppressions.c.email).where(suppressions.c.email == email)).first():
        lift_suppression(conn, stored)
    else:
        conn.execute(update(suppressions).where(suppressions.c.email == stored).values(email=email))
    # A report that named both forms keeps one bounce: (report, address) is unique.
    reports = select(bounces.c.report_id).where(bounces.c.email == email)
    conn.execute(delete(bounces).where(bounces.c.email == stored, bounces.c.report_id.in_(reports)))
    conn.execute(update(bounces).where(bounces.c.email == stored).values(email=email))


def bounce_seen(conn: Connection, report_id: str, email: str) -> bool:
    """Whether this report's bounce for this address is stored already."""
    seen = conn.execute(
        select(bounces.c.id).where(bounces.c.report_id == report_id, bounces.c.email == email)
    ).first()
    return seen is not None


def add_bounce(
    conn: Connection,
    *,
    email: str,
    kind: str,
    status: str,
    action: str,
    diagnostic: str,
    report_id: str,
    source: str,
) -> None:
    conn.execute(
        insert(bounces).values(
            email=email,
            kind=kind,
            status=status,
            action=action,
            diagnostic=diagnostic,
            report_id=report_id,
            source=source,
        )
    )


def soft_bounces(conn: Connection, email: str) -> int:
    """Soft bounces of an address since it was last released."""
    return int(
        conn.execute(
            select(func.count()).where(
                bounces.c.email == email, bounces.c.kind == "soft", bounces.c.released.is_(False)
            )
        ).scalar_one()
    )


def release_bounces(conn: Connection, email: str) -> None:
    conn.execute(update(bounces).where(bounces.c.email == email).values(released=True))


def forget_bounces(conn: Connection, email: str) -> None:
    conn.execute(delete(bounces).where(bounces.c.email == email))


def suppression_rows(conn: Connection) -> list[dict[str, Any]]:
    """The suppression list, oldest first, with how many bounces each address had."""
    counts = (
        select(
            bounces.c.email,
            func.count().label("bounces"),
            func.max(bounces.c.received_at).label("last_bounce"),
        )
        .group_by(bounces.c.email)
        .subquery()
    )
    query = (
        select(
            suppressions.c.email,
            suppressions.c.reason,
            suppressions.c.detail,
            suppressions.c.created_at,
            func.coalesce(counts.c.bounces, 0).label("bounces"),
        )
        .outerjoin(counts, counts.c.email == suppressions.c.email)
        .order_by(suppressions.c.created_at, suppressions.c.email)
    )
    return [dict(row._mapping) for row in conn.execute(query)]
