"""Subscribers of the review: double opt-in sign-up, confirmation, and reading them back.

A sign-up creates the subscriber with `pending` subscriptions; only the click on the signed
confirmation link makes them `active`, and only active subscriptions of confirmed addresses
receive issues. Every change appends to the consent ledger (`centrale.review.consent`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from email_validator import EmailNotValidError, ValidatedEmail, validate_email

from centrale.errors import InvalidInput
from centrale.review import consent
from centrale.review.delivery_errors import (
    InvalidAddress,
    InvalidLink,
    UnknownList,
    UnknownSegment,
    UnknownSubscriber,
)
from centrale.review.errors import choice
from centrale.review.tokens import address_digest
from centrale.review.wording import EDITIONS
from centrale.store import mailing_lists, subscribers
from centrale.store.subscribers import set_segments, set_status, statuses

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

DEFAULT_LIST = "flash-back"
LANGUAGE_NAMES = {"fr": "Français", "ar": "Arabe", "en": "Anglais"}
# A subscriber may choose any language the review has an edition in.
LANGUAGES = {code: LANGUAGE_NAMES.get(code, code) for code in EDITIONS}


@dataclass(frozen=True)
class Signup:
    email: str
    wording_version: str
    name: str = ""
    organisation: str = ""
    language: str = "fr"
    segments: tuple[str, ...] = ()
    lists: tuple[str, ...] = (DEFAULT_LIST,)


@dataclass(frozen=True)
class Subscriber:
    id: int
    email: str
    name: str
    organisation: str
    language: str
    confirmed_at: datetime | None
    lists: dict[str, str]  # list code -> pending | active | unsubscribed
    segments: tuple[str, ...]

    @property
    def digest(self) -> str:
        return address_digest(self.email)


def normalise_email(raw: str, *, to_mail: bool = False) -> str:
    """Check the syntax of an address (no DNS look-up) and return it in lower case, an
    accented domain in its ASCII form (punycode), the one every mail server reads.

    With `to_mail` (an address about to be subscribed), accents or Arabic before the @ are
    refused: not every mail server takes them (SMTPUTF8), and the review would be sent where
    it cannot arrive. Looking an address up takes any valid one, so that an address stored
    before this rule can still be found, shown and erased (`email_forms`).

    >>> normalise_email("  Nadia.Amrani@Example.MA ")
    'nadia.amrani@example.ma'
    >>> normalise_email("nadia@société.ma", to_mail=True)
    'nadia@xn--socit-esab.ma'
    """
    return _stored_form(_checked(raw, to_mail=to_mail))


def email_forms(raw: str) -> tuple[str, ...]:
    """The forms the address may be stored in: ASCII, as sign-ups keep it, and as written,
    in Unicode, for an address kept from before.

    >>> email_forms("Nadia@Société.ma")
    ('nadia@xn--socit-esab.ma', 'nadia@société.ma')
    """
    checked = _checked(raw, to_mail=False)
    return tuple(dict.fromkeys((_stored_form(checked), checked.normalized.lower())))


def _stored_form(checked: ValidatedEmail) -> str:
    return (checked.ascii_email or checked.normalized).lower()


def _checked(raw: str, *, to_mail: bool) -> ValidatedEmail:
    written = raw.strip()
    try:
        return validate_email(written, check_deliverability=False, allow_smtputf8=not to_mail)
    except EmailNotValidError as error:
        local = written.rpartition("@")[0]
        why = (
            " La partie avant @ ne peut contenir que des lettres sans accent, des chiffres et "
            "les signes . _ - +."
            if not local.isascii()
            else ""
        )
        raise InvalidAddress(
            f"Adresse e-mail invalide : « {written} ».{why} Saisissez une adresse complète, "
            "par exemple prenom.nom@organisation.ma."
        ) from error


def ids_by_code(conn: Connection, table: str, codes: Iterable[str]) -> dict[str, int]:
    """Map list or segment codes to ids, with a French error naming the unknown one."""
    wanted = [code.strip().lower() for code in codes if code.strip()]
    found = mailing_lists.ids_by_code(conn, table, wanted)
    for code in wanted:
        if code not in found:
            known = ", ".join(mailing_lists.known_codes(conn, table))
            error = UnknownList if table == "lists" else UnknownSegment
            what = "Liste inconnue" if table == "lists" else "Segment inconnu"
            raise error(f"{what} : « {code} » ; valeurs possibles : {known}.")
    return found


#: The longest name or organisation a subscriber's profile keeps (the columns' size).
MAX_PROFILE_TEXT = 200


def profile_text(value: str, what: str) -> str:
    """A profile's name or organisation, spaces tidied, or an `InvalidInput` over the limit."""
    value = " ".join(value.split())
    if len(value) > MAX_PROFILE_TEXT:
        raise InvalidInput(
            f"{what} est trop long ({len(value)} caractères) : {MAX_PROFILE_TEXT} au plus ; "
            "abrégez-le."
        )
    return value


