"""Use cases of the registry that every front end (CLI, API, web) calls."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl

from centrale.bootstrap import App
from centrale.domain.submission_format import INSTITUTION_CODE, INSTITUTION_CODE_RULE
from centrale.errors import InvalidInput, UnknownSubmission
from centrale.ingest.pipeline import SubmissionReport
from centrale.ingest.pipeline import submit_file as _submit
from centrale.risk import stats as _stats
from centrale.risk.stats import SectorStats
from centrale.store import institutions as institution_store
from centrale.store import submissions as submission_store

__all__ = [
    "SectorStats",
    "add_institution",
    "list_institutions",
    "sector_series",
    "sector_stats",
    "submission",
    "submission_problems",
    "submissions",
    "submit_file",
]


def add_institution(app: App, code: str, name: str) -> institution_store.InstitutionRow:
    """Register a member institution.

    >>> add_institution(app, "AMANA", "Al Amana Microfinance")  # doctest: +SKIP
    """
    if not INSTITUTION_CODE.match(code):
        raise InvalidInput(f"code « {code} » invalide ; utilisez {INSTITUTION_CODE_RULE}")
    if not name.strip():
        raise InvalidInput("le nom de l'institution est vide ; donnez-le avec --name")
    with app.engine.begin() as conn:
        return institution_store.add_institution(conn, code, name.strip())


def list_institutions(app: App) -> list[institution_store.InstitutionRow]:
    with app.engine.connect() as conn:
        return institution_store.list_institutions(conn)


def submit_file(
    app: App, path: Path, progress: Callable[[int], None] | None = None
) -> SubmissionReport:
    """Validate and load one monthly submission file (see `centrale.ingest.pipeline`)."""
    return _submit(
        app.engine,
        path,
        app.resolver,
        chunk_rows=app.settings.ingest_chunk_rows,
        progress=progress,
    )


def submissions(app: App, limit: int = 200) -> list[submission_store.SubmissionRow]:
    if limit < 1:
        raise InvalidInput(
            f"--limit « {limit} » : donnez le nombre de soumissions à lister, 1 ou plus"
        )
    with app.engine.connect() as conn:
        return submission_store.list_submissions(conn, limit)


def submission(app: App, submission_id: int) -> submission_store.SubmissionRow:
    with app.engine.connect() as conn:
        row = submission_store.get_submission(conn, submission_id)
    if row is None:
        raise UnknownSubmission(
            f"soumission {submission_id} introuvable ; voyez `centrale submissions list`"
        )
    return row


def submission_problems(app: App, submission_id: int) -> pl.DataFrame:
    submission(app, submission_id)
    with app.engine.connect() as conn:
        return submission_store.problem_frame(conn, submission_id)


def sector_stats(app: App, period: str | None = None) -> SectorStats | None:
    """The sector barometer of a month (default: the latest); None on an empty registry."""
    return _stats.sector_stats(app.engine, period)


def sector_series(app: App) -> list[SectorStats]:
    """The barometer of every month of the registry, oldest first."""
    return _stats.sector_series(app.engine)


def identity_warning(app: App) -> str | None:
    """A French warning when the registry's identity keys need `centrale persons rekey`."""
    from centrale.identity.rekey import stale_features_warning

    return stale_features_warning(app.engine)
