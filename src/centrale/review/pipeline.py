"""The intake in one call: fetch the sources, cluster near-duplicates, rank for the queue."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from centrale.bootstrap import App
from centrale.review.dedup import cluster_items
from centrale.review.fetching import FetchReport, fetch_sources
from centrale.review.ranking import RankReport, rank_items


def refresh(
    app: App, *, source_ids: Iterable[int] | None = None, now: datetime | None = None
) -> tuple[list[FetchReport], int, RankReport]:
    """Fetch, then cluster and rank what is recent; returns the three reports.

    >>> reports, clusters, ranked = refresh(app)  # doctest: +SKIP
    """
    reports = fetch_sources(
        app.engine, timeout=app.settings.fetch_timeout_seconds, source_ids=source_ids, now=now
    )
    clusters = cluster_items(app.engine, now=now)
    return reports, clusters, rank_items(app.engine, now=now)
