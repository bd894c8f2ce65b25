"""Loading one submission's valid rows: staging, upserts and the month's snapshots.

Every function runs inside the caller's transaction, so a submission lands whole or not at
all. Rows go once into a temporary `stage` table (COPY on PostgreSQL), then plain SQL moves
them into the registry: no row crosses Python twice.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, text

from centrale.identity.seam import RECORD_SCHEMA
from centrale.store.bulk import create_temp_table, insert_frame, is_postgres, read_frame

IDENTITY_FIELDS = (
    "cin_norm",
    "last_name",
    "first_name",
    "last_name_ar",
    "first_name_ar",
    "birth_date",
    "gender",
    "phone",
)
_RECORD_FIELDS = (
    "cin",
    "cin_norm",
    "last_name",
    "first_name",
    "last_name_ar",
    "first_name_ar",
    "birth_date",
    "gender",
    "phone",
    "region",
    "milieu",
    "activity",
)
#: What is staged once per customer (the customer's first row in the file) ...
CUSTOMER_COLUMNS = ("customer_ref", *_RECORD_FIELDS)
_CONTRACT_FIELDS = (
    "customer_ref",
    "product",
    "group_ref",
    "disbursed_on",
    "maturity_on",
    "amount",
    "installment",
    "frequency",
    "purpose",
)


#: ... and once per contract.
CONTRACT_COLUMNS = (
    "row",
    "contract_ref",
    *_CONTRACT_FIELDS,
    "outstanding",
    "arrears",
    "days_past_due",
    "status",
    "closed_on",
)


def _differs(conn: Connection, left: str, right: str) -> str:
    operator = "IS DISTINCT FROM" if is_postgres(conn) else "IS NOT"
    return f"{left} {operator} {right}"


def mark_records_to_link(conn: Connection, stage: str, institution_id: int) -> None:
    """Remember which customers are new or changed identity, before the upsert hides it."""
    changed = " OR ".join(_differs(conn, f"b.{f}", f"s.{f}") for f in IDENTITY_FIELDS)
    conn.execute(text("DROP TABLE IF EXISTS link_refs"))
    conn.execute(
        text(
            "CREATE TEMPORARY TABLE link_refs AS "
            f"SELECT DISTINCT s.customer_ref FROM {stage} s "
            "LEFT JOIN borrower_records b "
            "ON b.institution_id = :i AND b.customer_ref = s.customer_ref "
            f"WHERE b.id IS NULL OR b.person_id IS NULL OR {changed}"
        ),
        {"i": institution_id},
    )
    if is_postgres(conn):
        conn.execute(text("ANALYZE link_refs"))


def upsert_borrower_records(conn: Connection, stage: str, institution_id: int) -> None:
    """One record per customer, from the staged customers (one row each).

    Existing records are rewritten only when something changed (a settled month rewrites
    almost none); new ones are inserted. An `ON CONFLICT` upsert would do both in one
    statement at twice the cost per row.
    """
    fields = (*_RECORD_FIELDS, "person_id", "match_score")
    changed = " OR ".join(_differs(conn, f"b.{f}", f"s.{f}") for f in _RECORD_FIELDS)
    params = {"i": institution_id}
    conn.execute(
        text(
            "UPDATE borrower_records AS b SET "
            + ", ".join(f"{f} = s.{f}" for f in _RECORD_FIELDS)
            # A record relinked in this load carries its new person; the others keep theirs.
            + ", person_id = COALESCE(s.person_id, b.person_id), "
            "match_score = COALESCE(s.match_score, b.match_score) "
            f"FROM {stage} AS s WHERE b.institution_id = :i AND b.customer_ref = s.customer_ref "
            f"AND (s.person_id IS NOT NULL OR {changed})"
        ),
        params,
    )
    conn.execute(
        text(
            f"INSERT INTO borrower_records (institution_id, customer_ref, {', '.join(fields)}) "
            f"SELECT :i, s.customer_ref, {', '.join('s.' + f for f in fields)} "
            f"FROM {stage} AS s WHERE NOT EXISTS (SELECT 1 FROM borrower_records b "
            "WHERE b.institution_id = :i AND b.customer_ref = s.customer_ref)"
        ),
        params,
    )


def upsert_contracts(conn: Connection, stage: str, institution_id: int) -> None:
    """Contracts' fixed terms: rewritten only when they changed, inserted when new."""
    changed = " OR ".join(_differs(conn, f"c.{f}", f"s.{f}") for f in _CONTRACT_FIELDS)
    params = {"i": institution_id}
    conn.execute(
        text(
            "UPDATE contracts AS c SET "
            + ", ".join(f"{f} = s.{f}" for f in _CONTRACT_FIELDS)
            + f" FROM {stage} AS s WHERE c.institution_id = :i "
            f"AND c.contract_ref = s.contract_ref AND ({changed})"
        ),
        params,
    )
    fields = ", ".join(_CONTRACT_FIELDS)
    conn.execute(
        text(
            f"INSERT INTO contracts (institution_id, contract_ref, {fields}) "
            f"SELECT :i, s.contract_ref, {', '.join('s.' + f for f in _CONTRACT_FIELDS)} "
            f"FROM {stage} AS s WHERE NOT EXISTS (SELECT 1 FROM contracts c "
            "WHERE c.institution_id = :i AND c.contract_ref = s.contract_ref)"
        ),
        params,
    )


def replace_snapshots(
    conn: Connection, stage: str, institution_id: int, period: str, submission_id: int
) -> int:
    """The month's snapshots of this institution become the staged rows, and only them."""
    params = {"i": institution_id, "p": period, "s": submission_id}
    conn.execute(text("DELETE FROM snapshots WHERE period = :p AND institution_id = :i"), params)
    result = conn.execute(
        text(
            "INSERT INTO snapshots (contract_id, period, institution_id, submission_id, "
            "borrower_record_id, outstanding, arrears, days_past_due, status, closed_on) "
            "SELECT c.id, :p, :i, :s, b.id, s.outstanding, s.arrears, s.days_past_due, "
            f"s.status, s.closed_on FROM {stage} s "
            "JOIN contracts c ON c.institution_id = :i AND c.contract_ref = s.contract_ref "
            "JOIN borrower_records b ON b.institution_id = :i AND b.customer_ref = s.customer_ref"
        ),
        params,
    )
    return int(result.rowcount or 0)


def records_to_link(conn: Connection, institution_id: int) -> pl.DataFrame:
    columns = ", ".join(f"b.{c}" for c in RECORD_SCHEMA if c != "borrower_record_id")
    return read_frame(
        conn,
        f"SELECT b.id AS borrower_record_id, {columns} FROM borrower_records b "
        "JOIN link_refs l ON b.customer_ref = l.customer_ref WHERE b.institution_id = :i",
        {"i": institution_id},
        schema=RECORD_SCHEMA,
    )


def store_links(conn: Connection, links: pl.DataFrame) -> None:
    """Write the resolver's decisions onto the borrower records."""
    create_temp_table(conn, "link_results", dict(links.schema))
    insert_frame(conn, "link_results", links)
    conn.execute(
        text(
            "UPDATE borrower_records SET person_id = r.person_id, match_score = r.match_score "
            "FROM link_results r WHERE borrower_records.id = r.borrower_record_id"
        )
    )


def drop_link_tables(conn: Connection) -> None:
    for table in ("link_refs", "link_results"):
        conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
