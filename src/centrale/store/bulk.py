"""Set-based movement of frames in and out of the database.

PostgreSQL gets `COPY` (text CSV written by Polars; binary for a frame of integers alone,
`centrale.store.pg_binary`); SQLite gets one `executemany` into a temporary table.
Everything else is SQL run on the database side.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import polars as pl
from sqlalchemy import Connection, Constraint, Table, exists, select, text
from sqlalchemy.schema import AddConstraint, DropConstraint

from centrale.store.pg_binary import binary_copy_data, integers_only, value_widths

#: SQL types of temporary staging columns, by Polars type; wide enough on both backends.
_SQL_TYPES: dict[type[pl.DataType], str] = {
    pl.String: "TEXT",
    pl.Int64: "BIGINT",
    pl.Int32: "INTEGER",
    pl.Int16: "SMALLINT",
    pl.Float64: "DOUBLE PRECISION",
    pl.Date: "DATE",
    pl.Boolean: "BOOLEAN",
}


#: Rows per round of Python objects between the driver and a frame.
_SLICE_ROWS = 100_000


def is_postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def create_temp_table(conn: Connection, name: str, schema: Mapping[str, pl.DataType]) -> None:
    """(Re)create a temporary table whose columns mirror a Polars schema."""
    columns = ", ".join(f'"{col}" {_SQL_TYPES[type(dtype)]}' for col, dtype in schema.items())
    conn.execute(text(f"DROP TABLE IF EXISTS {name}"))
    conn.execute(text(f"CREATE TEMPORARY TABLE {name} ({columns})"))


def id_table(conn: Connection, name: str, ids: Sequence[int]) -> None:
    """A temporary table `name` of one `id` column holding `ids`: a set to join to, where a
    long `IN` list would be one parameter per id."""
    create_temp_table(conn, name, {"id": pl.Int64()})
    insert_frame(conn, name, pl.DataFrame({"id": ids}, schema={"id": pl.Int64}))


def insert_frame(conn: Connection, table: str, frame: pl.DataFrame) -> None:
    """Append a frame to a table whose columns carry the frame's names."""
    if frame.is_empty():
        return
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    if is_postgres(conn):
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        widths = value_widths(conn, table, frame.columns) if integers_only(frame) else None
        if widths is not None:
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT binary)") as copy:
                copy.write(binary_copy_data(frame, widths))
            return
        buffer = io.BytesIO()
        # Polars writes a null as nothing and an empty string as "", which is how COPY's CSV
        # reads them; a marker such as \N would turn a value written so into a null.
        frame.write_csv(buffer, include_header=False, null_value="", date_format="%Y-%m-%d")
        sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)"
        with cursor.copy(sql) as copy:
            copy.write(buffer.getvalue())
        return
    marks = ", ".join("?" for _ in frame.columns)
    raw = conn.connection.driver_connection
    # A slice at a time: Python tuples of a whole million-row frame would cost gigabytes.
    for part in frame.iter_slices(_SLICE_ROWS):
        raw.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", _sqlite_rows(part))  # type: ignore[union-attr]


@contextmanager
def indexes_set_aside(
    conn: Connection,
    table: Table,
    when: bool = True,
    primary_key: bool = False,
) -> Iterator[None]:
    """Drop `table`'s secondary indexes around a bulk insert, then build them again: one sort
    per index instead of a descent into each index per row. Inside the caller's transaction:
    if the load fails, its rollback restores them. On PostgreSQL the drop locks the table
    until the load commits, so callers use it only while nobody can be reading it.

    A unique index built again checks every row, so nothing that breaks it can stay. On
    PostgreSQL, `primary_key` sets the primary key aside too (for a table whose key is all
    it has, in random order); SQLite cannot drop a constraint, and keeps it.
    """
    indexes = sorted(table.indexes, key=lambda index: str(index.name)) if when else []
    constraints: list[Constraint] = []
    if when and is_postgres(conn) and primary_key:
        constraints.append(table.primary_key)
    if indexes and not is_postgres(conn):
        raw = conn.connection.driver_connection
        # pysqlite opens its transaction only before a DML statement and runs DDL outside
        # one; open it now, or the drop would be committed whatever the load does next.
        if not raw.in_transaction:  # type: ignore[union-attr]
            raw.execute("BEGIN")  # type: ignore[union-attr]
    for index in indexes:
        index.drop(conn)
    for constraint in constraints:
        conn.execute(DropConstraint(constraint))
    yield
    for constraint in constraints:
        conn.execute(AddConstraint(constraint))
    for index in indexes:
        index.create(conn)


def is_empty(conn: Connection, table: Table) -> bool:
    """Whether `table` has no row (one index probe, whatever its size)."""
    return conn.execute(select(~exists().select_from(table))).scalar_one() is True


