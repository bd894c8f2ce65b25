"""The send records: one row per issue and list, one row per recipient of it.

Recipients are classified in one INSERT ... SELECT: unsubscribed, suppressed, unconfirmed, or
pending (to send). Rows already `sent` are never touched, so running a send again reaches only
those not served yet (new subscribers, earlier failures) and nobody twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, and_, case, delete, func, insert, literal, select, update

from centrale.store.review_tables import review_issues
from centrale.store.subscriber_tables import (
    mailing_lists,
    send_recipients,
    sends,
    subscriber_segments,
    subscribers,
    subscriptions,
    suppressions,
)


@dataclass(frozen=True)
class SendRow:
    id: int
    issue_id: int
    list_code: str
    segments: str  # segment codes, comma-separated; empty for the whole list
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


@dataclass(frozen=True)
class Recipient:
    id: int  # of the recipient's row in the send
    subscriber_id: int
    email: str
    language: str


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


def schedule(conn: Connection, send_id: int, at: datetime) -> None:
    """Plan a send for `at`, unless a run is sending it now."""
    conn.execute(
        update(sends)
        .where(sends.c.id == send_id, sends.c.status != "sending")
        .values(status="scheduled", scheduled_at=at)
    )


def set_subject(conn: Connection, send_id: int, subject: str) -> None:
    conn.execute(update(sends).where(sends.c.id == send_id).values(subject=subject))


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


def pending_batch(conn: Connection, send_id: int, after_id: int, size: int) -> list[Recipient]:
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
    return [Recipient(*row) for row in conn.execute(query)]


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


def close_send(conn: Connection, send_id: int, status: str, **totals: int) -> None:
    """Store how a send ended: its status, `sent`, `failed` and the `skipped_*` counts."""
    conn.execute(
        update(sends)
        .where(sends.c.id == send_id)
        .values(status=status, finished_at=datetime.now(UTC), **totals)
    )


def send_row(conn: Connection, send_id: int) -> SendRow | None:
    row = conn.execute(
        select(
            sends.c.id,
            sends.c.issue_id,
            mailing_lists.c.code.label("list_code"),
            sends.c.segments,
            sends.c.status,
            sends.c.subject,
            sends.c.sent,
            sends.c.failed,
            sends.c.skipped_unconfirmed,
            sends.c.skipped_suppressed,
            sends.c.skipped_unsubscribed,
            sends.c.scheduled_at,
            sends.c.started_at,
            sends.c.finished_at,
        )
        .join(mailing_lists)
        .where(sends.c.id == send_id)
    ).first()
    return SendRow(**row._mapping) if row else None


def send_ids(conn: Connection) -> list[int]:
    """Every send, newest first."""
    return list(conn.execute(select(sends.c.id).order_by(sends.c.id.desc())).scalars())


def due_send_ids(conn: Connection, now: datetime) -> list[int]:
    """Scheduled sends whose time has come, oldest first."""
    return list(
        conn.execute(
            select(sends.c.id)
            .where(sends.c.status == "scheduled", sends.c.scheduled_at <= now)
            .order_by(sends.c.scheduled_at)
        ).scalars()
    )


def issue_by_number(conn: Connection, number: int) -> tuple[int, str] | None:
    """The id and status of issue `number`: what a send names the issue by."""
    row = conn.execute(
        select(review_issues.c.id, review_issues.c.status).where(review_issues.c.number == number)
    ).first()
    return (int(row.id), row.status) if row else None


def issue_number(conn: Connection, issue_id: int) -> int:
    return int(
        conn.execute(
            select(review_issues.c.number).where(review_issues.c.id == issue_id)
        ).scalar_one()
    )
