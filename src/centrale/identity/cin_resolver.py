"""The interim resolver: one person per normalised CIN.

It joins strangers whose CINs collide and splits a person whose CIN was mistyped; the
probabilistic model replaces it (see `centrale.identity`), behind the same seam.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from centrale.identity.seam import LINK_SCHEMA
from centrale.store.persons import link_by_cin_in_database, persons_for_cins

if TYPE_CHECKING:
    from sqlalchemy import Connection


class CinResolver:
    name = "cin"

    def link(self, conn: Connection, records: pl.DataFrame) -> pl.DataFrame:
        """Link each record to the person of its CIN (score 1.0: an exact key)."""
        if records.is_empty():
            return pl.DataFrame(schema=LINK_SCHEMA)
        persons = persons_for_cins(conn, records.get_column("cin_norm"))
        return (
            records.select("borrower_record_id", "cin_norm")
            .join(persons, on="cin_norm", how="left")
            .select(
                "borrower_record_id",
                "person_id",
                pl.lit(1.0, dtype=pl.Float64).alias("match_score"),
            )
        )

    def link_in_database(self, conn: Connection, customers_table: str) -> None:
        """The same decision as `link`, made in SQL over the submission's staged customers."""
        link_by_cin_in_database(conn, customers_table)