def dates_as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with its date columns as the ISO text SQLite keeps for SQLAlchemy's `Date`,
    made by Polars for a whole column at once (the drivers convert one value at a time)."""
    dates = [c for c, t in frame.schema.items() if t == pl.Date]
    return frame.with_columns(pl.col(dates).dt.to_string("%Y-%m-%d")) if dates else frame


def _sqlite_rows(frame: pl.DataFrame) -> list[tuple[object, ...]]:
    return dates_as_text(frame).rows()


def read_frame(
    conn: Connection,
    sql: str,
    params: Mapping[str, object] | None = None,
    schema: Mapping[str, pl.DataType] | None = None,
) -> pl.DataFrame:
    """Run a query and return its rows as a frame (with the given schema when there are none)."""
    result = conn.execute(text(sql), dict(params or {}))
    names: Sequence[str] = list(result.keys())
    parts = []
    # A slice of rows at a time becomes columns, so the Python objects of only one slice live.
    while rows := result.fetchmany(_SLICE_ROWS):
        frame = pl.DataFrame(rows, schema=list(names), orient="row", infer_schema_length=None)
        parts.append(frame if schema is None else _shaped(frame, schema))
    if not parts:
        empty = pl.DataFrame(schema={name: pl.Null for name in names})
        return empty if schema is None else _shaped(empty, schema)
    # Without a schema each slice infers its own types; a column all null in one slice, or
    # integral in one and fractional in another, takes the wider type here.
    return pl.concat(parts, how="vertical_relaxed")


def read_columns(conn: Connection, sql: str, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """A large read of a few columns, inside the caller's transaction: `COPY TO` on
    PostgreSQL, no Python object per cell; on SQLite the rows come as tuples a slice at a time
    into a frame of the given schema. `sql` takes no parameters: callers inline integers only.

    ADBC would read SQLite without tuples, but through its own copy of the SQLite library,
    and two copies in one process release each other's file locks: not on the registry.
    """
    if not is_postgres(conn):
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(sql)
        # SQLite hands dates back as text: they are read as such, then parsed.
        given = {c: pl.String() if t == pl.Date else t for c, t in schema.items()}
        parts = [pl.DataFrame(schema=given)]
        while rows := cursor.fetchmany(_SLICE_ROWS):
            parts.append(pl.DataFrame(rows, schema=given, orient="row"))
        return _shaped(pl.concat(parts), schema)
    buffer = io.BytesIO()
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
        for data in copy:
            buffer.write(data)
    if not buffer.tell():
        return pl.DataFrame(schema=dict(schema))
    buffer.seek(0)
    return pl.read_csv(buffer, has_header=False, new_columns=list(schema), schema=schema)


class IdBlock:
    """Registry ids for the new rows of one table, handed out a chunk at a time before the
    rows are written, so that rows referring to them (snapshots) carry them from the start.

    PostgreSQL: values of the table's sequence, safe beside concurrent loads. SQLite, whose
    writers are serialised: the ids after the largest, counted from the first call, which
    must come after the caller's transaction has taken the write lock.
    """

    def __init__(self, conn: Connection, table: str) -> None:
        self._conn = conn
        self._table = table
        self._next: int | None = None
        self._sequence: str | None = None

    def take(self, count: int) -> pl.Series:
        if count == 0:
            return pl.Series("id", [], dtype=pl.Int64)
        if is_postgres(self._conn):
            if self._sequence is None:
                # Looked up once: inside the query it was evaluated per row, 4x the cost.
                found = self._conn.execute(
                    text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": self._table}
                ).scalar_one()
                self._sequence = str(found).replace("'", "''")
            ids = read_columns(
                self._conn,
                f"SELECT nextval('{self._sequence}') FROM generate_series(1, {int(count)})",
                {"id": pl.Int64()},
            )
            return ids.get_column("id").sort()
        if self._next is None:
            top = self._conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {self._table}"))
            self._next = int(top.scalar_one()) + 1
        start, self._next = self._next, self._next + count
        return pl.int_range(start, start + count, dtype=pl.Int64, eager=True).alias("id")


def _shaped(frame: pl.DataFrame, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """The frame's columns named in `schema`, in its order and with its types."""
    return frame.with_columns(
        _cast_to(name, dtype) for name, dtype in schema.items() if name in frame.columns
    ).select([n for n in schema if n in frame.columns])


def _cast_to(name: str, dtype: pl.DataType) -> pl.Expr:
    column = pl.col(name)
    if dtype == pl.Date:
        # SQLite hands dates back as text, PostgreSQL as date objects.
        return (
            pl.when(column.is_null())
            .then(None)
            .otherwise(column.cast(pl.String).str.slice(0, 10).str.to_date("%Y-%m-%d"))
            .alias(name)
        )
    return column.cast(dtype, strict=False).alias(name)
