"""SMTP sending with throttling and retries (stdlib smtplib, one connection per run).

Temporary failures (4xx answers, a dropped connection) are retried with a doubling wait;
permanent ones (5xx) are not. Throttling spaces messages at least 1/rate seconds apart, so a
run never exceeds `send_rate_per_second`.
"""

from __future__ import annotations

import contextlib
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType

from centrale.review.delivery_errors import MailServerUnavailable
from centrale.settings import Settings


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    attempts: int
    error: str | None = None
    permanent: bool = False
    code: int | None = None


def cannot_be_written(recipient: str) -> Outcome | None:
    """The failure of an address no message can carry, or None.

    Sign-up refuses accents before the @ and keeps a domain in ASCII; an address stored
    before that rule has them, and neither the message's headers nor smtplib (without
    SMTPUTF8) can write it: it fails alone, and the send goes on.

    >>> cannot_be_written("nadia@exemple.ma") is None
    True
    """
    if recipient.isascii():
        return None
    return Outcome(
        False,
        0,
        f"l'adresse « {recipient} » contient des caractères non ASCII (accents, arabe), "
        "qu'un e-mail ne peut porter sans SMTPUTF8 : demandez à l'abonné une adresse sans "
        "accent",
        permanent=True,
    )


class SmtpTransport:
    """Use as a context manager; `send` returns an Outcome and never raises for one message.

    >>> with SmtpTransport(settings) as transport:  # doctest: +SKIP
    ...     transport.send("bounces@c.ma", "a@b.ma", message_bytes)
    """

    def __init__(
        self,
        settings: Settings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._sleep = sleep
        self._clock = clock
        self._interval = 1.0 / settings.send_rate_per_second
        self._next_at = 0.0
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._smtp is not None:
            # The server may already have gone away: nothing left to close politely then.
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._smtp = None

    def send(self, envelope_from: str, recipient: str, data: bytes) -> Outcome:
        if (unwritable := cannot_be_written(recipient)) is not None:
            return unwritable
        self._throttle()
        attempts = max(1, self._settings.smtp_retries)
        error = ""
        for attempt in range(1, attempts + 1):
            try:
                self._connection().sendmail(envelope_from, [recipient], data)
                return Outcome(True, attempt)
            except smtplib.SMTPRecipientsRefused as refused:
                code, text = refused.recipients[recipient]
                error, failure_code = _describe(code, text), code
            except smtplib.SMTPResponseException as answer:
                error, failure_code = (
                    _describe(answer.smtp_code, answer.smtp_error),
                    answer.smtp_code,
                )
            except (smtplib.SMTPServerDisconnected, OSError) as dropped:
                self._smtp = None
                error, failure_code = f"connexion perdue : {dropped}", None
            if failure_code is not None and failure_code >= 500:
                return Outcome(False, attempt, error, permanent=True, code=failure_code)
            if attempt < attempts:
                self._sleep(self._settings.smtp_retry_delay_seconds * 2 ** (attempt - 1))
        return Outcome(False, attempts, error)

    def _throttle(self) -> None:
        now = self._clock()
        if self._next_at > now:
            self._sleep(self._next_at - now)
        self._next_at = max(now, self._next_at) + self._interval

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        settings = self._settings
        try:
            smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30)
            smtp.ehlo()
            if settings.smtp_starttls:
                smtp.starttls()
                smtp.ehlo()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
        except smtplib.SMTPAuthenticationError as error:
            raise MailServerUnavailable(
                f"Le serveur SMTP {settings.smtp_host}:{settings.smtp_port} refuse l'identifiant "
                f"« {settings.smtp_user} » ; vérifiez CENTRALE_SMTP_USER et CENTRALE_SMTP_PASSWORD."
            ) from error
        except (smtplib.SMTPException, OSError) as error:
            raise MailServerUnavailable(
                f"Serveur SMTP injoignable : {settings.smtp_host}:{settings.smtp_port} ({error}). "
                "Vérifiez CENTRALE_SMTP_HOST et CENTRALE_SMTP_PORT, puis relancez l'envoi : les "
                "destinataires déjà servis ne recevront pas le numéro deux fois."
            ) from error
        self._smtp = smtp
        return smtp


def _describe(code: int, text: bytes | str) -> str:
    message = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {message}"
