"""What `centrale review` shows the editor is French: fetch outcomes, source types, queue states
and the rendered files' foot, while the stored codes stay in English.
"""

# Fixtures come from the support modules: their names shadow the imports by design.
# ruff: noqa: F811

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from centrale.bootstrap import App
from centrale.review.issues import publish_issue
from centrale.review.queue import get_item, queue
from centrale.review.sources import source_health
from centrale.settings import Settings
from test_review_delivery_support import cli_app, free_port, run_cli  # noqa: F401
from test_review_issue import compose_seed_issue
from test_review_support import by_title, served  # noqa: F401

GROWTH = "Les associations de microcrédit renouent avec la croissance"


@pytest.fixture
def mail_app(app: App) -> App:
    """The app the shared `cli_app` fixture puts in the environment."""
    return app


def imported(served: str, tmp_path: Path) -> None:
    opml = tmp_path / "sources.opml"
    opml.write_bytes(httpx.get(f"{served}/sources.opml").content)
    run_cli("review", "sources", "import-opml", str(opml))


def test_fetch_and_sources_list_show_outcomes_and_types_in_french(
    cli_app: App, served: str, tmp_path: Path
) -> None:
    imported(served, tmp_path)
    run_cli("review", "sources", "add", f"http://127.0.0.1:{free_port()}/f.xml", "--name", "Fermé")
    first = run_cli("review", "fetch")
    assert first.split().count("relevé") == 7 and "erreur" in first
    second = run_cli("review", "fetch")
    assert second.count("inchangé (304)") == 7
    for printed in (first, second):
        assert not {"ok", "not_modified", "error"} & set(printed.split())

    listing = run_cli("review", "sources", "list")
    assert "flux" in listing and "page" in listing and "Maroc" in listing
    assert listing.count("inchangé (304)") == 7
    assert not {"feed", "not_modified"} & set(listing.split())
    # The stored codes are unchanged: only the words shown are French.
    health = {h.source.name: h for h in source_health(cli_app.engine)}
    assert health["Adie"].source.kind == "page" and health["Adie"].last_outcome == "not_modified"


def test_queue_shows_states_in_french_and_requeue_undoes_accept(
    cli_app: App, served: str, tmp_path: Path
) -> None:
    imported(served, tmp_path)
    run_cli("review", "fetch")
    growth = str(by_title(cli_app)[GROWTH].id)

    assert "article(s) en attente." in run_cli("review", "queue", "list")
    assert "(fr, en attente)" in run_cli("review", "queue", "show", growth)
    run_cli("review", "queue", "accept", growth)
    assert get_item(cli_app.engine, int(growth)).state == "accepted"
    assert "(fr, retenu)" in run_cli("review", "queue", "show", growth)
    retained = run_cli("review", "queue", "list", "--state", "retenus")
    assert GROWTH in retained and "1 article(s) retenu(s)." in retained
    assert "1 article(s) retenu(s)." in run_cli("review", "queue", "list", "--state", "accepted")

    assert "remis en attente" in run_cli("review", "queue", "requeue", growth)
    item = get_item(cli_app.engine, int(growth))
    assert (item.state, item.position) == ("pending", None)
    assert "0 article(s) retenu(s)." in run_cli("review", "queue", "list", "--state", "retenus")

    run_cli("review", "queue", "reject", growth)
    assert "(fr, rejeté)" in run_cli("review", "queue", "show", growth)
    assert GROWTH in run_cli("review", "queue", "list", "--state", "rejetés")
    run_cli("review", "queue", "requeue", growth)  # a rejected item can come back too
    assert get_item(cli_app.engine, int(growth)).state == "pending"

    wrong = run_cli("review", "queue", "list", "--state", "publiés", code=2)
    assert "État : valeur inconnue « publiés » ; valeurs possibles : pending, accepted" in wrong


def test_requeue_refuses_an_item_blocked_by_a_rule(
    cli_app: App, served: str, tmp_path: Path
) -> None:
    imported(served, tmp_path)
    run_cli("review", "rules", "add", "block", "croissance")
    run_cli("review", "fetch")
    [growth] = [item for item in queue(cli_app.engine, "blocked") if item.title == GROWTH]
    refused = run_cli("review", "queue", "requeue", str(growth.id), code=2)
    assert "bloqué par une règle" in refused and "rules remove" in refused


def test_rendered_files_do_not_offer_a_false_unsubscribe_link(
    cli_app: App, served: str, tmp_path: Path
) -> None:
    imported(served, tmp_path)
    run_cli("review", "fetch")
    compose_seed_issue(cli_app)
    publish_issue(cli_app.engine, 118)
    out = tmp_path / "rendu"
    run_cli("review", "render", "118", "--out", str(out), "--format", "html,text")
    html = (out / "flashback-118.html").read_text(encoding="utf-8")
    text = (out / "flashback-118.txt").read_text(encoding="utf-8")
    public = cli_app.settings.public_url.rstrip("/")

    # No single recipient: no « Se désabonner » that would lead to the sign-up form.
    for part in (html, text):
        assert "Se désabonner" not in part
        assert "vos liens personnels pour gérer votre abonnement ou vous désabonner" in part
    assert re.search(f'<a href="{public}/abonnement"[^>]*>S’abonner</a>', html)
    assert re.search(f'<a href="{public}/revue"[^>]*>Tous les numéros</a>', html)
    assert f"S’abonner : {public}/abonnement\n" in text
    assert f"Lire ce numéro en ligne : {public}/revue/118\n" in text


def test_demo_files_do_not_offer_a_false_unsubscribe_link(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    run_cli("review", "demo", "--out", str(out))
    public = Settings.model_validate({}).public_url.rstrip("/")  # the demo's own settings
    french = (out / "flashback-1.txt").read_text(encoding="utf-8")
    arabic = (out / "flashback-2.html").read_text(encoding="utf-8")
    assert "Se désabonner" not in french and f"S’abonner : {public}/abonnement" in french
    assert "إلغاء الاشتراك" not in arabic  # the Arabic edition's foot is honest too
    assert re.search(f'<a href="{public}/abonnement"[^>]*>الاشتراك في النشرة</a>', arabic)
