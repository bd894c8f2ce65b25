"""Migration 0004 on SQLite and PostgreSQL: the tables, the seeded list, segments and consent
wording, the append-only ledger's triggers; downgrade and upgrade again."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, select

from centrale.store.db import alembic_config, current_tables, upgrade
from centrale.store.subscriber_tables import consent_wordings, mailing_lists, segments

TABLES = {
    "mailing_lists",
    "segments",
    "subscribers",
    "subscriptions",
    "subscriber_segments",
    "consent_wordings",
    "consent_events",
    "suppressions",
    "bounces",
    "sends",
    "send_recipients",
}


def seeds(db: Engine) -> tuple[list[str], list[str], list[str]]:
    with db.connect() as conn:
        return (
            list(conn.execute(select(mailing_lists.c.code)).scalars()),
            list(conn.execute(select(segments.c.code).order_by(segments.c.id)).scalars()),
            list(conn.execute(select(consent_wordings.c.version)).scalars()),
        )


def test_upgrade_creates_and_seeds_the_subscriber_tables(db: Engine) -> None:
    assert current_tables(db) >= TABLES
    assert seeds(db) == (
        ["flash-back"],
        ["institutions", "funders", "press", "researchers"],
        ["fr-1"],
    )


def test_downgrade_then_upgrade_again(db: Engine) -> None:
    command.downgrade(alembic_config(db), "0003")
    assert not TABLES & current_tables(db)
    assert "review_issues" in current_tables(db)
    upgrade(db)
    assert current_tables(db) >= TABLES
    assert seeds(db)[0] == ["flash-back"]
