"""Returned mail on SQLite and PostgreSQL: RFC 3464 bounces into the suppression list,
complaints, mailto: unsubscribes, and the editor's review and release."""

# The fixtures come from the support module: their names shadow the imports by design.
# ruff: noqa: F811

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from centrale.bootstrap import App
from centrale.errors import NotFound
from centrale.review.bounces import add_suppression, release, suppression_rows
from centrale.review.delivery import send_issue
from centrale.review.dsn import read_returned_mail
from centrale.review.inbox import process_returned_mail
from centrale.review.subscribers import find_by_email
from test_review_delivery_support import (
    DKIM_DOMAIN,
    MailSink,
    confirmed_subscriber,
    dkim_key,  # noqa: F401
    fixed_renderer,
    ledger,
    mail_app,  # noqa: F401
    mail_sink,  # noqa: F401
    make_issue,
)

DSN = """\
Return-Path: <>
Date: Mon, 23 Nov 2026 08:01:02 +0000 (UTC)
From: MAILER-DAEMON@mx.exemple.ma (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: rebonds@{domain}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"
Message-Id: <{report}@mx.exemple.ma>

This is a MIME-encapsulated message.

--B1
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not be delivered.

--B1
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.exemple.ma
Arrival-Date: Mon, 23 Nov 2026 08:01:01 +0000 (UTC)

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Remote-MTA: dns; mail.exemple.ma
Diagnostic-Code: smtp; {diagnostic}

--B1
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: Flash-back <flashback@{domain}>
To: {recipient}
Subject: Flash-back

--B1--
"""

