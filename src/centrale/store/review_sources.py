"""The review's sources and their fetch log (`centrale.review.sources`, `.fetching`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from centrale.errors import Conflict
from centrale.store.review_tables import review_fetch_log, review_sources


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
class FetchEntry:
    source_id: int
    fetched_at: datetime
    outcome: str
    message: str | None


_COLUMNS = (
    review_sources.c.id,
    review_sources.c.name,
    review_sources.c.url,
    review_sources.c.kind,
    review_sources.c.language,
    review_sources.c.region,
    review_sources.c.priority,
    review_sources.c.active,
    review_sources.c.etag,
    review_sources.c.last_modified,
    review_sources.c.feed_format,
)


def add_source(
    conn: Connection,
    *,
    url: str,
    name: str,
    kind: str,
    language: str,
    region: str,
    priority: int,
) -> int:
    try:
        with conn.begin_nested():
            new_id = conn.scalar(
                insert(review_sources)
                .returning(review_sources.c.id)
                .values(
                    url=url,
                    name=name,
                    kind=kind,
                    language=language,
                    region=region,
                    priority=priority,
                    active=True,
                )
            )
    except IntegrityError as error:
        raise Conflict(
            f"La source {url} est déjà enregistrée ; voyez `centrale review sources list`."
        ) from error
    return int(new_id or 0)


def list_sources(conn: Connection, *, active_only: bool = False) -> list[Source]:
    """Every source, highest priority first."""
    query = select(*_COLUMNS).order_by(review_sources.c.priority.desc(), review_sources.c.name)
    if active_only:
        query = query.where(review_sources.c.active.is_(True))
    return [Source(**row._mapping) for row in conn.execute(query)]


def source_by_id(conn: Connection, source_id: int) -> Source | None:
    row = conn.execute(select(*_COLUMNS).where(review_sources.c.id == source_id)).first()
    return Source(**row._mapping) if row else None


def set_active(conn: Connection, source_id: int, active: bool) -> None:
    conn.execute(
        update(review_sources).where(review_sources.c.id == source_id).values(active=active)
    )


def set_validators(
    conn: Connection,
    source_id: int,
    *,
    etag: str | None,
    last_modified: str | None,
    feed_format: str,
) -> None:
    """Keep what the last successful response said, to send it back on the next fetch."""
    conn.execute(
        update(review_sources)
        .where(review_sources.c.id == source_id)
        .values(etag=etag, last_modified=last_modified, feed_format=feed_format)
    )


def log_fetch(
    conn: Connection,
    source_id: int,
    *,
    fetched_at: datetime,
    outcome: str,
    http_status: int | None,
    duration_ms: int,
    entries: int,
    new_items: int,
    message: str | None,
) -> None:
    conn.execute(
        insert(review_fetch_log).values(
            source_id=source_id,
            fetched_at=fetched_at,
            outcome=outcome,
            http_status=http_status,
            duration_ms=duration_ms,
            entries=entries,
            new_items=new_items,
            message=message,
        )
    )


def last_successes(conn: Connection) -> dict[int, datetime]:
    """Each source's latest fetch that did not fail, by source id."""
    log = review_fetch_log.c
    rows = conn.execute(
        select(log.source_id, func.max(log.fetched_at))
        .where(log.outcome != "error")
        .group_by(log.source_id)
    )
    return {int(source_id): fetched_at for source_id, fetched_at in rows}


def fetches_since(conn: Connection, since: datetime) -> list[FetchEntry]:
    """The fetches of every source since `since`, oldest first."""
    log = review_fetch_log.c
    rows = conn.execute(
        select(log.source_id, log.fetched_at, log.outcome, log.message)
        .where(log.fetched_at >= since)
        .order_by(log.fetched_at, log.id)
    )
    return [FetchEntry(*row) for row in rows]
