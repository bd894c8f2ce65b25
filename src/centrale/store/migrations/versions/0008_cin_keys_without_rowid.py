"""CIN deletion keys in a clustered table on SQLite

Revision ID: 0008
Revises: 0007

A record has about seven CIN keys, and a rowid table keeps each of them twice: in the
table and in its primary-key index. `WITHOUT ROWID` keeps the rows in the primary key's
order, once: a smaller file and one B-tree to write per key. PostgreSQL is unchanged.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _rebuild(with_rowid: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.create_table(
        "identity_cin_keys_new",
        sa.Column("key", sa.String(32), nullable=False),
        sa.Column("borrower_record_id", _ID, nullable=False),
        # Named for the table it becomes, not for its name while built.
        sa.PrimaryKeyConstraint("key", "borrower_record_id", name="pk_identity_cin_keys"),
        sqlite_with_rowid=with_rowid,
    )
    op.execute(
        "INSERT INTO identity_cin_keys_new (key, borrower_record_id) "
        "SELECT key, borrower_record_id FROM identity_cin_keys ORDER BY key, borrower_record_id"
    )
    op.drop_table("identity_cin_keys")
    op.rename_table("identity_cin_keys_new", "identity_cin_keys")


def upgrade() -> None:
    _rebuild(with_rowid=False)


def downgrade() -> None:
    _rebuild(with_rowid=True)
