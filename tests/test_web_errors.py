"""The web app's answers when a request goes wrong: French, as a page or as JSON, never the
framework's English `{"detail": ...}` nor a traceback."""

from __future__ import annotations

from html import unescape

from fastapi.testclient import TestClient

from centrale.bootstrap import App
from centrale.web.app import create_app
from centrale.web.editor_session import FORM_FIELD
from test_review_support import fetched, served, signed_in

__all__ = ["fetched", "served"]


def test_an_address_that_leads_nowhere(app: App) -> None:
    client = TestClient(create_app(app))
    page = client.get("/nulle-part")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Page introuvable : « /nulle-part »" in unescape(page.text)
    assert "detail" not in page.text
    api = client.get("/api/nulle-part")
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "not_found"
    assert "page introuvable" in api.json()["error"]["message"]
    wrong_method = client.put("/revue")
    assert wrong_method.status_code == 405
    assert "ne s'ouvre pas ainsi (PUT)" in unescape(wrong_method.text)


def test_a_form_missing_a_field_names_it(fetched: App) -> None:
    from centrale.review.queue import accept, queue

    client = signed_in(TestClient(create_app(fetched)), fetched)
    item = queue(fetched.engine)[0]
    accept(fetched.engine, item.id)
    page = client.get("/revue/editeur")
    marker = f'name="{FORM_FIELD}" value="'
    token = page.text[page.text.index(marker) + len(marker) :].split('"', 1)[0]
    missing = client.post(f"/revue/editeur/{item.id}/ordre", data={FORM_FIELD: token})
    assert missing.status_code == 422
    assert "Formulaire incomplet ou invalide : « position » manque" in unescape(missing.text)
    wrong = client.post(
        f"/revue/editeur/{item.id}/ordre", data={FORM_FIELD: token, "position": "deux"}
    )
    assert wrong.status_code == 422
    assert "« position » attend un nombre entier" in unescape(wrong.text)
    assert "Traceback" not in missing.text + wrong.text
