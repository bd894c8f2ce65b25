"""Fetching the sources: conditional requests (ETag, Last-Modified), timeouts, the health log,
and new items stored once per canonical URL.

A source that fails is logged with a French message and the others go on: one broken feed
never stops the week's intake.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

import httpx

from centrale.errors import CentraleError
from centrale.review.intake import Candidate, extract_page, parse_feed
from centrale.review.language import detect_language
from centrale.review.moments import utc_now
from centrale.review.sources import Source, list_sources
from centrale.review.urls import canonical_url, without_tracking
from centrale.store import review_intake, review_sources

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

USER_AGENT = "centrale-flashback/0.1 (revue de presse du secteur de la microfinance)"
# Below this many characters a feed entry is only a teaser: the article page is fetched.
FULL_TEXT_CHARS = 600
# The stored outcome codes stay in English; editors read these.
OUTCOME_LABELS = {"ok": "relevé", "not_modified": "inchangé (304)", "error": "erreur"}


@dataclass(frozen=True)
class FetchReport:
    source_id: int
    source_name: str
    outcome: str
    http_status: int | None
    entries: int
    new_items: int
    duration_ms: int
    message: str | None


def fetch_sources(
    engine: Engine,
    *,
    timeout: float = 20.0,
    source_ids: Iterable[int] | None = None,
    now: datetime | None = None,
) -> list[FetchReport]:
    """Fetch every active source (or those given) and store their new items.

    >>> [r.outcome for r in fetch_sources(engine, timeout=5)]  # doctest: +SKIP
    ['ok', 'not_modified', 'error']
    """
    wanted = set(source_ids) if source_ids is not None else None
    sources = [s for s in list_sources(engine, active_only=wanted is None)]
    if wanted is not None:
        sources = [s for s in sources if s.id in wanted]
    headers = {"User-Agent": USER_AGENT}
    with httpx.Client(timeout=timeout, follow_redirects=True, headers=headers) as client:
        return [_fetch_one(engine, client, source, now or utc_now()) for source in sources]


def outcome_label(outcome: str | None) -> str:
    """A fetch outcome in the editor's words: `not_modified` reads `inchangé (304)`."""
    if outcome is None:
        return "—"
    return OUTCOME_LABELS.get(outcome, outcome)


def _fetch_one(engine: Engine, client: httpx.Client, source: Source, now: datetime) -> FetchReport:
    started = time.perf_counter()
    report = FetchReport(source.id, source.name, "error", None, 0, 0, 0, None)
    try:
        response = client.get(source.url, headers=_validators(source))
        report = replace(report, http_status=response.status_code)
        if response.status_code == 304:
            report = replace(report, outcome="not_modified")
        elif response.status_code >= 400:
            report = replace(report, message=_http_message(response.status_code, source.url))
        else:
            report = _take(engine, client, source, response, report, now)
    except httpx.TimeoutException:
        report = replace(
            report,
            message=f"Délai dépassé ({client.timeout.read} s) en lisant {source.url} ; "
            "réessayez plus tard ou allongez CENTRALE_FETCH_TIMEOUT_SECONDS.",
        )
    except httpx.HTTPError as error:
        report = replace(
            report,
            message=f"Connexion impossible à {source.url} : la source n'a pas pu être "
            "relevée. Vérifiez l'adresse et la connexion au réseau, puis relancez "
            f"`centrale review fetch`. Détail technique : {error}",
        )
    except CentraleError as error:
        report = replace(report, message=error.message)
    report = replace(report, duration_ms=round((time.perf_counter() - started) * 1000))
    _log(engine, report, now)
    return report


def _take(
    engine: Engine,
    client: httpx.Client,
    source: Source,
    response: httpx.Response,
    report: FetchReport,
    now: datetime,
) -> FetchReport:
    content_type = response.headers.get("content-type", "")
    if source.kind == "page":
        fmt, candidates = "html", [extract_page(response.text, str(response.url))]
    else:
        fmt, candidates = parse_feed(response.content, content_type)
    fresh = _unseen(engine, [c for c in candidates if c.url])
    failures = 0
    stored = []
    for candidate in fresh:
        if source.kind == "feed" and len(candidate.text or "") < FULL_TEXT_CHARS:
            candidate, failed = _with_article(client, candidate)
            failures += failed
        stored.append(candidate)
    with engine.begin() as conn:
        new_items = sum(_store(conn, source, candidate, now) for candidate in stored)
        review_sources.set_validators(
            conn,
            source.id,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            feed_format=fmt,
        )
    message = (
        f"{failures} article(s) illisible(s) : le résumé du flux a été gardé." if failures else None
    )
    return replace(
        report, outcome="ok", entries=len(candidates), new_items=new_items, message=message
    )


def _with_article(client: httpx.Client, candidate: Candidate) -> tuple[Candidate, int]:
    try:
        response = client.get(candidate.url)
        response.raise_for_status()
        page = extract_page(response.text, candidate.url)
    except (httpx.HTTPError, CentraleError):
        return candidate, 1
    return (
        replace(
            candidate,
            text=page.text,
            author=candidate.author or page.author,
            published_at=candidate.published_at or page.published_at,
            summary=candidate.summary or page.summary,
        ),
        0,
    )


def _unseen(engine: Engine, candidates: list[Candidate]) -> list[Candidate]:
    keys = {canonical_url(c.url): c for c in candidates}
    with engine.connect() as conn:
        seen = review_intake.known_urls(conn, keys)
    return [candidate for key, candidate in keys.items() if key not in seen]


def _store(conn: Connection, source: Source, candidate: Candidate, now: datetime) -> int:
    body = "\n".join(
        part for part in (candidate.title, candidate.text or candidate.summary) if part
    )
    review_intake.add_item(
        conn,
        source_id=source.id,
        url=without_tracking(candidate.url),
        canonical_url=canonical_url(candidate.url),
        title=candidate.title or candidate.url,
        author=(candidate.author or "")[:300] or None,
        published_at=candidate.published_at,
        fetched_at=now,
        language=detect_language(body, source.language),
        region=source.region,
        summary=candidate.summary,
        text=candidate.text or candidate.summary,
    )
    return 1


def _validators(source: Source) -> dict[str, str]:
    headers = {}
    if source.etag:
        headers["If-None-Match"] = source.etag
    if source.last_modified:
        headers["If-Modified-Since"] = source.last_modified
    return headers


def _http_message(status: int, url: str) -> str:
    if status == 404:
        return f"Page introuvable (HTTP 404) à {url} ; l'adresse du flux a peut-être changé."
    if status in (401, 403):
        return f"Accès refusé (HTTP {status}) à {url} ; la source bloque peut-être les robots."
    return f"Réponse HTTP {status} de {url} ; réessayez plus tard."


def _log(engine: Engine, report: FetchReport, now: datetime) -> None:
    with engine.begin() as conn:
        review_sources.log_fetch(
            conn,
            report.source_id,
            fetched_at=now,
            outcome=report.outcome,
            http_status=report.http_status,
            duration_ms=report.duration_ms,
            entries=report.entries,
            new_items=report.new_items,
            message=report.message,
        )
