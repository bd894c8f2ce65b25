"""What one submission changes in the registry, found in memory against fingerprints.

A settled month repeats most of what the registry already holds of an institution. Before
the file's rows are staged, the registry's ids and fingerprints of that institution's
records and contracts are read once (a few narrow columns per row). Each chunk of valid rows
is then split in Polars into:

- the customers to write: new to the registry, changed, or never linked to a person;
- the contracts to write: new, or whose terms changed;
- the month's snapshot of every contract, already carrying the registry ids of its contract
  and borrower record (new rows get theirs here, from an `IdBlock`).

SQL then writes the first two by primary key and appends the third as it is: no join on
text keys over a million rows, no comparison of a dozen columns per row.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
import polars_hash as plh
from sqlalchemy import Connection

from centrale.domain.period import is_period
from centrale.store.bulk import IdBlock, is_postgres, read_columns

#: Fields of a borrower record that identify its person: a change means linking again.
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
#: Every field of a borrower record that a submission reports.
RECORD_FIELDS = ("cin", *IDENTITY_FIELDS, "region", "milieu", "activity")
#: A contract's fixed terms, as reported.
CONTRACT_FIELDS = (
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
#: The month's own figures of a contract. `amount` is the contract's too, but a later month
#: may report another principal (a correction, a top-up): each month keeps what it said.
SNAPSHOT_FIELDS = ("amount", "outstanding", "arrears", "days_past_due", "status", "closed_on")

_HELD_RECORDS = {
    "customer_ref": pl.String(),
    "id": pl.Int64(),
    "held_identity": pl.Int64(),  # 0 for a record linked to no person: it is linked again
    "held_record": pl.Int64(),
}
_HELD_CONTRACTS = {"contract_ref": pl.String(), "id": pl.Int64(), "held_terms": pl.Int64()}


def with_fingerprints(frame: pl.DataFrame, names: dict[str, Sequence[str]]) -> pl.DataFrame:
    """`frame` with one fingerprint column per entry of `names` (column -> fields).

    Each field's text gets its xxHash64 (polars-hash: the same number in every version, which
    Polars' own `hash` does not promise, and the registry keeps these from month to month);
    the field hashes are folded in order, FNV-style, in wrapping 64-bit arithmetic. Hashing
    each field apart costs a third of building one text per row and tells a null from any
    value and one field's value from its neighbour's.
    """
    return frame.with_columns(_fingerprint(fields).alias(name) for name, fields in names.items())


_FOLD = 0x100000001B3  # the 64-bit FNV prime
_NULL = 0x9E3779B97F4A7C15  # what a null field hashes to


def _fingerprint(fields: Sequence[str]) -> pl.Expr:
    folded = pl.lit(0, dtype=pl.UInt64)
    for field in fields:
        # (polars-hash's namespace survives `cast` at run time, not in its type hints)
        hashed = plh.col(field).cast(pl.String).nchash.xxhash64()  # type: ignore[attr-defined]
        folded = (folded * pl.lit(_FOLD, dtype=pl.UInt64)) ^ hashed.fill_null(
            pl.lit(_NULL, dtype=pl.UInt64)
        )
    return folded.reinterpret(signed=True)


class Delta:
    """The split of one submission's chunks against what the registry held before it.

    Create it inside the load's transaction, after its first write: on SQLite that write
    took the lock that keeps the ids after the largest free (see `IdBlock`).
    """

    def __init__(self, conn: Connection, institution_id: int, period: str) -> None:
        hint = "" if is_postgres(conn) else " NOT INDEXED"  # a scan beats 1M rowid lookups
        where = f"WHERE institution_id = {int(institution_id)}"
        self._records = read_columns(
            conn,
            "SELECT customer_ref, id, CASE WHEN person_id IS NULL THEN 0 ELSE "
            "coalesce(identity_hash, 0) END, coalesce(record_hash, 0) "
            f"FROM borrower_records{hint} {where}",
            _HELD_RECORDS,
        )
        self._contracts = read_columns(
            conn,
            f"SELECT contract_ref, id, coalesce(terms_hash, 0) FROM contracts{hint} {where}",
            _HELD_CONTRACTS,
        )
        # A file for an earlier month than the institution's latest (a correction, a late
        # month) reports its history, not its customers' and contracts' current state: what
        # a later month reported of them stays. Only such files find rows here.
        if not is_period(period):  # it is inlined in the SQL
            raise ValueError(f"not a period: {period!r}")
        later = read_columns(
            conn,
            f"SELECT contract_id, borrower_record_id FROM snapshots WHERE period > '{period}' "
            f"AND institution_id = {int(institution_id)}",
            {"contract_id": pl.Int64(), "borrower_record_id": pl.Int64()},
        )
        self._later_contracts = later["contract_id"].unique()
        self._later_records = later["borrower_record_id"].unique()
        # customer_ref -> borrower record id, for the records held and those new in the file.
        self._record_ids = self._records.select("customer_ref", "id")
        self._new_record_ids = IdBlock(conn, "borrower_records")
        self._new_contract_ids = IdBlock(conn, "contracts")

    def customers(self, customers: pl.DataFrame) -> pl.DataFrame:
        """The customers to write, among those first seen in this chunk (one row each).

        Adds `id`, `is_new`, `to_link` and the two fingerprints to their columns.
        """
        frame = with_fingerprints(
            customers, {"identity_hash": IDENTITY_FIELDS, "record_hash": RECORD_FIELDS}
        ).join(self._records, on="customer_ref", how="left")
        is_new = pl.col("id").is_null()
        frame = frame.with_columns(
            is_new.alias("is_new"),
            (is_new | (pl.col("identity_hash") != pl.col("held_identity")))
            .fill_null(True)
            .alias("to_link"),
        )
        frame = frame.filter(
            pl.col("to_link") | (pl.col("record_hash") != pl.col("held_record")).fill_null(True),
            ~pl.col("id").is_in(self._later_records.implode()).fill_null(False),
        ).drop("held_identity", "held_record")
        new = frame.filter("is_new")
        ids = self._new_record_ids.take(new.height)
        new = new.with_columns(ids.alias("id"))
        self._record_ids = pl.concat([self._record_ids, new.select("customer_ref", "id")])
        return pl.concat([frame.filter(~pl.col("is_new")), new])

    def contracts(self, valid: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        """(contracts to write, every contract's snapshot) of a chunk of valid rows."""
        frame = with_fingerprints(valid, {"terms_hash": CONTRACT_FIELDS}).join(
            self._contracts, on="contract_ref", how="left"
        )
        new = frame.filter(pl.col("id").is_null())
        new = new.with_columns(self._new_contract_ids.take(new.height).alias("id"))
        frame = pl.concat([frame.filter(pl.col("id").is_not_null()), new]).with_columns(
            pl.col("held_terms").is_null().alias("is_new")
        )
        to_write = frame.filter(
            pl.col("is_new") | (pl.col("terms_hash") != pl.col("held_terms")).fill_null(True),
            ~pl.col("id").is_in(self._later_contracts.implode()).fill_null(False),
        ).select("id", "is_new", "contract_ref", *CONTRACT_FIELDS, "terms_hash")
        snapshots = frame.join(
            self._record_ids.rename({"id": "borrower_record_id"}), on="customer_ref", how="left"
        ).select(pl.col("id").alias("contract_id"), "borrower_record_id", *SNAPSHOT_FIELDS)
        # In id order the snapshots' primary key grows at few places instead of at random.
        return to_write, snapshots.sort("contract_id")
