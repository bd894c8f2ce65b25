"""The subscription pages in a real headless Chromium, served by uvicorn, mail caught by a
local SMTP server: sign-up, double opt-in, preferences, export, one-click unsubscribe, erasure.
"""

# The fixtures come from the support module: their names shadow the imports by design.
# ruff: noqa: F811

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import select

from centrale.bootstrap import App
from centrale.review.consent import current_wording
from centrale.review.delivery import send_issue
from centrale.review.subscribers import find_by_email
from centrale.store.subscriber_tables import subscribers
from test_review_delivery_support import (
    DkimKey,
    MailSink,
    confirmed_subscriber,
    dkim_key,  # noqa: F401
    fixed_renderer,
    ledger,
    mail_app,  # noqa: F401
    mail_sink,  # noqa: F401
    make_issue,
    site,  # noqa: F401
)

pytestmark = pytest.mark.browser
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True, locale="fr-FR")
    yield context.new_page()
    context.close()


def local(site: str, url: str) -> str:
    """The public link of an e-mail, opened on the local server."""
    parts = urlsplit(url)
    return site + parts.path + (f"?{parts.query}" if parts.query else "")


def ledger_origins(app: App, address: str) -> list[tuple[str, str]]:
    return [(event["event"], event["origin"]) for event in ledger(app, address)]


def test_sign_up_confirm_manage_export_and_erase(
    mail_app: App, mail_sink: MailSink, dkim_key: DkimKey, site: str, page: Page
) -> None:
    address = "nadia.amrani@amc-exemple.ma"
    page.goto(site + "/abonnement")
    assert current_wording(mail_app.engine).text in page.inner_text("form")
    page.fill("#email", address)
    page.fill("#name", "Nadia Amrani")
    page.fill("#organisation", "AMC Exemple")
    page.check("input[name=segments][value=institutions]")
    with page.expect_response(lambda r: r.request.method == "POST") as refused:
        page.click("text=M'abonner")
    assert refused.value.status == 400
    assert "Cochez la case « J'accepte »" in page.inner_text("[role=alert]")
    assert page.input_value("#email") == address  # nothing typed is lost
    assert mail_sink.received == []

    page.check("#consent")
    with page.expect_navigation():  # a click does not wait for the page it asks for
        page.click("text=M'abonner")
    assert "Nous avons envoyé un lien de confirmation" in page.inner_text("main")
    assert find_by_email(mail_app.engine, address).lists == {"flash-back": "pending"}

    [mail] = mail_sink.to(address)
    assert dkim_key.verify(mail.data)
    assert mail.message["Subject"] == "Confirmez votre abonnement à Flash-back"
    text = mail.message.get_body(("plain",)).get_content()
    confirm_url = re.search(r"https://\S+/abonnement/confirmer/\S+", text).group(0)
    assert confirm_url in mail.message.get_body(("html",)).get_content()

    page.goto(local(site, confirm_url))
    assert find_by_email(mail_app.engine, address).confirmed_at is None  # a GET confirms nothing
    with page.expect_navigation():
        page.click("text=Confirmer mon abonnement")
    assert "Votre abonnement est confirmé" in page.inner_text("[role=status]")
    nadia = find_by_email(mail_app.engine, address)
    assert nadia.confirmed_at is not None and nadia.lists == {"flash-back": "active"}

    page.select_option("#language", "ar")
    page.check("input[name=segments][value=researchers]")
    with page.expect_navigation():
        page.click("text=Enregistrer mes préférences")
    assert "Vos préférences sont enregistrées" in page.inner_text("[role=status]")
    nadia = find_by_email(mail_app.engine, address)
    assert (nadia.language, nadia.segments) == ("ar", ("institutions", "researchers"))

    with page.expect_download() as download:
        page.click("text=Télécharger mes données")
    assert download.value.suggested_filename == "flash-back-mes-donnees.json"
    exported = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert (exported["email"], exported["organisation"]) == (address, "AMC Exemple")
    assert [e["event"] for e in exported["consent_events"]] == ["signup", "confirm", "preferences"]

    page.check("input[name=confirmation]")
    with page.expect_navigation():
        page.click("text=Supprimer mes données")
    assert "Vos données ont été supprimées" in page.inner_text("h1")
    with mail_app.engine.connect() as conn:
        assert conn.execute(select(subscribers)).first() is None
    assert ledger_origins(mail_app, address)[-1] == ("erase", "preferences_page")


def test_the_list_unsubscribe_link_shows_a_page_on_get_and_unsubscribes_on_post(
    mail_app: App, mail_sink: MailSink, site: str, page: Page
) -> None:
    address = "karim@exemple.ma"
    confirmed_subscriber(mail_app, address)
    send_issue(mail_app, make_issue(mail_app), fixed_renderer)
    [mail] = mail_sink.to(address)
    https = re.findall(r"<(https://[^>]+)>", mail.message["List-Unsubscribe"])[0]

    page.goto(local(site, https))  # what a link scanner or a curious reader does
    assert page.is_visible("text=Me désabonner")
    assert find_by_email(mail_app.engine, address).lists == {"flash-back": "active"}

    # What a mail client does for RFC 8058: a POST with no cookie and no page.
    answer = httpx.post(local(site, https), data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert find_by_email(mail_app.engine, address).lists == {"flash-back": "unsubscribed"}
    assert ledger_origins(mail_app, address)[-1] == ("unsubscribe", "one_click")

    page.reload()
    assert "Vous êtes déjà désabonné" in page.inner_text("main")
    assert httpx.post(local(site, https), data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert [e for e in ledger_origins(mail_app, address) if e[0] == "unsubscribe"] == [
        ("unsubscribe", "one_click")
    ]


def test_the_unsubscribe_button_works_for_people(
    mail_app: App, mail_sink: MailSink, site: str, page: Page
) -> None:
    address = "salma@exemple.ma"
    confirmed_subscriber(mail_app, address)
    send_issue(mail_app, make_issue(mail_app), fixed_renderer)
    html = mail_sink.to(address)[0].message.get_body(("html",)).get_content()
    link = re.search(r'href="(https://[^"]+/desabonnement/[^"]+)"', html).group(1)
    page.goto(local(site, link))
    with page.expect_navigation():
        page.click("text=Me désabonner")
    assert "Vous êtes désabonné" in page.inner_text("h1")
    assert ledger_origins(mail_app, address)[-1] == ("unsubscribe", "unsubscribe_page")
    with page.expect_navigation():
        page.click("text=Gérer mon abonnement")
    assert page.is_checked("input[name=lists][value=flash-back]") is False


def test_a_broken_link_gets_a_french_page_not_a_traceback(site: str, page: Page) -> None:
    for path in ("/desabonnement/abc", "/abonnement/confirmer/abc", "/abonnement/preferences/x"):
        response = page.goto(site + path)
        assert response is not None and response.status == 400
        body = page.inner_text("main")
        assert "Ce lien n'est pas valide" in body and "Traceback" not in body


def test_robots_filling_the_hidden_field_are_ignored(
    mail_app: App, mail_sink: MailSink, site: str
) -> None:
    form = {
        "email": "robot@exemple.ma",
        "consent": "oui",
        "wording_version": "fr-1",
        "website": "http://spam.example",
    }
    assert httpx.post(site + "/abonnement", data=form).status_code == 200
    assert mail_sink.received == []
    with mail_app.engine.connect() as conn:
        assert conn.execute(select(subscribers)).first() is None
