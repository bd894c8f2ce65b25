"""What the registry holds of one institution, kept from one load for the next.

A load splits its file against the institution's record and contract ids and fingerprints
(`centrale.store.delta.Delta`). Read from the tables, they cost 2 of the 10 seconds of a
settled month of a million rows on SQLite: the rows reach Python as tuples. So each load
leaves what it leaves in the tables in `held_states` too, one row per institution, as two
Arrow IPC blobs, and the next load starts from them.

It starts from them only when they still agree with the tables: the same aggregates (the
count, the sums of the ids, of the refs' lengths and last characters, of each fingerprint's
two 32-bit halves and of the linked records, and sums that weigh values by their row's id,
so that values swapped between rows show) computed in SQL over the tables and in Polars
over the kept frames must be equal. A write of which the load knows nothing (an analyst
linking a record, an update by hand) changes them, and the load reads the tables again; a
correction and a late month do not keep their state at all. The SQL side scans the
institution's rows without sending them: a fifth of the read. Loads of one institution run
one at a time (`loading.lock_institution`), so that none keeps a state another is changing.
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
_HALF = 1 << 32
#: The prime that ties a row's values to its id in the aggregates.
_TIE = 65521


def held(conn: Connection, institution_id: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(records, contracts) of the institution: the kept ones when they agree with the
    tables, else read from the tables."""
    kept_state = kept(conn, institution_id)
    if kept_state is not None:
        records, contracts = kept_state
        if _sums_agree(conn, institution_id, records, contracts):
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


def _sums_agree(
    conn: Connection, institution_id: int, records: pl.DataFrame, contracts: pl.DataFrame
) -> bool:
    record_sums = _sql_sums(
        conn, "borrower_records", "customer_ref", ("identity_hash", "record_hash"), institution_id
    )
    if record_sums != _frame_sums(records, "customer_ref", ("identity_hash", "record_hash")):
        return False
    contract_sums = _sql_sums(conn, "contracts", "contract_ref", ("terms_hash",), institution_id)
    return contract_sums == _frame_sums(contracts, "contract_ref", ("terms_hash",))


def _sql_sums(
    conn: Connection, table: str, ref: str, hashes: tuple[str, ...], institution_id: int
) -> tuple[int, ...]:
    # The last character's code point: `unicode` on SQLite, `ascii` on PostgreSQL.
    code = "ascii" if is_postgres(conn) else "unicode"
    tie = f"(id % {_TIE})"
    sums = [
        "count(*)",
        "sum(id)",
        f"sum(length({ref}))",
        f"sum({tie} * length({ref}))",
        f"sum({tie} * {code}(substr({ref}, length({ref}))))",
    ]
    # `>>` is arithmetic on both backends, like Polars' floor division below.
    for column in hashes:
        sums += [
            f"sum({column} >> 32)",
            f"sum({column} & {_HALF - 1})",
            f"sum({tie} * ({column} & 65535))",
        ]
    if table == "borrower_records":
        sums.append(f"sum({_LINKED})")
    row = conn.execute(
        text(f"SELECT {', '.join(sums)} FROM {table}{_scan(conn)} {_where(institution_id)}")
    ).one()
    return tuple(int(value or 0) for value in row)


def _frame_sums(frame: pl.DataFrame, ref: str, hashes: tuple[str, ...]) -> tuple[int, ...]:
    """`_sql_sums` of a kept frame.

    Sums of each column alone would miss values swapped between rows (two records' refs):
    the *tie* sums weigh each row's values by its id. They stay far inside 64 bits for tens
    of millions of rows, as SQLite's integer `sum` needs.

    >>> frame = pl.DataFrame({"ref": ["a", "bc"], "id": [1, 2], "h": [-1, 2**40 + 5]})
    >>> _frame_sums(frame, "ref", ("h",))
    (2, 3, 3, 5, 295, 255, 4294967300, 65545)
    """
    ref_column, tie = pl.col(ref), pl.col("id") % _TIE
    # A last character outside ASCII gives its UTF-8 bytes, not its code point: the sums
    # then differ and the tables are read, which is slower, never wrong.
    last = ref_column.str.slice(-1).str.encode("hex").str.to_integer(base=16)
    sums = [
        pl.len(),
        pl.col("id").sum(),
        ref_column.str.len_chars().cast(pl.Int64).sum().alias("lengths"),
        (tie * ref_column.str.len_chars().cast(pl.Int64)).sum().alias("tied_lengths"),
        (tie * last.cast(pl.Int64)).sum().alias("tied_last"),
    ]
    for column in hashes:
        high = pl.col(column) // _HALF
        sums += [
            high.sum().alias(f"{column}_high"),
            (pl.col(column) - high * _HALF).sum().alias(f"{column}_low"),
            (tie * (pl.col(column) & 65535)).sum().alias(f"{column}_tied"),
        ]
    if "linked" in frame.columns:
        sums.append(pl.col("linked").sum())
    return tuple(int(value or 0) for value in frame.select(sums).row(0))


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
