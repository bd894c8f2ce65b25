"""Signed links for subscribers: confirm (expiring), preferences (expiring), unsubscribe.

A token names the subscriber and a short digest of their address, so a token minted for an
address that was deleted (and whose row id a later sign-up might reuse) opens nothing. The
unsubscribe token does not expire: RFC 8058 links in old issues must keep working, and all it
can do is unsubscribe.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from centrale.review.delivery_errors import InvalidLink

CONFIRM = "confirm"
PREFERENCES = "preferences"
UNSUBSCRIBE = "unsubscribe"


@dataclass(frozen=True)
class LinkClaim:
    """What a valid token says: which subscriber, which address digest, which list."""

    subscriber_id: int
    digest: str
    list_code: str | None


def address_digest(email: str) -> str:
    """A short, stable digest of a normalised address.

    >>> address_digest("a@b.ma") == address_digest("a@b.ma")
    True
    """
    return hashlib.sha256(email.encode("utf-8")).hexdigest()[:16]


class LinkSigner:
    """Mints and reads the three kinds of links with one secret key.

    >>> signer = LinkSigner("secret")
    >>> token = signer.mint(UNSUBSCRIBE, 7, "a@b.ma", "flash-back")
    >>> signer.read(UNSUBSCRIBE, token).subscriber_id
    7
    """

    def __init__(self, secret_key: str, *, confirm_hours: int = 72, preferences_days: int = 90):
        self._serializer = URLSafeTimedSerializer(secret_key)
        self._max_age = {
            CONFIRM: confirm_hours * 3600,
            PREFERENCES: preferences_days * 86400,
            UNSUBSCRIBE: None,
        }

    def mint(self, kind: str, subscriber_id: int, email: str, list_code: str | None = None) -> str:
        payload = {"s": subscriber_id, "d": address_digest(email), "l": list_code}
        return str(self._serializer.dumps(payload, salt=f"centrale.{kind}"))

    def read(self, kind: str, token: str) -> LinkClaim:
        try:
            payload = self._serializer.loads(
                token, salt=f"centrale.{kind}", max_age=self._max_age[kind]
            )
        except SignatureExpired as error:
            raise InvalidLink(_EXPIRED[kind]) from error
        except BadSignature as error:
            raise InvalidLink(
                "Ce lien n'est pas valide : il a peut-être été mal copié. Copiez le lien complet "
                "depuis l'e-mail reçu, ou réabonnez-vous depuis la page /abonnement."
            ) from error
        return LinkClaim(int(payload["s"]), str(payload["d"]), payload.get("l"))


_EXPIRED = {
    CONFIRM: "Ce lien de confirmation a expiré. Inscrivez-vous à nouveau depuis la page "
    "/abonnement pour recevoir un nouveau lien.",
    PREFERENCES: "Ce lien vers vos préférences a expiré. Saisissez à nouveau votre adresse "
    "sur la page /abonnement : vous recevrez un nouveau lien.",
    UNSUBSCRIBE: "Ce lien de désabonnement a expiré.",
}
