"""Migration 0003 creates the review's tables on SQLite and PostgreSQL, and undoes them."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, inspect, text

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


def test_0011_merges_rules_that_repeat_one_another_and_keys_the_rest(db: Engine) -> None:
    config = alembic_config(db)
    command.downgrade(config, "0010")
    with db.begin() as conn:
        conn.execute(
            text("INSERT INTO review_rules (kind, term, weight) VALUES (:k, :t, :w)"),
            [
                {"k": "boost", "t": "Maroc", "w": 2.0},
                {"k": "boost", "t": "MAROC", "w": 3.0},
                {"k": "block", "t": "maroc", "w": 1.0},
                {"k": "keep", "t": "Crédit", "w": 1.0},
                {"k": "keep", "t": "credit", "w": 1.0},
            ],
        )
    upgrade(db)
    with db.connect() as conn:
        rows = conn.execute(
            text("SELECT kind, term, term_key, weight FROM review_rules ORDER BY id")
        ).all()
    assert [tuple(row) for row in rows] == [
        ("boost", "Maroc", "maroc", 2.0),
        ("block", "maroc", "maroc", 1.0),
        ("keep", "Crédit", "credit", 1.0),
    ]
    command.downgrade(config, "0010")
    upgrade(db)
