"""The send records: one row per issue and list, one row per recipient, and the report.

Recipients are classified in one INSERT ... SELECT: unsubscribed, suppressed, unconfirmed, or
pending (to send). Rows already `sent` are never touched, so running a send again reaches only
those not served yet (new subscribers, earlier failures) and nobody twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    and_,
    case,
    delete,
    func,
    insert,
    literal,
    select,
    update,
)

from centrale.review.delivery_errors import UnknownSend
from centrale.store.subscriber_tables import (
    mailing_lists,
    send_recipients,
    sends,
    subscriber_segments,
    subscribers,
    subscriptions,
    suppressions,
)

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


def open_send(
    conn: Connection, issue_id: int, list_id: int, segment_codes: str, status: str
) -> int:
    """The send row of this issue and list, created if needed."""
    found = conn.execute(
        select(sends.c.id).where(sends.c.issue_id == issue_id, sends.c.list_id == list_id)
    ).scalar()
    if found is not None:
        conn.execute(update(sends).where(sends.c.id == found).values(segments=segment_codes))
        return int(found)
    return int(
        conn.execute(
            insert(sends)
            .values(issue_id=issue_id, list_id=list_id, segments=segment_codes, status=status)
            .returning(sends.c.id)
        ).scalar_one()
    )


def claim(conn: Connection, send_id: int, *, resume: bool) -> bool:
    """Mark a send as running; False if another run holds it (unless `resume`)."""
    guard = sends.c.status != "sending" if not resume else literal(True)
    changed = conn.execute(
        update(sends)
        .where(sends.c.id == send_id, guard)
        .values(status="sending", started_at=datetime.now(UTC))
    )
    return changed.rowcount == 1


def classify(conn: Connection, send_id: int, list_id: int, segment_ids: list[int]) -> None:
    """(Re)build the recipient list of a send, keeping the rows already sent."""
    conn.execute(
        delete(send_recipients).where(
            send_recipients.c.send_id == send_id, send_recipients.c.status != "sent"
        )
    )
    already = select(send_recipients.c.subscriber_id).where(
        send_recipients.c.send_id == send_id, send_recipients.c.status == "sent"
    )
    status = case(
        (subscriptions.c.status == "unsubscribed", "unsubscribed"),
        (suppressions.c.email.is_not(None), "suppressed"),
        (
            and_(subscribers.c.confirmed_at.is_not(None), subscriptions.c.status == "active"),
            "pending",
        ),
        else_="unconfirmed",
    )
    candidates = (
        select(literal(send_id), subscribers.c.id, status)
        .select_from(subscriptions)
        .join(subscribers, subscribers.c.id == subscriptions.c.subscriber_id)
        .outerjoin(suppressions, suppressions.c.email == subscribers.c.email)
        .where(subscriptions.c.list_id == list_id, subscribers.c.id.not_in(already))
    )
    if segment_ids:
        candidates = candidates.where(
            subscribers.c.id.in_(
                select(subscriber_segments.c.subscriber_id).where(
                    subscriber_segments.c.segment_id.in_(segment_ids)
                )
            )
        )
    conn.execute(
        insert(send_recipients).from_select(["send_id", "subscriber_id", "status"], candidates)
    )


def pending_batch(conn: Connection, send_id: int, after_id: int, size: int) -> list[Row[Any]]:
    query = (
        select(
            send_recipients.c.id,
            subscribers.c.id.label("subscriber_id"),
            subscribers.c.email,
            subscribers.c.language,
        )
        .join(subscribers, subscribers.c.id == send_recipients.c.subscriber_id)
        .where(
            send_recipients.c.send_id == send_id,
            send_recipients.c.status == "pending",
            send_recipients.c.id > after_id,
        )
        .order_by(send_recipients.c.id)
        .limit(size)
    )
    return list(conn.execute(query))


def mark(conn: Connection, recipient_id: int, **values: object) -> None:
    conn.execute(update(send_recipients).where(send_recipients.c.id == recipient_id).values(values))


def counts(conn: Connection, send_id: int) -> dict[str, int]:
    """Recipients of a send by status: pending, sent, failed, unconfirmed, ..."""
    return dict(
        conn.execute(
            select(send_recipients.c.status, func.count())
            .where(send_recipients.c.send_id == send_id)
            .group_by(send_recipients.c.status)
        ).all()
    )


def finish(conn: Connection, send_id: int) -> None:
    """Store the counts of a send, and `done` or `partial` (some failed: run it again)."""
    counts_now = counts(conn, send_id)
    unfinished = counts_now.get("failed", 0) + counts_now.get("pending", 0)
    conn.execute(
        update(sends)
        .where(sends.c.id == send_id)
        .values(
            status="partial" if unfinished else "done",
            finished_at=datetime.now(UTC),
            sent=counts_now.get("sent", 0),
            failed=unfinished,
            **{f"skipped_{name}": counts_now.get(name, 0) for name in SKIPPED},
        )
    )


def report(conn: Connection, send_id: int, **run: Any) -> SendReport:
    row = conn.execute(
        select(sends, mailing_lists.c.code.label("list_code"))
        .join(mailing_lists)
        .where(sends.c.id == send_id)
    ).first()
    if row is None:
        raise UnknownSend(
            f"Envoi inconnu : n° {send_id}. `centrale review sends list` affiche les envois."
        )
    return SendReport(
        send_id=row.id,
        issue_id=row.issue_id,
        list_code=row.list_code,
        status=row.status,
        subject=row.subject,
        sent=row.sent,
        failed=row.failed,
        skipped_unconfirmed=row.skipped_unconfirmed,
        skipped_suppressed=row.skipped_suppressed,
        skipped_unsubscribed=row.skipped_unsubscribed,
        scheduled_at=row.scheduled_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        **run,
    )


def all_reports(engine: Engine) -> list[SendReport]:
    with engine.connect() as conn:
        ids = conn.execute(select(sends.c.id).order_by(sends.c.id.desc())).scalars().all()
        return [report(conn, send_id) for send_id in ids]


def due_sends(engine: Engine, now: datetime) -> list[int]:
    """Scheduled sends whose time has come, oldest first."""
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(sends.c.id)
                .where(sends.c.status == "scheduled", sends.c.scheduled_at <= now)
                .order_by(sends.c.scheduled_at)
            ).scalars()
        )
