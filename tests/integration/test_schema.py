"""The migrations build exactly the schema the table modules declare, on both backends."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text

import centrale.store.identity_tables
import centrale.store.review_tables
import centrale.store.subscriber_tables
import centrale.store.tables  # noqa: F401  (each module registers its tables)
from centrale.store.db import alembic_config, upgrade
from centrale.store.metadata import metadata


def test_migrated_database_matches_the_declared_tables(db: Engine) -> None:
    with db.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


def test_0012_fills_each_snapshot_with_its_contract_s_principal(db: Engine) -> None:
    """Snapshots from before 0012 take the principal their contract holds."""
    config = alembic_config(db)
    command.downgrade(config, "0011")
    with db.begin() as conn:
        conn.execute(text("INSERT INTO institutions (id, code, name) VALUES (1, 'AMANA', 'A')"))
        conn.execute(
            text(
                "INSERT INTO contracts (id, institution_id, contract_ref, customer_ref, product, "
                "disbursed_on, maturity_on, amount) VALUES (1, 1, 'C1', 'K1', 'individual', "
                "'2024-06-01', '2025-06-01', 12000)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO snapshots (contract_id, period, institution_id, submission_id, "
                "borrower_record_id, outstanding, arrears, days_past_due, status) "
                "VALUES (1, '2025-01', 1, 1, 1, 9000, 0, 0, 'active')"
            )
        )
    upgrade(db)
    with db.connect() as conn:
        assert conn.execute(text("SELECT amount FROM snapshots")).scalar_one() == 12000
