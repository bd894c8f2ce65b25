"""Alembic environment: runs on the engine handed over by `centrale.store.db.upgrade`."""

from __future__ import annotations

from alembic import context

import centrale.store.all_tables  # noqa: F401  (registers every table on the metadata)
from centrale.store.metadata import metadata

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
