"""borrower records' reporting span read from the snapshots

Revision ID: 0006
Revises: 0005

`first_period` and `last_period` on each borrower record moved with every monthly file, so
every record of an institution was rewritten each month only to move `last_period` (on
PostgreSQL, half the load of a settled month), and a corrected month that dropped a client
left them wrong. The snapshots hold each record's months exactly: the span is their minimum
and maximum period.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("borrower_records", schema=None) as batch_op:
        batch_op.drop_column("last_period")
        batch_op.drop_column("first_period")


def downgrade() -> None:
    with op.batch_alter_table("borrower_records", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("first_period", sa.String(length=7), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("last_period", sa.String(length=7), nullable=False, server_default="")
        )
    op.execute(
        "UPDATE borrower_records SET "
        "first_period = COALESCE((SELECT MIN(s.period) FROM snapshots s "
        "WHERE s.borrower_record_id = borrower_records.id), ''), "
        "last_period = COALESCE((SELECT MAX(s.period) FROM snapshots s "
        "WHERE s.borrower_record_id = borrower_records.id), '')"
    )
