"""Real parts for the subscriber and delivery tests: a local SMTP server, a DKIM key pair,
mail settings, an issue to send. Imported by the `test_review_delivery*` and
`test_review_subscribers*` modules; it holds no test of its own.
"""

from __future__ import annotations

import base64
import email
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import dkim
import pytest
import uvicorn
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from centrale.bootstrap import App
from centrale.review.issues import create_issue
from centrale.review.mail_message import Content
from centrale.review.subscribers import Signup, confirm, subscribe
from centrale.web.app import create_app

DKIM_DOMAIN = "centrale.example.ma"
PUBLIC_URL = "https://revue.centrale.example.ma"


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class MailSink:
    """An aiosmtpd handler that keeps what it receives and can refuse on demand."""

    received: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # address -> permanent answer
    busy: dict[str, int] = field(default_factory=dict)  # address -> 4xx answers to give first
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        if self.busy.get(address, 0) > 0:
            self.busy[address] -= 1
            return "451 4.3.0 Serveur occupé, réessayez"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
            )
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [mail for mail in self.received if address in mail.rcpt_tos]


@dataclass(frozen=True)
class DkimKey:
    path: Path
    dns_record: bytes

    def dnsfunc(self, name: bytes, timeout: int = 5) -> bytes | None:
        wanted = f"centrale._domainkey.{DKIM_DOMAIN}".encode()
        return self.dns_record if name.rstrip(b".") == wanted else None

    def verify(self, data: bytes) -> bool:
        return bool(dkim.verify(data, dnsfunc=self.dnsfunc))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def mail_sink() -> Iterator[MailSink]:
    sink = MailSink()
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()


@pytest.fixture(scope="session")
def dkim_key(tmp_path_factory: pytest.TempPathFactory) -> DkimKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path_factory.mktemp("dkim") / "dkim.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return DkimKey(path, b"v=DKIM1; k=rsa; p=" + base64.b64encode(public))


@pytest.fixture
def mail_app(app: App, mail_sink: MailSink, dkim_key: DkimKey) -> App:
    """The app wired to the local SMTP server, signing with the test key."""
    settings = app.settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": mail_sink.port,
            "dkim_domain": DKIM_DOMAIN,
            "dkim_private_key_path": dkim_key.path,
            "mail_from": f"Flash-back <flashback@{DKIM_DOMAIN}>",
            "bounce_address": f"rebonds@{DKIM_DOMAIN}",
            "unsubscribe_address": f"desabonnement@{DKIM_DOMAIN}",
            "public_url": PUBLIC_URL,
            "secret_key": "clé-de-test-signatures",
            "send_rate_per_second": 500.0,
            "smtp_retry_delay_seconds": 0.01,
        }
    )
    return App(settings=settings, engine=app.engine)


@pytest.fixture
def site(mail_app: App) -> Iterator[str]:
    """The web app on a free local port, in a thread."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(mail_app), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def cli_app(mail_app: App, monkeypatch: pytest.MonkeyPatch) -> App:
    """The CLI reads its settings from the environment, as in production."""
    for name, value in mail_app.settings.model_dump().items():
        if value is not None:
            monkeypatch.setenv(f"CENTRALE_{name.upper()}", str(value))
    return mail_app


def run_cli(*args: str, code: int = 0) -> str:
    """`centrale ARGS...` in process; checks the exit code and returns what it printed."""
    from typer.testing import CliRunner

    from centrale.cli import app as cli

    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    return result.output


def ledger(app: App, address: str) -> list[dict[str, Any]]:
    """The consent events of an address, oldest first, read straight from the table."""
    from sqlalchemy import select

    from centrale.review.consent import email_sha256
    from centrale.store.subscriber_tables import consent_events

    with app.engine.connect() as conn:
        rows = conn.execute(
            select(consent_events)
            .where(consent_events.c.email_sha256 == email_sha256(address))
            .order_by(consent_events.c.id)
        )
        return [dict(row._mapping) for row in rows]


def make_issue(app: App, number: int = 118) -> int:
    return create_issue(app.engine, number, date(2015, 2, 2), date(2015, 4, 5), take_accepted=False)


def confirmed_subscriber(
    app: App, address: str, *, language: str = "fr", segments: tuple[str, ...] = ()
) -> int:
    subscriber = subscribe(
        app.engine,
        Signup(address, "fr-1", name="Abonné de test", language=language, segments=segments),
        origin="cli",
    )
    confirm(app.engine, subscriber.id, subscriber.digest, origin="cli")
    return subscriber.id


def pending_subscriber(app: App, address: str) -> int:
    return subscribe(app.engine, Signup(address, "fr-1"), origin="web_form").id


def fixed_renderer(unsubscribe_url: str, preferences_url: str, lang: str) -> Content:
    """An issue's e-mail written by hand, with the recipient's links in both parts."""
    return Content(
        subject="Flash-back N° 118 – Du 2 février au 5 avril 2015",
        html=(
            f'<html lang="{lang}"><body><h1>Flash-back</h1><p>« (…) Le micro-crédit retrouve '
            f'le rythme d\'avant-crise »</p><p><a href="{unsubscribe_url}">Se désabonner</a> · '
            f'<a href="{preferences_url}">Gérer mon abonnement</a></p></body></html>'
        ),
        text=(
            "Flash-back N° 118\n\n« (…) Le micro-crédit retrouve le rythme d'avant-crise »\n\n"
            f"Se désabonner : {unsubscribe_url}\nGérer mon abonnement : {preferences_url}\n"
        ),
    )
