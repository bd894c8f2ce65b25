"""Where a load's bulk rows wait, once, before SQL moves them into the registry.

PostgreSQL: temporary tables filled by `COPY`, inside the load's transaction.
SQLite: tables of scratch database files filled through ADBC (Arrow in, C all the way: no
Python object per cell, which is what makes `executemany` the bottleneck). A file is attached
to the load's connection only once ADBC has written it and let it go, then read with
`INSERT ... SELECT`. ADBC bundles its own copy of the SQLite library, and two copies in one
process do not see each other's locks or cached pages: the load's connection must never have
opened a file that ADBC writes (a `DROP TABLE IF EXISTS` alone opens every attached file).
The files are not part of the registry: if the process dies, the registry's transaction
rolls back and the files are deleted.

`Stage` holds the submission's customers, contracts and snapshots. On SQLite a worker
thread writes them (ADBC lets the GIL go), in the order given, while the load goes on with
the next chunk: at most `_AHEAD` writes wait. `appending` serves the
rows a load writes later (the resolver's persons, features, keys and links, its decisions):
each block gets a file of its own. Outside a load (no stage), or on PostgreSQL, its rows
are written at once, by `executemany` or `COPY`. `Ahead` makes (and on SQLite stages) the
rows of one table in a worker thread while the load computes what it writes next (a first
load's thirteen million key hashes, while the model scores), for a later `appending` block
to move in.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import adbc_driver_sqlite.dbapi as adbc
import polars as pl
from sqlalchemy import Connection, text

from centrale.store.bulk import create_temp_table, dates_as_text, insert_frame, is_postgres

#: Where `conn.info` keeps the files of the load in progress on that connection.
_FILES = "centrale.stage_files"
#: Files attached at once at most: SQLite attaches ten by default.
_MAX_ATTACHED = 8
#: Stage writes waiting for the worker at most (a chunk gives three: its customers,
#: contracts and snapshots), so that the frames waiting stay one chunk's.
_AHEAD = 3


class _Files:
    """The scratch files of one load on SQLite: a directory, and those attached so far."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="centrale-stage-"))
        self.attached: list[str] = []
        self._made = 0

    def new(self) -> Path | None:
        """A path for the next file, or None once as many as may be attached are made."""
        if self._made >= _MAX_ATTACHED:
            return None
        self._made += 1
        return self.dir / f"stage{self._made}.db"

    def attach(self, conn: Connection, path: Path) -> str:
        """Attach a file that ADBC has finished with (SQLite attaches inside a transaction);
        returns its schema name."""
        schema = path.stem
        conn.exec_driver_sql(f"ATTACH DATABASE '{path}' AS {schema}")
        self.attached.append(schema)
        # No rollback journal for a file a crash deletes (the in-database resolver updates
        # the stage); its sync level cannot change inside the transaction.
        conn.exec_driver_sql(f"PRAGMA {schema}.journal_mode = OFF")
        return schema


