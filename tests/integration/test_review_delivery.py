"""Sending an issue through a real local SMTP server, on SQLite and PostgreSQL: who receives
it, what each message carries (MIME parts, list headers, DKIM), throttling, retries, resuming,
dry runs and scheduling."""

# The fixtures come from the support module: their names shadow the imports by design.
# ruff: noqa: F811

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote, urlsplit

import dkim
import pytest
from sqlalchemy import select, update

from centrale.bootstrap import App
from centrale.errors import Conflict
from centrale.review.bounces import add_suppression
from centrale.review.delivery import schedule_send, send_due, send_issue
from centrale.review.delivery_errors import MailServerUnavailable
from centrale.review.preferences import unsubscribe
from centrale.review.tokens import PREFERENCES, UNSUBSCRIBE, LinkSigner, address_digest
from centrale.store.subscriber_tables import send_recipients, sends, subscribers, suppressions
from test_review_delivery_support import (
    DKIM_DOMAIN,
    PUBLIC_URL,
    DkimKey,
    MailSink,
    confirmed_subscriber,
    dkim_key,  # noqa: F401  (fixture)
    fixed_renderer,
    mail_app,  # noqa: F401  (fixture)
    mail_sink,  # noqa: F401  (fixture)
    make_issue,
    pending_subscriber,
)


def audience(app: App) -> dict[str, int]:
    """Three confirmed subscribers, and one of each kind that must not receive the issue."""
    ids = {
        name: confirmed_subscriber(app, f"{name}@exemple.ma") for name in ("ali", "badr", "chama")
    }
    ids["dounia"] = pending_subscriber(app, "dounia@exemple.ma")
    ids["elias"] = confirmed_subscriber(app, "elias@exemple.ma")
    unsubscribe(
        app.engine, ids["elias"], address_digest("elias@exemple.ma"), "flash-back", origin="cli"
    )
    ids["farah"] = confirmed_subscriber(app, "farah@exemple.ma")
    add_suppression(app.engine, "farah@exemple.ma", "adresse fermée")
    return ids


def test_only_confirmed_subscribers_receive_signed_list_messages(
    mail_app: App, mail_sink: MailSink, dkim_key: DkimKey
) -> None:
    ids = audience(mail_app)
    issue_id = make_issue(mail_app)
    report = send_issue(mail_app, issue_id, fixed_renderer)

    assert sorted(r for mail in mail_sink.received for r in mail.rcpt_tos) == [
        "ali@exemple.ma",
        "badr@exemple.ma",
        "chama@exemple.ma",
    ]
    assert (report.sent, report.failed, report.status) == (3, 0, "done")
    assert (report.skipped_unconfirmed, report.skipped_unsubscribed, report.skipped_suppressed) == (
        1,
        1,
        1,
    )
    signer = LinkSigner(mail_app.settings.secret_key)
    for mail in mail_sink.received:
        assert mail.mail_from == f"rebonds@{DKIM_DOMAIN}"
        message = mail.message
        recipient = mail.rcpt_tos[0]
        assert message["To"] == recipient
        assert message["Subject"] == "Flash-back N° 118 – Du 2 février au 5 avril 2015"
        assert message.get_content_type() == "multipart/alternative"
        parts = [part.get_content_type() for part in message.iter_parts()]
        assert parts == ["text/plain", "text/html"]
        assert "Le micro-crédit retrouve" in message.get_body(("plain",)).get_content()
        assert message["List-Id"] == f"Flash-back <flash-back.{DKIM_DOMAIN}>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        https, mailto = re.findall(r"<([^>]+)>", message["List-Unsubscribe"])
        assert https.startswith(f"{PUBLIC_URL}/desabonnement/")
        assert mailto.startswith(f"mailto:desabonnement@{DKIM_DOMAIN}?subject=unsubscribe")
        token = urlsplit(https).path.rsplit("/", 1)[1]
        claim = signer.read(UNSUBSCRIBE, token)
        assert (claim.subscriber_id, claim.list_code) == (
            ids[recipient.split("@")[0]],
            "flash-back",
        )
        assert claim.digest == address_digest(recipient)
        assert unquote(mailto).endswith(f"unsubscribe {token}")
        assert https in message.get_body(("html",)).get_content()

        assert dkim_key.verify(mail.data)
        signature = dkim.util.parse_tag_value(
            message["DKIM-Signature"].encode().replace(b"\r\n", b"")
        )
        signed = {h.strip().lower() for h in signature[b"h"].split(b":")}
        assert {
            b"list-id",
            b"list-unsubscribe",
            b"list-unsubscribe-post",
            b"from",
            b"to",
            b"subject",
            b"date",
            b"message-id",
        } <= signed
        assert signature[b"d"] == DKIM_DOMAIN.encode()


