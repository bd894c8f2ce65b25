"""Staging files and `appending`: rows reach their tables whole, on both backends, and ADBC
never writes a file the load's connection has opened."""

from __future__ import annotations

import itertools
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Connection, Engine, select, text

from centrale.store import staging
from centrale.store.db import make_engine
from centrale.store.identity_tables import identity_features
from centrale.store.staging import Stage, appending

_ROWS = pl.DataFrame({"id": [1, 2, 3], "cin_norm": ["AB1", None, "CD3"]})
_SCHEMAS: dict[str, dict[str, pl.DataType]] = {"stage_rows": {"id": pl.Int64(), "x": pl.String()}}


@pytest.fixture
def sqlite_db(tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    """The files and their attachment are SQLite's alone (PostgreSQL stages in temporary
    tables)."""
    path = tmp_path / "centrale.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def _persons(conn: Connection) -> list[tuple[object, ...]]:
    rows = conn.execute(text("SELECT id, cin_norm FROM persons ORDER BY id"))
    return [tuple(r) for r in rows]


def _attached(conn: Connection) -> list[str]:
    """The attached files (not `main`, nor `temp` that SQLite lists once used)."""
    rows = conn.exec_driver_sql("PRAGMA database_list")
    return [row[1] for row in rows if row[1] not in ("main", "temp")]


@contextmanager
def _in_a_load(db: Engine) -> Iterator[Connection]:
    """A connection in a load's transaction, its stage made (and its files gone after)."""
    with db.connect() as conn:
        stage = Stage(conn, _SCHEMAS)
        try:
            with conn.begin():
                stage.create()
                yield conn
        finally:
            stage.close()


def test_appended_rows_are_in_their_table_when_the_block_ends(db: Engine) -> None:
    with _in_a_load(db) as conn:
        with appending(conn) as out:
            out.append("persons", _ROWS.head(2))
            out.append("persons", _ROWS.tail(1))
        assert _persons(conn) == [(1, "AB1"), (2, None), (3, "CD3")]
    with db.connect() as conn:
        assert _persons(conn) == [(1, "AB1"), (2, None), (3, "CD3")]


def test_outside_a_load_rows_are_written_at_once(db: Engine) -> None:
    with db.begin() as conn, appending(conn) as out:
        out.append("persons", _ROWS)
        assert len(_persons(conn)) == 3


def test_a_failed_block_writes_nothing_and_the_load_rolls_back(db: Engine) -> None:
    with db.connect() as conn:
        stage = Stage(conn, _SCHEMAS)
        try:
            with pytest.raises(RuntimeError), conn.begin():
                stage.create()
                with appending(conn) as out:
                    out.append("persons", _ROWS)
                    raise RuntimeError("killed")
        finally:
            stage.close()
        assert _persons(conn) == []


def test_a_file_is_attached_only_once_adbc_has_let_it_go(sqlite_db: Engine) -> None:
    """`DROP TABLE IF EXISTS` opens every attached file: had the load's connection opened a
    file before ADBC wrote it, it would read stale pages (it failed with "no such table")."""
    with sqlite_db.connect() as conn:
        stage = Stage(conn, _SCHEMAS)
        try:
            with conn.begin():
                stage.create()
                stage.write("stage_rows", pl.DataFrame({"id": [7], "x": ["a"]}))
                assert _attached(conn) == []
                conn.execute(text("DROP TABLE IF EXISTS nothing_here"))
                stage.seal()
                with appending(conn) as out:
                    out.append("persons", _ROWS)
                    conn.execute(text("DROP TABLE IF EXISTS nothing_here"))
                    assert len(_attached(conn)) == 1  # the stage's file, not this block's
                seen = conn.execute(text(f"SELECT id, x FROM {stage.name('stage_rows')}")).all()
                assert [tuple(r) for r in seen] == [(7, "a")]
                assert len(_persons(conn)) == 3
        finally:
            stage.close()
        assert _attached(conn) == []


def test_beyond_the_files_that_may_be_attached_rows_are_written_at_once(
    sqlite_db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staging, "_MAX_ATTACHED", 2)
    with sqlite_db.connect() as conn:
        stage = Stage(conn, _SCHEMAS)  # the first file
        try:
            with conn.begin():
                stage.create()
                for row in _ROWS.iter_slices(1):
                    with appending(conn) as out:
                        out.append("persons", row)
                assert len(_persons(conn)) == 3
        finally:
            stage.close()


def test_a_table_keeps_its_columns_within_a_block(sqlite_db: Engine) -> None:
    with sqlite_db.connect() as conn:
        stage = Stage(conn, _SCHEMAS)
        try:
            with pytest.raises(ValueError, match="persons"), conn.begin():
                stage.create()
                with appending(conn) as out:
                    out.append("persons", _ROWS)
                    out.append("persons", _ROWS.select("cin_norm", "id"))
        finally:
            stage.close()


def test_a_registry_connection_bounds_sqlite_memory(sqlite_db: Engine) -> None:
    # The page cache and the temporary tables are what SQLite holds of a load beside the
    # frames: 64 MB of cache, temporary tables in files (an onboarding stays under 2 GiB).
    with sqlite_db.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == -65536
        assert conn.exec_driver_sql("PRAGMA temp_store").scalar_one() == 1  # FILE
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"


def test_staged_rows_are_written_in_order_and_read_once_sealed(db: Engine) -> None:
    """Many writes (on SQLite, by the worker, `_AHEAD` at most waiting): every row is in the
    stage once it is sealed, in the order given, keyed by its id."""
    parts = [pl.DataFrame({"id": [n], "x": [f"r{n}"]}) for n in range(1, 3 * staging._AHEAD + 2)]
    with db.connect() as conn:
        stage = Stage(conn, _SCHEMAS)
        try:
            with conn.begin():
                stage.create()
                for part in parts:
                    stage.write("stage_rows", part)
                stage.seal()
                rows = conn.execute(text(f"SELECT id, x FROM {stage.name('stage_rows')}"))
                assert [tuple(r) for r in rows] == [(p["id"][0], p["x"][0]) for p in parts]
        finally:
            stage.close()


@contextmanager
def _a_load_that_fails(
    db: Engine, error: type[BaseException], match: str
) -> Iterator[tuple[Connection, Stage]]:
    """A connection in a load's transaction, and its stage made, for a block that must raise
    `error` (its message matching `match`). Afterwards the load has rolled back, and
    closing the stage has detached its files and deleted them."""
    with db.connect() as conn:
        stage = Stage(conn, _SCHEMAS)
        folder = conn.info[staging._FILES].dir
        try:
            with pytest.raises(error, match=match), conn.begin():
                stage.create()
                yield conn, stage
        finally:
            stage.close()
        assert not folder.exists()
        assert _attached(conn) == []


def test_a_stage_write_that_fails_is_raised_and_the_files_go(sqlite_db: Engine) -> None:
    """A write the worker could not make raises in the load (at the next write or at
    `seal`), which rolls back; closing the stage still deletes its files."""
    with _a_load_that_fails(sqlite_db, Exception, "nope") as (_, stage):
        stage.write("stage_rows", pl.DataFrame({"id": [1], "nope": ["a"]}))
        for n in range(2, 2 + staging._AHEAD):
            stage.write("stage_rows", pl.DataFrame({"id": [n], "x": ["b"]}))
        stage.seal()


def test_staged_dates_are_the_iso_text_that_sqlite_keeps(db: Engine) -> None:
    """Dates go into the stage as ISO text made by Polars (ADBC's own conversion is one value
    at a time), and reach the registry as a direct insert writes them."""
    days = [date(1955, 1, 19), None, date(1, 1, 1), date(2025, 3, 31)]
    features = pl.DataFrame(
        {"borrower_record_id": [1, 2, 3, 4], "person_id": [1, 1, 2, 2], "birth_date": days}
    )
    with _in_a_load(db) as conn:
        with appending(conn) as out:
            out.append("identity_features", features)
        table = identity_features
        read = select(table.c.birth_date).order_by(table.c.borrower_record_id)
        assert conn.execute(read).scalars().all() == days
        if conn.dialect.name == "sqlite":
            raw = conn.exec_driver_sql(
                "SELECT birth_date FROM identity_features ORDER BY borrower_record_id"
            )
            assert [r[0] for r in raw] == ["1955-01-19", None, "0001-01-01", "2025-03-31"]


def _frames(n: int) -> list[pl.DataFrame]:
    return [pl.DataFrame({"id": [k], "cin_norm": [f"C{k}"]}) for k in range(1, n + 1)]


def test_rows_made_ahead_are_made_by_a_worker_and_in_their_table_once_flushed(
    db: Engine,
) -> None:
    """Beside the rows of an `appending` block, in the same load: on SQLite staged in a
    file of their own, on PostgreSQL held and copied in at `flush`."""
    made_in: list[int] = []
    keys = pl.DataFrame({"key_hash": [-5, 3, 9], "borrower_record_id": [1, 2, 1]})

    def produce() -> Iterator[pl.DataFrame]:
        made_in.append(threading.get_ident())
        yield from keys.iter_slices(2)

    with _in_a_load(db) as conn:
        ahead = staging.Ahead.start(conn, "identity_keys", produce)
        assert ahead is not None
        try:
            with appending(conn) as out:
                out.append("persons", _ROWS)
                ahead.flush()
        finally:
            ahead.abandon()
        assert made_in and made_in[0] != threading.get_ident()
        stored = conn.execute(text("SELECT key_hash, borrower_record_id FROM identity_keys"))
        assert [tuple(r) for r in stored] == list(keys.iter_rows())
        assert len(_persons(conn)) == 3


def test_nothing_is_made_ahead_on_sqlite_outside_a_load(sqlite_db: Engine) -> None:
    """Outside a load there is no stage: the caller writes the rows itself."""
    with sqlite_db.begin() as conn:
        assert staging.Ahead.start(conn, "persons", lambda: _frames(1)) is None


def test_rows_not_to_be_held_are_made_ahead_only_where_they_are_staged(db: Engine) -> None:
    """On PostgreSQL the worker holds what it makes until `flush`: asked not to hold the
    rows, it makes nothing ahead. On SQLite they are staged as they are made."""
    with _in_a_load(db) as conn:
        ahead = staging.Ahead.start(conn, "persons", lambda: _frames(1), hold=False)
        assert (ahead is None) == (db.dialect.name == "postgresql")
        if ahead is not None:
            ahead.abandon()


def test_a_failure_of_the_worker_is_raised_at_flush_and_the_load_rolls_back(
    sqlite_db: Engine,
) -> None:
    def produce() -> Iterator[pl.DataFrame]:
        yield from _frames(1)
        raise RuntimeError("keys went wrong")

    with _a_load_that_fails(sqlite_db, RuntimeError, "keys went wrong") as (conn, _):
        ahead = staging.Ahead.start(conn, "persons", produce)
        assert ahead is not None
        try:
            ahead.flush()
        finally:
            ahead.abandon()
    with sqlite_db.connect() as conn:
        assert _persons(conn) == []


def test_an_abandoned_worker_stops_between_frames(sqlite_db: Engine) -> None:
    """A load that fails before it flushes does not wait for every row to be staged."""
    first_made = threading.Event()

    def endless() -> Iterator[pl.DataFrame]:
        for k in itertools.count(1):
            yield pl.DataFrame({"id": [k], "cin_norm": ["X"]})
            first_made.set()

    with _in_a_load(sqlite_db) as conn:
        ahead = staging.Ahead.start(conn, "persons", endless)
        assert ahead is not None
        assert first_made.wait(timeout=30)
        ahead.abandon()  # returns: the worker saw the stop before its next frame
        assert _persons(conn) == []
