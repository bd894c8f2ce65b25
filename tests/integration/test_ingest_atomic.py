"""A load killed in the middle leaves the previous state intact (SIGKILL, both backends)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, func, select, text

from centrale import services
from centrale.bootstrap import App
from centrale.store.tables import borrower_records, snapshots, submissions
from support.v1 import v1_row, write_v1

BIG_ROWS = 150_000


def big_file(path: Path, rows: int) -> Path:
    """A valid month of `rows` contracts, built as a frame (fast), all for AMANA 2025-01."""
    template = pl.DataFrame([v1_row(1)])
    frame = template.select(pl.all().repeat_by(rows).explode()).with_columns(
        contract_ref=pl.format("C{}", pl.int_range(rows)),
        customer_ref=pl.format("K{}", pl.int_range(rows)),
        cin=pl.format("BE{}", pl.int_range(rows) + 200_000),
    )
    frame.write_csv(path)
    return path


def writer_in_transaction(engine: Engine) -> bool:
    """Is another process inside a write transaction on this database right now?"""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            return bool(
                conn.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
                        " AND state <> 'idle'"
                    )
                ).scalar_one()
            )
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA busy_timeout = 0")  # type: ignore[union-attr]
        raw.driver_connection.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]
        raw.driver_connection.execute("ROLLBACK")  # type: ignore[union-attr]
        return False
    except Exception:  # sqlite3.OperationalError: database is locked
        return True
    finally:
        raw.close()


def state(engine: Engine) -> tuple[int, int, int, list[int]]:
    with engine.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(snapshots)).scalar_one(),
            conn.execute(select(func.count()).select_from(borrower_records)).scalar_one(),
            conn.execute(select(func.count()).select_from(submissions)).scalar_one(),
            list(conn.execute(select(snapshots.c.outstanding)).scalars()),
        )


@pytest.mark.slow
def test_killed_load_leaves_previous_state(app: App, tmp_path: Path) -> None:
    services.add_institution(app, "AMANA", "Al Amana Microfinance")
    services.submit_file(app, write_v1(tmp_path / "small.csv", [v1_row(n) for n in (1, 2, 3)]))
    before = state(app.engine)
    path = big_file(tmp_path / "big.csv", BIG_ROWS)
    centrale = Path(sys.executable).with_name("centrale")
    env = {**os.environ, "CENTRALE_DATABASE_URL": app.settings.database_url}
    process = subprocess.Popen(
        [str(centrale), "ingest", str(path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not writer_in_transaction(app.engine):
        assert process.poll() is None, "the load finished before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.5)  # well inside the load: staging and upserts are under way
    assert process.poll() is None, "the load finished before it could be interrupted"
    process.send_signal(signal.SIGKILL)
    process.wait()
    app.engine.dispose()
    assert state(app.engine) == before
    report = services.submit_file(app, path)
    assert (report.status, report.accepted) == ("accepted", BIG_ROWS)
