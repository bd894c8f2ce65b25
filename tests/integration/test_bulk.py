"""Set-based movement of frames (`centrale.store.bulk`), on both backends, across slices."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from sqlalchemy import Engine, inspect

from centrale.store import bulk
from centrale.store.identity_tables import identity_features

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
