"""`centrale review` delivery commands through the CLI runner, on SQLite and PostgreSQL, with
mail caught by a local SMTP server: subscribers, sending, scheduling, bounces, suppressions,
and the whole path from a published issue to a one-click unsubscribe through the web app."""

# The fixtures come from the support module: their names shadow the imports by design.
# ruff: noqa: F811

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from centrale.bootstrap import App
from centrale.review.issues import create_issue, publish_issue
from centrale.review.subscribers import confirm, find_by_email
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
    pending_subscriber,
    run_cli,
    site,  # noqa: F401
)


def review(*args: str, code: int = 0) -> str:
    return run_cli("review", *args, code=code)


def published_issue(app: App, number: int = 118) -> int:
    issue_id = create_issue(app.engine, number, date(2015, 2, 2), date(2015, 4, 5))
    publish_issue(app.engine, number)
    return issue_id


def test_add_confirm_list_show_and_remove_a_subscriber(
    cli_app: App, mail_sink: MailSink, dkim_key: DkimKey
) -> None:
    output = review("subscribers", "add", "Nadia@AMC.ma", "--name", "Nadia", "--segment", "press")
    assert "nadia@amc.ma inscrit : un lien de confirmation lui a été envoyé" in output
    [mail] = mail_sink.to("nadia@amc.ma")
    assert dkim_key.verify(mail.data)
    token = re.search(
        r"/abonnement/confirmer/(\S+)", mail.message.get_body(("plain",)).get_content()
    )
    claim = LinkSigner(cli_app.settings.secret_key).read(CONFIRM, token.group(1))
    assert "en attente" in review("subscribers", "list")
    confirm(cli_app.engine, claim.subscriber_id, claim.digest, origin="confirm_page")
    listing = review("subscribers", "list", "--status", "active", "--segment", "press")
    assert "nadia@amc.ma" in listing and "1 abonné(s)." in listing
    # The column names the suppression list: « supprimé » is kept for deleted subscribers.
    assert "liste d'exclusion" in listing and "supprim" not in listing

    shown = json.loads(review("subscribers", "show", "nadia@amc.ma"))
    assert [e["event"] for e in shown["consent_events"]] == ["signup", "confirm"]
    assert shown["consent_events"][0]["origin"] == "cli"

    assert "nadia@amc.ma supprimé." in review("subscribers", "remove", "nadia@amc.ma")
    assert "0 abonné(s)." in review("subscribers", "list")
    output = review("subscribers", "remove", "nadia@amc.ma", code=2)
    assert "Aucun abonné n'a l'adresse « nadia@amc.ma »" in output

    review("subscribers", "add", "jamais.confirme@exemple.ma")
    kept = review("subscribers", "purge-pending")
    assert "0 inscription(s) non confirmée(s) depuis plus de 30 jours effacée(s)." in kept
    purged = review("subscribers", "purge-pending", "--days", "0")
    assert "1 inscription(s) non confirmée(s) depuis plus de 0 jours effacée(s)." in purged


def test_import_reports_every_bad_row_and_mails_the_good_ones(
    cli_app: App, mail_sink: MailSink, tmp_path: Path
) -> None:
    confirmed_subscriber(cli_app, "deja@exemple.ma")
    path = tmp_path / "abonnes.csv"
    path.write_text(
        "email,name,organisation,language,segments\n"
        "ali@exemple.ma,Ali,AMC Nord,fr,institutions;press\n"
        "pas-une-adresse,Badr,,fr,\n"
        "chama@exemple.ma,Chama,,de,\n"
        "deja@exemple.ma,Déjà,,fr,\n"
        "dina@exemple.ma,Dina,,ar,journalistes\n"
        "ALI@exemple.ma,Ali bis,,fr,\n",
        encoding="utf-8",
    )
    output = review("subscribers", "import", str(path), code=1)
    assert "6 ligne(s) lue(s) : 1 abonné(s) ajouté(s), 1 déjà connu(s), 4 problème(s)." in output
    for row, column, value in [
        ("3", "email", "pas-une-adresse"),
        ("4", "language", "de"),
        ("6", "segments", "journalistes"),
        ("7", "email", "ali@exemple.ma"),
    ]:
        assert re.search(rf"│ {row}\s+│ {column}\s+│.*│ {re.escape(value)}\s+│", output), output
    assert [m.rcpt_tos for m in mail_sink.received] == [["ali@exemple.ma"]]
    ali = find_by_email(cli_app.engine, "ali@exemple.ma")
    assert (ali.lists, ali.segments) == ({"flash-back": "pending"}, ("institutions", "press"))


