"""Reading the registry's tables back in tests."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, Table, func, select

from centrale.bootstrap import App
from centrale.identity.borrowers import with_keys
from centrale.store import identity_repo
from centrale.store.identity_keys import KEY_SCHEMA, record_keys
from centrale.store.identity_tables import identity_keys


def count(app: App, table: Table) -> int:
    """The rows of `table`."""
    with app.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def stored_keys(conn: Connection) -> pl.DataFrame:
    """The key hashes the registry holds (`identity_keys`), in its key order."""
    rows = conn.execute(
        select(identity_keys.c.key_hash, identity_keys.c.borrower_record_id).order_by(
            identity_keys.c.key_hash, identity_keys.c.borrower_record_id
        )
    )
    return pl.DataFrame(rows.all(), schema=KEY_SCHEMA, orient="row")


def expected_keys(conn: Connection) -> pl.DataFrame:
    """The key hashes the stored features make, as a load writes them."""
    return record_keys(with_keys(identity_repo.all_features(conn)))
