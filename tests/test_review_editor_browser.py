"""The editor's queue in a real headless Chromium, served by uvicorn over a registry whose
sources were fetched from local fixtures: accept, reject, tag, order and quote.
"""

# Fixtures come from the support modules: their names shadow the imports by design.
# ruff: noqa: F811

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, sync_playwright

from centrale.bootstrap import App
from centrale.review.queue import get_item, queue
from test_review_delivery_support import site  # noqa: F401
from test_review_support import (  # noqa: F401
    EDITOR_LOGIN,
    EDITOR_PASSWORD,
    an_editor,
    by_title,
    fetched,
    served,
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


@pytest.fixture
def mail_app(fetched: App) -> App:
    """The app the shared `site` fixture serves: here, the fetched registry."""
    return fetched


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium.new_context(locale="fr-FR").new_page()
        chromium.close()


def submit(page: Page, button: Locator) -> None:
    """Press a form's button and wait for the page the server answers with: a click does not
    wait for the navigation it starts, and reading the old page races the new one."""
    with page.expect_navigation():
        button.click()


def open_queue(page: Page, site: str, app: App, query: str = "") -> None:
    """Open the editor's queue, through the sign-in form when the page asks for it (each
    test's registry is new: the session of the test before does not open it)."""
    an_editor(app)
    page.goto(f"{site}/revue/editeur{query}")
    if page.locator("h1").inner_text() == "Connexion de l’éditeur":
        page.get_by_label("Identifiant").fill(EDITOR_LOGIN)
        page.get_by_label("Mot de passe").fill(EDITOR_PASSWORD)
        submit(page, page.get_by_role("button", name="Se connecter"))


def row(page: Page, item_id: int, table: str = "#en-attente") -> str:
    return f"{table} tr[data-item='{item_id}']"


def test_editor_accepts_rejects_tags_orders_and_quotes(page: Page, site: str, fetched: App) -> None:
    items = by_title(fetched)
    jaida = items[next(t for t in items if "JAIDA" in t)]
    growth = items["Les associations de microcrédit renouent avec la croissance"]
    couscous = items["Recette : le couscous aux sept légumes"]

    open_queue(page, site, fetched)
    assert page.locator("h1").inner_text() == "File de l’éditeur"
    titles = page.locator("#en-attente .title").all_inner_texts()
    assert titles == [item.headline for item in queue(fetched.engine)]
    assert couscous.headline not in titles  # off topic: hidden until asked for

    page.locator(row(page, growth.id)).locator("select[name=kind]").select_option("etude")
    submit(page, page.locator(row(page, growth.id)).get_by_role("button", name="Retenir"))
    submit(page, page.locator(row(page, jaida.id)).get_by_role("button", name="Retenir"))
    assert page.locator("#retenus .title").all_inner_texts() == [growth.headline, jaida.headline]
    assert get_item(fetched.engine, growth.id).kind == "etude"

    page.locator(row(page, jaida.id, "#retenus")).locator("input[name=position]").fill("1")
    submit(page, page.locator(row(page, jaida.id, "#retenus")).get_by_role("button", name="Placer"))
    assert page.locator("#retenus .title").all_inner_texts() == [jaida.headline, growth.headline]

    vittana = next(i for i in queue(fetched.engine) if "Vittana" in i.headline)
    page.locator(row(page, vittana.id)).locator("input[name=tags]").fill("étudiants, ONG")
    submit(page, page.locator(row(page, vittana.id)).get_by_role("button", name="Étiqueter"))
    assert page.locator(row(page, vittana.id)).locator(".tag").all_inner_texts() == [
        "ong",
        "étudiants",
    ]

    open_queue(page, site, fetched, "?tout=1")
    submit(page, page.locator(row(page, couscous.id)).get_by_role("button", name="Rejeter"))
    assert get_item(fetched.engine, couscous.id).state == "rejected"

    quote_form = page.locator(row(page, jaida.id, "#retenus"))
    suggested = quote_form.locator("textarea").input_value()
    assert suggested  # the best sentences are offered, ready to cut
    quote_form.locator("textarea").fill(
        "Les différentes enquêtes et études réalisées par le fonds JAIDA (…) ont montré "
        "que le microcrédit a rendu autonome des centaines de milliers de bénéficiaires"
    )
    quote_form.locator("select[name=label]").select_option("entretien")
    submit(page, quote_form.get_by_role("button", name="Citer"))
    excerpt = page.locator(row(page, jaida.id, "#retenus")).locator(".excerpt").inner_text()
    assert excerpt.startswith("«\u00a0(…) Les différentes enquêtes")
    assert get_item(fetched.engine, jaida.id).link_label == "entretien"


def test_a_bad_action_shows_a_french_message_not_a_traceback(
    page: Page, site: str, fetched: App
) -> None:
    open_queue(page, site, fetched)
    first = queue(fetched.engine)[0]
    submit(page, page.locator(row(page, first.id)).get_by_role("button", name="Retenir"))
    form = page.locator(row(page, first.id, "#retenus"))
    form.locator("input[name=position]").evaluate("input => input.removeAttribute('max')")
    form.locator("input[name=position]").fill("9")
    submit(page, form.get_by_role("button", name="Placer"))
    assert "Position invalide : 9 ; donnez un rang de 1 à 1." in page.content()
    assert "Traceback" not in page.content()


def test_withdrawing_a_retained_item_returns_it_to_the_queue(
    page: Page, site: str, fetched: App
) -> None:
    items = by_title(fetched)
    growth = items["Les associations de microcrédit renouent avec la croissance"]
    jaida = items[next(t for t in items if "JAIDA" in t)]
    open_queue(page, site, fetched)
    for item in (growth, jaida):
        submit(page, page.locator(row(page, item.id)).get_by_role("button", name="Retenir"))
    assert page.locator("#retenus .title").all_inner_texts() == [growth.headline, jaida.headline]

    submit(
        page, page.locator(row(page, growth.id, "#retenus")).get_by_role("button", name="Retirer")
    )
    withdrawn = get_item(fetched.engine, growth.id)
    assert (withdrawn.state, withdrawn.position) == ("pending", None)  # not rejected
    assert page.locator("#retenus .title").all_inner_texts() == [jaida.headline]
    assert growth.headline in page.locator("#en-attente .title").all_inner_texts()
    assert page.locator(row(page, growth.id)).get_by_role("button", name="Retenir").is_visible()
