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
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, insert, or_, select

from centrale.errors import Conflict
from centrale.review.delivery_errors import ConsentMissing
from centrale.store.subscriber_tables import consent_events, consent_wordings

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


@dataclass(frozen=True)
class Wording:
    version: str
    language: str
    text: str


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
    if rows:
        conn.execute(insert(consent_events), rows)


def events_for(conn: Connection, subscriber_id: int, email: str) -> list[dict[str, Any]]:
    """Every event of one subscriber, oldest first, with the wording they consented to."""
    query = (
        select(
            consent_events.c.event,
            consent_events.c.list_code,
            consent_events.c.wording_version,
            consent_wordings.c.text.label("wording"),
            consent_events.c.language,
            consent_events.c.origin,
            consent_events.c.ip,
            consent_events.c.detail,
            consent_events.c.occurred_at,
        )
        .outerjoin(consent_wordings)
        .where(
            or_(
                consent_events.c.subscriber_id == subscriber_id,
                consent_events.c.email_sha256 == email_sha256(email),
            )
        )
        .order_by(consent_events.c.id)
    )
    return [dict(row._mapping) for row in conn.execute(query)]


def current_wording(engine: Engine, language: str = "fr") -> Wording:
    """The newest consent wording in a language (French if there is none in it).

    >>> current_wording(engine).version  # doctest: +SKIP
    'fr-1'
    """
    with engine.connect() as conn:
        for lang in (language, "fr"):
            row = conn.execute(
                select(consent_wordings)
                .where(consent_wordings.c.language == lang)
                .order_by(consent_wordings.c.created_at.desc(), consent_wordings.c.version.desc())
                .limit(1)
            ).first()
            if row is not None:
                return Wording(row.version, row.language, row.text)
    raise ConsentMissing("Aucun texte de consentement n'est enregistré ; lancez `centrale init`.")


def wording(conn: Connection, version: str) -> Wording:
    row = conn.execute(
        select(consent_wordings).where(consent_wordings.c.version == version)
    ).first()
    if row is None:
        raise ConsentMissing(
            f"Version du texte de consentement inconnue : {version!r}. Rechargez le formulaire "
            "d'abonnement et validez-le à nouveau."
        )
    return Wording(row.version, row.language, row.text)


def add_wording(engine: Engine, version: str, text: str, language: str = "fr") -> Wording:
    """Register a new consent wording; the sign-up form shows it from now on.

    >>> add_wording(engine, "fr-2", "J'accepte ...")  # doctest: +SKIP
    """
    with engine.begin() as conn:
        if conn.execute(
            select(consent_wordings.c.version).where(consent_wordings.c.version == version)
        ).first():
            raise Conflict(
                f"La version {version!r} du texte de consentement existe déjà ; choisissez un "
                "nouveau numéro de version (les textes déjà acceptés ne changent jamais)."
            )
        conn.execute(insert(consent_wordings).values(version=version, language=language, text=text))
    return Wording(version, language, text)
