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
import sqlalchemy as sa
from alembic import op

from centrale.store.bulk import insert_frame, read_columns
from centrale.store.identity_keys import KEY_COLUMNS, record_keys

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_NAME_KEYS = {"k_names_dob": 260, "k_names_md": 260, "k_last_dob": 140, "k_first_dob": 140}
_INDEXED = ("cin", "phone", *_NAME_KEYS)
#: Records whose keys are hashed at once.
_SLICE = 200_000


def upgrade() -> None:
    op.create_table(
        "identity_keys",
        sa.Column("key_hash", sa.BigInteger(), nullable=False, autoincrement=False),
        sa.Column("borrower_record_id", _ID, nullable=False, autoincrement=False),
        sa.PrimaryKeyConstraint("key_hash", "borrower_record_id", name="pk_identity_keys"),
        sqlite_with_rowid=False,
    )
    conn = op.get_bind()
    _fill_keys(conn)
    for column in _INDEXED:
        op.drop_index(f"ix_identity_features_{column}", table_name="identity_features")
    with op.batch_alter_table("identity_features") as batch:
        for column in _NAME_KEYS:
            batch.drop_column(column)
    op.drop_table("identity_cin_keys")


def _fill_keys(conn: sa.Connection) -> None:
    """The hashes of the stored keys: the features' key columns and the CIN keys' table,
    `_SLICE` records at a time, in record order (keyset pages, no offset to skip)."""
    schema = {"borrower_record_id": pl.Int64(), **{c: pl.String() for c in KEY_COLUMNS}}
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
        first, last = features["borrower_record_id"][0], features["borrower_record_id"][-1]
        cin_keys = read_columns(
            conn,
            "SELECT borrower_record_id, key AS k_cin FROM identity_cin_keys "
            f"WHERE borrower_record_id BETWEEN {first} AND {last}",
            {"borrower_record_id": pl.Int64(), "k_cin": pl.String()},
        )
        keys = (
            pl.concat([record_keys(features), record_keys(cin_keys)])
            .unique()
            .sort("key_hash", "borrower_record_id")
        )
        insert_frame(conn, "identity_keys", keys)


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
