"""Submissions and their problems: what came in, what was kept, what was wrong."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, func, insert, select, update

from centrale.store.bulk import insert_frame, read_frame
from centrale.store.tables import institutions, problems, submissions


@dataclass(frozen=True)
class SubmissionRow:
    id: int
    institution_id: int | None
    institution_code: str | None
    period: str | None
    file_name: str
    file_sha256: str
    received_at: datetime
    status: str
    rows: int
    accepted: int
    rejected: int
    reason: str | None
    is_current: bool


def institution_id(conn: Connection, code: str) -> int | None:
    return conn.execute(select(institutions.c.id).where(institutions.c.code == code)).scalar()


def current_submission(conn: Connection, institution: int, period: str) -> SubmissionRow | None:
    row = conn.execute(
        select(submissions).where(
            submissions.c.institution_id == institution,
            submissions.c.period == period,
            submissions.c.is_current.is_(True),
        )
    ).first()
    return SubmissionRow(**row._mapping) if row else None


def same_rejection(
    conn: Connection, file_sha256: str, institution_code: str | None, reason: str
) -> int | None:
    """The latest submission of this very file by this institution (as the file says), when
    it was rejected whole for this reason."""
    row = conn.execute(
        select(submissions.c.id, submissions.c.status, submissions.c.reason)
        .where(
            submissions.c.file_sha256 == file_sha256,
            submissions.c.institution_code.is_not_distinct_from(institution_code),
        )
        .order_by(submissions.c.id.desc())
        .limit(1)
    ).first()
    if row is None or row.status != "rejected" or row.reason != reason:
        return None
    return int(row.id)


def add_submission(conn: Connection, **values: Any) -> int:
    result = conn.execute(insert(submissions).values(**values).returning(submissions.c.id))
    return int(result.scalar_one())


def make_current(conn: Connection, submission_id: int, institution: int, period: str) -> None:
    """The new submission stands for its institution's month; the one before no longer does."""
    conn.execute(
        update(submissions)
        .where(
            submissions.c.institution_id == institution,
            submissions.c.period == period,
            submissions.c.id != submission_id,
        )
        .values(is_current=False)
    )
    conn.execute(
        update(submissions).where(submissions.c.id == submission_id).values(is_current=True)
    )


def finish_submission(conn: Connection, submission_id: int, **values: Any) -> None:
    conn.execute(update(submissions).where(submissions.c.id == submission_id).values(**values))


def add_problems(conn: Connection, submission_id: int, frame: pl.DataFrame) -> None:
    insert_frame(conn, "problems", frame.with_columns(submission_id=pl.lit(submission_id)))


def list_submissions(conn: Connection, limit: int = 200) -> list[SubmissionRow]:
    # No more rows than ids there can be: a larger limit overflows the drivers' integers.
    limit = min(limit, SUBMISSION_IDS)
    rows = conn.execute(select(submissions).order_by(submissions.c.id.desc()).limit(limit))
    return [SubmissionRow(**row._mapping) for row in rows]


#: Submissions' ids are 32-bit (INTEGER on PostgreSQL): a number past them names none, and
#: must not reach the database, which refuses it as out of range.
SUBMISSION_IDS = 2**31 - 1


def get_submission(conn: Connection, submission_id: int) -> SubmissionRow | None:
    if not 0 < submission_id <= SUBMISSION_IDS:
        return None
    row = conn.execute(select(submissions).where(submissions.c.id == submission_id)).first()
    return SubmissionRow(**row._mapping) if row else None


def problem_counts(conn: Connection, submission_id: int) -> list[tuple[str, str, int]]:
    rows = conn.execute(
        select(problems.c.column, problems.c.code, func.count())
        .where(problems.c.submission_id == submission_id)
        .group_by(problems.c.column, problems.c.code)
        .order_by(func.count().desc())
    )
    return [(r[0], r[1], int(r[2])) for r in rows]


def problem_frame(conn: Connection, submission_id: int, limit: int | None = None) -> pl.DataFrame:
    sql = (
        'SELECT "row", "column", code, message, value FROM problems '
        'WHERE submission_id = :s ORDER BY "row", id'
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return read_frame(
        conn,
        sql,
        {"s": submission_id},
        schema={
            "row": pl.Int64(),
            "column": pl.String(),
            "code": pl.String(),
            "message": pl.String(),
            "value": pl.String(),
        },
    )
