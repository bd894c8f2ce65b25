"""The consent ledger: an append-only record of every sign-up, confirmation and withdrawal.

GDPR art. 7(1) and Moroccan law 09-08 art. 10 ask the sender to prove prior, express consent.
Each event keeps the wording version the person saw, the time, the origin (web form, import,
one-click, ...) and the IP when there is one. Rows hold a hash of the address, not the address,
so erasing a subscriber leaves the proof without the personal data. The database refuses
UPDATE and DELETE on the ledger (triggers in migration 0004).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from centrale.errors import Conflict
from centrale.review.delivery_errors import ConsentMissing
from centrale.store import consent as store
from centrale.store.consent import Wording

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

# Events and origins, as stored: English codes, shown in French by the front ends.
EVENTS = ("signup", "confirm", "unsubscribe", "preferences", "import", "erase")
ORIGINS = (
    "web_form",
    "confirm_page",
    "preferences_page",
    "unsubscribe_page",
    "one_click",
    "mailto",
    "cli",
    "import",
    "complaint",
    "retention",
)
OPTIONAL_FIELDS = ("subscriber_id", "list_code", "wording_version", "language", "ip", "detail")


def email_sha256(email: str) -> str:
    """The ledger's key for an address (already normalised).

    >>> email_sha256("a@b.ma")[:12]
    'ee9550507bc2'
    """
    return hashlib.sha256(email.encode("utf-8")).hexdigest()


def record(conn: Connection, **event: Any) -> None:
    """Append one event; `email` is hashed here.

    >>> record(conn, subscriber_id=1, email="a@b.ma", event="confirm",
    ...        origin="confirm_page", ip="127.0.0.1")  # doctest: +SKIP
    """
    record_many(conn, [event])


def record_many(conn: Connection, events: Iterable[dict[str, Any]]) -> None:
    rows = []
    for event in events:
        # One executemany needs the same keys in every row.
        row: dict[str, Any] = dict.fromkeys(OPTIONAL_FIELDS) | event
        row["email_sha256"] = email_sha256(str(row.pop("email")))
        rows.append(row)
    store.add_events(conn, rows)


def events_for(conn: Connection, subscriber_id: int, email: str) -> list[dict[str, Any]]:
    """Every event of one subscriber, oldest first, with the wording they consented to."""
    return store.events_for(conn, subscriber_id, email_sha256(email))


def current_wording(engine: Engine, language: str = "fr") -> Wording:
    """The newest consent wording in a language (French if there is none in it).

    >>> current_wording(engine).version  # doctest: +SKIP
    'fr-1'
    """
    with engine.connect() as conn:
        for lang in (language, "fr"):
            found = store.newest_wording(conn, lang)
            if found is not None:
                return found
    raise ConsentMissing("Aucun texte de consentement n'est enregistré ; lancez `centrale init`.")


def wording(conn: Connection, version: str) -> Wording:
    found = store.wording(conn, version)
    if found is None:
        raise ConsentMissing(
            f"Version du texte de consentement inconnue : « {version} ». Rechargez le formulaire "
            "d'abonnement et validez-le à nouveau."
        )
    return found


def add_wording(engine: Engine, version: str, text: str, language: str = "fr") -> Wording:
    """Register a new consent wording; the sign-up form shows it from now on.

    >>> add_wording(engine, "fr-2", "J'accepte ...")  # doctest: +SKIP
    """
    with engine.begin() as conn:
        if store.wording(conn, version) is not None:
            raise Conflict(
                f"La version « {version} » du texte de consentement existe déjà ; choisissez un "
                "nouveau numéro de version (les textes déjà acceptés ne changent jamais)."
            )
        return store.add_wording(conn, version, language, text)