class Stage:
    """The staging tables of one load; `name(table)` is what to write in SQL, after `seal`."""

    def __init__(self, conn: Connection, schemas: dict[str, dict[str, pl.DataType]]) -> None:
        self._conn = conn
        self._schemas = schemas
        self._postgres = is_postgres(conn)
        self._writer: Any = None
        self._schema = ""
        self._files: _Files | None = None
        self._path: Path | None = None
        self._worker: ThreadPoolExecutor | None = None
        self._pending: deque[Future[None]] = deque()
        if not self._postgres:
            self._files = _Files()
            conn.info[_FILES] = self._files
            self._path = self._files.new()

    def name(self, table: str) -> str:
        return table if self._postgres else f"{self._schema}.{table}"

    def create(self) -> None:
        """Create the empty staging tables; inside the load's transaction."""
        if self._postgres:
            for table, schema in self._schemas.items():
                create_temp_table(self._conn, table, schema)
            return
        assert self._path is not None  # the first file of a load is always made
        self._writer = _open_writer(self._path)
        with self._writer.cursor() as cursor:
            for table, schema in self._schemas.items():
                cursor.execute(_table_ddl(table, schema))
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="centrale-stage")

    def write(self, table: str, rows: pl.DataFrame) -> None:
        """Stage `rows` (on SQLite, once the writes given before are done); a write that
        failed raises here or at `seal`."""
        if self._postgres:
            insert_frame(self._conn, table, rows)
        elif not rows.is_empty():
            assert self._worker is not None  # `create` came first
            self._wait(_AHEAD - 1)
            self._pending.append(
                self._worker.submit(_ingest, self._writer, table, rows, mode="append")
            )

    def _wait(self, waiting: int) -> None:
        """Until no more than `waiting` writes wait; raises the error of one that failed."""
        while len(self._pending) > waiting:
            self._pending.popleft().result()

    def seal(self) -> None:
        """Done writing: the staging tables are then readable by the load's connection."""
        if self._postgres:
            # Temporary tables have no statistics until analysed; without them the planner
            # picks nested loops over a million rows.
            for table in self._schemas:
                self._conn.execute(text(f"ANALYZE {table}"))
            return
        if self._writer is not None:
            self._wait(0)
            self._stop_worker()
            self._writer.close()
            self._writer = None
            assert self._files is not None and self._path is not None
            self._schema = self._files.attach(self._conn, self._path)

    def _stop_worker(self) -> None:
        """Let the worker finish the write in hand; the others are not made."""
        if self._worker is not None:
            self._worker.shutdown(wait=True, cancel_futures=True)
            self._worker = None
        self._pending.clear()

    def close(self) -> None:
        """Drop the staging files; call after the load's transaction has ended."""
        self._stop_worker()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._files is None:
            return
        self._conn.info.pop(_FILES, None)
        try:
            for schema in self._files.attached:
                self._conn.exec_driver_sql(f"DETACH DATABASE {schema}")
            self._conn.commit()
        except Exception:
            # A file still attached would make the pooled connection refuse the next load's
            # (same schema name): it is discarded instead, and the error that brought us
            # here is not masked.
            self._conn.invalidate()
        finally:
            shutil.rmtree(self._files.dir, ignore_errors=True)


class Appender:
    """Rows for registry tables, in them when `appending` ends: on SQLite during a load, from
    a file of their own (one `INSERT ... SELECT` per table, in the order the tables were first
    given); otherwise at once."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._files: _Files | None = None if is_postgres(conn) else conn.info.get(_FILES)
        self._path: Path | None = None  # taken at the first rows: an empty block uses none
        self._direct = self._files is None
        self._writer: Any = None
        # Each table's columns, in the order the tables were first given.
        self._columns: dict[str, list[str]] = {}

    def append(self, table: str, rows: pl.DataFrame) -> None:
        if rows.is_empty():
            return
        if self._writer is None and not self._direct:
            assert self._files is not None
            self._path = self._files.new()
            self._direct = self._path is None  # as many files attached as may be
            if self._path is not None:
                self._writer = _open_writer(self._path)
        if self._direct:
            insert_frame(self._conn, table, rows)
            return
        mode = "append" if table in self._columns else "create"
        _same_columns(table, rows, self._columns.setdefault(table, rows.columns))
        _ingest(self._writer, table, rows, mode)

    def flush(self) -> None:
        """Move the file's rows into their tables."""
        self.abandon()
        if self._files is None or self._path is None or not self._columns:
            return
        schema = self._files.attach(self._conn, self._path)
        for table, columns in self._columns.items():
            _move(self._conn, schema, table, columns)

    def abandon(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None


class Ahead:
    """The rows of one registry table, made by a worker thread from the moment `start` is
    called, and moved into the table by `flush` (inside the caller's `appending` block, so
    that they arrive while its indexes are set aside). `abandon` (always, once done) stops
    the worker and lets the rows go.

    On SQLite the worker also stages them, in a scratch file of the load. On PostgreSQL the
    load's connection is its only one and the worker does not share it: it holds the frames
    it made, and `flush` copies them in.
    """

    def __init__(
        self,
        conn: Connection,
        table: str,
        produce: Callable[[], Iterable[pl.DataFrame]],
        files: _Files | None = None,
        path: Path | None = None,
    ) -> None:
        self._conn, self._table, self._files, self._path = conn, table, files, path
        self._stop = threading.Event()
        self._columns: list[str] = []
        self._held: list[pl.DataFrame] = []
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="centrale-ahead")
        self._done = self._worker.submit(self._write, produce)

    @classmethod
    def start(
        cls,
        conn: Connection,
        table: str,
        produce: Callable[[], Iterable[pl.DataFrame]],
        *,
        hold: bool = True,
    ) -> Ahead | None:
        """Make `produce()`'s frames (same columns each) for `table` in a worker thread;
        None where nothing can be made ahead (SQLite outside a load, or with every file of
        the load taken; PostgreSQL unless the rows may be `hold`, held in memory until
        flushed): the caller writes the rows itself."""
        if is_postgres(conn):
            return cls(conn, table, produce) if hold else None
        files: _Files | None = conn.info.get(_FILES)
        path = files.new() if files is not None else None
        if files is None or path is None:
            return None
        return cls(conn, table, produce, files, path)

    def _write(self, produce: Callable[[], Iterable[pl.DataFrame]]) -> None:
        writer = None if self._path is None else _open_writer(self._path)
        try:
            for rows in produce():
                if self._stop.is_set():
                    return
                if rows.is_empty():
                    continue
                mode = "append" if self._columns else "create"
                self._columns = self._columns or rows.columns
                _same_columns(self._table, rows, self._columns)
                if writer is None:
                    self._held.append(rows)
                else:
                    _ingest(writer, self._table, rows, mode)
        finally:
            if writer is not None:
                writer.close()

    def flush(self) -> None:
        """Wait for the worker (raising its error, if any) and move the rows into the table."""
        self._done.result()
        if self._files is None or self._path is None:
            held, self._held = self._held, []
            for rows in held:
                insert_frame(self._conn, self._table, rows)
            return
        if not self._columns:
            return
        _move(self._conn, self._files.attach(self._conn, self._path), self._table, self._columns)

    def abandon(self) -> None:
        self._stop.set()
        self._worker.shutdown(wait=True)
        self._held = []


