"""The registry of the review's sources: feeds (RSS, Atom, JSON Feed) and single pages, each
with a language, a region (Maroc / Monde) and a priority; and each source's health.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine, Row, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from centrale.review.errors import InvalidReviewInput, SourceExists, UnknownSource, choice
from centrale.review.moments import as_utc, utc_now
from centrale.review.wording import REGIONS
from centrale.store.review_tables import review_fetch_log, review_sources

KINDS = ("feed", "page")
LANGUAGES = ("fr", "ar", "en")
PRIORITIES = range(1, 6)
HEALTH_DAYS = 90


@dataclass(frozen=True)
class Source:
    id: int
    name: str
    url: str
    kind: str
    language: str
    region: str
    priority: int
    active: bool
    etag: str | None
    last_modified: str | None
    feed_format: str | None


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
            new_id = conn.scalar(
                insert(review_sources).returning(review_sources.c.id).values(**values, active=True)
            )
    except IntegrityError as error:
        raise SourceExists(
            f"La source {values['url']} est déjà enregistrée ; "
            "voyez `centrale review sources list`."
        ) from error
    return int(new_id or 0)


def _checked(
    url: str, name: str, kind: str, language: str, region: str, priority: int
) -> dict[str, Any]:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidReviewInput(
            f"Adresse de source invalide : {url!r} ; donnez une adresse complète en http:// "
            "ou https://."
        )
    if not name.strip():
        raise InvalidReviewInput(f"La source {url} n'a pas de nom ; donnez-en un avec --name.")
    if priority not in PRIORITIES:
        raise InvalidReviewInput(
            f"Priorité invalide : {priority} ; donnez un entier de 1 (basse) à 5 (haute)."
        )
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
    query = select(review_sources).order_by(review_sources.c.priority.desc(), review_sources.c.name)
    if active_only:
        query = query.where(review_sources.c.active.is_(True))
    with engine.connect() as conn:
        return [_source(row) for row in conn.execute(query)]


def get_source(engine: Engine, source_id: int) -> Source:
    with engine.connect() as conn:
        row = conn.execute(select(review_sources).where(review_sources.c.id == source_id)).first()
    if row is None:
        raise UnknownSource(
            f"Source inconnue : {source_id} ; voyez `centrale review sources list`."
        )
    return _source(row)


def set_active(engine: Engine, source_id: int, active: bool) -> None:
    """Pause a source (it is kept, with its history) or resume it."""
    get_source(engine, source_id)
    with engine.begin() as conn:
        conn.execute(
            update(review_sources).where(review_sources.c.id == source_id).values(active=active)
        )


def source_health(engine: Engine) -> list[SourceHealth]:
    """Each source with its last fetch, last success and how many failures in a row since."""
    log = review_fetch_log.c
    with engine.connect() as conn:
        sources = [_source(row) for row in conn.execute(select(review_sources))]
        successes = dict(
            conn.execute(
                select(log.source_id, func.max(log.fetched_at))
                .where(log.outcome != "error")
                .group_by(log.source_id)
            ).all()
        )
        # The recent log tells the health; years of weekly fetches need not be read each time.
        recent = utc_now() - timedelta(days=HEALTH_DAYS)
        rows = conn.execute(
            select(review_fetch_log)
            .where(log.fetched_at >= recent)
            .order_by(log.fetched_at, log.id)
        ).all()
    by_source: dict[int, list[Row[Any]]] = {}
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


def _source(row: Row[Any]) -> Source:
    return Source(
        id=row.id,
        name=row.name,
        url=row.url,
        kind=row.kind,
        language=row.language,
        region=row.region,
        priority=row.priority,
        active=bool(row.active),
        etag=row.etag,
        last_modified=row.last_modified,
        feed_format=row.feed_format,
    )
