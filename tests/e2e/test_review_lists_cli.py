"""`centrale review lists|segments` through the CLI runner, on SQLite and PostgreSQL, and the
path they open: an Arabic reader signs up to a new list and segment, confirms from an Arabic
mail, and `review send --list --segment` brings them the Arabic edition."""

# The fixtures come from the support module: their names shadow the imports by design.
# ruff: noqa: F811

from __future__ import annotations

import re
from datetime import date

from centrale.bootstrap import App
from centrale.review.issues import create_issue, publish_issue
from centrale.review.subscribers import confirm
from centrale.review.tokens import CONFIRM, LinkSigner
from test_review_delivery_support import (
    DKIM_DOMAIN,
    DkimKey,
    MailSink,
    cli_app,  # noqa: F401
    confirmed_subscriber,
    dkim_key,  # noqa: F401
    mail_app,  # noqa: F401
    mail_sink,  # noqa: F401
    run_cli,
)


def review(*args: str, code: int = 0) -> str:
    return run_cli("review", *args, code=code)


def test_lists_add_and_list_with_their_errors(cli_app: App) -> None:
    output = review(
        "lists", "add", "bailleurs-ue", "--name", "Flash-back bailleurs", "--description", "UE"
    )
    assert "Liste « bailleurs-ue » créée (« Flash-back bailleurs »)." in output
    assert "--list bailleurs-ue" in output
    listing = review("lists", "list")
    assert re.search(r"│ bailleurs-ue\s+│ Flash-back bailleurs\s+│ UE\s+│ 0\s+│ 0", listing)
    assert "flash-back" in listing and "2 liste(s)." in listing

    taken = review("lists", "add", "bailleurs-ue", code=2)
    assert "La liste « bailleurs-ue » existe déjà (« Flash-back bailleurs ») ; choisissez" in taken
    bad = review("lists", "add", "Bailleurs UE", code=2)
    assert "Code de liste invalide : « Bailleurs UE »." in bad
    assert "par exemple « bailleurs-ue »" in bad
    assert "2 liste(s)." in review("lists", "list")


def test_segments_add_and_list_with_their_errors(cli_app: App) -> None:
    output = review("segments", "add", "ong", "--name", "Associations et ONG")
    assert "Segment « ong » créé (« Associations et ONG »)" in output
    assert "--segment ong" in output
    confirmed_subscriber(cli_app, "ali@exemple.ma", segments=("ong", "press"))
    listing = review("segments", "list")
    assert re.search(r"│ ong\s+│ Associations et ONG\s+│ 1", listing)
    assert re.search(r"│ press\s+│ Presse\s+│ 1", listing)
    assert "5 segment(s)." in listing

    taken = review("segments", "add", "press", code=2)
    assert "Le segment « press » existe déjà (« Presse »)" in taken
    assert "`centrale review segments list`" in taken
    assert "Code de segment invalide : « ong! »" in review("segments", "add", "ong!", code=2)


def test_a_new_list_and_segment_carry_an_arabic_reader_to_the_arabic_edition(
    cli_app: App, mail_sink: MailSink, dkim_key: DkimKey
) -> None:
    review("lists", "add", "bailleurs-ue", "--name", "Flash-back bailleurs")
    review("segments", "add", "ong", "--name", "Associations et ONG")
    review(
        "subscribers", "add", "karim@ong.ma", "--language", "ar",
        "--segment", "ong", "--list", "bailleurs-ue",
    )  # fmt: skip
    review("subscribers", "add", "badr@exemple.ma", "--segment", "press", "--list", "bailleurs-ue")
    for mail in list(mail_sink.received):
        assert dkim_key.verify(mail.data)
        text = mail.message.get_body(("plain",)).get_content()
        claim = LinkSigner(cli_app.settings.secret_key).read(
            CONFIRM, re.search(r"/abonnement/confirmer/(\S+)", text).group(1)
        )
        confirm(cli_app.engine, claim.subscriber_id, claim.digest, origin="confirm_page")
    [confirmation] = mail_sink.to("karim@ong.ma")
    assert confirmation.message["Subject"] == "أكِّدوا اشتراككم في نشرة «فلاش باك»"
    assert '<html lang="ar" dir="rtl">' in confirmation.message.get_body(("html",)).get_content()
    assert mail_sink.to("badr@exemple.ma")[0].message["Subject"].startswith("Confirmez")
    mail_sink.received.clear()

    create_issue(cli_app.engine, 118, date(2015, 2, 2), date(2015, 4, 5), take_accepted=False)
    publish_issue(cli_app.engine, 118)
    output = review("send", "118", "--list", "bailleurs-ue", "--segment", "ong")

    assert "Numéro 118, liste bailleurs-ue" in output and "envoyés maintenant : 1" in output
    [mail] = mail_sink.received
    assert mail.rcpt_tos == ["karim@ong.ma"]
    assert mail.message["List-Id"] == f"Flash-back bailleurs <bailleurs-ue.{DKIM_DOMAIN}>"
    assert mail.message["Subject"] == "فلاش باك العدد 118 – من 2 فبراير إلى 5 أبريل 2015"
    html = mail.message.get_body(("html",)).get_content()
    assert '<html lang="ar" dir="rtl">' in html and "مؤشرات القطاع" in html
    assert dkim_key.verify(mail.data)
