"""The throwaway PostgreSQL server on a machine without PostgreSQL's binaries: the server
shipped on PyPI (pgserver) takes over, and the registry migrates into it."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from centrale.store import throwaway
from centrale.store.db import current_tables, upgrade

pytestmark = pytest.mark.postgres


def test_without_system_binaries_the_pypi_server_serves_the_registry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(throwaway, "_system_bindir", lambda: None)
    with throwaway.throwaway_postgres() as url:
        assert "centrale-pgserver-" in url  # pgserver's socket folder, not a system server
        engine = create_engine(url)
        try:
            upgrade(engine)
            assert {"borrower_records", "snapshots", "identity_features"} <= current_tables(engine)
            with engine.connect() as conn:
                assert conn.execute(text("SHOW server_version")).scalar_one()
        finally:
            engine.dispose()
