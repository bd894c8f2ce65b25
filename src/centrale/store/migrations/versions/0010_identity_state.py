"""the version of the identity features the registry keeps

Revision ID: 0010
Revises: 0009

One row: the version of the normalisers and keys (`centrale.identity.borrowers.
FEATURES_VERSION`) that computed the stored identity features. A registry from before this
migration was computed by version 1, the current one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    state = op.create_table(
        "identity_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("features_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_state")),
    )
    op.bulk_insert(state, [{"id": 1, "features_version": 1}])


def downgrade() -> None:
    op.drop_table("identity_state")
