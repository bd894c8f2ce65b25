"""Bounces and the suppression list: what the editor reviews and can release.

Policy: a hard bounce (5.x.x, except a full mailbox) suppresses the address at once; soft
bounces are counted and suppress it after `soft_bounce_limit`; a complaint suppresses it and
unsubscribes it from every list. A report processed twice changes nothing (unique report id).
A release lifts the suppression and stops the earlier soft bounces from counting.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from centrale.errors import NotFound
from centrale.review.dsn import RecipientStatus
from centrale.review.subscribers import normalise_email
from centrale.store.subscriber_tables import bounces, suppressions

REASONS = {
    "hard_bounce": "rebond définitif",
    "soft_bounces": "rebonds temporaires répétés",
    "complaint": "signalement comme indésirable",
    "smtp_refused": "refus du serveur à l'envoi",
    "manual": "ajout manuel",
}


def suppress(conn: Connection, email: str, reason: str, detail: str) -> bool:
    """Add an address to the suppression list; False if it was already there."""
    exists = conn.execute(select(suppressions.c.email).where(suppressions.c.email == email)).first()
    if exists:
        return False
    conn.execute(insert(suppressions).values(email=email, reason=reason, detail=detail))
    return True


def record_bounce(
    conn: Connection, status: RecipientStatus, *, report_id: str, source: str, soft_limit: int
) -> tuple[bool, bool]:
    """Store one bounce and apply the policy; returns (new, suppressed now)."""
    kind = status.kind
    if kind is None:
        return False, False
    seen = conn.execute(
        select(bounces.c.id).where(
            bounces.c.report_id == report_id, bounces.c.email == status.email
        )
    ).first()
    if seen:
        return False, False
    conn.execute(
        insert(bounces).values(
            email=status.email,
            kind=kind,
            status=status.status or "?",
            action=status.action,
            diagnostic=status.diagnostic,
            report_id=report_id,
            source=source[:500],
        )
    )
    detail = f"{status.status} {status.diagnostic}".strip()
    if kind == "hard":
        return True, suppress(conn, status.email, "hard_bounce", detail)
    soft = conn.execute(
        select(func.count()).where(
            bounces.c.email == status.email, bounces.c.kind == "soft", bounces.c.released.is_(False)
        )
    ).scalar_one()
    if soft >= soft_limit:
        return True, suppress(conn, status.email, "soft_bounces", f"{soft} rebonds : {detail}")
    return True, False


def suppression_rows(engine: Engine) -> list[dict[str, Any]]:
    """The suppression list with, for each address, its bounces: what the editor reviews."""
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
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def add_suppression(engine: Engine, raw_email: str, detail: str = "") -> bool:
    """Suppress an address by hand (an editor's decision).

    >>> add_suppression(engine, "ancien@amc.ma", "adresse fermée")  # doctest: +SKIP
    True
    """
    with engine.begin() as conn:
        return suppress(conn, normalise_email(raw_email), "manual", detail)


def release(engine: Engine, raw_email: str) -> None:
    """Lift a suppression after review; earlier soft bounces stop counting.

    >>> release(engine, "nadia@amc.ma")  # doctest: +SKIP
    """
    email = normalise_email(raw_email)
    with engine.begin() as conn:
        gone = conn.execute(delete(suppressions).where(suppressions.c.email == email))
        if gone.rowcount == 0:
            raise NotFound(
                f"L'adresse « {email} » n'est pas dans la liste d'exclusion ; "
                "`centrale review suppressions list` affiche la liste."
            )
        conn.execute(update(bounces).where(bounces.c.email == email).values(released=True))
