"""The review's outgoing mail: signed links, list headers, DKIM, envelope sender.

One place knows how a recipient's links are minted and how a message is turned into the
exact bytes handed to SMTP, for issues and for confirmation mails alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from centrale.review.dkim_signing import DkimSigner
from centrale.review.mail_message import (
    ListHeaders,
    MailContent,
    address_of,
    build_message,
    domain_of,
    wire_bytes,
)
from centrale.review.tokens import CONFIRM, PREFERENCES, UNSUBSCRIBE, LinkSigner
from centrale.settings import Settings


@dataclass(frozen=True)
class Links:
    unsubscribe: str  # the https URI of RFC 8058
    unsubscribe_mailto: str
    preferences: str


@dataclass(frozen=True)
class Outgoing:
    message_id: str
    data: bytes


class Outbox:
    """Builds what goes out; `Outbox(settings)` reads the DKIM key once.

    >>> outbox = Outbox(Settings(public_url="https://revue.example.ma"))
    >>> outbox.links(3, "a@b.ma", "flash-back").preferences.startswith(
    ...     "https://revue.example.ma/abonnement/preferences/")
    True
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.signer = LinkSigner(
            settings.secret_key,
            confirm_hours=settings.confirm_link_hours,
            preferences_days=settings.preferences_link_days,
        )
        self.dkim = DkimSigner.from_settings(settings)
        self.base_url = settings.public_url.rstrip("/")

    @property
    def envelope_from(self) -> str:
        """The Return-Path, where delivery status reports come back."""
        return self.settings.bounce_address or address_of(self.settings.mail_from)

    @property
    def sending_domain(self) -> str:
        return self.settings.dkim_domain or domain_of(self.settings.mail_from)

    def links(self, subscriber_id: int, email: str, list_code: str) -> Links:
        token = self.signer.mint(UNSUBSCRIBE, subscriber_id, email, list_code)
        mailbox = self.settings.unsubscribe_address or address_of(self.settings.mail_from)
        return Links(
            unsubscribe=f"{self.base_url}/desabonnement/{token}",
            unsubscribe_mailto=f"mailto:{mailbox}?subject={quote('unsubscribe ' + token)}",
            preferences=self.preferences_url(subscriber_id, email),
        )

    def preferences_url(self, subscriber_id: int, email: str) -> str:
        token = self.signer.mint(PREFERENCES, subscriber_id, email)
        return f"{self.base_url}/abonnement/preferences/{token}"

    def confirm_url(self, subscriber_id: int, email: str) -> str:
        token = self.signer.mint(CONFIRM, subscriber_id, email)
        return f"{self.base_url}/abonnement/confirmer/{token}"

    def list_id(self, list_code: str, list_name: str) -> str:
        return f"{list_name} <{list_code}.{self.sending_domain}>"

    def issue_message(self, to: str, content: MailContent, links: Links, list_id: str) -> Outgoing:
        """A list message with RFC 2369/2919/8058 headers, DKIM-signed when configured."""
        headers = ListHeaders(list_id, links.unsubscribe, links.unsubscribe_mailto)
        message = build_message(
            sender=self.settings.mail_from, to=to, content=content, list_headers=headers
        )
        return Outgoing(str(message["Message-ID"]), self._signed(wire_bytes(message)))

    def direct_message(self, to: str, content: MailContent) -> Outgoing:
        """A one-off message (confirmation of a sign-up): no list headers."""
        message = build_message(sender=self.settings.mail_from, to=to, content=content)
        return Outgoing(str(message["Message-ID"]), self._signed(wire_bytes(message)))

    def _signed(self, data: bytes) -> bytes:
        return self.dkim.sign(data) if self.dkim is not None else data
