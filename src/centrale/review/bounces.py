"""Bounces and the suppression list: what the editor reviews and can release.

Policy: a hard bounce (5.x.x, except a full mailbox) suppresses the address at once; soft
bounces are counted and suppress it after `soft_bounce_limit`; a complaint suppresses it and
unsubscribes it from every list. A report processed twice changes nothing (unique report id).
A release lifts the suppression and stops the earlier soft bounces from counting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from centrale.errors import NotFound
from centrale.review.dsn import RecipientStatus
from centrale.review.subscribers import normalise_email
from centrale.store import bounces as store
from centrale.store.bounces import suppress

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

REASONS = {
    "hard_bounce": "rebond définitif",
    "soft_bounces": "rebonds temporaires répétés",
    "complaint": "signalement comme indésirable",
    "smtp_refused": "refus du serveur à l'envoi",
    "manual": "ajout manuel",
}


def record_bounce(
    conn: Connection, status: RecipientStatus, *, report_id: str, source: str, soft_limit: int
) -> tuple[bool, bool]:
    """Store one bounce and apply the policy; returns (new, suppressed now)."""
    kind = status.kind
    if kind is None:
        return False, False
    if store.bounce_seen(conn, report_id, status.email):
        return False, False
    store.add_bounce(
        conn,
        email=status.email,
        kind=kind,
        status=status.status or "?",
        action=status.action,
        diagnostic=status.diagnostic,
        report_id=report_id,
        source=source[:500],
    )
    detail = f"{status.status} {status.diagnostic}".strip()
    if kind == "hard":
        return True, suppress(conn, status.email, "hard_bounce", detail)
    soft = store.soft_bounces(conn, status.email)
    if soft >= soft_limit:
        return True, suppress(conn, status.email, "soft_bounces", f"{soft} rebonds : {detail}")
    return True, False


def suppression_rows(engine: Engine) -> list[dict[str, Any]]:
    """The suppression list with, for each address, its bounces: what the editor reviews."""
    with engine.connect() as conn:
        return store.suppression_rows(conn)


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
        if not store.lift_suppression(conn, email):
            raise NotFound(
                f"L'adresse « {email} » n'est pas dans la liste d'exclusion ; "
                "`centrale review suppressions list` affiche la liste."
            )
        store.release_bounces(conn, email)