COMPLAINT = """\
From: feedback@fai.exemple.ma
To: rebonds@{domain}
Subject: Signalement
Message-ID: <plainte-{report}@fai.exemple.ma>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="F1"

--F1
Content-Type: text/plain; charset=us-ascii

This is an email abuse report.

--F1
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: FAI-FBL/1.0
Version: 1
Original-Rcpt-To: <{recipient}>

--F1--
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_bytes(text.replace("\n", "\r\n").encode())
    return path


def bounce(
    directory: Path,
    recipient: str,
    status: str,
    *,
    report: str,
    action: str = "failed",
    diagnostic: str = "550 5.1.1 <x>: Recipient address rejected: User unknown",
) -> Path:
    text = DSN.format(
        domain=DKIM_DOMAIN,
        recipient=recipient,
        status=status,
        action=action,
        diagnostic=diagnostic,
        report=report,
    )
    return write(directory, f"{report}.eml", text)


def test_a_report_is_read_per_recipient() -> None:
    raw = DSN.format(
        domain=DKIM_DOMAIN,
        recipient="Ali@Exemple.ma",
        status="5.1.1",
        action="failed",
        diagnostic="550 5.1.1 User unknown",
        report="r1",
    ).encode()
    returned = read_returned_mail(raw)
    assert returned is not None
    assert returned.report_id == "<r1@mx.exemple.ma>"
    [status] = returned.recipients
    assert (status.email, status.action, status.status, status.kind) == (
        "ali@exemple.ma",
        "failed",
        "5.1.1",
        "hard",
    )
    assert status.diagnostic == "smtp; 550 5.1.1 User unknown"


def test_a_hard_bounce_suppresses_the_address_and_the_next_send_skips_it(
    mail_app: App, mail_sink: MailSink, tmp_path: Path
) -> None:
    confirmed_subscriber(mail_app, "ali@exemple.ma")
    confirmed_subscriber(mail_app, "badr@exemple.ma")
    send_issue(mail_app, make_issue(mail_app, 118), fixed_renderer)
    path = bounce(tmp_path, "ali@exemple.ma", "5.1.1", report="r-hard")

    report = process_returned_mail(mail_app, [path])
    assert (report.read, report.hard, report.soft, report.suppressed) == (
        1,
        1,
        0,
        ["ali@exemple.ma"],
    )
    [row] = suppression_rows(mail_app.engine)
    assert (row["email"], row["reason"], row["bounces"]) == ("ali@exemple.ma", "hard_bounce", 1)
    assert "5.1.1" in row["detail"] and "User unknown" in row["detail"]
    assert path.exists()  # mail is never deleted

    again = process_returned_mail(mail_app, [path])
    assert (again.hard, again.repeated, again.suppressed) == (0, 1, [])

    mail_sink.received.clear()
    second = send_issue(mail_app, make_issue(mail_app, 119), fixed_renderer)
    assert [m.rcpt_tos for m in mail_sink.received] == [["badr@exemple.ma"]]
    assert (second.sent, second.skipped_suppressed) == (1, 1)


def test_soft_bounces_suppress_after_the_limit_and_a_release_resets_them(
    mail_app: App, tmp_path: Path
) -> None:
    limit = mail_app.settings.soft_bounce_limit
    address = "chama@exemple.ma"
    confirmed_subscriber(mail_app, address)
    statuses = ["4.2.2", "5.2.2", "4.4.1", "4.2.2", "4.2.2"]  # 5.2.2: a full mailbox is soft
    files = [bounce(tmp_path, address, statuses[n], report=f"soft-{n}") for n in range(limit)]

    first = process_returned_mail(mail_app, files[:-1])
    assert (first.soft, first.hard, first.suppressed) == (limit - 1, 0, [])
    last = process_returned_mail(mail_app, files[-1:])
    assert last.suppressed == [address]
    assert suppression_rows(mail_app.engine)[0]["reason"] == "soft_bounces"

    release(mail_app.engine, address)
    assert suppression_rows(mail_app.engine) == []
    one_more = process_returned_mail(mail_app, [bounce(tmp_path, address, "4.2.2", report="s9")])
    assert (one_more.soft, one_more.suppressed) == (1, [])


def test_delivered_reports_and_auto_replies_are_left_alone(mail_app: App, tmp_path: Path) -> None:
    confirmed_subscriber(mail_app, "ali@exemple.ma")
    delivered = bounce(tmp_path, "ali@exemple.ma", "2.0.0", report="ok", action="delivered")
    away = write(
        tmp_path,
        "absence.eml",
        "From: ali@exemple.ma\nTo: rebonds@centrale.example.ma\nSubject: Absent du bureau\n"
        "Auto-Submitted: auto-replied\n\nJe suis absent jusqu'au 30 novembre.\n",
    )
    report = process_returned_mail(mail_app, [delivered, away])
    assert (report.read, report.hard, report.soft, report.ignored) == (2, 0, 0, [str(away)])
    assert suppression_rows(mail_app.engine) == []


def test_a_complaint_suppresses_and_unsubscribes(mail_app: App, tmp_path: Path) -> None:
    address = "hind@exemple.ma"
    confirmed_subscriber(mail_app, address)
    path = write(
        tmp_path,
        "plainte.eml",
        COMPLAINT.format(domain=DKIM_DOMAIN, recipient=address, report="p1"),
    )
    report = process_returned_mail(mail_app, [path])
    assert (report.complaints, report.suppressed, report.unsubscribed) == (
        1,
        [address],
        [address],
    )
    assert find_by_email(mail_app.engine, address).lists == {"flash-back": "unsubscribed"}
    assert suppression_rows(mail_app.engine)[0]["reason"] == "complaint"


def test_a_mailto_unsubscribe_request_unsubscribes_the_sender(
    mail_app: App, mail_sink: MailSink, tmp_path: Path
) -> None:
    address = "omar@exemple.ma"
    confirmed_subscriber(mail_app, address)
    send_issue(mail_app, make_issue(mail_app), fixed_renderer)
    header = mail_sink.to(address)[0].message["List-Unsubscribe"]
    mailto = re.search(r"<mailto:([^?]+)\?subject=([^>]+)>", header)
    assert mailto is not None
    maildir = tmp_path / "Maildir"
    (maildir / "new").mkdir(parents=True)
    subject = unquote(mailto.group(2))
    write(
        maildir / "new", "1.eml", f"From: {address}\nTo: {mailto.group(1)}\nSubject: {subject}\n\n"
    )

    report = process_returned_mail(mail_app, [maildir])
    assert report.unsubscribed == [address]
    assert find_by_email(mail_app.engine, address).lists == {"flash-back": "unsubscribed"}
    unsubscribes = [e["origin"] for e in ledger(mail_app, address) if e["event"] == "unsubscribe"]
    assert unsubscribes == ["mailto"]


def test_an_editor_suppression_and_release_by_hand(mail_app: App) -> None:
    assert add_suppression(mail_app.engine, "Ancien@AMC.ma", "adresse fermée")
    assert not add_suppression(mail_app.engine, "ancien@amc.ma")
    assert [r["reason"] for r in suppression_rows(mail_app.engine)] == ["manual"]
    release(mail_app.engine, "ancien@amc.ma")
    with pytest.raises(NotFound, match=r"« ancien@amc\.ma » n'est pas dans la liste d'exclusion"):
        release(mail_app.engine, "ancien@amc.ma")
