"""Loading one submission's valid rows: staging, writes by id and the month's snapshots.

Every function runs inside the caller's transaction, so a submission lands whole or not at
all. `delta.Delta` has already split the rows in memory: the customers and contracts to
write, with their registry ids, and every contract's snapshot. They go once into staging
tables (COPY on PostgreSQL, ADBC on SQLite), then plain SQL moves them into the registry by
primary key: no row crosses Python twice.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, text

from centrale.identity.seam import RECORD_SCHEMA
from centrale.store.bulk import (
    create_temp_table,
    id_table,
    indexes_set_aside,
    insert_frame,
    is_empty,
    is_postgres,
)
from centrale.store.delta import CONTRACT_FIELDS, RECORD_FIELDS, SNAPSHOT_FIELDS
from centrale.store.identity_repo import forget_records
from centrale.store.staging import Stage, appending
from centrale.store.tables import borrower_records, contracts

#: What is staged per customer to write (see `delta.Delta.customers`) ...
CUSTOMER_COLUMNS = ("customer_ref", *RECORD_FIELDS)
STAGED_CUSTOMER_COLUMNS = (
    "id",
    "is_new",
    "to_link",
    *CUSTOMER_COLUMNS,
    "identity_hash",
    "record_hash",
    "person_id",
    "match_score",
)
#: ... per contract to write ...
STAGED_CONTRACT_COLUMNS = ("id", "is_new", "contract_ref", *CONTRACT_FIELDS, "terms_hash")
#: ... and per contract reported this month.
STAGED_SNAPSHOT_COLUMNS = ("contract_id", "borrower_record_id", *SNAPSHOT_FIELDS)


def _listed(fields: tuple[str, ...], prefix: str = "") -> str:
    return ", ".join(prefix + f for f in fields)


#: The first key of the advisory locks of loads ("cent"); the second is the institution's id.
_LOAD_LOCKS = 0x63656E74


def lock_institution(conn: Connection, institution_id: int) -> None:
    """Make the caller's transaction the institution's only load until it ends: two loads of
    one institution would each split their file against what the other is changing, and
    each leave its own `held_states`. SQLite serialises its writers already."""
    if is_postgres(conn):
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:space, :institution)"),
            {"space": _LOAD_LOCKS, "institution": institution_id},
        )


def clear_month(conn: Connection, institution_id: int, period: str) -> None:
    """Remove the institution's snapshots of the month: a corrected file replaces them."""
    conn.execute(
        text("DELETE FROM snapshots WHERE period = :p AND institution_id = :i"),
        {"i": institution_id, "p": period},
    )


def stage_snapshots(
    conn: Connection,
    stage: Stage,
    rows: pl.DataFrame,
    *,
    institution_id: int,
    period: str,
    submission_id: int,
) -> None:
    """Snapshots of a chunk. PostgreSQL copies them straight into `snapshots` (the month was
    cleared first, in the same transaction); SQLite stages them for `write_snapshots`."""
    if not is_postgres(conn):
        stage.write("stage_snapshots", rows)
        return
    insert_frame(
        conn,
        "snapshots",
        rows.with_columns(
            period=pl.lit(period),
            institution_id=pl.lit(institution_id),
            submission_id=pl.lit(submission_id),
        ),
    )


def write_snapshots(
    conn: Connection, stage: Stage, institution_id: int, period: str, submission_id: int
) -> None:
    """On SQLite, the staged snapshots become the month's (see `stage_snapshots`; the load
    cleared the month first)."""
    if is_postgres(conn):
        return
    conn.execute(
        text(
            "INSERT INTO snapshots (contract_id, period, institution_id, submission_id, "
            f"borrower_record_id, {_listed(SNAPSHOT_FIELDS)}) SELECT s.contract_id, :p, :i, :s, "
            f"s.borrower_record_id, {_listed(SNAPSHOT_FIELDS, 's.')} "
            f"FROM {stage.name('stage_snapshots')} s"
        ),
        {"i": institution_id, "p": period, "s": submission_id},
    )


def mark_records_to_link(conn: Connection, stage: str) -> None:
    """List in `link_refs` the staged customers whose person is to be found (see the seam)."""
    conn.execute(text("DROP TABLE IF EXISTS link_refs"))
    conn.execute(
        text(f"CREATE TEMPORARY TABLE link_refs AS SELECT customer_ref FROM {stage} WHERE to_link")
    )
    if is_postgres(conn):
        conn.execute(text("ANALYZE link_refs"))


#: A staged row's id, as the rows held are updated from it. The unary plus keeps SQLite
#: from looking the stage up by its id (its rowid) for each of the million rows held: it
#: scans the few staged rows and finds each held one by its key instead. Neutral on
#: PostgreSQL.
_STAGED_ID = "+s.id"


def upsert_borrower_records(conn: Connection, stage: str, institution_id: int) -> None:
    """The staged customers' records: rewritten by id when held, inserted when new, with the
    person each was linked to in this load (`link_results`, or the stage's own columns when
    the resolver linked in the database); a record not relinked keeps its person."""
    fields = (*RECORD_FIELDS, "identity_hash", "record_hash")
    linked = f"FROM {stage} AS s LEFT JOIN link_results r ON r.borrower_record_id = s.id"
    conn.execute(
        text(
            "UPDATE borrower_records AS b SET "
            + ", ".join(f"{f} = s.{f}" for f in fields)
            + f", person_id = {_decided('person_id', 'b')}, "
            f"match_score = {_decided('match_score', 'b')} {linked} "
            f"WHERE b.id = {_STAGED_ID} AND NOT s.is_new"
        )
    )
    with indexes_set_aside(conn, borrower_records, when=is_empty(conn, borrower_records)):
        conn.execute(
            text(
                "INSERT INTO borrower_records (id, institution_id, customer_ref, "
                f"{_listed(fields)}, person_id, match_score) "
                f"SELECT s.id, :i, s.customer_ref, {_listed(fields, 's.')}, "
                f"{_decided('person_id')}, {_decided('match_score')} {linked} "
                "WHERE s.is_new ORDER BY s.id"
            ),
            {"i": institution_id},
        )


def _decided(column: str, held: str | None = None) -> str:
    """This load's decision for `column`: the resolver's (`r`), else the stage's, else what
    the record `held` already had."""
    kept = f", {held}.{column}" if held else ""
    return f"COALESCE(r.{column}, s.{column}{kept})"


def upsert_contracts(conn: Connection, stage: str, institution_id: int) -> None:
    """The staged contracts' terms: rewritten by id when held, inserted when new."""
    fields = (*CONTRACT_FIELDS, "terms_hash")
    conn.execute(
        text(
            "UPDATE contracts AS c SET "
            + ", ".join(f"{f} = s.{f}" for f in fields)
            + f" FROM {stage} AS s WHERE c.id = {_STAGED_ID} AND NOT s.is_new"
        )
    )
    # Into an empty registry, the unique index is built once after the rows, as for records.
    with indexes_set_aside(conn, contracts, when=is_empty(conn, contracts)):
        conn.execute(
            text(
                f"INSERT INTO contracts (id, institution_id, contract_ref, {_listed(fields)}) "
                f"SELECT s.id, :i, s.contract_ref, {_listed(fields, 's.')} "
                f"FROM {stage} AS s WHERE s.is_new ORDER BY s.id"
            ),
            {"i": institution_id},
        )


_GIVEN = {"borrower_record_id", "institution_id"}


def records_to_link(customers: pl.DataFrame, institution_id: int) -> pl.DataFrame:
    """The resolver's input (`RECORD_SCHEMA`) from staged customers that are `to_link`."""
    return customers.filter("to_link").select(
        pl.col("id").alias("borrower_record_id"),
        pl.lit(institution_id, dtype=pl.Int64).alias("institution_id"),
        *[
            pl.col(c).cast(t)
            for c, t in RECORD_SCHEMA.items()
            if c not in {"borrower_record_id", "institution_id"}
        ],
    )


