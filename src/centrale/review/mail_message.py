"""Builds the review's e-mails: one message per recipient, text part first, then HTML.

Headers of a list message: List-Id (RFC 2919), List-Unsubscribe with an https and a mailto URI
(RFC 2369) and List-Unsubscribe-Post (RFC 8058). Lines are kept under 998 characters rather
than folded at 78: a folded List-Unsubscribe token would be broken by some clients, and the
email package would RFC 2047-encode an over-long URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Protocol

WIRE = policy.SMTP.clone(max_line_length=998)


class MailContent(Protocol):
    """What a renderer returns: the review's `EmailContent` or a confirmation mail."""

    @property
    def subject(self) -> str: ...

    @property
    def html(self) -> str: ...

    @property
    def text(self) -> str: ...


@dataclass(frozen=True)
class Content:
    subject: str
    html: str
    text: str


@dataclass(frozen=True)
class ListHeaders:
    list_id: str
    unsubscribe_https: str
    unsubscribe_mailto: str


def address_of(header_value: str) -> str:
    """The bare address of a `Name <address>` header value.

    >>> address_of("Flash-back <flashback@centrale.example.ma>")
    'flashback@centrale.example.ma'
    """
    return parseaddr(header_value)[1]


def domain_of(header_value: str) -> str:
    return address_of(header_value).rpartition("@")[2]


def build_message(
    *,
    sender: str,
    to: str,
    content: MailContent,
    list_headers: ListHeaders | None = None,
) -> EmailMessage:
    """A multipart/alternative message ready to sign and send.

    >>> message = build_message(sender="Flash-back <f@c.ma>", to="a@b.ma",
    ...                         content=Content("Sujet", "<p>Bonjour</p>", "Bonjour"))
    >>> message.get_content_type()
    'multipart/alternative'
    """
    message = EmailMessage(policy=WIRE)
    message["From"] = sender
    message["To"] = Address(addr_spec=to)
    message["Subject"] = content.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=domain_of(sender) or None)
    if list_headers is not None:
        message["List-Id"] = list_headers.list_id
        message["List-Unsubscribe"] = (
            f"<{list_headers.unsubscribe_https}>, <{list_headers.unsubscribe_mailto}>"
        )
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(content.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(content.html, subtype="html", charset="utf-8", cte="quoted-printable")
    return message


def wire_bytes(message: EmailMessage) -> bytes:
    """The message as sent: CRLF line ends, the exact bytes that DKIM signs."""
    return message.as_bytes(policy=WIRE)
