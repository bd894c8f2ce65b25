"""fingerprints of what each borrower record and contract says

Revision ID: 0007
Revises: 0006

A settled month repeats most of what the registry holds. With a 64-bit fingerprint of a
record's identity, of the whole record and of a contract's terms, a load finds what changed
by comparing one integer per row in memory instead of a dozen columns per row in SQL, and
writes only that. Rows loaded before this revision have none: they count as changed once.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("borrower_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("identity_hash", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("record_hash", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("terms_hash", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_column("terms_hash")
    with op.batch_alter_table("borrower_records", schema=None) as batch_op:
        batch_op.drop_column("record_hash")
        batch_op.drop_column("identity_hash")
