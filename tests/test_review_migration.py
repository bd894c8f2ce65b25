"""Migration 0003 creates the review's tables on SQLite and PostgreSQL, and undoes them."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, inspect

from centrale.store.db import alembic_config, current_tables, upgrade

REVIEW_TABLES = {
    "review_sources",
    "review_fetch_log",
    "review_items",
    "review_item_tags",
    "review_rules",
    "review_issues",
    "review_issue_items",
}


def test_upgrade_creates_review_tables(db: Engine) -> None:
    assert current_tables(db) >= REVIEW_TABLES
    columns = {column["name"] for column in inspect(db).get_columns("review_items")}
    assert {"canonical_url", "cluster_id", "score", "state", "excerpt", "link_label"} <= columns


def test_downgrade_then_upgrade_again(db: Engine) -> None:
    config = alembic_config(db)
    command.downgrade(config, "0002")
    assert not REVIEW_TABLES & current_tables(db)
    upgrade(db)
    assert current_tables(db) >= REVIEW_TABLES
