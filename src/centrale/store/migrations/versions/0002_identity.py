"""identity tables: features and keys for retrieval, links, changes, models

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_features",
        sa.Column(
            "borrower_record_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("cin", sa.String(length=32), nullable=True),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("ln", sa.String(length=120), nullable=True),
        sa.Column("fn", sa.String(length=120), nullable=True),
        sa.Column("ln_key", sa.String(length=120), nullable=True),
        sa.Column("fn_key", sa.String(length=120), nullable=True),
        sa.Column("ln_ar", sa.String(length=120), nullable=True),
        sa.Column("fn_ar", sa.String(length=120), nullable=True),
        sa.Column("ln_ark", sa.String(length=120), nullable=True),
        sa.Column("fn_ark", sa.String(length=120), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("gender", sa.String(length=1), nullable=True),
        sa.Column("region", sa.SmallInteger(), nullable=True),
        sa.Column("k_names_dob", sa.String(length=260), nullable=True),
        sa.Column("k_names_md", sa.String(length=260), nullable=True),
        sa.Column("k_last_dob", sa.String(length=140), nullable=True),
        sa.Column("k_first_dob", sa.String(length=140), nullable=True),
        sa.ForeignKeyConstraint(
            ["borrower_record_id"],
            ["borrower_records.id"],
            name=op.f("fk_identity_features_borrower_record_id_borrower_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_identity_features_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("borrower_record_id", name=op.f("pk_identity_features")),
    )
    op.create_table(
        "identity_cin_keys",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column(
            "borrower_record_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["borrower_record_id"],
            ["borrower_records.id"],
            name=op.f("fk_identity_cin_keys_borrower_record_id_borrower_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", "borrower_record_id", name=op.f("pk_identity_cin_keys")),
    )
    op.create_table(
        "identity_links",
        sa.Column(
            "borrower_record_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("matched_record_id", sa.BigInteger(), nullable=True),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=True),
        sa.Column("levels", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=16), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["borrower_record_id"],
            ["borrower_records.id"],
            name=op.f("fk_identity_links_borrower_record_id_borrower_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_identity_links_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("borrower_record_id", name=op.f("pk_identity_links")),
    )
    op.create_table(
        "identity_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("other_person_id", sa.BigInteger(), nullable=True),
        sa.Column("record_ids", sa.Text(), nullable=False),
        sa.Column("analyst", sa.String(length=120), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_changes")),
    )
    op.create_table(
        "identity_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.Column("records", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_models")),
    )
    op.create_index(op.f("ix_identity_features_cin"), "identity_features", ["cin"], unique=False)
    op.create_index(
        op.f("ix_identity_features_k_first_dob"), "identity_features", ["k_first_dob"], unique=False
    )
    op.create_index(
        op.f("ix_identity_features_k_last_dob"), "identity_features", ["k_last_dob"], unique=False
    )
    op.create_index(
        op.f("ix_identity_features_k_names_dob"), "identity_features", ["k_names_dob"], unique=False
    )
    op.create_index(
        op.f("ix_identity_features_k_names_md"), "identity_features", ["k_names_md"], unique=False
    )
    op.create_index(
        op.f("ix_identity_features_person_id"), "identity_features", ["person_id"], unique=False
    )
    op.create_index(
        op.f("ix_identity_features_phone"), "identity_features", ["phone"], unique=False
    )
    op.create_index(
        op.f("ix_identity_links_person_id"), "identity_links", ["person_id"], unique=False
    )
    op.create_index(
        op.f("ix_identity_changes_other_person_id"),
        "identity_changes",
        ["other_person_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_identity_changes_person_id"), "identity_changes", ["person_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("identity_models")
    op.drop_table("identity_changes")
    op.drop_table("identity_links")
    op.drop_table("identity_cin_keys")
    op.drop_table("identity_features")
