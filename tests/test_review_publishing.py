"""Publishing: the barometer (empty registry, then real figures loaded through the registry's
ingestion), freezing at publication, the Atom and RSS feeds re-parsed by feedparser, and the
public archive pages served by the web app.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from html import unescape
from pathlib import Path

import feedparser
from fastapi.testclient import TestClient

from centrale import services
from centrale.bootstrap import App
from centrale.review.composition import issue_view
from centrale.review.demo import DATA, INSTITUTIONS
from centrale.review.feeds_out import render_atom, render_rss
from centrale.review.issues import create_issue, publish_issue
from centrale.review.rendering import render_email_html, render_text
from centrale.review.wording import FRENCH
from centrale.risk.stats import sector_series
from centrale.web.app import create_app
from test_review_issue import WEEK, compose_seed_issue
from test_review_support import fetched, served, signed_in

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


def month_figures(paths: list[Path]) -> dict[str, float]:
    """The barometer's four figures computed here, straight from the rows of a month's files:
    a borrower is a CIN, active contracts are all the rows (the files hold active loans only).
    """
    rows = [row for path in paths for row in csv.DictReader(path.open(encoding="utf-8"))]
    assert rows and {row["status"] for row in rows} == {"active"}
    lenders: dict[str, set[str]] = {}
    for row in rows:
        lenders.setdefault(row["cin"], set()).add(row["institution_code"])
    outstanding = sum(int(row["outstanding"]) for row in rows)
    at_risk = sum(int(row["outstanding"]) for row in rows if int(row["days_past_due"]) > 30)
    return {
        "cross_indebtedness_rate": sum(len(v) > 1 for v in lenders.values()) / len(lenders),
        "par30": at_risk / outstanding,
        "active_borrowers": len(lenders),
        "outstanding": outstanding,
    }


def percent(fraction: float) -> str:
    return f"{fraction * 100:.1f}".replace(".", ",") + "\u00a0%"


def points(new: float, old: float) -> str:
    return f"{(new - old) * 100:+.1f}".replace(".", ",") + "\u00a0pt"


def relative(new: float, old: float) -> str:
    return f"{(new - old) / old * 100:+.1f}".replace(".", ",") + "\u00a0%"


def grouped(number: float) -> str:
    return f"{int(number):,}".replace(",", "\u202f")


def test_barometer_shows_the_registry_figures_and_their_change(app: App, tmp_path: Path) -> None:
    load_registry(app, ("2011-12", "2012-01"))
    # February as bundled, less six contracts of Al Amana's own borrowers (repaid, no longer
    # reported), so that every figure moves over the month, the number of borrowers too.
    bundled = DATA / "registry"
    tawfiq = {row["cin"] for row in csv.DictReader((bundled / "tawfiq-2012-02.csv").open())}
    lines = (bundled / "amana-2012-02.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    only_amana = [i for i, line in enumerate(lines[1:], 1) if line.split(",")[4] not in tawfiq]
    amana = tmp_path / "amana-2012-02.csv"
    amana.write_text("".join(line for i, line in enumerate(lines) if i not in only_amana[:6]))
    february = [amana, bundled / "tawfiq-2012-02.csv"]
    for path in february:
        assert services.submit_file(app, path).status == "accepted"
    new = month_figures(february)
    old = month_figures(sorted((DATA / "registry").glob("*-2012-01.csv")))
    assert new["active_borrowers"] != old["active_borrowers"]

    issue = issue_view(app.engine, create_issue(app.engine, 1, *WEEK))
    shown = {i.key: (i.value, i.change) for i in issue.barometer.indicators}
    rates = ("cross_indebtedness_rate", "par30")
    assert shown == {
        **{key: (percent(new[key]), points(new[key], old[key])) for key in rates},
        "active_borrowers": (
            grouped(new["active_borrowers"]),
            relative(new["active_borrowers"], old["active_borrowers"]),
        ),
        "outstanding": (
            grouped(new["outstanding"]) + "\u00a0DH",
            relative(new["outstanding"], old["outstanding"]),
        ),
    }
    text = render_text(issue)
    assert "Mois de référence : février 2012" in text
    for key, (value, change) in shown.items():
        assert f"- {FRENCH.indicators[key]} : {value} ({change} sur un mois)" in text
    html = unescape(render_email_html(issue))
    for key, (value, change) in shown.items():
        cells = [FRENCH.indicators[key], value, f"{change} sur un mois"]
        assert re.search(r"</td>\s*<td[^>]*>".join(map(re.escape, cells)), html), key
    series = sector_series(app.engine)
    assert [bar.period for bar in issue.barometer.chart] == [s.period for s in series]
    assert max(bar.height for bar in issue.barometer.chart) == 40
    assert 'class="bar"' in html


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
    # A draft's preview is the editor's: it asks for the sign-in first.
    asked = client.get("/revue/editeur/apercu/119", follow_redirects=False)
    assert asked.status_code == 303
    assert asked.headers["location"] == "/revue/editeur/connexion?suite=/revue/editeur/apercu/119"
    preview = signed_in(client, fetched).get("/revue/editeur/apercu/119")
    assert preview.status_code == 200 and "brouillon" in preview.text
