"""`centrale review` from sources to a rendered issue, through the command line only; and
`centrale review demo`, which builds complete issues from the bundled feeds and pages.
"""

# Fixtures come from the support modules: their names shadow the imports by design.
# ruff: noqa: F811

from __future__ import annotations

import io
from pathlib import Path

import feedparser
import httpx
import pypdf
import pytest

from centrale.bootstrap import App
from centrale.review.queue import get_item
from test_review_delivery_support import cli_app, run_cli  # noqa: F401
from test_review_support import by_title, comparable, past_issue, served  # noqa: F401


@pytest.fixture
def mail_app(app: App) -> App:
    """The app the shared `cli_app` fixture puts in the environment."""
    return app


def test_from_sources_to_rendered_issue(cli_app: App, served: str, tmp_path: Path) -> None:
    opml = tmp_path / "sources.opml"
    opml.write_bytes(httpx.get(f"{served}/sources.opml").content)
    assert "7 source(s) ajoutée(s)" in run_cli("review", "sources", "import-opml", str(opml))
    out = run_cli("review", "sources", "add", "ftp://x.ma", "--name", "X", code=2)
    assert "Adresse de source invalide : « ftp://x.ma »" in out
    fetched = run_cli("review", "fetch")
    assert "1 groupe(s) de doublons" in fetched and "Hespress" in fetched
    assert "Afrique Finance Hebdo" in run_cli("review", "sources", "list")

    items = by_title(cli_app)
    listed = run_cli("review", "queue", "list")
    assert "Recette : le couscous" not in listed and "Vittana" in listed
    for entry in past_issue().items:
        item_id = str(items[entry.headline].id)
        run_cli("review", "queue", "accept", item_id, "--label", entry.label)
        assert "Citation :" in run_cli("review", "issue", "quote", item_id, entry.quote)
    growth = items["Les associations de microcrédit renouent avec la croissance"]
    shown = run_cli("review", "queue", "show", str(growth.id))
    assert "Phrases suggérées" in shown and "1. " in shown
    run_cli("review", "queue", "accept", str(growth.id), "--kind", "etude")
    run_cli("review", "issue", "quote", str(growth.id), "--pick", "1,2")
    assert get_item(cli_app.engine, growth.id).excerpt
    run_cli("review", "queue", "tag", str(growth.id), "secteur", "maroc")
    run_cli("review", "queue", "order", str(growth.id), "1")
    assert get_item(cli_app.engine, growth.id).position == 1
    couscous = items["Recette : le couscous aux sept légumes"]
    run_cli("review", "queue", "reject", str(couscous.id))
    run_cli("review", "rules", "add", "keep", "JAIDA")
    assert "keep" in run_cli("review", "rules", "list")
    run_cli("review", "rank")

    bad = run_cli("review", "issue", "create", "5", "--from", "2012-13-01", "--to", "x", code=2)
    assert "n'est pas une date ; écrivez-la AAAA-MM-JJ" in bad
    week = ("--from", "2012-02-01", "--to", "2012-02-08")
    created = run_cli("review", "issue", "create", "118", *week)
    assert "7 article(s)" in created
    text = run_cli("review", "issue", "show", "118")
    assert "MAROC – ÉTUDES" in text and "Voir aussi" in text
    run_cli("review", "issue", "publish", "118")
    target = tmp_path / "rendu"
    every = "html,text,pdf,web,atom,rss"
    run_cli("review", "render", "118", "--out", str(target), "--format", every)
    names = sorted(p.name for p in target.iterdir())
    assert names == [
        "atom.xml",
        "flashback-118-web.html",
        "flashback-118.html",
        "flashback-118.pdf",
        "flashback-118.txt",
        "rss.xml",
    ]
    assert (
        feedparser.parse((target / "atom.xml").read_text())
        .entries[0]
        .title.startswith("Flash-back N° 118")
    )
    wrong = run_cli("review", "render", "118", "--out", str(target), "--format", "doc", code=2)
    assert "Format(s) inconnu(s) : doc" in wrong


def test_demo_builds_complete_issues_offline(cli_app: App, tmp_path: Path) -> None:
    out = tmp_path / "demo"
    printed = run_cli("review", "demo", "--out", str(out))
    assert "Démonstration écrite" in printed
    for name in ("flashback-1.html", "flashback-1.txt", "flashback-1.pdf", "atom.xml", "rss.xml"):
        assert (out / name).stat().st_size > 0
    pdf = pypdf.PdfReader(io.BytesIO((out / "flashback-1.pdf").read_bytes()))
    pdf_text = comparable("\n".join(page.extract_text() for page in pdf.pages))
    html = (out / "flashback-1.html").read_text()
    for entry in past_issue().items:
        assert comparable(entry.headline) in pdf_text
        assert comparable(entry.quote) in pdf_text
    assert "Baromètre du secteur" in html and "février 2012" in html
    assert '<html lang="ar" dir="rtl">' in (out / "flashback-2.html").read_text()
    feed = feedparser.parse((out / "atom.xml").read_text())
    assert [entry.title[:15] for entry in feed.entries] == ["فلاش باك العدد ", "Flash-back N° 1"]