def test_the_signature_breaks_if_the_unsubscribe_headers_are_altered(
    mail_app: App, mail_sink: MailSink, dkim_key: DkimKey
) -> None:
    confirmed_subscriber(mail_app, "ali@exemple.ma")
    send_issue(mail_app, make_issue(mail_app), fixed_renderer)
    data = mail_sink.received[0].data
    assert dkim_key.verify(data)
    assert not dkim_key.verify(
        data.replace(
            b"List-Unsubscribe-Post: List-Unsubscribe=One-Click",
            b"List-Unsubscribe-Post: List-Unsubscribe=Other",
        )
    )
    forged = re.sub(rb"desabonnement/[^>]+>", b"desabonnement/autre>", data, count=1)
    assert not dkim_key.verify(forged)


def test_preference_links_open_the_recipients_own_page(mail_app: App, mail_sink: MailSink) -> None:
    subscriber_id = confirmed_subscriber(mail_app, "ali@exemple.ma")
    send_issue(mail_app, make_issue(mail_app), fixed_renderer)
    text = mail_sink.received[0].message.get_body(("plain",)).get_content()
    url = re.search(r"Gérer mon abonnement : (\S+)", text).group(1)
    assert url.startswith(f"{PUBLIC_URL}/abonnement/preferences/")
    claim = LinkSigner(mail_app.settings.secret_key).read(PREFERENCES, url.rsplit("/", 1)[1])
    assert claim.subscriber_id == subscriber_id


def test_running_a_send_again_reaches_only_those_not_served(
    mail_app: App, mail_sink: MailSink
) -> None:
    confirmed_subscriber(mail_app, "ali@exemple.ma")
    late = pending_subscriber(mail_app, "dounia@exemple.ma")
    issue_id = make_issue(mail_app)
    first = send_issue(mail_app, issue_id, fixed_renderer)
    assert (first.sent_this_run, first.skipped_unconfirmed) == (1, 1)

    from centrale.review.subscribers import confirm

    confirm(mail_app.engine, late, address_digest("dounia@exemple.ma"), origin="confirm_page")
    second = send_issue(mail_app, issue_id, fixed_renderer)
    assert (second.sent_this_run, second.sent, second.skipped_unconfirmed) == (1, 2, 0)
    third = send_issue(mail_app, issue_id, fixed_renderer)
    assert third.sent_this_run == 0
    assert sorted(m.rcpt_tos[0] for m in mail_sink.received) == [
        "ali@exemple.ma",
        "dounia@exemple.ma",
    ]
    assert first.send_id == second.send_id == third.send_id


def test_segments_narrow_the_audience(mail_app: App, mail_sink: MailSink) -> None:
    confirmed_subscriber(mail_app, "presse@exemple.ma", segments=("press",))
    confirmed_subscriber(mail_app, "amc@exemple.ma", segments=("institutions",))
    report = send_issue(mail_app, make_issue(mail_app), fixed_renderer, segment_codes=["press"])
    assert [m.rcpt_tos for m in mail_sink.received] == [["presse@exemple.ma"]]
    assert report.sent == 1


def test_sending_is_throttled_to_the_configured_rate(mail_app: App, mail_sink: MailSink) -> None:
    rate = 20.0
    throttled = App(
        mail_app.settings.model_copy(update={"send_rate_per_second": rate}), mail_app.engine
    )
    count = 5
    for n in range(count):
        confirmed_subscriber(throttled, f"lecteur{n}@exemple.ma")
    started = time.monotonic()
    send_issue(throttled, make_issue(throttled), fixed_renderer)
    assert time.monotonic() - started >= (count - 1) / rate
    assert len(mail_sink.received) == count


def test_temporary_refusals_are_retried_and_permanent_ones_suppress(
    mail_app: App, mail_sink: MailSink
) -> None:
    for name in ("ali", "badr", "chama"):
        confirmed_subscriber(mail_app, f"{name}@exemple.ma")
    retries = mail_app.settings.smtp_retries
    mail_sink.busy["badr@exemple.ma"] = retries - 1
    mail_sink.refuse["chama@exemple.ma"] = "550 5.1.1 Boîte inconnue"
    report = send_issue(mail_app, make_issue(mail_app), fixed_renderer)

    assert sorted(m.rcpt_tos[0] for m in mail_sink.received) == [
        "ali@exemple.ma",
        "badr@exemple.ma",
    ]
    assert (report.sent, report.failed, report.status) == (2, 1, "partial")
    assert report.failures[0][0] == "chama@exemple.ma"
    assert "550" in report.failures[0][1]
    with mail_app.engine.connect() as conn:
        attempts = dict(
            conn.execute(
                select(send_recipients.c.subscriber_id, send_recipients.c.attempts).where(
                    send_recipients.c.status.in_(["sent", "failed"])
                )
            ).all()
        )
        reasons = dict(conn.execute(select(suppressions.c.email, suppressions.c.reason)).all())
    assert sorted(attempts.values()) == [1, 1, retries]
    assert reasons == {"chama@exemple.ma": "smtp_refused"}


