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
from centrale.store import held_states
from centrale.store.bulk import IdBlock, read_columns
from centrale.store.ref_index import RefIndex, in_key_order, merged_in_key_order

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


def with_fingerprints(frame: pl.DataFrame, names: dict[str, Sequence[str]]) -> pl.DataFrame:
    """`frame` with one fingerprint column per entry of `names` (column -> fields).

    Each field's text gets its xxHash64 (polars-hash: the same number in every version, which
    Polars' own `hash` does not promise, and the registry keeps these from month to month);
    the field hashes are folded in order, FNV-style, in wrapping 64-bit arithmetic. Hashing
    each field apart costs a third of building one text per row and tells a null from any
    value and one field's value from its neighbour's.
    """
    # A field in several fingerprints (the identity's are the record's too) is hashed once.
    fields = list(dict.fromkeys(f for group in names.values() for f in group))
    hashed = frame.with_columns(_field_hash(f).alias(_HASHED + f) for f in fields)
    return hashed.with_columns(_fold(group).alias(name) for name, group in names.items()).drop(
        _HASHED + f for f in fields
    )


_FOLD = 0x100000001B3  # the 64-bit FNV prime
_NULL = 0x9E3779B97F4A7C15  # what a null field hashes to
_HASHED = "_field_hash_"


def _field_hash(field: str) -> pl.Expr:
    # (polars-hash's namespace survives `cast` at run time, not in its type hints)
    hashed = plh.col(field).cast(pl.String).nchash.xxhash64()  # type: ignore[attr-defined]
    return hashed.fill_null(pl.lit(_NULL, dtype=pl.UInt64))


def _fold(fields: Sequence[str]) -> pl.Expr:
    folded = pl.lit(0, dtype=pl.UInt64)
    for field in fields:
        folded = (folded * pl.lit(_FOLD, dtype=pl.UInt64)) ^ pl.col(_HASHED + field)
    return folded.reinterpret(signed=True)


