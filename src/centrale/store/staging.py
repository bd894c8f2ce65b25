"""Where a submission's valid rows wait, once, before SQL moves them into the registry.

PostgreSQL: temporary tables filled by `COPY`, inside the load's transaction.
SQLite: tables of a scratch database file filled through ADBC (Arrow in, C all the way: no
Python object per cell, which is what makes `executemany` the bottleneck), attached to the
load's connection before its transaction starts. The scratch file is not part of the registry:
if the process dies, the registry's transaction rolls back and the scratch file is deleted.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import adbc_driver_sqlite.dbapi as adbc
import polars as pl
from sqlalchemy import Connection, text

from centrale.store.bulk import create_temp_table, insert_frame, is_postgres


class Stage:
    """The staging tables of one load; `name(table)` is what to write in SQL."""

    def __init__(self, conn: Connection, schemas: dict[str, dict[str, pl.DataType]]) -> None:
        self._conn = conn
        self._schemas = schemas
        self._postgres = is_postgres(conn)
        self._dir: Path | None = None
        self._writer: Any = None
        if not self._postgres:
            self._dir = Path(tempfile.mkdtemp(prefix="centrale-stage-"))
            self._path = self._dir / "stage.db"
            # ATTACH is refused inside a transaction: it runs before the load's BEGIN.
            conn.exec_driver_sql(f"ATTACH DATABASE '{self._path}' AS scratch")
            # Scratch rows need no journal and no fsync: a crash just deletes the file.
            conn.exec_driver_sql("PRAGMA scratch.journal_mode = OFF")
            conn.exec_driver_sql("PRAGMA scratch.synchronous = OFF")
            conn.commit()

    def name(self, table: str) -> str:
        return table if self._postgres else f"scratch.{table}"

    def create(self) -> None:
        """Create the empty staging tables; inside the load's transaction."""
        if self._postgres:
            for table, schema in self._schemas.items():
                create_temp_table(self._conn, table, schema)
            return
        self._writer = adbc.connect(str(self._path), autocommit=True)
        with self._writer.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode = OFF")
            cursor.execute("PRAGMA synchronous = OFF")
        for table, schema in self._schemas.items():
            self._append(table, pl.DataFrame(schema=schema), mode="create")

    def write(self, table: str, rows: pl.DataFrame) -> None:
        if self._postgres:
            insert_frame(self._conn, table, rows)
        elif not rows.is_empty():
            self._append(table, rows, mode="append")

    def _append(self, table: str, rows: pl.DataFrame, mode: str) -> None:
        with self._writer.cursor() as cursor:
            # The newest Arrow level keeps Polars' string views: no copy of the text columns.
            arrow = rows.to_arrow(compat_level=pl.CompatLevel.newest())
            cursor.adbc_ingest(table, arrow, mode=mode)

    def seal(self) -> None:
        """Done writing: release the scratch file so that the load's connection reads it."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._postgres:
            # Temporary tables have no statistics until analysed; without them the planner
            # picks nested loops over a million rows.
            for table in self._schemas:
                self._conn.execute(text(f"ANALYZE {table}"))

    def close(self) -> None:
        """Drop the staging tables; call after the load's transaction has ended."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._dir is None:
            return
        self._conn.exec_driver_sql("DETACH DATABASE scratch")
        self._conn.commit()
        shutil.rmtree(self._dir, ignore_errors=True)
