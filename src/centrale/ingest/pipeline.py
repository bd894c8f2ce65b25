"""One submission, end to end: read, validate, stage, link, load; atomically.

The whole load of a file runs in one transaction: a process killed in the middle leaves the
registry as it was. The same file twice changes nothing; a corrected file for the same month
replaces that month's rows for that institution.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from centrale.domain.period import Period, is_period
from centrale.domain.submission_format import INSTITUTION_CODE, INSTITUTION_CODE_RULE
from centrale.errors import InvalidSubmission
from centrale.identity.seam import LINK_SCHEMA, IdentityResolver, LinksInDatabase
from centrale.ingest.reading import SourceFile, open_submission, read_chunks
from centrale.ingest.repeats import Kept, Repeats
from centrale.ingest.rules import CheckedChunk, stage_schema, validate_chunk
from centrale.store import held_states, loading, submissions
from centrale.store.delta import Delta
from centrale.store.staging import Stage

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

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
    #: Seconds spent in each step of the load, for benchmarks and slow-file diagnosis. A
    #: worker reads each chunk and checks its rules and repeats ahead of the load
    #: (`_checked`): "read" is the wait for it, "validate" only gathers its problems.
    timings: dict[str, float] = field(default_factory=dict)

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


def _handed_over(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """`frames` as one frame, the list emptied: the resolver then holds the only copy and
    can let it go."""
    whole = pl.concat(frames)
    frames.clear()
    return whole


@contextmanager
def _step(report: SubmissionReport, name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        report.timings[name] = report.timings.get(name, 0.0) + time.perf_counter() - started


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
                header = _read_header(conn, first, path.name, report)
                previous = submissions.current_submission(
                    conn, header.institution_id, header.period
                )
            if previous is not None and previous.file_sha256 == sha:
                return _unchanged(engine, report, previous)
            with engine.connect() as conn:
                stage = Stage(conn, _stage_schemas())
                try:
                    transaction = conn.begin()
                    try:
                        _load(
                            conn,
                            stage,
                            source,
                            header,
                            _chain(first, chunks),
                            resolver,
                            report,
                            progress,
                        )
                    except BaseException:
                        transaction.rollback()
                        raise
                    with _step(report, "commit"):
                        transaction.commit()
                finally:
                    stage.close()
            return report
    except InvalidSubmission as error:
        report.status, report.reason = "rejected", error.message
        report.accepted = report.rejected = report.rows = 0
        report.problems = []
        problems = None
        if isinstance(error, _NothingValid):
            problems, report.rows, report.rejected = error.problems, error.rows, error.rows
            report.problems = problems.sort("row").to_dicts()
        sha = sha or error.file_sha256
        if not sha:  # no file was read (missing, a folder): nothing was submitted to record
            return report
        with engine.begin() as conn:
            # The same file refused again for the same reason: nothing new to record.
            earlier = submissions.same_rejection(conn, sha, report.institution_code, error.message)
            if earlier is not None:
                report.submission_id, report.unchanged = earlier, True
                return report
            report.submission_id = submissions.add_submission(
                conn,
                institution_id=_known_id(conn, report.institution_code),
                institution_code=report.institution_code,
                period=report.period,
                file_name=path.name,
                file_sha256=sha,
                status="rejected",
                rows=report.rows,
                accepted=0,
                rejected=report.rejected,
                reason=error.message,
                is_current=False,
            )
            if problems is not None:
                submissions.add_problems(conn, report.submission_id, problems)
        return report


def _checked(
    chunks: Iterator[pl.DataFrame], header: _Header, name: str, period_end: date
) -> Generator[tuple[pl.DataFrame, CheckedChunk, Kept], None, None]:
    """Each chunk with its rules checked and the rows that repeat an earlier one set apart
    (`Repeats`, which holds what the chunks before said); the next chunk is read and
    checked in a worker thread while the load stages this one.

    Polars lets the GIL go in its expressions, so checking overlaps the staging of the chunk
    before. Errors (a misquoted block, a chunk of another month) are raised here, in the
    file's order. `Repeats` lives as long as this generator: close it before the link.
    """
    repeats = Repeats()

    def next_checked() -> tuple[pl.DataFrame, CheckedChunk, Kept] | None:
        chunk = next(chunks, None)
        if chunk is None:
            return None
        _check_same_header(chunk, header, name)
        checked = validate_chunk(chunk, period_end)
        return chunk, checked, repeats.split(chunk, checked.valid)

    # Leaving early (an error in the load) waits for the chunk in hand, reads no further.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="centrale-check") as worker:
        ahead = worker.submit(next_checked)
        while (checked := ahead.result()) is not None:
            ahead = worker.submit(next_checked)
            yield checked


def _chain(first: pl.DataFrame, rest: Iterator[pl.DataFrame]) -> Iterator[pl.DataFrame]:
    yield first
    yield from rest


def _known_id(conn: Connection, code: str | None) -> int | None:
    return submissions.institution_id(conn, code) if code else None


class _NothingValid(InvalidSubmission):
    """A corrected file none of whose rows is valid: it would empty the month it replaces.
    It is refused, with every problem of its rows."""

    def __init__(self, message: str, problems: pl.DataFrame, rows: int) -> None:
        super().__init__(message)
        self.problems, self.rows = problems, rows


#: The longest institution code a submission row can hold.
_MAX_CODE = 32


def _read_header(
    conn: Connection, chunk: pl.DataFrame, name: str, report: SubmissionReport
) -> _Header:
    codes = _distinct(chunk, "institution_code")
    periods = _distinct(chunk, "period")
    # A file rejected here is still reported and recorded under the institution and the
    # month it gives, when it gives one of each.
    if len(codes) == 1 and len(codes[0]) <= _MAX_CODE and "\x00" not in codes[0]:
        report.institution_code = codes[0]
    if len(periods) == 1 and is_period(periods[0]):
        report.period = periods[0]
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
        raise InvalidSubmission(_unknown_institution(conn, name, code))
    return _Header(code, found, period)


def _unknown_institution(conn: Connection, name: str, code: str) -> str:
    written = code.strip().upper()
    if written != code and submissions.institution_id(conn, written) is not None:
        return (
            f"{name} : institution « {code} » inconnue ; le code s'écrit « {written} », en "
            "majuscules : corrigez la colonne institution_code"
        )
    if not INSTITUTION_CODE.match(code):
        return (
            f"{name} : « {code} » n'est pas un code d'institution ; un code s'écrit en "
            f"{INSTITUTION_CODE_RULE} : corrigez la colonne institution_code"
        )
    return (
        f"{name} : institution « {code} » inconnue ; vérifiez le code ou faites-la "
        f"enregistrer (centrale institutions add {code} --name ...)"
    )


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
    stage: Stage,
    source: SourceFile,
    header: _Header,
    chunks: Iterator[pl.DataFrame],
    resolver: IdentityResolver,
    report: SubmissionReport,
    progress: Progress | None,
) -> None:
    loading.lock_institution(conn, header.institution_id)
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
    stage.create()
    replacing = submissions.current_submission(conn, header.institution_id, header.period)
    loading.clear_month(conn, header.institution_id, header.period)
    with _step(report, "held"):
        delta = Delta(conn, header.institution_id, header.period)
    problem_parts: list[pl.DataFrame] = []
    # The model links in memory; a resolver linking in the database reads the stage instead.
    in_database = resolver if isinstance(resolver, LinksInDatabase) else None
    to_link: list[pl.DataFrame] = []
    # Closed on the way out: an error in the load stops the reading at once.
    with closing(_checked(chunks, header, source.name, period_end)) as checked_chunks:
        while True:
            with _step(report, "read"):
                item = next(checked_chunks, None)
            if item is None:
                break
            chunk, checked, kept = item
            with _step(report, "validate"):
                valid = kept.valid
                problems = pl.concat([checked.problems, kept.problems])
            with _step(report, "stage"):
                customers = _new_customers(valid, kept.first_of_customer)
                customers = delta.customers(customers)
                if in_database is None:
                    to_link.append(loading.records_to_link(customers, header.institution_id))
                stage.write("stage_customers", customers.select(loading.STAGED_CUSTOMER_COLUMNS))
                contracts, snapshots = delta.contracts(valid)
                stage.write("stage_contracts", contracts)
                submissions.add_problems(conn, sub_id, problems)
            with _step(report, "snapshots"):
                loading.stage_snapshots(
                    conn,
                    stage,
                    snapshots,
                    institution_id=header.institution_id,
                    period=header.period,
                    submission_id=sub_id,
                )
            problem_parts.append(problems)
            report.rows += chunk.height
            report.accepted += valid.height
            if progress:
                progress(chunk.height)
            # Let the chunk's frames go now, before the next is waited for: they would
            # otherwise live on beside it, and through the link.
            del item, chunk, checked, kept, valid, customers, contracts, snapshots, problems
    # What the chunks were checked and split against is let go before the link.
    delta.split_done()
    report.rejected = report.rows - report.accepted
    if report.accepted == 0 and replacing is not None:
        raise _NothingValid(
            f"{source.name} : aucune ligne n'est valide ; le mois {header.period} déjà chargé "
            f"(soumission {replacing.id}) est conservé. Corrigez les problèmes signalés et "
            "renvoyez le fichier",
            pl.concat(problem_parts),
            report.rows,
        )
    # The staged rows are readable once sealed (see `Stage`): the in-database resolver
    # reads them. Sealing waits for the stage writes still in hand: part of the stage.
    with _step(report, "stage"):
        stage.seal()
    customers_table, contracts_table = stage.name("stage_customers"), stage.name("stage_contracts")
    with _step(report, "link"):
        if in_database is not None:
            loading.mark_records_to_link(conn, customers_table)
            in_database.link_in_database(conn, customers_table)
            links = pl.DataFrame(schema=LINK_SCHEMA)
        else:
            links = resolver.link(conn, _handed_over(to_link))
        loading.stage_links(conn, links)
    with _step(report, "borrowers"):
        loading.upsert_borrower_records(conn, customers_table, header.institution_id)
    with _step(report, "contracts"):
        loading.upsert_contracts(conn, contracts_table, header.institution_id)
    with _step(report, "snapshots"):
        loading.write_snapshots(conn, stage, header.institution_id, header.period, sub_id)
    if replacing is not None:
        with _step(report, "unreported"):
            loading.drop_unreported(conn, header.institution_id)
    with _step(report, "keep"):
        if replacing is None and delta.reports_latest:
            unlinked = held_states.unlinked_records(conn, header.institution_id)
            held_states.keep(conn, header.institution_id, *delta.held_after(unlinked))
        else:
            held_states.forget(conn, header.institution_id)
    loading.drop_link_tables(conn)
    submissions.make_current(conn, sub_id, header.institution_id, header.period)
    submissions.finish_submission(
        conn, sub_id, rows=report.rows, accepted=report.accepted, rejected=report.rejected
    )
    report.status = "accepted"
    report.problems = pl.concat(problem_parts).sort("row").to_dicts() if problem_parts else []


#: Ids and fingerprints in the staging tables.
_INTEGER_STAGE_COLUMNS = (
    "id",
    "person_id",
    "contract_id",
    "borrower_record_id",
    "identity_hash",
    "record_hash",
    "terms_hash",
)


def _stage_schemas() -> dict[str, dict[str, pl.DataType]]:
    typed = stage_schema()
    kinds = {
        **typed,
        **dict.fromkeys(_INTEGER_STAGE_COLUMNS, pl.Int64()),
        **dict.fromkeys(("is_new", "to_link"), pl.Boolean()),
        "match_score": pl.Float64(),
    }
    return {
        table: {c: kinds[c] for c in columns}
        for table, columns in (
            ("stage_customers", loading.STAGED_CUSTOMER_COLUMNS),
            ("stage_contracts", loading.STAGED_CONTRACT_COLUMNS),
            ("stage_snapshots", loading.STAGED_SNAPSHOT_COLUMNS),
        )
    }


def _new_customers(valid: pl.DataFrame, first: pl.Series) -> pl.DataFrame:
    """Each customer's `first` row in the file gives its identity; later rows add contracts."""
    return valid.filter(first).select(
        *loading.CUSTOMER_COLUMNS,
        pl.lit(None, dtype=pl.Int64).alias("person_id"),
        pl.lit(None, dtype=pl.Float64).alias("match_score"),
    )


def _check_same_header(chunk: pl.DataFrame, header: _Header, name: str) -> None:
    for column, expected in (
        ("institution_code", header.institution_code),
        ("period", header.period),
    ):
        # A comparison first: the distinct values are listed only for a message.
        if not (chunk.get_column(column) != expected).any():
            continue
        others = [v for v in _distinct(chunk, column) if v != expected]
        if others:
            raise InvalidSubmission(_mixed(name, column, [expected, *others]))


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
