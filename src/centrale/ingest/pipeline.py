"""One submission, end to end: read, validate, stage, link, load; atomically.

The whole load of a file runs in one transaction: a process killed in the middle leaves the
registry as it was. The same file twice changes nothing; a corrected file for the same month
replaces that month's rows for that institution.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine

from centrale.domain.period import Period, is_period
from centrale.errors import InvalidSubmission
from centrale.identity.seam import IdentityResolver
from centrale.ingest.reading import SourceFile, open_submission, read_chunks
from centrale.ingest.rules import PROBLEM_SCHEMA, stage_schema, validate_chunk
from centrale.store import loading, submissions

Progress = Callable[[int], None]


@dataclass
class SubmissionReport:
    """What `ingest --json` prints for one file."""

    file: str
    status: str
    institution_code: str | None = None
    period: str | None = None
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    reason: str | None = None
    submission_id: int | None = None
    unchanged: bool = False

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "file": self.file,
            "status": self.status,
            "institution_code": self.institution_code,
            "period": self.period,
            "rows": self.rows,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "problems": self.problems,
            "submission_id": self.submission_id,
        }
        if self.reason is not None:
            data["reason"] = self.reason
        if self.unchanged:
            data["unchanged"] = True
        return data


@dataclass
class _Header:
    institution_code: str
    institution_id: int
    period: str


def submit_file(
    engine: Engine,
    path: Path,
    resolver: IdentityResolver,
    *,
    chunk_rows: int = 250_000,
    progress: Progress | None = None,
) -> SubmissionReport:
    """Validate and load one monthly file; never raises for bad content, reports it.

    >>> submit_file(engine, Path("AMANA_2025-01.csv"), CinResolver()).status  # doctest: +SKIP
    'accepted'
    """
    report = SubmissionReport(file=path.name, status="rejected")
    sha = ""
    try:
        with open_submission(path) as source:
            sha = source.sha256
            chunks = read_chunks(source, chunk_rows)
            first = next(chunks, None)
            if first is None or first.is_empty():
                raise InvalidSubmission(f"{path.name} ne contient aucune ligne de données")
            with engine.connect() as conn:
                header = _read_header(conn, first, path.name)
                report.institution_code, report.period = header.institution_code, header.period
                previous = submissions.current_submission(
                    conn, header.institution_id, header.period
                )
            if previous is not None and previous.file_sha256 == sha:
                return _unchanged(engine, report, previous)
            with engine.begin() as conn:
                _load(conn, source, header, _chain(first, chunks), resolver, report, progress)
            return report
    except InvalidSubmission as error:
        report.status, report.reason = "rejected", error.message
        report.accepted = report.rejected = report.rows = 0
        report.problems = []
        with engine.begin() as conn:
            report.submission_id = submissions.add_submission(
                conn,
                institution_id=_known_id(conn, report.institution_code),
                institution_code=report.institution_code,
                period=report.period,
                file_name=path.name,
                file_sha256=sha or "-",
                status="rejected",
                rows=0,
                accepted=0,
                rejected=0,
                reason=error.message,
                is_current=False,
            )
        return report


def _chain(first: pl.DataFrame, rest: Iterator[pl.DataFrame]) -> Iterator[pl.DataFrame]:
    yield first
    yield from rest


def _known_id(conn: Connection, code: str | None) -> int | None:
    return submissions.institution_id(conn, code) if code else None


def _read_header(conn: Connection, chunk: pl.DataFrame, name: str) -> _Header:
    codes = _distinct(chunk, "institution_code")
    periods = _distinct(chunk, "period")
    if len(codes) != 1:
        raise InvalidSubmission(_mixed(name, "institution_code", codes))
    if len(periods) != 1:
        raise InvalidSubmission(_mixed(name, "period", periods))
    code, period = codes[0], periods[0]
    if not is_period(period):
        raise InvalidSubmission(
            f"{name} : période « {period} » invalide ; utilisez AAAA-MM (ex. 2025-01)"
        )
    found = submissions.institution_id(conn, code)
    if found is None:
        raise InvalidSubmission(
            f"{name} : institution « {code} » inconnue ; vérifiez le code ou faites-la "
            f"enregistrer (centrale institutions add {code} --name ...)"
        )
    return _Header(code, found, period)


def _distinct(chunk: pl.DataFrame, column: str) -> list[str]:
    return sorted(chunk.get_column(column).drop_nulls().unique().to_list())


def _mixed(name: str, column: str, values: list[str]) -> str:
    if not values:
        return (
            f"{name} : la colonne « {column} » est vide ; elle doit être remplie sur chaque ligne"
        )
    shown = ", ".join(values[:5])
    return (
        f"{name} : la colonne « {column} » doit être la même sur toutes les lignes, or le "
        f"fichier en contient plusieurs ({shown}) ; envoyez un fichier par institution et par mois"
    )


def _load(
    conn: Connection,
    source: SourceFile,
    header: _Header,
    chunks: Iterator[pl.DataFrame],
    resolver: IdentityResolver,
    report: SubmissionReport,
    progress: Progress | None,
) -> None:
    sub_id = submissions.add_submission(
        conn,
        institution_id=header.institution_id,
        institution_code=header.institution_code,
        period=header.period,
        file_name=source.name,
        file_sha256=source.sha256,
        status="accepted",
        is_current=False,
    )
    report.submission_id = sub_id
    period = Period.parse(header.period)
    period_end = date(period.year, period.month, calendar.monthrange(period.year, period.month)[1])
    loading.start_stage(conn, stage_schema())
    seen = pl.Series("contract_ref", [], dtype=pl.String)
    problem_parts: list[pl.DataFrame] = []
    for chunk in chunks:
        _check_same_header(chunk, header, source.name)
        checked = validate_chunk(chunk, period_end)
        valid, duplicates = _split_duplicates(checked.valid, seen)
        seen = pl.concat([seen, valid.get_column("contract_ref")])
        loading.stage_rows(conn, valid)
        problems = pl.concat([checked.problems, duplicates])
        submissions.add_problems(conn, sub_id, problems)
        problem_parts.append(problems)
        report.rows += chunk.height
        report.accepted += valid.height
        if progress:
            progress(chunk.height)
    report.rejected = report.rows - report.accepted
    loading.mark_records_to_link(conn, header.institution_id)
    loading.upsert_borrower_records(conn, header.institution_id, header.period)
    loading.upsert_contracts(conn, header.institution_id)
    loading.replace_snapshots(conn, header.institution_id, header.period, sub_id)
    to_link = loading.records_to_link(conn, header.institution_id)
    loading.store_links(conn, resolver.link(conn, to_link))
    loading.drop_stage(conn)
    submissions.make_current(conn, sub_id, header.institution_id, header.period)
    submissions.finish_submission(
        conn, sub_id, rows=report.rows, accepted=report.accepted, rejected=report.rejected
    )
    report.status = "accepted"
    report.problems = pl.concat(problem_parts).sort("row").to_dicts() if problem_parts else []


def _check_same_header(chunk: pl.DataFrame, header: _Header, name: str) -> None:
    for column, expected in (
        ("institution_code", header.institution_code),
        ("period", header.period),
    ):
        others = [v for v in _distinct(chunk, column) if v != expected]
        if others:
            raise InvalidSubmission(_mixed(name, column, [expected, *others]))


def _split_duplicates(valid: pl.DataFrame, seen: pl.Series) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Keep the first row of each contract_ref; the later ones become problems."""
    again = (
        valid.get_column("contract_ref").is_in(seen.implode())
        | valid.get_column("contract_ref").is_duplicated()
        & ~valid.get_column("contract_ref").is_first_distinct()
    )
    dupes = valid.filter(again).select(
        "row",
        pl.lit("contract_ref").alias("column"),
        pl.lit("duplicate_contract").alias("code"),
        pl.format(
            "ligne {}, colonne « contract_ref » : « {} » figure déjà plus haut dans le fichier ; "
            "un contrat ne doit apparaître qu'une fois par mois",
            "row",
            "contract_ref",
        ).alias("message"),
        pl.col("contract_ref").alias("value"),
    )
    return valid.filter(~again), dupes.cast(PROBLEM_SCHEMA)  # type: ignore[arg-type]


def _unchanged(
    engine: Engine, report: SubmissionReport, previous: submissions.SubmissionRow
) -> SubmissionReport:
    with engine.connect() as conn:
        report.problems = submissions.problem_frame(conn, previous.id).to_dicts()
    report.status = "accepted"
    report.unchanged = True
    report.submission_id = previous.id
    report.rows, report.accepted, report.rejected = (
        previous.rows,
        previous.accepted,
        previous.rejected,
    )
    return report