def test_import_of_people_who_already_consented_needs_a_proof(
    cli_app: App, mail_sink: MailSink, tmp_path: Path
) -> None:
    path = tmp_path / "seminaire.csv"
    path.write_text("email,name\nfarid@exemple.ma,Farid\n", encoding="utf-8")
    refused = review("subscribers", "import", str(path), "--confirmed", code=2)
    assert "doit citer la preuve de leur consentement" in refused
    review("subscribers", "import", str(path), "--confirmed", "--proof", "fiches signées du 12/03")
    assert mail_sink.received == []
    farid = json.loads(review("subscribers", "show", "farid@exemple.ma"))
    assert farid["subscriptions"] == {"flash-back": "active"}
    assert "fiches signées du 12/03" in farid["consent_events"][0]["detail"]

    exported = tmp_path / "export.csv"
    review("subscribers", "export", str(exported))
    rows = list(csv.DictReader(exported.open(encoding="utf-8")))
    assert [(r["email"], r["status"]) for r in rows] == [("farid@exemple.ma", "active")]
    review("subscribers", "export", str(tmp_path / "export.json"), "--format", "json")
    assert json.loads((tmp_path / "export.json").read_text())[0]["email"] == "farid@exemple.ma"


def test_send_dry_run_then_send_then_nothing_twice(
    cli_app: App, mail_sink: MailSink, dkim_key: DkimKey
) -> None:
    confirmed_subscriber(cli_app, "ali@exemple.ma")
    confirmed_subscriber(cli_app, "badr@exemple.ma", language="ar")
    pending_subscriber(cli_app, "chama@exemple.ma")
    published_issue(cli_app)

    dry = review("send", "118", "--dry-run")
    assert "simulation, rien n'a été envoyé" in dry and "destinataires : 2" in dry
    assert mail_sink.received == []

    output = review("send", "118")
    assert re.search(r"Numéro 118, liste flash-back \(envoi n° \d+\) : terminé\.", output)
    assert "envoyés maintenant : 2 (en tout : 2)" in output
    assert "ignorés : 1 non confirmé(s), 0 exclu(s), 0 désabonné(s)" in output
    assert sorted(m.rcpt_tos[0] for m in mail_sink.received) == [
        "ali@exemple.ma",
        "badr@exemple.ma",
    ]
    for mail in mail_sink.received:
        assert dkim_key.verify(mail.data)
    [french] = mail_sink.to("ali@exemple.ma")
    assert french.message["Subject"] == "Flash-back N° 118 – Du 2 février au 5 avril 2015"
    [arabic] = mail_sink.to("badr@exemple.ma")  # the Arabic edition, footer included
    assert arabic.message["Subject"] == "فلاش باك العدد 118 – من 2 فبراير إلى 5 أبريل 2015"
    assert "إلغاء الاشتراك" in arabic.message.get_body(("plain",)).get_content()

    assert "envoyés maintenant : 0 (en tout : 2)" in review("send", "118")
    assert len(mail_sink.received) == 2
    sends = review("sends", "list")
    assert re.search(r"│ \d+\s+│ 118\s+│ flash-back\s+│ terminé\s+│ —\s+│ 2\s+│ 0\s+│ 1", sends), (
        sends
    )
    assert "exclus" in sends and "supprimés" not in sends


def test_send_refuses_drafts_unknown_numbers_and_bad_dates(cli_app: App) -> None:
    create_issue(cli_app.engine, 119, date(2015, 4, 6), date(2015, 4, 12))
    assert "Le numéro 119 n'est pas publié (statut : draft)" in review("send", "119", code=2)
    assert "Numéro inconnu : 404." in review("send", "404", code=2)
    published_issue(cli_app, 120)
    bad = review("send", "120", "--at", "lundi 8h", code=2)
    assert "Date d'envoi invalide : « lundi 8h » ; écrivez-la AAAA-MM-JJ HH:MM" in bad
    assert "l'un ou l'autre" in review("send", code=2)