def test_a_dry_run_sends_and_stores_nothing(mail_app: App, mail_sink: MailSink) -> None:
    audience(mail_app)
    report = send_issue(mail_app, make_issue(mail_app), fixed_renderer, dry_run=True)
    assert (report.dry_run, report.to_send, report.skipped_unconfirmed) == (True, 3, 1)
    assert report.subject.startswith("Flash-back N° 118")
    assert mail_sink.received == []
    with mail_app.engine.connect() as conn:
        assert conn.execute(select(sends)).first() is None


def test_an_unreachable_server_stops_the_send_which_can_resume(
    mail_app: App, mail_sink: MailSink
) -> None:
    confirmed_subscriber(mail_app, "ali@exemple.ma")
    issue_id = make_issue(mail_app)
    down = App(mail_app.settings.model_copy(update={"smtp_port": 1}), mail_app.engine)
    with pytest.raises(MailServerUnavailable, match=r"127\.0\.0\.1:1 .*CENTRALE_SMTP_PORT"):
        send_issue(down, issue_id, fixed_renderer)
    report = send_issue(mail_app, issue_id, fixed_renderer)
    assert (report.sent, report.status) == (1, "done")


def test_scheduled_sends_go_out_when_due(mail_app: App, mail_sink: MailSink) -> None:
    confirmed_subscriber(mail_app, "ali@exemple.ma")
    issue_id = make_issue(mail_app)
    at = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    scheduled = schedule_send(mail_app, issue_id, at)
    assert scheduled.status == "scheduled"

    assert send_due(mail_app, lambda _: fixed_renderer, now=at - timedelta(minutes=1)) == []
    assert mail_sink.received == []
    reports = send_due(mail_app, lambda _: fixed_renderer, now=at + timedelta(minutes=1))
    assert [(r.issue_id, r.sent, r.status) for r in reports] == [(issue_id, 1, "done")]
    assert send_due(mail_app, lambda _: fixed_renderer, now=at + timedelta(hours=1)) == []
    assert len(mail_sink.received) == 1


def test_a_send_held_by_another_run_is_refused_unless_resumed(
    mail_app: App, mail_sink: MailSink
) -> None:
    confirmed_subscriber(mail_app, "ali@exemple.ma")
    issue_id = make_issue(mail_app)
    first = send_issue(mail_app, issue_id, fixed_renderer)
    with mail_app.engine.begin() as conn:  # a run that died mid-way leaves its mark
        conn.execute(update(sends).where(sends.c.id == first.send_id).values(status="sending"))
    confirmed_subscriber(mail_app, "badr@exemple.ma")
    with pytest.raises(Conflict, match="--reprendre"):
        send_issue(mail_app, issue_id, fixed_renderer)
    resumed = send_issue(mail_app, issue_id, fixed_renderer, resume=True)
    assert (resumed.sent_this_run, resumed.sent, resumed.status) == (1, 2, "done")


def test_an_accented_domain_goes_out_in_ascii_and_an_address_no_server_takes_fails_alone(
    mail_app: App, mail_sink: MailSink
) -> None:
    """Sign-up keeps an accented domain in its ASCII form, which every server reads. An
    address with accents before the @ (stored before sign-up refused them) fails on its own,
    in French, when the server does not announce SMTPUTF8: the send goes on to the others."""
    confirmed_subscriber(mail_app, "nadia@société.ma")
    confirmed_subscriber(mail_app, "ali@exemple.ma")
    legacy = confirmed_subscriber(mail_app, "badr@exemple.ma")
    with mail_app.engine.begin() as conn:
        conn.execute(
            update(subscribers).where(subscribers.c.id == legacy).values(email="bädr@exemple.ma")
        )
    report = send_issue(mail_app, make_issue(mail_app), fixed_renderer)
    assert sorted(m.rcpt_tos[0] for m in mail_sink.received) == [
        "ali@exemple.ma",
        "nadia@xn--socit-esab.ma",
    ]
    assert (report.sent, report.failed, report.status) == (2, 1, "partial")
    address, reason = report.failures[0]
    assert address == "bädr@exemple.ma"
    assert "« bädr@exemple.ma »" in reason and "SMTPUTF8" in reason
