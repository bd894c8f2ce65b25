"""what a load leaves of an institution's ids and fingerprints for the next

Revision ID: 0014
Revises: 0013

A load read the institution's record and contract ids and fingerprints from the tables:
2 s of a settled month of a million rows on SQLite. Each load now leaves them in
`held_states` (`centrale.store.held_states`), and the next starts from them when they still
agree with the tables. Empty at first: the first load after this revision reads the tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "held_states",
        sa.Column("institution_id", sa.Integer(), primary_key=True),
        sa.Column("records", sa.LargeBinary(), nullable=False),
        sa.Column("contracts", sa.LargeBinary(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        # The blobs are compressed already: PostgreSQL's own attempt halved the write speed.
        op.execute(
            "ALTER TABLE held_states ALTER COLUMN records SET STORAGE EXTERNAL, "
            "ALTER COLUMN contracts SET STORAGE EXTERNAL"
        )


def downgrade() -> None:
    op.drop_table("held_states")
