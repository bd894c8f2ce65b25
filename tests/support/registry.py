"""Reading the registry's tables back in tests."""

from __future__ import annotations

from sqlalchemy import Table, func, select

from centrale.bootstrap import App


def count(app: App, table: Table) -> int:
    """The rows of `table`."""
    with app.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())
