"""Persons by key: the interim CIN resolver's SQL."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, text

from centrale.store.bulk import create_temp_table, insert_frame, read_frame


def persons_for_cins(conn: Connection, cins: pl.Series) -> pl.DataFrame:
    """The person of each normalised CIN, creating persons for CINs never seen.

    Returns a frame `cin_norm, person_id`.
    """
    keys = pl.DataFrame({"cin_norm": cins.unique().drop_nulls()})
    create_temp_table(conn, "cin_keys", dict(keys.schema))
    insert_frame(conn, "cin_keys", keys)
    conn.execute(
        text(
            "INSERT INTO persons (cin_norm) SELECT k.cin_norm FROM cin_keys k "
            "WHERE NOT EXISTS (SELECT 1 FROM persons p WHERE p.cin_norm = k.cin_norm)"
        )
    )
    found = read_frame(
        conn,
        "SELECT k.cin_norm, MIN(p.id) AS person_id FROM cin_keys k "
        "JOIN persons p ON p.cin_norm = k.cin_norm GROUP BY k.cin_norm",
        schema={"cin_norm": pl.String(), "person_id": pl.Int64()},
    )
    conn.execute(text("DROP TABLE cin_keys"))
    return found
