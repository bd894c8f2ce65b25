"""every key a record is found by, as a 64-bit hash in one clustered table

Revision ID: 0013
Revises: 0012

The keys were six indexes of `identity_features` (CIN, phone, four name-and-birth-date
keys, the last four also stored as columns) and `identity_cin_keys`: about fourteen index
entries of text per record, the slowest writes of an institution's first load. They become
`identity_keys` (`centrale.store.identity_keys`), filled here from the stored keys, a
slice of records at a time. The name keys are made again from the features when read.

Downgrading brings the old tables back without their keys and marks the stored features
as of an older version: `centrale persons rekey` (of that version) then writes them.
"""

from __future__ import annotations

import polars as pl
import polars_hash as plh
import sqlalchemy as sa
from alembic import op

from centrale.store.bulk import insert_frame, is_postgres, read_columns

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_NAME_KEYS = {"k_names_dob": 260, "k_names_md": 260, "k_last_dob": 140, "k_first_dob": 140}
_INDEXED = ("cin", "phone", *_NAME_KEYS)
#: Rows read and hashed at once.
_SLICE = 200_000
_KEYS_SCHEMA = {"key_hash": pl.Int64(), "borrower_record_id": pl.Int64()}


def _hashed(kind: str, key: pl.Expr) -> pl.Expr:
    """`centrale.store.identity_keys.key_hash` as it was when this revision was written:
    a migration keeps its own copy, so that a later change there cannot change it."""
    joined = plh.concat_str(pl.lit(kind + "\x1f"), key)
    return joined.nchash.xxhash64().reinterpret(signed=True)


def upgrade() -> None:
    conn = op.get_bind()
    postgres = is_postgres(conn)
    key = sa.PrimaryKeyConstraint("key_hash", "borrower_record_id", name="pk_identity_keys")
    op.create_table(
        "identity_keys",
        sa.Column("key_hash", sa.BigInteger(), nullable=False, autoincrement=False),
        sa.Column("borrower_record_id", _ID, nullable=False, autoincrement=False),
        # SQLite clusters the table on its key, which must then come with it; PostgreSQL
        # builds it once, after the rows.
        *([] if postgres else [key]),
        sqlite_with_rowid=False,
    )
    _fill_from_features(conn)
    _fill_from_cin_keys(conn)
    if postgres:
        op.create_primary_key(
            "pk_identity_keys", "identity_keys", ["key_hash", "borrower_record_id"]
        )
    for column in _INDEXED:
        op.drop_index(f"ix_identity_features_{column}", table_name="identity_features")
    with op.batch_alter_table("identity_features") as batch:
        for column in _NAME_KEYS:
            batch.drop_column(column)
    op.drop_table("identity_cin_keys")


def _fill_from_features(conn: sa.Connection) -> None:
    """The hashes of the features' key columns, `_SLICE` records at a time in record order
    (keyset pages: no offset to skip)."""
    schema = {"borrower_record_id": pl.Int64(), **{c: pl.String() for c in _INDEXED}}
    columns = ", ".join(schema)
    last = 0
    while True:
        features = read_columns(
            conn,
            f"SELECT {columns} FROM identity_features WHERE borrower_record_id > {last} "
            f"ORDER BY borrower_record_id LIMIT {_SLICE}",
            schema,
        )
        if features.is_empty():
            return
        last = features["borrower_record_id"][-1]
        parts = [
            features.select(key_hash=_hashed(c, pl.col(c)), borrower_record_id="borrower_record_id")
            for c in _INDEXED
        ]
        keys = pl.concat(parts).drop_nulls("key_hash").unique()
        insert_frame(conn, "identity_keys", keys.sort("key_hash", "borrower_record_id"))


def _fill_from_cin_keys(conn: sa.Connection) -> None:
    """The hashes of the CIN keys, `_SLICE` at a time in the order of their primary key
    (which the pages follow: each is one range of the index, never a scan)."""
    schema = {"key": pl.String(), "borrower_record_id": pl.Int64()}
    after = "1 = 1"
    while True:
        page = read_columns(
            conn,
            f"SELECT key, borrower_record_id FROM identity_cin_keys WHERE {after} "
            f"ORDER BY key, borrower_record_id LIMIT {_SLICE}",
            schema,
        )
        if page.is_empty():
            return
        # `read_columns` takes no parameters: the last key goes in as a quoted literal.
        last = "'" + str(page["key"][-1]).replace("'", "''") + "'"
        record = int(page["borrower_record_id"][-1])
        after = f"(key > {last} OR (key = {last} AND borrower_record_id > {record}))"
        keys = page.select(
            key_hash=_hashed("k_cin", pl.col("key")), borrower_record_id="borrower_record_id"
        )
        insert_frame(conn, "identity_keys", keys.unique().sort("key_hash", "borrower_record_id"))


def downgrade() -> None:
    op.create_table(
        "identity_cin_keys",
        sa.Column("key", sa.String(32), nullable=False),
        sa.Column("borrower_record_id", _ID, nullable=False),
        sa.PrimaryKeyConstraint("key", "borrower_record_id", name="pk_identity_cin_keys"),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("identity_features") as batch:
        for column, length in _NAME_KEYS.items():
            batch.add_column(sa.Column(column, sa.String(length), nullable=True))
    for column in _INDEXED:
        op.create_index(f"ix_identity_features_{column}", "identity_features", [column])
    op.drop_table("identity_keys")
    # Version 1 is older than any that wrote keys into these tables: a rekey is asked for.
    op.execute("UPDATE identity_state SET features_version = 1")