@contextmanager
def appending(conn: Connection) -> Iterator[Appender]:
    """An `Appender` whose rows are in their tables when the block ends without error."""
    out = Appender(conn)
    try:
        yield out
    except BaseException:
        out.abandon()
        raise
    out.flush()


def _same_columns(table: str, rows: pl.DataFrame, known: list[str]) -> None:
    """Refuse rows whose columns are not those `table` was staged with first."""
    if rows.columns != known:
        raise ValueError(f"{table}: columns {rows.columns} after {known}")


def _move(conn: Connection, schema: str, table: str, columns: list[str]) -> None:
    """The staged rows of `table` (in attached `schema`) into the registry's table."""
    listed = ", ".join(f'"{c}"' for c in columns)
    conn.execute(text(f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {schema}.{table}"))


def _open_writer(path: Path) -> Any:
    """An ADBC connection to a scratch file: no journal, no fsync (a crash just deletes
    the file)."""
    writer = adbc.connect(str(path), autocommit=True)
    with writer.cursor() as cursor:
        # As in the registry (`centrale.store.db`): fewer, larger pages write a million rows
        # about 15 % faster.
        cursor.execute("PRAGMA page_size = 16384")
        cursor.execute("PRAGMA journal_mode = OFF")
        cursor.execute("PRAGMA synchronous = OFF")
    return writer


def _table_ddl(table: str, schema: dict[str, pl.DataType]) -> str:
    """A staging table as ADBC would create it, except that an `id` column is the rowid.

    The registry's rows are inserted from the stage in id order: with the id as the rowid
    SQLite reads them in that order, instead of sorting a million wide rows in a temporary
    B-tree first (`ORDER BY s.id`).
    """

    def declared(name: str, dtype: pl.DataType) -> str:
        if name == "id":
            return "INTEGER PRIMARY KEY"
        if dtype.is_integer() or dtype == pl.Boolean:
            return "INTEGER"
        return "REAL" if dtype.is_float() else "TEXT"

    columns = ", ".join(f'"{name}" {declared(name, dtype)}' for name, dtype in schema.items())
    return f'CREATE TABLE "{table}" ({columns})'


def _ingest(writer: Any, table: str, rows: pl.DataFrame, mode: str) -> None:
    # ADBC writes a date as the same ISO text, but one value at a time, at 0.8 s a million:
    # as much as all the other columns of a row.
    rows = dates_as_text(rows)
    with writer.cursor() as cursor:
        # The newest Arrow level keeps Polars' string views: no copy of the text columns.
        arrow = rows.to_arrow(compat_level=pl.CompatLevel.newest())
        cursor.adbc_ingest(table, arrow, mode=mode)