def stage_links(conn: Connection, links: pl.DataFrame) -> None:
    """The resolver's decisions (`LINK_SCHEMA`), for `upsert_borrower_records` to write."""
    create_temp_table(conn, "link_results", dict(links.schema))
    with appending(conn) as out:
        out.append("link_results", links.sort("borrower_record_id"))
    conn.execute(text("CREATE UNIQUE INDEX link_results_id ON link_results (borrower_record_id)"))


def drop_unreported(conn: Connection, institution_id: int) -> int:
    """After a corrected file replaced a month: drop the institution's contracts that no month
    reports any more, then its borrower records that no contract or snapshot names, with
    their identity rows. Returns the records dropped.

    Only a replacement can leave them (every other load adds a snapshot to each contract it
    writes), so a normal load never pays for these anti-joins. Persons stay, even without a
    record: a concurrent load may be linking a record to one (there is no foreign key to
    stop it), and a person without records appears in no report or export.
    """
    conn.execute(
        text(
            "DELETE FROM contracts WHERE institution_id = :i AND NOT EXISTS "
            "(SELECT 1 FROM snapshots s WHERE s.contract_id = contracts.id)"
        ),
        {"i": institution_id},
    )
    record_ids = _unreported_records(conn, institution_id)
    if not record_ids:
        return 0
    forget_records(conn, record_ids)
    id_table(conn, "unreported", record_ids)
    conn.execute(text("DELETE FROM borrower_records WHERE id IN (SELECT id FROM unreported)"))
    # Other records' evidence may name a dropped one as the record they matched; SQLite
    # hands its id out again later, so the evidence forgets it instead of misleading.
    conn.execute(
        text(
            "UPDATE identity_links SET matched_record_id = NULL "
            "WHERE matched_record_id IN (SELECT id FROM unreported)"
        )
    )
    conn.execute(text("DROP TABLE unreported"))
    return len(record_ids)


def _unreported_records(conn: Connection, institution_id: int) -> list[int]:
    """Ids of the institution's records that no contract or snapshot names.

    The customers its contracts name go once into an indexed temporary table, for a probe
    per record on both backends. The records no contract names are few: only they are looked
    for among the snapshots, in one pass over the institution's months (through the index
    on period and institution).
    """
    i = {"i": institution_id}
    conn.execute(text("DROP TABLE IF EXISTS named_refs"))
    conn.execute(
        text(
            "CREATE TEMPORARY TABLE named_refs AS SELECT DISTINCT customer_ref AS ref "
            "FROM contracts WHERE institution_id = :i"
        ),
        i,
    )
    conn.execute(text("CREATE INDEX named_refs_ref ON named_refs (ref)"))
    unnamed = [
        int(row[0])
        for row in conn.execute(
            text(
                "SELECT b.id FROM borrower_records b WHERE b.institution_id = :i "
                "AND NOT EXISTS (SELECT 1 FROM named_refs n WHERE n.ref = b.customer_ref)"
            ),
            i,
        )
    ]
    conn.execute(text("DROP TABLE named_refs"))
    if not unnamed:
        return []
    id_table(conn, "unnamed", unnamed)
    in_snapshots = conn.execute(
        text(
            "SELECT DISTINCT s.borrower_record_id FROM snapshots s "
            "WHERE s.period IN (SELECT DISTINCT period FROM submissions "
            "WHERE institution_id = :i AND is_current) "
            "AND s.institution_id = :i AND s.borrower_record_id IN (SELECT id FROM unnamed)"
        ),
        i,
    )
    named = {int(row[0]) for row in in_snapshots}
    conn.execute(text("DROP TABLE unnamed"))
    return [record for record in unnamed if record not in named]


def drop_link_tables(conn: Connection) -> None:
    for table in ("link_refs", "link_results"):
        conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
