"""Shared set-up of the review's tests: the bundled feeds and pages served on 127.0.0.1, and a
registry where they have been fetched, clustered and ranked. No test reaches the internet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from centrale.bootstrap import App
from centrale.review.flashback_text import PastIssue, read_past_issue
from centrale.review.issues import add_items, create_issue, publish_issue
from centrale.review.local_server import serve_directory
from centrale.review.opml import import_opml
from centrale.review.pipeline import refresh
from centrale.review.queue import QueueItem, accept, queue

DEMO_DATA = Path(__file__).parents[1] / "src" / "centrale" / "review" / "demo_data"
TEST_DATA = Path(__file__).parent / "data" / "review"


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    """The bundled demo feeds and pages, over HTTP on 127.0.0.1."""
    with serve_directory(DEMO_DATA) as base:
        yield base


@pytest.fixture
def fetched(app: App, served: str) -> App:
    """A registry whose sources came in by OPML and were fetched, clustered and ranked."""
    import_opml(app.engine, httpx.get(f"{served}/sources.opml").content)
    refresh(app)
    return app


def past_issue() -> PastIssue:
    """The seed issue (an archived Flash-back), as bundled with the demo."""
    return read_past_issue((DEMO_DATA / "flashback-seed.txt").read_text(encoding="utf-8"))


def by_title(app: App) -> dict[str, QueueItem]:
    return {item.title: item for item in queue(app.engine, "pending", everything=True)}


def comparable(text: str) -> str:
    """Text compared across formats: typographic spacing, apostrophes and elisions folded."""
    # Lines broken after a hyphen or inside a URL (after a slash) in the PDF join again.
    text = re.sub(r"([-/])\s+", r"\1", text.replace("\u00ad", ""))
    text = text.replace("(...)", "(…)").replace("’", "'")
    text = " ".join(text.split())
    return re.sub(r"\s*([«»()…])\s*", r"\1", text)


#: The editor the tests sign in as.
EDITOR_LOGIN, EDITOR_PASSWORD = "f.benali", "une phrase assez longue"


def an_editor(app: App) -> None:
    """The tests' editor account, created once per registry."""
    from centrale.review.editors import add_editor, list_editors

    if not any(e.login == EDITOR_LOGIN for e in list_editors(app.engine)):
        add_editor(app.engine, EDITOR_LOGIN, "Fatima Benali", EDITOR_PASSWORD)


def signed_in(client: TestClient, app: App) -> TestClient:
    """`client`, signed in to the editor's pages through the sign-in form."""
    an_editor(app)
    form = {"identifiant": EDITOR_LOGIN, "mot_de_passe": EDITOR_PASSWORD}
    answer = client.post("/revue/editeur/connexion", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return client


def an_issue(
    app: App, number: int, item_ids: list[int], language: str = "fr", *, publish: bool = True
) -> None:
    """Issue N°`number` of the week of 1 February 2012, holding `item_ids` (accepted first)."""
    for item_id in item_ids:
        accept(app.engine, item_id)
    create_issue(
        app.engine,
        number,
        date(2012, 2, 1),
        date(2012, 2, 8),
        language=language,
        take_accepted=False,
    )
    add_items(app.engine, number, item_ids)
    if publish:
        publish_issue(app.engine, number)
