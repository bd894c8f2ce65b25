"""DKIM signatures (RFC 6376) on outgoing mail, with the key named in the settings.

The signature covers the RFC 8058 headers too: a mail client honours one-click unsubscribe
only when List-Unsubscribe and List-Unsubscribe-Post are under a valid DKIM signature.
"""

from __future__ import annotations

from pathlib import Path

import dkim

from centrale.errors import InvalidInput, system_reason
from centrale.settings import Settings

SIGNED_HEADERS = (
    b"From",
    b"To",
    b"Subject",
    b"Date",
    b"Message-ID",
    b"List-Id",
    b"List-Unsubscribe",
    b"List-Unsubscribe-Post",
    b"MIME-Version",
    b"Content-Type",
)


class DkimSigner:
    """Signs whole messages (bytes with CRLF line ends).

    >>> signer = DkimSigner("centrale", "centrale.example.ma", pem_bytes)  # doctest: +SKIP
    >>> signed = signer.sign(message_bytes)  # doctest: +SKIP
    """

    def __init__(self, selector: str, domain: str, private_key_pem: bytes) -> None:
        self.selector = selector
        self.domain = domain
        self._key = private_key_pem

    @classmethod
    def from_settings(cls, settings: Settings) -> DkimSigner | None:
        """The configured signer, or None when `dkim_domain` is empty (signing disabled)."""
        if not settings.dkim_domain:
            return None
        path = settings.dkim_private_key_path
        if path is None:
            raise InvalidInput(
                f"La signature DKIM est activée pour « {settings.dkim_domain} » mais aucune clé "
                "n'est configurée : indiquez le fichier PEM dans CENTRALE_DKIM_PRIVATE_KEY_PATH."
            )
        try:
            pem = Path(path).read_bytes()
        except OSError as error:
            raise InvalidInput(
                f"Clé DKIM illisible : « {path} » ({system_reason(error)}). Vérifiez "
                "CENTRALE_DKIM_PRIVATE_KEY_PATH et les droits du fichier."
            ) from error
        return cls(settings.dkim_selector, settings.dkim_domain, pem)

    def sign(self, message: bytes) -> bytes:
        try:
            signature = dkim.sign(
                message,
                self.selector.encode(),
                self.domain.encode(),
                self._key,
                canonicalize=(b"relaxed", b"relaxed"),
                include_headers=list(SIGNED_HEADERS),
            )
        except dkim.KeyFormatError as error:
            raise InvalidInput(
                "La clé DKIM n'est pas une clé RSA au format PEM ; générez-la par exemple avec "
                "`openssl genrsa -out dkim.pem 2048`."
            ) from error
        return bytes(signature) + message
