"""the review's editors

Revision ID: 0009
Revises: 0008

The editor's pages ask for a login: each editor has one, with an Argon2 hash of their
password, a generation of sessions that signing out raises, and the count of wrong
passwords in a row that slows the next sign-ins.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_editors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False),
        sa.Column("failed_sign_ins", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_editors")),
        sa.UniqueConstraint("login", name=op.f("uq_review_editors_login")),
    )


def downgrade() -> None:
    op.drop_table("review_editors")
