"""What the registry holds of one institution, kept from one load for the next.

A load splits its file against the institution's record and contract ids and fingerprints
(`centrale.store.delta.Delta`). Read from the tables, they cost 2 of the 10 seconds of a
settled month of a million rows on SQLite: the rows reach Python as tuples. So each load
leaves what it leaves in the tables in `held_states` too, one row per institution, as two
Arrow IPC blobs, and the next load starts from them.

It starts from them only when they still describe the tables. The database sees to it:
triggers (migration 0015) drop an institution's kept state as soon as one of its records or
contracts is updated or deleted, by a load, an analyst linking a record or a hand in the
database; and the counts of its rows in the tables must equal those of the kept frames,
which an insert changes. A load's own writes drop the state it started from; it then keeps
the new one after them, in the same transaction. A correction and a late month keep
nothing. Loads of one institution run one at a time (`loading.lock_institution`), so that
none keeps a state another is changing.
"""

from __future__ import annotations

import io

import polars as pl
from sqlalchemy import Connection, delete, insert, select, text

from centrale.store.bulk import is_postgres, read_columns
from centrale.store.tables import held_states

#: An institution's borrower records, as a load splits its file against them.
RECORDS = {
    "customer_ref": pl.String(),
    "id": pl.Int64(),
    "identity_hash": pl.Int64(),
    "record_hash": pl.Int64(),
    "linked": pl.Int64(),  # 1 when the record has a person, 0 when it is to be linked again
}
#: An institution's contracts, likewise.
CONTRACTS = {"contract_ref": pl.String(), "id": pl.Int64(), "terms_hash": pl.Int64()}

_LINKED = "CASE WHEN person_id IS NULL THEN 0 ELSE 1 END"


def held(conn: Connection, institution_id: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(records, contracts) of the institution: the kept ones when they are still there and
    as many as the tables', else read from the tables."""
    kept_state = kept(conn, institution_id)
    if kept_state is not None:
        records, contracts = kept_state
        if _counts(conn, institution_id) == (len(records), len(contracts)):
            return records, contracts
    return read_records(conn, institution_id), read_contracts(conn, institution_id)


def keep(
    conn: Connection, institution_id: int, records: pl.DataFrame, contracts: pl.DataFrame
) -> None:
    """Leave the institution's records and contracts, as the tables now hold them, for the
    next load (in the caller's transaction)."""
    forget(conn, institution_id)
    conn.execute(
        insert(held_states).values(
            institution_id=institution_id,
            records=_blob(records.select(list(RECORDS)).cast(pl.Schema(RECORDS))),
            contracts=_blob(contracts.select(list(CONTRACTS)).cast(pl.Schema(CONTRACTS))),
        )
    )


def forget(conn: Connection, institution_id: int | None = None) -> None:
    """Drop what was kept of the institution (of every institution when None)."""
    statement = delete(held_states)
    if institution_id is not None:
        statement = statement.where(held_states.c.institution_id == institution_id)
    conn.execute(statement)


def read_records(conn: Connection, institution_id: int) -> pl.DataFrame:
    """The institution's records from the table (`RECORDS`)."""
    return read_columns(
        conn,
        f"SELECT customer_ref, id, identity_hash, record_hash, {_LINKED} "
        f"FROM borrower_records{_scan(conn)} {_where(institution_id)}",
        RECORDS,
    )


def read_contracts(conn: Connection, institution_id: int) -> pl.DataFrame:
    """The institution's contracts from the table (`CONTRACTS`)."""
    return read_columns(
        conn,
        f"SELECT contract_ref, id, terms_hash FROM contracts{_scan(conn)} {_where(institution_id)}",
        CONTRACTS,
    )


def unlinked_records(conn: Connection, institution_id: int) -> pl.Series:
    """Ids of the institution's records that have no person (few, usually none)."""
    # `+` keeps SQLite off the institution's index (a million lookups) for the person's.
    rows = conn.execute(
        text(
            "SELECT id FROM borrower_records WHERE person_id IS NULL "
            f"AND +institution_id = {int(institution_id)}"
        )
    ).scalars()
    return pl.Series("id", list(rows), dtype=pl.Int64)


def kept(conn: Connection, institution_id: int) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """What the latest load left of the institution, whether or not it still agrees."""
    row = conn.execute(
        select(held_states.c.records, held_states.c.contracts).where(
            held_states.c.institution_id == institution_id
        )
    ).first()
    if row is None:
        return None
    return _frame(row.records), _frame(row.contracts)


def _counts(conn: Connection, institution_id: int) -> tuple[int, int]:
    """The institution's records and contracts in the tables, counted through their
    institution's index."""
    where = _where(institution_id)
    row = conn.execute(
        text(
            f"SELECT (SELECT count(*) FROM borrower_records {where}), "
            f"(SELECT count(*) FROM contracts {where})"
        )
    ).one()
    return int(row[0]), int(row[1])


def _scan(conn: Connection) -> str:
    return "" if is_postgres(conn) else " NOT INDEXED"  # a scan beats 1M rowid lookups


def _where(institution_id: int) -> str:
    return f"WHERE institution_id = {int(institution_id)}"


def _blob(frame: pl.DataFrame) -> bytes:
    out = io.BytesIO()
    frame.write_ipc(out, compression="zstd")
    return out.getvalue()


def _frame(blob: bytes | memoryview) -> pl.DataFrame:
    return pl.read_ipc(io.BytesIO(bytes(blob)))
