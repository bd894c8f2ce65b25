"""each month's snapshot keeps the contract's principal as that month reported it

Revision ID: 0012
Revises: 0011

The barometer's average loan of a month summed `contracts.amount`, the principal of the
latest file: a later month reporting another principal (a correction, a top-up) changed the
figures of every month before it. Snapshots are filled from their contracts.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("snapshots") as batch:
        batch.add_column(sa.Column("amount", sa.BigInteger(), nullable=True))
    op.execute(
        "UPDATE snapshots SET amount = "
        "(SELECT c.amount FROM contracts c WHERE c.id = snapshots.contract_id)"
    )
    with op.batch_alter_table("snapshots") as batch:
        batch.alter_column("amount", existing_type=sa.BigInteger(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("snapshots") as batch:
        batch.drop_column("amount")
