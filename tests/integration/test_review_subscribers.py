"""Subscribers on SQLite and PostgreSQL: double opt-in, signed links, the consent ledger,
preferences, export and erasure."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from centrale.bootstrap import App
from centrale.review.consent import add_wording, current_wording
from centrale.review.delivery_errors import (
    ConsentMissing,
    InvalidAddress,
    InvalidLink,
    UnknownSegment,
)
from centrale.review.preferences import unsubscribe, update_preferences
from centrale.review.subscriber_data import (
    erase_subscriber,
    export_subscriber,
    purge_unconfirmed,
    subscriber_rows,
)
from centrale.review.subscribers import Signup, confirm, find_by_email, subscribe
from centrale.review.tokens import CONFIRM, UNSUBSCRIBE, LinkSigner, address_digest
from centrale.store.subscriber_tables import consent_events, subscribers
from test_review_delivery_support import confirmed_subscriber, ledger, pending_subscriber


def test_sign_up_is_pending_until_the_address_is_confirmed(app: App) -> None:
    wording = current_wording(app.engine)
    signup = Signup(
        " Nadia.Amrani@AMC-Exemple.ma ",
        wording.version,
        name="Nadia Amrani",
        organisation="AMC Exemple",
        segments=("institutions", "researchers"),
    )
    pending = subscribe(app.engine, signup, origin="web_form", ip="192.0.2.10")
    assert pending.email == "nadia.amrani@amc-exemple.ma"
    assert pending.confirmed_at is None
    assert pending.lists == {"flash-back": "pending"}
    assert pending.segments == ("institutions", "researchers")

    confirmed = confirm(
        app.engine, pending.id, pending.digest, origin="confirm_page", ip="192.0.2.11"
    )
    assert confirmed.confirmed_at is not None
    assert confirmed.lists == {"flash-back": "active"}

    events = ledger(app, confirmed.email)
    assert [(e["event"], e["origin"], e["ip"]) for e in events] == [
        ("signup", "web_form", "192.0.2.10"),
        ("confirm", "confirm_page", "192.0.2.11"),
    ]
    assert events[0]["wording_version"] == wording.version
    assert events[0]["list_code"] == "flash-back"
    assert all(e["occurred_at"] is not None for e in events)


def test_the_consent_ledger_refuses_updates_and_deletes(app: App) -> None:
    subscriber_id = confirmed_subscriber(app, "karim@exemple.ma")
    for statement in (
        update(consent_events).values(origin="falsifié"),
        delete(consent_events).where(consent_events.c.subscriber_id == subscriber_id),
    ):
        with pytest.raises(DBAPIError, match="append-only"), app.engine.begin() as conn:
            conn.execute(statement)
    assert len(ledger(app, "karim@exemple.ma")) == 2


def test_a_new_wording_is_recorded_with_the_consent_given_to_it(app: App) -> None:
    text = "J'accepte de recevoir Flash-back et les numéros spéciaux du Centre."
    add_wording(app.engine, "fr-2", text)
    assert current_wording(app.engine).version == "fr-2"
    subscribe(app.engine, Signup("leila@exemple.ma", "fr-2"), origin="web_form")
    assert ledger(app, "leila@exemple.ma")[0]["wording_version"] == "fr-2"
    with pytest.raises(ConsentMissing, match="fr-9"):
        subscribe(app.engine, Signup("omar@exemple.ma", "fr-9"), origin="web_form")


def test_bad_input_gets_a_french_message_naming_the_value(app: App) -> None:
    with pytest.raises(InvalidAddress, match=r"« nadia\.amc\.ma ».*prenom\.nom@organisation\.ma"):
        subscribe(app.engine, Signup("nadia.amc.ma", "fr-1"), origin="web_form")
    with pytest.raises(UnknownSegment, match=r"Segment inconnu : « journalistes ».*press"):
        subscribe(
            app.engine, Signup("a@exemple.ma", "fr-1", segments=("journalistes",)), origin="cli"
        )
    with pytest.raises(Exception, match="Langue : valeur inconnue « de »"):
        subscribe(app.engine, Signup("a@exemple.ma", "fr-1", language="de"), origin="cli")


def test_links_are_signed_expire_and_name_one_address(app: App) -> None:
    signer = LinkSigner("secret", confirm_hours=72)
    subscriber = subscribe(app.engine, Signup("sara@exemple.ma", "fr-1"), origin="web_form")
    token = signer.mint(CONFIRM, subscriber.id, subscriber.email)
    claim = signer.read(CONFIRM, token)
    assert (claim.subscriber_id, claim.digest) == (subscriber.id, address_digest(subscriber.email))

    with pytest.raises(InvalidLink, match="mal copié"):
        signer.read(CONFIRM, token[:-3] + "abc")
    with pytest.raises(InvalidLink, match="mal copié"):
        signer.read(UNSUBSCRIBE, token)  # a confirmation token does not unsubscribe
    with pytest.raises(InvalidLink, match="mal copié"):
        LinkSigner("another key").read(CONFIRM, token)

    class FourDaysAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 4 * 86400

    old = URLSafeTimedSerializer("secret", signer=FourDaysAgo).dumps(
        {"s": subscriber.id, "d": claim.digest, "l": None}, salt=f"centrale.{CONFIRM}"
    )
    with pytest.raises(InvalidLink, match="expiré"):
        signer.read(CONFIRM, old)
    with pytest.raises(InvalidLink, match="ne correspond à aucun abonnement"):
        confirm(
            app.engine, subscriber.id, address_digest("autre@exemple.ma"), origin="confirm_page"
        )


def test_unsubscribing_is_immediate_idempotent_and_re_subscribing_needs_a_new_click(
    app: App,
) -> None:
    subscriber_id = confirmed_subscriber(app, "youssef@exemple.ma")
    digest = address_digest("youssef@exemple.ma")
    assert unsubscribe(app.engine, subscriber_id, digest, "flash-back", origin="one_click")
    assert not unsubscribe(app.engine, subscriber_id, digest, "flash-back", origin="one_click")
    assert find_by_email(app.engine, "youssef@exemple.ma").lists == {"flash-back": "unsubscribed"}

    again = subscribe(app.engine, Signup("youssef@exemple.ma", "fr-1"), origin="web_form")
    assert again.lists == {"flash-back": "pending"}
    events = [e["event"] for e in ledger(app, "youssef@exemple.ma")]
    assert events == ["signup", "confirm", "unsubscribe", "signup"]


def test_a_stranger_cannot_rewrite_a_confirmed_profile_by_signing_up_again(app: App) -> None:
    confirmed_subscriber(app, "hind@exemple.ma", segments=("press",))
    subscribe(
        app.engine,
        Signup("hind@exemple.ma", "fr-1", name="Quelqu'un d'autre", segments=("funders",)),
        origin="web_form",
    )
    hind = find_by_email(app.engine, "hind@exemple.ma")
    assert (hind.name, hind.segments, hind.lists) == (
        "Abonné de test",
        ("press",),
        {"flash-back": "active"},
    )


def test_preferences_change_language_segments_and_lists(app: App) -> None:
    subscriber_id = confirmed_subscriber(app, "amal@exemple.ma", segments=("press",))
    digest = address_digest("amal@exemple.ma")
    changed = update_preferences(
        app.engine,
        subscriber_id,
        digest,
        language="ar",
        segment_codes=["funders", "researchers"],
        list_codes=["flash-back"],
        wording_version="fr-1",
        ip="192.0.2.20",
    )
    assert (changed.language, changed.segments) == ("ar", ("funders", "researchers"))
    assert changed.lists == {"flash-back": "active"}
    last = ledger(app, "amal@exemple.ma")[-1]
    assert last["event"] == "preferences"
    assert json.loads(last["detail"]) == {
        "language": "ar",
        "segments": ["funders", "researchers"],
        "lists": ["flash-back"],
    }

    left = update_preferences(
        app.engine,
        subscriber_id,
        digest,
        language="ar",
        segment_codes=[],
        list_codes=[],
        wording_version="fr-1",
    )
    assert left.lists == {"flash-back": "unsubscribed"}
    assert [e["event"] for e in ledger(app, "amal@exemple.ma")][-2:] == [
        "unsubscribe",
        "preferences",
    ]


def test_export_holds_everything_and_erasure_keeps_only_the_hashed_proof(app: App) -> None:
    subscriber_id = confirmed_subscriber(app, "rachid@exemple.ma", segments=("researchers",))
    exported = export_subscriber(app.engine, subscriber_id)
    assert exported["email"] == "rachid@exemple.ma"
    assert exported["subscriptions"] == {"flash-back": "active"}
    assert exported["segments"] == ["researchers"]
    assert [e["event"] for e in exported["consent_events"]] == ["signup", "confirm"]
    assert exported["consent_events"][0]["wording"] == current_wording(app.engine).text
    json.dumps(exported)  # ready for a download as is

    erased = erase_subscriber(
        app.engine,
        subscriber_id,
        address_digest("rachid@exemple.ma"),
        origin="preferences_page",
        ip=None,
    )
    assert erased == "rachid@exemple.ma"
    with app.engine.connect() as conn:
        assert (
            conn.execute(select(subscribers).where(subscribers.c.id == subscriber_id)).first()
            is None
        )
        stored = " ".join(
            str(value) for row in conn.execute(select(consent_events)) for value in row
        )
    assert "rachid@exemple.ma" not in stored
    assert [e["event"] for e in ledger(app, "rachid@exemple.ma")] == ["signup", "confirm", "erase"]


def test_listing_filters_by_status_and_segment(app: App) -> None:
    confirmed_subscriber(app, "a@exemple.ma", segments=("press",))
    confirmed_subscriber(app, "b@exemple.ma", segments=("press", "funders"))
    pending_subscriber(app, "c@exemple.ma")
    everyone = subscriber_rows(app.engine)
    assert [row["email"] for row in everyone] == ["a@exemple.ma", "b@exemple.ma", "c@exemple.ma"]
    assert sorted(everyone[1]["segments"].split(",")) == ["funders", "press"]
    assert [row["email"] for row in subscriber_rows(app.engine, status="pending")] == [
        "c@exemple.ma"
    ]
    assert [r["email"] for r in subscriber_rows(app.engine, segment="funders")] == ["b@exemple.ma"]


def test_sign_ups_left_unconfirmed_are_purged_after_the_delay(app: App) -> None:
    confirmed_subscriber(app, "garde@exemple.ma")
    pending_subscriber(app, "oublie@exemple.ma")
    later = datetime.now(UTC) + timedelta(days=31)
    assert purge_unconfirmed(app.engine, timedelta(days=30)) == 0
    assert purge_unconfirmed(app.engine, timedelta(days=30), now=later) == 1
    assert [row["email"] for row in subscriber_rows(app.engine)] == ["garde@exemple.ma"]
    assert [(e["event"], e["origin"]) for e in ledger(app, "oublie@exemple.ma")][-1] == (
        "erase",
        "retention",
    )
