"""The registry of the review's sources: feeds (RSS, Atom, JSON Feed) and single pages, each
with a language, a region (Maroc / Monde) and a priority; and each source's health.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from centrale.errors import Conflict
from centrale.review.errors import InvalidReviewInput, SourceExists, UnknownSource, choice
from centrale.review.moments import as_utc, utc_now
from centrale.review.wording import REGIONS
from centrale.store import review_sources as store
from centrale.store.review_sources import FetchEntry, Source

if TYPE_CHECKING:
    from sqlalchemy import Engine

KINDS = ("feed", "page")
LANGUAGES = ("fr", "ar", "en")
PRIORITIES = range(1, 6)
HEALTH_DAYS = 90


@dataclass(frozen=True)
class SourceHealth:
    source: Source
    last_fetch: datetime | None
    last_outcome: str | None
    last_success: datetime | None
    failures_in_a_row: int
    last_message: str | None


def add_source(
    engine: Engine,
    url: str,
    *,
    name: str,
    kind: str = "feed",
    language: str = "fr",
    region: str = "maroc",
    priority: int = 3,
) -> int:
    """Register a source and return its id.

    >>> add_source(engine, "https://lematin.ma/rss", name="Le Matin", region="maroc")
    ... # doctest: +SKIP
    1
    """
    values = _checked(url, name, kind, language, region, priority)
    try:
        with engine.begin() as conn:
            return store.add_source(conn, **values)
    except Conflict as error:
        raise SourceExists(error.message) from error


def _checked(
    url: str, name: str, kind: str, language: str, region: str, priority: int
) -> dict[str, Any]:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidReviewInput(
            f"Adresse de source invalide : « {url} » ; donnez une adresse complète en http:// "
            "ou https://."
        )
    if not name.strip():
        raise InvalidReviewInput(f"La source {url} n'a pas de nom ; donnez-en un avec --name.")
    if priority not in PRIORITIES:
        raise InvalidReviewInput(
            f"Priorité invalide : {priority} ; donnez un entier de 1 (basse) à 5 (haute)."
        )
    # The host name whatever its case: one source, not two (a login in the address keeps its).
    if "@" not in parts.netloc:
        url = urlunsplit(parts._replace(netloc=parts.netloc.lower()))
    return {
        "url": url,
        "name": name.strip(),
        "kind": choice(kind, KINDS, "Type de source"),
        "language": choice(language, LANGUAGES, "Langue"),
        "region": choice(region, REGIONS, "Région"),
        "priority": priority,
    }


def list_sources(engine: Engine, *, active_only: bool = False) -> list[Source]:
    """Every source, highest priority first."""
    with engine.connect() as conn:
        return store.list_sources(conn, active_only=active_only)


def get_source(engine: Engine, source_id: int) -> Source:
    with engine.connect() as conn:
        source = store.source_by_id(conn, source_id)
    if source is None:
        raise UnknownSource(
            f"Source inconnue : {source_id} ; voyez `centrale review sources list`."
        )
    return source


def set_active(engine: Engine, source_id: int, active: bool) -> None:
    """Pause a source (it is kept, with its history) or resume it."""
    get_source(engine, source_id)
    with engine.begin() as conn:
        store.set_active(conn, source_id, active)


def source_health(engine: Engine) -> list[SourceHealth]:
    """Each source with its last fetch, last success and how many failures in a row since."""
    with engine.connect() as conn:
        sources = store.list_sources(conn)
        successes = store.last_successes(conn)
        # The recent log tells the health; years of weekly fetches need not be read each time.
        rows = store.fetches_since(conn, utc_now() - timedelta(days=HEALTH_DAYS))
    by_source: dict[int, list[FetchEntry]] = {}
    for row in rows:
        by_source.setdefault(row.source_id, []).append(row)
    health = []
    for source in sources:
        history = by_source.get(source.id, [])
        last = history[-1] if history else None
        failures = 0
        for entry in reversed(history):
            if entry.outcome != "error":
                break
            failures += 1
        health.append(
            SourceHealth(
                source=source,
                last_fetch=as_utc(last.fetched_at) if last else None,
                last_outcome=last.outcome if last else None,
                last_success=as_utc(successes.get(source.id)),
                failures_in_a_row=failures,
                last_message=last.message if last else None,
            )
        )
    return sorted(health, key=lambda h: (-h.source.priority, h.source.name))
