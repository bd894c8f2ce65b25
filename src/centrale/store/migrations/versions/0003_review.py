"""review tables: sources, fetch log, items, tags, rules, issues and their items

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_issues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("date_from", sa.Date(), nullable=False),
        sa.Column("date_to", sa.Date(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.Column("disclaimer", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("barometer", sa.Text(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_issues")),
        sa.UniqueConstraint("number", name=op.f("uq_review_issues_number")),
    )
    op.create_table(
        "review_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_rules")),
        sa.UniqueConstraint("kind", "term", name=op.f("uq_review_rules_kind_term")),
    )
    op.create_table(
        "review_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("region", sa.String(length=8), nullable=False),
        sa.Column("priority", sa.SmallInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("etag", sa.String(length=400), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("feed_format", sa.String(length=16), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_sources")),
        sa.UniqueConstraint("url", name=op.f("uq_review_sources_url")),
    )
    op.create_table(
        "review_fetch_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("new_items", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["review_sources.id"],
            name=op.f("fk_review_fetch_log_source_id_review_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_fetch_log")),
    )
    op.create_index(
        op.f("ix_review_fetch_log_source_id"), "review_fetch_log", ["source_id"], unique=False
    )
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("canonical_url", sa.String(length=2000), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=300), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("region", sa.String(length=8), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("kept", sa.Boolean(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("headline", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("excerpt", sa.Text(), nullable=True),
        sa.Column("link_label", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["review_sources.id"],
            name=op.f("fk_review_items_source_id_review_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_items")),
        sa.UniqueConstraint("canonical_url", name=op.f("uq_review_items_canonical_url")),
    )
    op.create_index(
        op.f("ix_review_items_cluster_id"), "review_items", ["cluster_id"], unique=False
    )
    op.create_index(op.f("ix_review_items_source_id"), "review_items", ["source_id"], unique=False)
    op.create_index("ix_review_items_state_score", "review_items", ["state", "score"], unique=False)
    op.create_table(
        "review_issue_items",
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["review_issues.id"],
            name=op.f("fk_review_issue_items_issue_id_review_issues"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["review_items.id"],
            name=op.f("fk_review_issue_items_item_id_review_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("issue_id", "item_id", name=op.f("pk_review_issue_items")),
    )
    op.create_table(
        "review_item_tags",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["review_items.id"],
            name=op.f("fk_review_item_tags_item_id_review_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "tag", name=op.f("pk_review_item_tags")),
    )


def downgrade() -> None:
    op.drop_table("review_item_tags")
    op.drop_table("review_issue_items")
    op.drop_index("ix_review_items_state_score", table_name="review_items")
    op.drop_index(op.f("ix_review_items_source_id"), table_name="review_items")
    op.drop_index(op.f("ix_review_items_cluster_id"), table_name="review_items")
    op.drop_table("review_items")
    op.drop_index(op.f("ix_review_fetch_log_source_id"), table_name="review_fetch_log")
    op.drop_table("review_fetch_log")
    op.drop_table("review_sources")
    op.drop_table("review_rules")
    op.drop_table("review_issues")
