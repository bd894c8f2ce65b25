"""The steps of a send as `centrale.review.delivery` runs them, and what a send reports.

The statements, and how recipients are classified so that nobody is mailed twice, are in
`centrale.store.sends`; here is a send's outcome (`SendReport`), which a run completes with
what it did this time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from centrale.review.delivery_errors import UnknownSend
from centrale.store import sends as store
from centrale.store.sends import claim, classify, counts, mark, open_send, pending_batch

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

__all__ = [
    "SKIPPED",
    "SendReport",
    "all_reports",
    "claim",
    "classify",
    "counts",
    "due_sends",
    "finish",
    "mark",
    "open_send",
    "pending_batch",
    "report",
]

SKIPPED = ("unconfirmed", "suppressed", "unsubscribed")


@dataclass(frozen=True)
class SendReport:
    send_id: int
    issue_id: int
    list_code: str
    status: str
    subject: str
    sent: int
    failed: int
    skipped_unconfirmed: int
    skipped_suppressed: int
    skipped_unsubscribed: int
    scheduled_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    sent_this_run: int = 0
    dry_run: bool = False
    to_send: int = 0  # a dry run: how many would receive it
    failures: tuple[tuple[str, str], ...] = ()  # (address, error) of this run


def finish(conn: Connection, send_id: int) -> None:
    """Store the counts of a send, and `done` or `partial` (some failed: run it again)."""
    counts_now = counts(conn, send_id)
    unfinished = counts_now.get("failed", 0) + counts_now.get("pending", 0)
    store.close_send(
        conn,
        send_id,
        "partial" if unfinished else "done",
        sent=counts_now.get("sent", 0),
        failed=unfinished,
        **{f"skipped_{name}": counts_now.get(name, 0) for name in SKIPPED},
    )


def report(conn: Connection, send_id: int, **run: Any) -> SendReport:
    row = store.send_row(conn, send_id)
    if row is None:
        raise UnknownSend(
            f"Envoi inconnu : n° {send_id}. `centrale review sends list` affiche les envois."
        )
    # The report names the send's id `send_id`; the segments are not part of it.
    held = {k: v for k, v in vars(row).items() if k not in ("id", "segments")}
    return SendReport(send_id=row.id, **held, **run)


def all_reports(engine: Engine) -> list[SendReport]:
    with engine.connect() as conn:
        return [report(conn, send_id) for send_id in store.send_ids(conn)]


def due_sends(engine: Engine, now: datetime) -> list[int]:
    """Scheduled sends whose time has come, oldest first."""
    with engine.connect() as conn:
        return store.due_send_ids(conn, now)
