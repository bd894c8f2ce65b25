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


def link_by_cin_in_database(conn: Connection, customers_table: str) -> None:
    """Persons for the CINs of the staged customers listed in `link_refs`, and their links."""
    conn.execute(
        text(
            f"INSERT INTO persons (cin_norm) SELECT DISTINCT s.cin_norm FROM {customers_table} s "
            "JOIN link_refs l ON l.customer_ref = s.customer_ref "
            "WHERE NOT EXISTS (SELECT 1 FROM persons p WHERE p.cin_norm = s.cin_norm)"
        )
    )
    if conn.dialect.name == "postgresql":
        # A first load multiplies the table's size: without fresh statistics the planner
        # probes persons row by row with a sequential scan.
        conn.execute(text("ANALYZE persons"))
    # An UPDATE of the unindexed staging table is cheap; the registry's rows are written once.
    # The person comes from an index probe per customer: a join against a grouped subquery
    # has no index on SQLite, and turns quadratic.
    conn.execute(
        text(
            f"UPDATE {customers_table} AS s SET match_score = 1.0, person_id = "
            "(SELECT MIN(p.id) FROM persons p WHERE p.cin_norm = s.cin_norm) "
            "FROM link_refs l WHERE l.customer_ref = s.customer_ref"
        )
    )
