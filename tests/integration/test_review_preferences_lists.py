"""The preference page's list choices on SQLite and PostgreSQL: joining a list one never had,
coming back to a list one left, and an unconfirmed address that cannot join anything."""

from __future__ import annotations

import pytest

from centrale.bootstrap import App
from centrale.review.delivery_errors import UnknownList
from centrale.review.mailing_lists import add_list
from centrale.review.preferences import update_preferences
from centrale.review.subscribers import find_by_email
from centrale.review.tokens import address_digest
from test_review_delivery_support import confirmed_subscriber, ledger, pending_subscriber


def save(app: App, subscriber_id: int, address: str, lists: list[str]) -> dict[str, str]:
    """The preference page saved with these lists ticked; the subscriber's lists after."""
    return update_preferences(
        app.engine,
        subscriber_id,
        address_digest(address),
        language="fr",
        segment_codes=[],
        list_codes=lists,
        wording_version="fr-1",
        ip="192.0.2.30",
    ).lists


def test_a_confirmed_subscriber_joins_leaves_and_rejoins_a_list(app: App) -> None:
    add_list(app.engine, "etudes", "Flash-back – études")
    address = "samira@exemple.ma"
    subscriber_id = confirmed_subscriber(app, address)

    joined = save(app, subscriber_id, address, ["flash-back", "etudes"])
    assert joined == {"flash-back": "active", "etudes": "active"}
    signup = [e for e in ledger(app, address) if e["list_code"] == "etudes"]
    assert [(e["event"], e["wording_version"], e["ip"]) for e in signup] == [
        ("signup", "fr-1", "192.0.2.30")
    ]

    assert save(app, subscriber_id, address, ["flash-back"]) == {
        "flash-back": "active",
        "etudes": "unsubscribed",
    }
    assert save(app, subscriber_id, address, ["flash-back", "etudes"]) == {
        "flash-back": "active",
        "etudes": "active",
    }
    etudes = [e["event"] for e in ledger(app, address) if e["list_code"] == "etudes"]
    assert etudes == ["signup", "unsubscribe", "signup"]
    assert find_by_email(app.engine, address).lists["etudes"] == "active"


def test_an_unconfirmed_address_cannot_join_a_list_from_the_preference_page(app: App) -> None:
    add_list(app.engine, "etudes", "Flash-back – études")
    address = "pas.encore@exemple.ma"
    subscriber_id = pending_subscriber(app, address)
    lists = save(app, subscriber_id, address, ["flash-back", "etudes"])
    assert lists == {"flash-back": "pending"}  # double opt-in first
    assert not [e for e in ledger(app, address) if e["list_code"] == "etudes"]


def test_an_unknown_list_is_named_and_nothing_changes(app: App) -> None:
    address = "karim@exemple.ma"
    subscriber_id = confirmed_subscriber(app, address)
    before = ledger(app, address)
    with pytest.raises(UnknownList, match="Liste inconnue : « bailleurs » ; valeurs possibles"):
        save(app, subscriber_id, address, ["flash-back", "bailleurs"])
    assert ledger(app, address) == before
    assert find_by_email(app.engine, address).lists == {"flash-back": "active"}
