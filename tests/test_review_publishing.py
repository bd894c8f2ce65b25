"""Publishing: the barometer (empty registry, then real figures loaded through the registry's
ingestion), freezing at publication, the Atom and RSS feeds re-parsed by feedparser, and the
public archive pages served by the web app.
"""

from __future__ import annotations

from datetime import date

import feedparser
from fastapi.testclient import TestClient

from centrale import services
from centrale.bootstrap import App
from centrale.review.composition import issue_view
from centrale.review.demo import DATA, INSTITUTIONS
from centrale.review.feeds_out import render_atom, render_rss
from centrale.review.issues import create_issue, publish_issue
from centrale.review.rendering import render_email_html, render_text
from centrale.review.wording import FRENCH, format_int, format_rate
from centrale.risk.stats import sector_series
from centrale.web.app import create_app
from test_review_issue import WEEK, compose_seed_issue
from test_review_support import fetched, served

__all__ = ["fetched", "served"]


def load_registry(app: App, months: tuple[str, ...] = ("2011-12", "2012-01", "2012-02")) -> None:
    for code, name in INSTITUTIONS.items():
        if code not in {i.code for i in services.list_institutions(app)}:
            services.add_institution(app, code, name)
    for month in months:
        for path in sorted((DATA / "registry").glob(f"*-{month}.csv")):
            assert services.submit_file(app, path).status == "accepted"


def test_barometer_says_no_data_on_an_empty_registry(app: App) -> None:
    issue = issue_view(app.engine, create_issue(app.engine, 1, *WEEK))
    assert not issue.barometer.has_data
    assert FRENCH.no_data in " ".join(render_text(issue).split())  # the text part is wrapped
    assert FRENCH.no_data in render_email_html(issue)


def test_barometer_shows_the_registry_figures_and_their_change(app: App) -> None:
    load_registry(app)
    series = sector_series(app.engine)
    latest, previous = series[-1], series[-2]
    issue = issue_view(app.engine, create_issue(app.engine, 1, *WEEK))
    text = render_text(issue)
    assert "Mois de référence : février 2012" in text
    assert format_rate(latest.cross_indebtedness_rate) in text
    assert format_rate(latest.par30) in text
    assert format_int(latest.active_borrowers) in text
    assert format_int(latest.outstanding) + "\u00a0DH" in text
    rate = next(i for i in issue.barometer.indicators if i.key == "cross_indebtedness_rate")
    delta = (latest.cross_indebtedness_rate - previous.cross_indebtedness_rate) * 100
    assert rate.change == f"{delta:+.1f}".replace(".", ",") + "\u00a0pt"
    assert [bar.period for bar in issue.barometer.chart] == [s.period for s in series]
    assert max(bar.height for bar in issue.barometer.chart) == 40
    assert 'class="bar"' in render_email_html(issue)


def test_publication_freezes_the_barometer(app: App) -> None:
    load_registry(app, ("2011-12", "2012-01"))
    create_issue(app.engine, 1, *WEEK)
    publish_issue(app.engine, 1)
    load_registry(app, ("2012-02",))
    frozen = issue_view(app.engine, 1)
    assert frozen.status == "published" and frozen.barometer.period_label == "janvier 2012"


def test_feeds_reparse_with_feedparser(fetched: App) -> None:
    compose_seed_issue(fetched)
    publish_issue(fetched.engine, 118)
    create_issue(fetched.engine, 119, date(2012, 2, 9), date(2012, 2, 15))  # a draft: not shown
    atom = feedparser.parse(render_atom(fetched.engine, "https://centrale.example.ma/"))
    assert atom.version == "atom10" and not atom.bozo
    assert [e.title for e in atom.entries] == ["Flash-back N° 118 – Du 1er au 8 février 2012"]
    entry = atom.entries[0]
    assert entry.id == entry.link == "https://centrale.example.ma/revue/118"
    assert "Lire l’entretien" in entry.content[0].value
    assert entry.updated_parsed is not None
    rss = feedparser.parse(render_rss(fetched.engine, "https://centrale.example.ma"))
    assert rss.version == "rss20" and not rss.bozo
    assert rss.entries[0].guid == "https://centrale.example.ma/revue/118"
    assert rss.entries[0].published_parsed is not None


def test_archive_pages_pdf_and_feeds_over_http(fetched: App) -> None:
    compose_seed_issue(fetched)
    publish_issue(fetched.engine, 118)
    create_issue(fetched.engine, 119, date(2012, 2, 9), date(2012, 2, 15))
    client = TestClient(create_app(fetched))
    archive = client.get("/revue")
    assert archive.status_code == 200 and 'href="/revue/118"' in archive.text
    assert "/revue/119" not in archive.text
    page = client.get("/revue/118")
    assert page.status_code == 200
    assert "Les assureurs lorgnent sur la micro-assurance" in page.text
    draft = client.get("/revue/119")
    assert draft.status_code == 404 and "pas encore publié" in draft.text
    assert "Traceback" not in draft.text
    pdf = client.get("/revue/118.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    atom = client.get("/revue/atom.xml")
    assert atom.headers["content-type"].startswith("application/atom+xml")
    assert feedparser.parse(atom.text).entries[0].link.endswith("/revue/118")
    assert client.get("/revue/rss.xml").headers["content-type"].startswith("application/rss+xml")
    preview = client.get("/revue/editeur/apercu/119")
    assert preview.status_code == 200 and "brouillon" in preview.text
