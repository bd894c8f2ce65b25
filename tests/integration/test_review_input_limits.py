"""The review's inputs held to the limits of their columns and of the mail, on both backends:
what a review of the audits' fixes found (long terms and names, stored addresses, logins)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from centrale.bootstrap import App
from centrale.review import editors
from centrale.review.errors import InvalidReviewInput
from centrale.review.ranking import add_rule, list_rules
from centrale.review.subscriber_import import import_subscribers
from centrale.review.subscribers import Signup, find_by_email, subscribe
from centrale.store import subscribers
from centrale.store.bounces import add_bounce, suppress
from centrale.store.subscriber_tables import bounces, suppressions
from centrale.store.subscriber_tables import subscribers as subscriber_table


def test_a_rule_term_longer_than_its_column_is_refused_in_french(app: App) -> None:
    """NFKD lengthens some terms (« … » is three dots): the key is measured too."""
    with pytest.raises(InvalidReviewInput, match=r"Terme trop long \(201 caractères\) : 200"):
        add_rule(app.engine, "boost", "x" * 201)
    with pytest.raises(InvalidReviewInput, match=r"\(100 caractères, 300 une fois les accents"):
        add_rule(app.engine, "boost", "…" * 100)
    assert list_rules(app.engine) == []
    add_rule(app.engine, "boost", "x" * 200)
    assert len(list_rules(app.engine)) == 1


def test_an_imported_name_longer_than_its_column_is_a_problem_of_its_row(
    app: App, tmp_path: Path
) -> None:
    path = tmp_path / "abonnes.csv"
    path.write_text(
        f"email,name\nnadia@exemple.ma,{'N' * 250}\nkarim@exemple.ma,Karim\n", encoding="utf-8"
    )
    report = import_subscribers(app.engine, path, wording_version="fr-1")
    assert len(report.added) == 1
    (problem,) = report.problems
    assert (problem.row, problem.column) == (2, "name")
    assert "Le nom est trop long (250 caractères) : 200 au plus" in problem.message


def test_an_address_stored_before_the_mail_rule_can_still_be_found(app: App) -> None:
    """Sign-ups refuse accents before the @; an address kept from before is still looked up
    (to be shown, or erased on request)."""
    with app.engine.begin() as conn:
        subscribers.add_subscriber(
            conn, "nadia@société.ma", name="Nadia", organisation="", language="fr"
        )
        subscribers.add_subscriber(
            conn, "nadïa@exemple.ma", name="Nadïa", organisation="", language="fr"
        )
    assert find_by_email(app.engine, "Nadia@Société.ma").name == "Nadia"
    assert find_by_email(app.engine, "nadïa@exemple.ma").name == "Nadïa"


def test_an_address_stored_before_the_mail_rule_signing_up_again_is_one_subscriber(
    app: App, tmp_path: Path
) -> None:
    """A sign-up, or an import, of an address kept in Unicode finds it and stores it in its
    ASCII form, the one mail servers read: no second subscriber for one address."""
    with app.engine.begin() as conn:
        legacy = subscribers.add_subscriber(
            conn, "nadia@société.ma", name="Nadia", organisation="", language="fr"
        )
        subscribers.add_subscriber(
            conn, "karim@société.ma", name="Karim", organisation="", language="fr"
        )
        # Asked, back then, to receive nothing more: it holds under the new form.
        suppress(conn, "nadia@société.ma", "manual", "demande de l'abonnée")
        for email, report in (("karim@société.ma", "r1"), ("karim@société.ma", "r2")):
            bounce = {"kind": "soft", "status": "4.2.2", "action": "delayed", "diagnostic": ""}
            add_bounce(conn, email=email, report_id=report, source="", **bounce)
        # One report that named both forms: one bounce stays of it.
        add_bounce(conn, email="karim@xn--socit-esab.ma", report_id="r2", source="", **bounce)
    again = subscribe(app.engine, Signup("Nadia@Société.ma", "fr-1"), origin="web_form")
    assert again.id == legacy and again.email == "nadia@xn--socit-esab.ma"
    with app.engine.connect() as conn:
        kept = conn.execute(select(suppressions.c.email, suppressions.c.reason)).all()
    assert kept == [("nadia@xn--socit-esab.ma", "manual")]
    path = tmp_path / "abonnes.csv"
    path.write_text("email,name\nkarim@société.ma,Karim\nsalma@exemple.ma,Salma\n", "utf-8")
    report = import_subscribers(app.engine, path, wording_version="fr-1")
    assert (report.existing, len(report.added)) == (1, 1)
    with app.engine.connect() as conn:
        stored = sorted(conn.execute(select(subscriber_table.c.email)).scalars())
    assert stored == ["karim@xn--socit-esab.ma", "nadia@xn--socit-esab.ma", "salma@exemple.ma"]
    with app.engine.connect() as conn:
        moved = conn.execute(select(bounces.c.email, bounces.c.report_id)).all()
    assert sorted(moved) == [("karim@xn--socit-esab.ma", "r1"), ("karim@xn--socit-esab.ma", "r2")]


def test_a_login_that_cannot_be_one_is_not_counted(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A megabyte of made-up login is not kept in memory: no account can have it."""
    counted = editors._UnknownLogins()
    monkeypatch.setattr(editors, "_unknown_logins", counted)
    assert editors.authenticate(app.engine, "x" * 1_000_000, "pas le bon") is None
    assert editors.authenticate(app.engine, "Pas Un Login", "pas le bon") is None
    assert counted._failures == {}
    assert editors.authenticate(app.engine, "k.personne", "pas le bon") is None
    assert list(counted._failures) == ["k.personne"]