def test_schedule_then_cron_sends_when_due(cli_app: App, mail_sink: MailSink) -> None:
    confirmed_subscriber(cli_app, "ali@exemple.ma")
    published_issue(cli_app)
    future = review("send", "118", "--at", "2999-01-04 08:00")
    assert "Numéro 118 programmé pour le 04/01/2999 à 08:00 (Africa/Casablanca)" in future
    assert "Aucun envoi programmé n'est échu." in review("send", "--due")
    assert mail_sink.received == []

    review("send", "118", "--at", "2020-01-06 08:00")  # moved to a time already past
    assert "envoyés maintenant : 1" in review("send", "--due")
    assert "Aucun envoi programmé n'est échu." in review("send", "--due")
    assert len(mail_sink.received) == 1


def test_bounces_process_and_the_suppression_review(
    cli_app: App, mail_sink: MailSink, tmp_path: Path
) -> None:
    confirmed_subscriber(cli_app, "ali@exemple.ma")
    dsn = tmp_path / "dsn.eml"
    dsn.write_bytes(
        b"From: MAILER-DAEMON@mx.exemple.ma\r\nTo: rebonds@centrale.example.ma\r\n"
        b"Subject: Undelivered Mail\r\nMessage-ID: <d1@mx.exemple.ma>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nEchec.\r\n"
        b"--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.exemple.ma\r\n\r\n"
        b"Final-Recipient: rfc822; ali@exemple.ma\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        b"Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n--B--\r\n"
    )
    output = review("bounces", "process", str(dsn))
    assert "1 message(s) lu(s) : 1 rebond(s) définitif(s)" in output
    assert "exclue : ali@exemple.ma" in output
    listing = review("suppressions", "list")
    assert "ali@exemple.ma" in listing and "rebond définitif" in listing and "5.1.1" in listing

    published_issue(cli_app)
    assert "ignorés : 0 non confirmé(s), 1 exclu(s)" in review("send", "118")
    assert mail_sink.received == []

    assert "réautorisée" in review("suppressions", "release", "ali@exemple.ma")
    assert "0 adresse(s) exclue(s)." in review("suppressions", "list")
    assert "envoyés maintenant : 1" in review("send", "118")
    assert "n'est pas dans la liste" in review("suppressions", "release", "ali@exemple.ma", code=2)
    added = review("suppressions", "add", "ali@exemple.ma", "--detail", "adresse fermée")
    assert "ali@exemple.ma ajoutée à la liste d'exclusion." in added
    assert "déjà dans la liste d'exclusion" in review("suppressions", "add", "ali@exemple.ma")
    # « supprimé » would read as deleted: the list of exclusions never says it.
    assert "supprim" not in output + listing + added


def test_whole_path_issue_to_inbox_to_one_click_unsubscribe(
    cli_app: App, mail_sink: MailSink, dkim_key: DkimKey, site: str
) -> None:
    confirmed_subscriber(cli_app, "ali@exemple.ma")
    pending_subscriber(cli_app, "badr@exemple.ma")
    published_issue(cli_app)
    review("send", "118")
    [mail] = mail_sink.received
    assert mail.rcpt_tos == ["ali@exemple.ma"]
    assert dkim_key.verify(mail.data)
    assert mail.message["List-Id"] == f"Flash-back <flash-back.{DKIM_DOMAIN}>"
    https = re.findall(r"<(https://[^>]+)>", mail.message["List-Unsubscribe"])[0]
    assert https in mail.message.get_body(("html",)).get_content()

    local = site + urlsplit(https).path
    assert httpx.get(local).status_code == 200
    assert find_by_email(cli_app.engine, "ali@exemple.ma").lists["flash-back"] == "active"
    assert httpx.post(local, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert find_by_email(cli_app.engine, "ali@exemple.ma").lists["flash-back"] == "unsubscribed"

    published_issue(cli_app, 119)
    assert "ignorés : 1 non confirmé(s), 0 exclu(s), 1 désabonné(s)" in review("send", "119")
    assert len(mail_sink.received) == 1
