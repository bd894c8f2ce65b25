"""Set-based movement of frames (`centrale.store.bulk`), on both backends, across slices."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from sqlalchemy import Engine, func, insert, inspect, select, text
from sqlalchemy.exc import IntegrityError

from centrale.store import bulk
from centrale.store.identity_tables import identity_features, identity_keys
from centrale.store.tables import borrower_records, institutions

FRAME = pl.DataFrame(
    {
        "id": list(range(1, 11)),
        "name": ["Amrani", None, "Bennani", "العمراني", "O'Brien", "", "x", None, "y", "z"],
        "born": [date(1980, 3, 4), None, *[date(1990 + i, 1, 2) for i in range(8)]],
        "amount": [10**12 + i for i in range(10)],  # money beyond 32 bits survives the trip
    },
    schema={"id": pl.Int64, "name": pl.String, "born": pl.Date, "amount": pl.Int64},
)


def test_frames_go_in_and_come_back_whole_a_slice_at_a_time(
    db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "_SLICE_ROWS", 3)  # 10 rows: four slices each way
    with db.begin() as conn:
        bulk.create_temp_table(conn, "moved", dict(FRAME.schema))
        bulk.insert_frame(conn, "moved", FRAME)
        back = bulk.read_frame(
            conn, "SELECT id, name, born, amount FROM moved ORDER BY id", schema=FRAME.schema
        )
        inferred = bulk.read_frame(conn, "SELECT id, name FROM moved ORDER BY id")
        none = bulk.read_frame(conn, "SELECT id, born FROM moved WHERE id < 0", schema=FRAME.schema)
    assert back.equals(FRAME)
    assert inferred["name"].to_list() == FRAME["name"].to_list()  # a null slice widens
    assert none.is_empty() and none.schema == {"id": pl.Int64, "born": pl.Date}


def test_indexes_set_aside_are_built_again_and_a_failed_load_keeps_them(db: Engine) -> None:
    expected = {index.name for index in identity_features.indexes}

    def names() -> set[str]:
        return {str(index["name"]) for index in inspect(db).get_indexes("identity_features")}

    with db.begin() as conn, bulk.indexes_set_aside(conn, identity_features):
        inside = {str(i["name"]) for i in inspect(conn).get_indexes("identity_features")}
    assert not inside & expected  # really dropped for the insert
    assert expected <= names()

    with (
        pytest.raises(RuntimeError),
        db.begin() as conn,
        bulk.indexes_set_aside(conn, identity_features),
    ):
        raise RuntimeError("the load dies half way")
    assert expected <= names()  # the rollback restored them


_RECORD = {
    "institution_id": 1,
    "cin": "BE1",
    "cin_norm": "BE1",
    "last_name": "A",
    "first_name": "B",
}


def test_keys_set_aside_check_every_row_when_they_come_back(db: Engine) -> None:
    """The unique index of a customer's ref is dropped and built again on both backends,
    which checks the rows written meanwhile; PostgreSQL drops the primary key asked for
    too, SQLite cannot drop a constraint and keeps it."""
    unique = "uq_borrower_records_institution_id_customer_ref"

    def keys() -> set[str]:
        found = inspect(db).get_indexes("borrower_records")
        key = inspect(db).get_pk_constraint("identity_keys")
        return {str(i["name"]) for i in found} | ({str(key["name"])} if key["name"] else set())

    before = keys()
    assert unique in before
    postgres = db.dialect.name == "postgresql"
    with db.begin() as conn:
        conn.execute(insert(institutions).values(id=1, code="AMANA", name="Al Amana"))
        assert bulk.is_empty(conn, borrower_records)
        with (
            bulk.indexes_set_aside(conn, borrower_records),
            bulk.indexes_set_aside(conn, identity_keys, primary_key=True),
        ):
            inside = {str(i["name"]) for i in inspect(conn).get_indexes("borrower_records")}
            assert unique not in inside
            key = inspect(conn).get_pk_constraint("identity_keys")["name"]
            assert not key if postgres else key
            conn.execute(insert(borrower_records).values(id=1, **_RECORD, customer_ref="K1"))
        assert not bulk.is_empty(conn, borrower_records)
    assert keys() == before
    with (
        pytest.raises(IntegrityError),
        db.begin() as conn,
        bulk.indexes_set_aside(conn, borrower_records),
    ):
        # The same customer twice: refused as the index comes back.
        row = {**_RECORD, "customer_ref": "K2"}
        conn.execute(insert(borrower_records), [{"id": 2, **row}, {"id": 3, **row}])
    assert keys() == before
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(borrower_records)).scalar_one() == 1


INTEGERS = pl.DataFrame(
    {
        "key_hash": [-(2**63), 2**63 - 1, 0, -1],
        "count": [-(2**31), 2**31 - 1, 7, 0],
        "region": [-(2**15), 2**15 - 1, 12, 0],
    },
    schema={"key_hash": pl.Int64, "count": pl.Int64, "region": pl.Int16},
)
_INTEGER_TYPES = {"key_hash": pl.Int64(), "count": pl.Int32(), "region": pl.Int16()}


def test_frames_of_integers_go_in_whole_at_their_columns_widths(db: Engine) -> None:
    """On PostgreSQL they take the binary COPY, each value at its column's width (a BIGINT,
    an INTEGER and a SMALLINT here, at their extremes); on SQLite, `executemany`."""
    with db.begin() as conn:
        bulk.create_temp_table(conn, "numbers", _INTEGER_TYPES)
        bulk.insert_frame(conn, "numbers", INTEGERS)
        back = bulk.read_frame(
            conn,
            "SELECT key_hash, count, region FROM numbers ORDER BY key_hash",
            schema=INTEGERS.schema,
        )
    assert back.equals(INTEGERS.sort("key_hash"))


def test_a_frame_of_integers_with_a_null_or_for_a_text_column_goes_as_text(db: Engine) -> None:
    """The binary layout is fixed: a null, or a column that is not an integer one, sends the
    frame through CSV instead, whole."""
    holes = INTEGERS.with_columns(count=pl.Series([None, 1, 2, 3], dtype=pl.Int64))
    with db.begin() as conn:
        bulk.create_temp_table(conn, "numbers", _INTEGER_TYPES)
        bulk.insert_frame(conn, "numbers", holes)
        bulk.create_temp_table(conn, "labels", {"key_hash": pl.String(), "count": pl.Int64()})
        bulk.insert_frame(conn, "labels", INTEGERS.select("key_hash", "count"))
        back = bulk.read_frame(
            conn,
            "SELECT key_hash, count, region FROM numbers ORDER BY key_hash",
            schema=INTEGERS.schema,
        )
        labels = conn.execute(select(func.count()).select_from(text("labels"))).scalar_one()
        texts = conn.execute(text("SELECT key_hash FROM labels ORDER BY count")).scalars().all()
    assert back.equals(holes.sort("key_hash"))
    assert labels == 4
    assert texts == ["-9223372036854775808", "-1", "0", "9223372036854775807"]


def test_a_value_too_wide_for_its_column_is_refused_by_postgresql(db: Engine) -> None:
    """Polars' strict cast to the column's width refuses it before anything is sent; SQLite
    has no widths and keeps it."""
    too_wide = pl.DataFrame({"region": [2**15]}, schema={"region": pl.Int64})
    with db.connect() as conn:
        bulk.create_temp_table(conn, "numbers", {"region": pl.Int16()})
        if db.dialect.name == "postgresql":
            with pytest.raises(pl.exceptions.InvalidOperationError, match="32768"):
                bulk.insert_frame(conn, "numbers", too_wide)
        else:
            bulk.insert_frame(conn, "numbers", too_wide)
            assert conn.execute(text("SELECT region FROM numbers")).scalar_one() == 2**15