class Delta:
    """The split of one submission's chunks against what the registry held before it.

    Create it inside the load's transaction, after its first write: on SQLite that write
    took the lock that keeps the ids after the largest free (see `IdBlock`).
    """

    def __init__(self, conn: Connection, institution_id: int, period: str) -> None:
        held, held_contracts = held_states.held(conn, institution_id)
        # In the order of their indexes, kept so for the next load (see `held_after`).
        self._held = in_key_order(held, "customer_ref")
        self._held_contracts = in_key_order(held_contracts, "contract_ref")
        # A record linked to no person is linked again: its held identity never matches.
        # By customer_ref: the records held, then also those new in the file.
        self._records = RefIndex(
            self._held.select(
                "customer_ref",
                "id",
                held_identity=pl.when(pl.col("linked") == 1)
                .then(pl.col("identity_hash").fill_null(0))
                .otherwise(0),
                held_record=pl.col("record_hash").fill_null(0),
            ),
            key="customer_ref",
        )
        self._contracts = RefIndex(
            self._held_contracts.select(
                "contract_ref", "id", held_terms=pl.col("terms_hash").fill_null(0)
            ),
            key="contract_ref",
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
        #: The load reports the institution's latest month: what it writes is the current
        #: state of what it writes (see `held_after`).
        self.reports_latest = later.is_empty()
        self._new_record_ids = IdBlock(conn, "borrower_records")
        self._new_contract_ids = IdBlock(conn, "contracts")
        self._written_records: list[pl.DataFrame] = []
        self._written_contracts: list[pl.DataFrame] = []

    def customers(self, customers: pl.DataFrame) -> pl.DataFrame:
        """The customers to write, among those first seen in this chunk (one row each).

        Adds `id`, `is_new`, `to_link` and the two fingerprints to their columns.
        """
        frame = with_fingerprints(
            customers, {"identity_hash": IDENTITY_FIELDS, "record_hash": RECORD_FIELDS}
        ).with_columns(self._records.find(customers.get_column("customer_ref")))
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
        # Few rows but in a first load: what is written, in id order.
        frame = _with_new_ids(frame, self._new_record_ids, "customer_ref").sort("id")
        self._records.add(frame.filter("is_new").select("customer_ref", "id"))
        self._written_records.append(frame.select(_WRITTEN_RECORD))
        return frame

    def contracts(self, valid: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        """(contracts to write, every contract's snapshot) of a chunk of valid rows."""
        frame = with_fingerprints(valid, {"terms_hash": CONTRACT_FIELDS}).with_columns(
            self._contracts.find(valid.get_column("contract_ref"))
        )
        frame = _with_new_ids(
            frame.with_columns(is_new=pl.col("id").is_null()),
            self._new_contract_ids,
            "contract_ref",
        )
        to_write = (
            frame.filter(
                pl.col("is_new") | (pl.col("terms_hash") != pl.col("held_terms")).fill_null(True),
                ~pl.col("id").is_in(self._later_contracts.implode()).fill_null(False),
            )
            .select("id", "is_new", "contract_ref", *CONTRACT_FIELDS, "terms_hash")
            .sort("id")
        )
        self._written_contracts.append(to_write.select(list(held_states.CONTRACTS)))
        records = self._records.find(frame.get_column("customer_ref"), ["id"])
        snapshots = frame.select(
            pl.col("id").alias("contract_id"),
            records.get_column("id").alias("borrower_record_id"),
            *SNAPSHOT_FIELDS,
        )
        # In id order the snapshots' primary key grows at few places instead of at random.
        return to_write, snapshots.sort("contract_id")

    def split_done(self) -> None:
        """Let the lookups of the chunks go (a million refs and more): the link that follows
        the split is the load's peak of memory, and it needs none of them."""
        empty = pl.DataFrame(schema={"ref": pl.String})
        self._records = self._contracts = RefIndex(empty, key="ref")

    def held_after(self, unlinked: pl.Series) -> tuple[pl.DataFrame, pl.DataFrame]:
        """(records, contracts) of the institution as the tables hold them once this load's
        writes are made, for `held_states.keep`: what was held, with what was written in
        place of what it replaced. `unlinked`: the ids of its records left without a person.

        Only for a load of the latest month that replaced no month: a correction also drops
        rows, and a late month does not write its rows' current state.
        """
        records = _replaced(
            self._held.drop("linked"), self._written_records, "customer_ref"
        ).with_columns(linked=(~pl.col("id").is_in(unlinked.implode())).cast(pl.Int64))
        contracts = _replaced(self._held_contracts, self._written_contracts, "contract_ref")
        return records, contracts


def _with_new_ids(frame: pl.DataFrame, block: IdBlock, ref: str) -> pl.DataFrame:
    """`frame` whose rows without an `id` (the new ones) get theirs from `block`, in the
    order of their `ref`.

    The rows written are written in id order: the registry's unique index of an
    institution's refs then takes a chunk's new rows as one ascending run instead of at
    random pages (a second institution's first million records went into it in 6.3 s).
    """
    new = (
        frame.select(
            pl.arg_where(pl.col("id").is_null()).alias("at"),
            pl.col(ref).filter(pl.col("id").is_null()),
        )
        .sort(ref)
        .get_column("at")
    )
    if new.is_empty():
        return frame
    return frame.with_columns(frame.get_column("id").scatter(new, block.take(len(new))))


def _replaced(held: pl.DataFrame, written: list[pl.DataFrame], key: str) -> pl.DataFrame:
    """`held` (in key order), whose rows written again are replaced by their `written`
    versions; in key order."""
    if not written:
        return held
    new = pl.concat(written).select(held.columns).cast(held.schema)
    kept = held.filter(~pl.col("id").is_in(new.get_column("id").implode()))
    return merged_in_key_order(kept, new, key)


_WRITTEN_RECORD = ("customer_ref", "id", "identity_hash", "record_hash")
