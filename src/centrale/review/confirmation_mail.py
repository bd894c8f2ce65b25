"""The double opt-in e-mail: a signed, expiring link that the address's owner must open.

Written from two templates (text and HTML) in the language chosen at sign-up (`confirm.txt`
in French, `confirm.ar.txt` in Arabic, right to left) and sent at once through the same outbox
as the issues, DKIM-signed, without list headers (it is not a list message).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from centrale.bootstrap import App
from centrale.review.delivery_errors import MailServerUnavailable
from centrale.review.mail_message import Content
from centrale.review.outbox import Outbox
from centrale.review.smtp_transport import SmtpTransport
from centrale.review.subscribers import Subscriber

TEMPLATES = Path(__file__).parent / "templates" / "subscriber_mail"
# Subject and template suffix per language; a language without its own falls back to French.
SUBJECTS = {
    "fr": "Confirmez votre abonnement à Flash-back",
    "ar": "أكِّدوا اشتراككم في نشرة «فلاش باك»",
}
SUFFIXES = {"fr": "", "ar": ".ar"}


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        keep_trailing_newline=True,
    )


def confirmation_content(outbox: Outbox, subscriber: Subscriber) -> Content:
    """The confirmation mail of one subscriber in their language, both parts carrying their link."""
    values = {
        "name": subscriber.name,
        "email": subscriber.email,
        "confirm_url": outbox.confirm_url(subscriber.id, subscriber.email),
        "hours": outbox.settings.confirm_link_hours,
    }
    language = subscriber.language if subscriber.language in SUBJECTS else "fr"
    suffix = SUFFIXES[language]
    env = _environment()
    return Content(
        subject=SUBJECTS[language],
        html=env.get_template(f"confirm{suffix}.html").render(values),
        text=env.get_template(f"confirm{suffix}.txt").render(values),
    )


def send_confirmations(app: App, pending: list[Subscriber]) -> int:
    """Send each subscriber their confirmation link; returns how many went out.

    >>> send_confirmations(app, [subscriber])  # doctest: +SKIP
    1
    """
    outbox = Outbox(app.settings)
    sent = 0
    with SmtpTransport(app.settings) as transport:
        for subscriber in pending:
            outgoing = outbox.direct_message(
                subscriber.email, confirmation_content(outbox, subscriber)
            )
            outcome = transport.send(outbox.envelope_from, subscriber.email, outgoing.data)
            if not outcome.delivered:
                raise MailServerUnavailable(
                    f"L'e-mail de confirmation n'a pas pu être envoyé à « {subscriber.email} » "
                    f"({outcome.error}). Réessayez dans quelques minutes."
                )
            sent += 1
    return sent
