"""Intake against feeds and pages served on 127.0.0.1: OPML, conditional requests, errors and
timeouts in the health log, canonical URLs, near-duplicate clusters and ranking.
"""

from __future__ import annotations

import itertools
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from lxml import etree
from sqlalchemy import select

from centrale.bootstrap import App
from centrale.review.dedup import cluster_items
from centrale.review.errors import InvalidReviewInput, SourceExists
from centrale.review.fetching import fetch_sources
from centrale.review.intake import parse_feed
from centrale.review.local_server import FixtureHandler, serve_directory
from centrale.review.opml import export_opml, import_opml
from centrale.review.queue import queue
from centrale.review.ranking import add_rule, rank_items
from centrale.review.sources import add_source, list_sources, source_health
from centrale.store.review_tables import review_items
from test_review_delivery_support import free_port
from test_review_support import DEMO_DATA, TEST_DATA, by_title, fetched, served

__all__ = ["fetched", "served"]


class SlowHandler(FixtureHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/lent"):
            time.sleep(1.5)
        super().do_GET()


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("served")
    shutil.copytree(DEMO_DATA, root, dirs_exist_ok=True)
    shutil.copy(TEST_DATA / "not-a-feed.xml", root / "not-a-feed.xml")
    (root / "lent").mkdir()
    shutil.copy(DEMO_DATA / "feeds" / "lematin.xml", root / "lent" / "lematin.xml")
    with serve_directory(root, SlowHandler) as base:
        yield base


def opml_outlines(opml: bytes) -> dict[str, dict[str, str | None]]:
    """Each source outline of an OPML file by name: its folder (the region) and attributes."""
    body = etree.fromstring(opml).find("body")
    assert body is not None
    return {
        str(outline.get("text")): {
            "folder": folder.get("text"),
            **{key: outline.get(key) for key in ("type", "xmlUrl", "url", "language", "priority")},
        }
        for folder in body
        for outline in folder
    }


def test_opml_import_export_round_trip(app: App, served: str) -> None:
    report = import_opml(app.engine, httpx.get(f"{served}/sources.opml").content)
    assert (report.added, report.skipped, report.problems) == (7, 0, [])
    again = import_opml(app.engine, export_opml(app.engine).encode())
    assert (again.added, again.skipped) == (0, 7)
    sources = {s.name: s for s in list_sources(app.engine)}
    assert sources["Hespress"].language == "ar" and sources["Hespress"].region == "maroc"
    assert sources["Adie"].kind == "page" and sources["Afrique Finance Hebdo"].priority == 1
    # Read back by another XML parser than the writer's: the same outlines as the file loaded.
    loaded = opml_outlines(httpx.get(f"{served}/sources.opml").content)
    assert len(loaded) == 7
    assert opml_outlines(export_opml(app.engine).encode()) == loaded


def test_bad_sources_are_refused_in_french(app: App) -> None:
    with pytest.raises(InvalidReviewInput, match="Adresse de source invalide"):
        add_source(app.engine, "ftp://example.ma/flux", name="X")
    with pytest.raises(InvalidReviewInput, match="Région : valeur inconnue « afrique »"):
        add_source(app.engine, "https://example.ma/flux", name="X", region="afrique")
    add_source(app.engine, "https://example.ma/flux", name="X")
    with pytest.raises(SourceExists, match="déjà enregistrée"):
        add_source(app.engine, "https://example.ma/flux", name="Y")
    with pytest.raises(InvalidReviewInput, match="OPML illisible"):
        import_opml(app.engine, b"<opml><body>")


def test_fetch_stores_items_once_then_answers_not_modified(app: App, served: str) -> None:
    import_opml(app.engine, httpx.get(f"{served}/sources.opml").content)
    first = {r.source_name: r for r in fetch_sources(app.engine, timeout=5)}
    assert {r.outcome for r in first.values()} == {"ok"}
    # The aggregator repeats Le Monde's article with tracking parameters: stored once.
    assert (first["Afrique Finance Hebdo"].entries, first["Afrique Finance Hebdo"].new_items) == (
        3,
        2,
    )
    formats = {s.name: s.feed_format for s in list_sources(app.engine)}
    assert formats == {
        "Le Matin": "rss20",
        "Hespress": "rss20",
        "Le Monde": "atom10",
        "Microfinance Gateway": "rss20",
        "CGAP": "atom10",
        "Afrique Finance Hebdo": "json1.1",
        "Adie": "html",
    }
    second = fetch_sources(app.engine, timeout=5)
    assert {(r.outcome, r.http_status, r.new_items) for r in second} == {("not_modified", 304, 0)}
    with app.engine.connect() as conn:
        rows = conn.execute(select(review_items)).all()
    assert len(rows) == 17
    assert all("utm_" not in row.url and "utm_" not in row.canonical_url for row in rows)
    jaida = next(row for row in rows if "JAIDA" in row.title)
    assert "taux élevé de satisfaction des bénéficiaires (90%)" in jaida.text
    assert jaida.author == "Nadia Benslimane" and jaida.language == "fr"
    assert {row.language for row in rows} == {"fr", "ar", "en"}


def test_errors_and_timeouts_go_to_the_health_log(app: App, slow_server: str) -> None:
    add_source(app.engine, f"{slow_server}/lent/lematin.xml", name="Lent")
    add_source(app.engine, f"{slow_server}/absent.xml", name="Absent")
    add_source(app.engine, f"{slow_server}/not-a-feed.xml", name="Pas un flux")
    add_source(app.engine, f"{slow_server}/feeds/gateway.xml", name="Gateway")
    add_source(app.engine, f"http://127.0.0.1:{free_port()}/flux.xml", name="Fermé")
    for _ in range(2):
        reports = {r.source_name: r for r in fetch_sources(app.engine, timeout=0.5)}
    assert "Délai dépassé" in (reports["Lent"].message or "")
    assert reports["Absent"].http_status == 404 and "introuvable" in (
        reports["Absent"].message or ""
    )
    # A library's own words come last, after a French sentence saying what failed and what to do.
    not_a_feed = reports["Pas un flux"].message or ""
    assert not_a_feed.startswith("Le contenu reçu n'est pas un flux RSS, Atom ou JSON lisible")
    french, detail = not_a_feed.split(" Détail technique : ")
    assert "aucun article" in french and "--kind page" in french and detail
    refused = reports["Fermé"].message or ""
    assert refused.startswith("Connexion impossible à http://127.0.0.1:")
    french, detail = refused.split(" Détail technique : ")
    assert "Vérifiez l'adresse" in french and "centrale review fetch" in french and detail
    health = {h.source.name: h for h in source_health(app.engine)}
    assert health["Absent"].failures_in_a_row == 2 and health["Absent"].last_success is None
    assert (
        health["Gateway"].failures_in_a_row == 0
        and health["Gateway"].last_outcome == "not_modified"
    )


def test_an_unreadable_json_feed_is_explained_in_french_before_the_detail() -> None:
    with pytest.raises(InvalidReviewInput) as caught:
        parse_feed(b"{pas du json", "application/feed+json")
    french, detail = caught.value.message.split(" Détail technique : ")
    assert french == (
        "Flux JSON illisible : le contenu reçu n'est pas du JSON valide. "
        "Vérifiez l'adresse de la source."
    )
    assert "line 1" in detail  # the parser's own words, kept for whoever debugs it


def test_near_duplicates_cluster_and_ranking_orders_the_queue(fetched: App) -> None:
    items = by_title(fetched)
    vittana = items["Google donne 250.000 dollars au site de microcrédits étudiants Vittana"]
    with fetched.engine.connect() as conn:
        copy = conn.execute(
            select(review_items).where(review_items.c.title.startswith("Google offre"))
        ).one()
    # Le Monde (priority 3) is primary over the aggregator (priority 1), which is its see-also.
    assert vittana.duplicates == 1 and copy.cluster_id == vittana.id
    assert copy.id not in {item.id for item in queue(fetched.engine)}
    shown = queue(fetched.engine)
    off_topic = {"Le Raja remporte le derby casablancais", "Recette : le couscous aux sept légumes"}
    assert not off_topic & {item.title for item in shown}
    assert all(a.score >= b.score for a, b in itertools.pairwise(shown))
    assert {item.language for item in shown} == {"fr", "ar", "en"}
    assert cluster_items(fetched.engine) == 1  # clustering again changes nothing


def test_block_keep_and_boost_rules(fetched: App) -> None:
    add_rule(fetched.engine, "block", "Vittana")
    add_rule(fetched.engine, "keep", "couscous")
    add_rule(fetched.engine, "boost", "Adie", 3.0)
    before = by_title(fetched)["Cinq jours pour découvrir le microcrédit"].score
    report = rank_items(fetched.engine)
    assert (report.blocked, report.kept) == (2, 1)
    titles = [item.title for item in queue(fetched.engine)]
    assert titles[0] == "Recette : le couscous aux sept légumes"  # kept items come first
    assert not any("Vittana" in title for title in titles)
    after = {item.title: item for item in queue(fetched.engine)}
    assert after["Cinq jours pour découvrir le microcrédit"].score == pytest.approx(
        before * 3, abs=1e-3
    )
    with pytest.raises(InvalidReviewInput, match="Type de règle"):
        add_rule(fetched.engine, "mute", "x")


def test_served_fixtures_are_local(served: str) -> None:
    assert served.startswith("http://127.0.0.1:")
    assert Path(DEMO_DATA / "sources.opml").read_text().count("{{BASE}}") == 7
