"""The migrations build exactly the schema the table modules declare, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

import centrale.store.identity_tables
import centrale.store.review_tables
import centrale.store.subscriber_tables
import centrale.store.tables  # noqa: F401  (each module registers its tables)
from centrale.store.metadata import metadata


def test_migrated_database_matches_the_declared_tables(db: Engine) -> None:
    with db.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []
