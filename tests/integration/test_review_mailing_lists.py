"""Mailing lists and segments on SQLite and PostgreSQL: creating them, the errors on a bad or
taken code, and a send to a new list narrowed to a new segment, through a local SMTP server."""

# The fixtures come from the support module: their names shadow the imports by design.
# ruff: noqa: F811

from __future__ import annotations

import pytest

from centrale.bootstrap import App
from centrale.review.delivery import send_issue
from centrale.review.issue_mail import issue_renderer
from centrale.review.issues import publish_issue
from centrale.review.mailing_lists import (
    InvalidCode,
    ListExists,
    MailingList,
    Segment,
    SegmentExists,
    add_list,
    add_segment,
    all_lists,
    all_segments,
)
from centrale.review.subscriber_data import list_codes
from centrale.review.subscribers import Signup, confirm, subscribe
from test_review_delivery_support import (
    DKIM_DOMAIN,
    DkimKey,
    MailSink,
    confirmed_subscriber,
    dkim_key,  # noqa: F401  (fixture)
    mail_app,  # noqa: F401  (fixture)
    mail_sink,  # noqa: F401  (fixture)
    make_issue,
)

SEEDED_SEGMENTS = ["institutions", "funders", "press", "researchers"]


def test_lists_and_segments_are_created_and_listed_after_the_seeded_ones(app: App) -> None:
    created = add_list(
        app.engine, " Bailleurs-UE ", "Flash-back  bailleurs européens", "Pour l'UE."
    )
    assert created == MailingList("bailleurs-ue", "Flash-back bailleurs européens", "Pour l'UE.")
    assert add_segment(app.engine, "ong") == Segment("ong", "ong")

    assert [(m.code, m.active, m.pending) for m in all_lists(app.engine)] == [
        ("flash-back", 0, 0),
        ("bailleurs-ue", 0, 0),
    ]
    assert [s.code for s in all_segments(app.engine)] == [*SEEDED_SEGMENTS, "ong"]
    # The sign-up form and the preference page read the same tables.
    assert "ong" in list_codes(app.engine)["segments"]
    assert "bailleurs-ue" in list_codes(app.engine)["lists"]


def test_counts_follow_subscriptions_and_segments(app: App) -> None:
    add_segment(app.engine, "ong", "Associations et ONG")
    confirmed_subscriber(app, "ali@exemple.ma", segments=("ong", "press"))
    subscribe(app.engine, Signup("badr@exemple.ma", "fr-1", segments=("ong",)), origin="cli")

    [flash_back] = all_lists(app.engine)
    assert (flash_back.active, flash_back.pending) == (1, 1)
    counts = {s.code: s.subscribers for s in all_segments(app.engine)}
    assert counts == {"institutions": 0, "funders": 0, "press": 1, "researchers": 0, "ong": 2}


@pytest.mark.parametrize("code", ["", "bailleurs ue", "1presse", "presse-", "été", "a" * 41])
def test_a_bad_code_is_refused_with_the_value_and_the_rule(app: App, code: str) -> None:
    with pytest.raises(InvalidCode) as refused:
        add_list(app.engine, code)
    assert f"Code de liste invalide : « {code} »" in refused.value.message
    assert "lettres minuscules sans accents, chiffres ou tirets" in refused.value.message
    with pytest.raises(InvalidCode, match="Code de segment invalide"):
        add_segment(app.engine, code)


def test_a_name_that_would_break_the_list_id_header_is_refused(app: App) -> None:
    with pytest.raises(InvalidCode, match="sans guillemets droits ni chevrons"):
        add_list(app.engine, "presse-ue", "Presse <UE>")


def test_a_taken_code_is_refused_naming_the_existing_one(app: App) -> None:
    with pytest.raises(ListExists) as refused:
        add_list(app.engine, "Flash-Back", "Autre")
    assert "La liste « flash-back » existe déjà (« Flash-back »)" in refused.value.message
    assert "`centrale review lists list`" in refused.value.message
    with pytest.raises(SegmentExists, match=r"Le segment « press » existe déjà \(« Presse »\)"):
        add_segment(app.engine, "press", "Journalistes")
    assert len(all_lists(app.engine)) == 1 and len(all_segments(app.engine)) == 4


def test_a_send_to_a_new_list_and_segment_reaches_only_its_members(
    mail_app: App, mail_sink: MailSink, dkim_key: DkimKey
) -> None:
    add_list(mail_app.engine, "bailleurs-ue", "Flash-back bailleurs")
    add_segment(mail_app.engine, "ong", "Associations et ONG")
    for address, segments in (("ali@exemple.ma", ("ong",)), ("badr@exemple.ma", ("press",))):
        subscriber = subscribe(
            mail_app.engine,
            Signup(address, "fr-1", segments=segments, lists=("bailleurs-ue",)),
            origin="cli",
        )
        confirm(mail_app.engine, subscriber.id, subscriber.digest, origin="cli")
    confirmed_subscriber(mail_app, "chama@exemple.ma", segments=("ong",))  # flash-back only
    issue_id = make_issue(mail_app)
    publish_issue(mail_app.engine, 118)

    report = send_issue(
        mail_app,
        issue_id,
        issue_renderer(mail_app, issue_id),
        list_code="bailleurs-ue",
        segment_codes=["ong"],
    )

    assert (report.list_code, report.sent) == ("bailleurs-ue", 1)
    [mail] = mail_sink.received
    assert mail.rcpt_tos == ["ali@exemple.ma"]
    assert mail.message["List-Id"] == f"Flash-back bailleurs <bailleurs-ue.{DKIM_DOMAIN}>"
    assert dkim_key.verify(mail.data)