def subscribe(engine: Engine, signup: Signup, *, origin: str, ip: str | None = None) -> Subscriber:
    """Record a sign-up: pending until the address is confirmed.

    >>> subscribe(engine, Signup("a@b.ma", "fr-1"), origin="web_form")  # doctest: +SKIP
    """
    email = normalise_email(signup.email, to_mail=True)
    language = choice(signup.language, LANGUAGES, "Langue")
    name = profile_text(signup.name, "Le nom")
    organisation = profile_text(signup.organisation, "Le nom de l'organisation")
    with engine.begin() as conn:
        consent.wording(conn, signup.wording_version)
        list_ids = ids_by_code(conn, "lists", signup.lists or (DEFAULT_LIST,))
        segment_ids = ids_by_code(conn, "segments", signup.segments)
        row = stored_subscriber(conn, email)
        if row is not None and row.email != email:
            # Kept from before the mail rule in Unicode: stored now in the form mail servers
            # read, as every sign-up since.
            subscribers.set_email(conn, row.email, email)
        profile = {"name": name, "organisation": organisation, "language": language}
        if row is None:
            subscriber_id = subscribers.add_subscriber(conn, email, **profile)
        else:
            subscriber_id = row.id
        # Only the address's owner may change a confirmed profile: through the preferences page.
        if row is None or row.confirmed_at is None:
            subscribers.set_profile(conn, subscriber_id, **profile)
            set_segments(conn, subscriber_id, segment_ids.values())
        current = statuses(conn, subscriber_id)
        for code, list_id in list_ids.items():
            if code not in current:
                subscribers.add_subscription(conn, subscriber_id, list_id, "pending")
            elif current[code] == "unsubscribed":
                set_status(conn, subscriber_id, list_id, "pending")
        consent.record_many(
            conn,
            [
                {
                    "subscriber_id": subscriber_id,
                    "email": email,
                    "event": "signup",
                    "list_code": code,
                    "wording_version": signup.wording_version,
                    "language": language,
                    "origin": origin,
                    "ip": ip,
                    "detail": json.dumps({"segments": sorted(segment_ids)}),
                }
                for code in list_ids
            ],
        )
        return load(conn, subscriber_id)


def confirm(
    engine: Engine, subscriber_id: int, digest: str, *, origin: str, ip: str | None = None
) -> Subscriber:
    """The click on the confirmation link: the address is proven, pending lists become active."""
    with engine.begin() as conn:
        subscriber = load(conn, subscriber_id, digest)
        now = datetime.now(UTC)
        if subscriber.confirmed_at is None:
            subscribers.mark_confirmed(conn, subscriber_id, now)
        pending = [code for code, status in subscriber.lists.items() if status == "pending"]
        for code, list_id in ids_by_code(conn, "lists", pending).items():
            set_status(conn, subscriber_id, list_id, "active")
            consent.record(
                conn,
                subscriber_id=subscriber_id,
                email=subscriber.email,
                event="confirm",
                list_code=code,
                language=subscriber.language,
                origin=origin,
                ip=ip,
            )
        return load(conn, subscriber_id)


def load(conn: Connection, subscriber_id: int, digest: str | None = None) -> Subscriber:
    """Read one subscriber; with `digest`, check that a link was minted for this address."""
    row = subscribers.subscriber_by_id(conn, subscriber_id)
    if row is None or (digest is not None and address_digest(row.email) != digest):
        if digest is not None:
            raise InvalidLink(
                "Ce lien ne correspond à aucun abonnement : l'adresse a peut-être été supprimée. "
                "Vous pouvez vous réabonner depuis la page /abonnement."
            )
        raise UnknownSubscriber(f"Abonné inconnu : n° {subscriber_id}.")
    return Subscriber(
        id=row.id,
        email=row.email,
        name=row.name,
        organisation=row.organisation,
        language=row.language,
        confirmed_at=row.confirmed_at,
        lists=statuses(conn, subscriber_id),
        segments=subscribers.segment_codes(conn, subscriber_id),
    )


def stored_subscriber(conn: Connection, email: str) -> subscribers.SubscriberRow | None:
    """The subscriber of `email` (any valid address) in whichever form it is stored: ASCII, or
    as written in Unicode by a sign-up from before the mail rule (`email_forms`)."""
    forms = email_forms(email)
    return next(
        (row for form in forms if (row := subscribers.subscriber_by_email(conn, form))), None
    )


def find_by_email(engine: Engine, raw_email: str) -> Subscriber:
    """The subscriber with this address, or a French error naming it."""
    email = email_forms(raw_email)[0]
    with engine.connect() as conn:
        found = stored_subscriber(conn, raw_email)
        if found is None:
            raise UnknownSubscriber(
                f"Aucun abonné n'a l'adresse « {email} » ; `centrale review subscribers list` "
                "affiche les abonnés."
            )
        return load(conn, found.id)
