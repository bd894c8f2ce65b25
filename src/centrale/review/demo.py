"""`centrale review demo`: a complete issue from the feeds and pages bundled with the project.

Everything a real week involves runs, with no network: a local server serves the bundled
feeds and pages; the sources come in by OPML; fetching, extraction, language detection,
clustering and ranking run as in production; the editor's choices are played from the script
below (the seed issue's quotes come from the archived issue's own text); a small registry of
two institutions over three months feeds the barometer. Output: HTML e-mail, text, PDF, Atom
and RSS, for a French issue and an Arabic edition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx

from centrale.bootstrap import App, bootstrap
from centrale.review.excerpts import compose, quote_item, suggest
from centrale.review.feeds_out import issue_url, render_atom, render_rss
from centrale.review.flashback_text import read_past_issue
from centrale.review.issues import add_items, create_issue, issue_id_of, publish_issue
from centrale.review.local_server import serve_directory
from centrale.review.opml import import_opml
from centrale.review.pipeline import refresh
from centrale.review.queue import QueueItem, accept, queue, reject, tag
from centrale.review.rendering import (
    archive_footer,
    render_email_html,
    render_pdf,
    render_text,
)
from centrale.settings import Settings

DATA = Path(__file__).parent / "demo_data"
PERIOD = (date(2012, 2, 1), date(2012, 2, 8))
INSTITUTIONS = {"AMANA": "Association Al Amana", "TAWFIQ": "Fondation Attawfiq Micro-Finance"}


@dataclass(frozen=True)
class Choice:
    """What the editor decides for one item beyond the seed issue's six."""

    slug: str
    pick: tuple[int, ...]
    kind: str = "article"
    headline: str | None = None
    label: str | None = None
    tags: tuple[str, ...] = ()


EXTRA = (
    Choice("lematin-amc-croissance", (1, 2), tags=("secteur", "maroc")),
    Choice(
        "cgap-morocco-lessons",
        (1, 2),
        kind="etude",
        headline="Ce que la crise du microcrédit marocain a appris au secteur",
        tags=("endettement croisé",),
    ),
    Choice(
        "cgap-digital-savings-report",
        (1,),
        kind="rapport",
        headline="Rapport du CGAP : l'épargne numérique des ménages pauvres",
        label="en-savoir-plus",
    ),
)
ARABIC = ("hespress-qorud-sughra", "hespress-amana-qarawiyat")


def build_demo(out: Path, settings: Settings | None = None) -> list[Path]:
    """Build the demo issues into `out` (a fresh database inside it); returns the files.

    >>> build_demo(Path("flashback-demo"))  # doctest: +SKIP
    [PosixPath('flashback-demo/flashback-1.html'), ...]
    """
    out.mkdir(parents=True, exist_ok=True)
    database = out / "flashback-demo.db"
    for stale in out.glob("flashback-demo.db*"):
        stale.unlink()
    base = settings or Settings.model_validate({})
    app = bootstrap(base.model_copy(update={"database_url": f"sqlite:///{database}"}))
    try:
        _load_registry(app)
        with serve_directory(DATA) as server:
            import_opml(app.engine, httpx.get(f"{server}/sources.opml", timeout=10).content)
            refresh(app)
        _play_editor(app)
        return _render_all(app, out)
    finally:
        app.close()


def _load_registry(app: App) -> None:
    from centrale import services

    for code, name in INSTITUTIONS.items():
        services.add_institution(app, code, name)
    files = sorted((DATA / "registry").glob("*.csv"), key=lambda p: (p.stem[-7:], p.stem))
    for path in files:
        services.submit_file(app, path)


def _play_editor(app: App) -> None:
    engine = app.engine
    items = {_slug(item): item for item in queue(engine, "pending", everything=True)}
    by_title = {item.title: item for item in items.values()}
    past = read_past_issue((DATA / "flashback-seed.txt").read_text(encoding="utf-8"))
    for entry in past.items:
        item = by_title[entry.headline]
        accept(engine, item.id, label=entry.label)
        quote_item(engine, item.id, entry.quote)
    for choice in EXTRA:
        item = items[choice.slug]
        accept(engine, item.id, kind=choice.kind, headline=choice.headline, label=choice.label)
        sentences = suggest(item.text or "", item.language)
        passage = compose([sentences[i - 1] for i in choice.pick], item.text or "")
        quote_item(engine, item.id, passage)
        if choice.tags:
            tag(engine, item.id, list(choice.tags))
    create_issue(engine, 1, *PERIOD)
    # Accepted after the French issue is made, so that they go to the Arabic edition only.
    for slug in ARABIC:
        accept(engine, items[slug].id)
        sentences = suggest(items[slug].text or "", "ar", 2)
        quote_item(engine, items[slug].id, compose(sentences, items[slug].text or ""))
    for item in queue(engine, "pending", everything=True):
        if item.score == 0:
            reject(engine, item.id)
    arabic_ids = [items[slug].id for slug in ARABIC]
    create_issue(engine, 2, *PERIOD, language="ar", take_accepted=False)
    add_items(engine, 2, arabic_ids)
    publish_issue(engine, 1)
    publish_issue(engine, 2)


def _render_all(app: App, out: Path) -> list[Path]:
    from centrale.review.composition import issue_view

    public = app.settings.public_url
    written = []
    for number in (1, 2):
        issue = issue_view(app.engine, issue_id_of(app.engine, number))
        footer = archive_footer(public, issue_url(public, number), issue.language)
        files = {
            f"flashback-{number}.html": render_email_html(issue, footer),
            f"flashback-{number}.txt": render_text(issue, footer),
        }
        for name, text in files.items():
            (out / name).write_text(text, encoding="utf-8")
            written.append(out / name)
        (out / f"flashback-{number}.pdf").write_bytes(render_pdf(issue))
        written.append(out / f"flashback-{number}.pdf")
    for name, text in (
        ("atom.xml", render_atom(app.engine, public)),
        ("rss.xml", render_rss(app.engine, public)),
    ):
        (out / name).write_text(text, encoding="utf-8")
        written.append(out / name)
    return written


def _slug(item: QueueItem) -> str:
    return item.url.rsplit("/", 1)[-1].split("?", 1)[0].removesuffix(".html")
