"""Sending an issue: to confirmed subscribers only, one signed message each, with a report.

    send_issue(app, issue_id, renderer)  ->  classify recipients (one INSERT ... SELECT)
        -> for each pending recipient: render with their links, sign, send (throttled, retried)
        -> record the outcome per recipient -> store the counts -> SendReport

A dry run classifies and renders inside a transaction that is rolled back: it reports what a
send would do and checks that rendering and signing work, and sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from centrale.bootstrap import App
from centrale.errors import Conflict
from centrale.review import sends as records
from centrale.review.bounces import suppress
from centrale.review.mail_message import MailContent
from centrale.review.outbox import Outbox
from centrale.review.smtp_transport import Outcome, SmtpTransport, cannot_be_written
from centrale.review.subscribers import DEFAULT_LIST, ids_by_code
from centrale.store import mailing_lists
from centrale.store import sends as store

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from centrale.store.sends import Recipient

# (unsubscribe_url, preferences_url, lang) -> the issue's subject, HTML and text
Renderer = Callable[[str, str, str], MailContent]
BATCH = 200


def send_issue(
    app: App,
    issue_id: int,
    render: Renderer,
    *,
    list_code: str = DEFAULT_LIST,
    segment_codes: Iterable[str] = (),
    dry_run: bool = False,
    resume: bool = False,
    transport_factory: Callable[..., SmtpTransport] = SmtpTransport,
) -> records.SendReport:
    """Send an issue to the confirmed, active, unsuppressed subscribers of a list.

    >>> send_issue(app, 12, issue_renderer(app.engine, 12))  # doctest: +SKIP
    SendReport(send_id=1, ..., sent=240, failed=0, skipped_unconfirmed=12, ...)
    """
    outbox = Outbox(app.settings)
    if dry_run:
        return _dry_run(app, outbox, issue_id, render, list_code, segment_codes)
    with app.engine.begin() as conn:
        send_id, list_id, list_name, segment_ids = _open(conn, issue_id, list_code, segment_codes)
        if not store.claim(conn, send_id, resume=resume):
            raise Conflict(
                f"L'envoi n° {send_id} de ce numéro est déjà en cours. S'il a été interrompu "
                "(arrêt de la machine), relancez avec --reprendre."
            )
        store.classify(conn, send_id, list_id, segment_ids)
    sent = 0
    failures: list[tuple[str, str]] = []
    try:
        with transport_factory(app.settings) as transport:
            last_id = 0
            while batch := _batch(app, send_id, last_id):
                for row in batch:
                    last_id = row.id
                    outcome, message_id, subject = _deliver(
                        transport, outbox, render, row, list_code, list_name
                    )
                    with app.engine.begin() as conn:
                        if sent == 0 and outcome.delivered:
                            store.set_subject(conn, send_id, subject)
                        _record(conn, row, outcome, message_id)
                    if outcome.delivered:
                        sent += 1
                    else:
                        failures.append((row.email, outcome.error or ""))
    finally:
        with app.engine.begin() as conn:
            records.finish(conn, send_id)
    with app.engine.connect() as conn:
        return records.report(conn, send_id, sent_this_run=sent, failures=tuple(failures))


def schedule_send(
    app: App,
    issue_id: int,
    at: datetime,
    *,
    list_code: str = DEFAULT_LIST,
    segment_codes: Iterable[str] = (),
) -> records.SendReport:
    """Plan a send for `send --due` (run by cron) to carry out once `at` has passed."""
    with app.engine.begin() as conn:
        send_id, _, _, _ = _open(conn, issue_id, list_code, segment_codes)
        store.schedule(conn, send_id, at.astimezone(UTC))
        return records.report(conn, send_id)


def send_due(
    app: App, renderer_for: Callable[[int], Renderer], *, now: datetime | None = None
) -> list[records.SendReport]:
    """Carry out every scheduled send whose time has come; one that another run holds is left."""
    reports = []
    for send_id in records.due_sends(app.engine, now or datetime.now(UTC)):
        with app.engine.connect() as conn:
            row = store.send_row(conn, send_id)
        if row is None:
            continue  # removed between our query and now
        segment_codes = [code for code in row.segments.split(",") if code]
        try:
            reports.append(
                send_issue(
                    app,
                    row.issue_id,
                    renderer_for(row.issue_id),
                    list_code=row.list_code,
                    segment_codes=segment_codes,
                )
            )
        except Conflict:
            continue  # another cron run took it between our query and our claim
    return reports


def _open(
    conn: Connection, issue_id: int, list_code: str, segment_codes: Iterable[str]
) -> tuple[int, int, str, list[int]]:
    list_id = ids_by_code(conn, "lists", [list_code])[list_code]
    list_name = mailing_lists.list_name(conn, list_id)
    segment_ids = ids_by_code(conn, "segments", segment_codes)
    send_id = store.open_send(conn, issue_id, list_id, ",".join(sorted(segment_ids)), "new")
    return send_id, list_id, list_name, sorted(segment_ids.values())


def _batch(app: App, send_id: int, after_id: int) -> list[Recipient]:
    with app.engine.connect() as conn:
        return store.pending_batch(conn, send_id, after_id, BATCH)


def _deliver(
    transport: SmtpTransport,
    outbox: Outbox,
    render: Renderer,
    row: Recipient,
    list_code: str,
    list_name: str,
) -> tuple[Outcome, str, str]:
    """Send the issue to one recipient: the outcome, the message's id and its subject (both
    empty for an address no message can carry, which is not even built)."""
    if (unwritable := cannot_be_written(row.email)) is not None:
        return unwritable, "", ""
    links = outbox.links(row.subscriber_id, row.email, list_code)
    content = render(links.unsubscribe, links.preferences, row.language)
    outgoing = outbox.issue_message(row.email, content, links, outbox.list_id(list_code, list_name))
    outcome = transport.send(outbox.envelope_from, row.email, outgoing.data)
    return outcome, outgoing.message_id, content.subject


def _record(conn: Connection, row: Recipient, outcome: Outcome, message_id: str) -> None:
    recipient_id, email = row.id, row.email
    if outcome.delivered:
        store.mark(
            conn,
            recipient_id,
            status="sent",
            attempts=outcome.attempts,
            message_id=message_id,
            sent_at=datetime.now(UTC),
            error=None,
        )
        return
    store.mark(conn, recipient_id, status="failed", attempts=outcome.attempts, error=outcome.error)
    if outcome.permanent and outcome.code in (550, 551, 553):
        # The server refused the mailbox itself: as good as a hard bounce.
        suppress(conn, email, "smtp_refused", outcome.error or "")


def _dry_run(
    app: App,
    outbox: Outbox,
    issue_id: int,
    render: Renderer,
    list_code: str,
    segment_codes: Iterable[str],
) -> records.SendReport:
    with app.engine.connect() as conn:
        transaction = conn.begin()
        try:
            send_id, list_id, list_name, segment_ids = _open(
                conn, issue_id, list_code, segment_codes
            )
            store.classify(conn, send_id, list_id, segment_ids)
            counts = store.counts(conn, send_id)
            subject, languages = "", set()
            for row in store.pending_batch(conn, send_id, 0, counts.get("pending", 0)):
                if row.language not in languages:
                    # One message per edition proves that rendering and signing work.
                    languages.add(row.language)
                    links = outbox.links(row.subscriber_id, row.email, list_code)
                    content = render(links.unsubscribe, links.preferences, row.language)
                    list_id_header = outbox.list_id(list_code, list_name)
                    outbox.issue_message(row.email, content, links, list_id_header)
                    subject = subject or content.subject
            report = records.report(conn, send_id)
        finally:
            transaction.rollback()
    return replace(
        report,
        status="dry_run",
        subject=subject,
        dry_run=True,
        to_send=counts.get("pending", 0),
        skipped_unconfirmed=counts.get("unconfirmed", 0),
        skipped_suppressed=counts.get("suppressed", 0),
        skipped_unsubscribed=counts.get("unsubscribed", 0),
    )
