"""The one interface through which ingestion links borrower records to persons.

Ingestion hands the resolver the borrower records that are new or whose identity fields
changed in a submission, inside the submission's transaction; the resolver decides which person
each belongs to (creating persons as needed, writing its own evidence through the same
connection) and returns the decision. Ingestion then stores `person_id` and `match_score` on
the records. A resolver never commits: the submission's transaction is all or nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

import polars as pl

if TYPE_CHECKING:
    from sqlalchemy import Connection

#: Columns of the frame handed to `IdentityResolver.link`, with their Polars types.
RECORD_SCHEMA: dict[str, pl.DataType] = {
    "borrower_record_id": pl.Int64(),
    "institution_id": pl.Int64(),
    "customer_ref": pl.String(),
    "cin_norm": pl.String(),
    "last_name": pl.String(),
    "first_name": pl.String(),
    "last_name_ar": pl.String(),
    "first_name_ar": pl.String(),
    "birth_date": pl.Date(),
    "gender": pl.String(),
    "phone": pl.String(),  # E.164, or null
    "region": pl.Int16(),
}

#: Columns of the frame `IdentityResolver.link` returns: one row per record handed in.
LINK_SCHEMA: dict[str, pl.DataType] = {
    "borrower_record_id": pl.Int64(),
    "person_id": pl.Int64(),
    "match_score": pl.Float64(),
}


class IdentityResolver(Protocol):
    """Links borrower records to persons; see the module docstring for the contract."""

    name: str

    def link(self, conn: Connection, records: pl.DataFrame) -> pl.DataFrame:
        """Return `LINK_SCHEMA` rows for every row of `records` (`RECORD_SCHEMA`)."""
        ...


@runtime_checkable
class LinksInDatabase(Protocol):
    """A resolver that can link a submission's records without them leaving the database.

    Ingestion prefers this path when offered. Before the borrower records are written, the
    resolver receives the name of the staged customers table (one row per customer: the
    borrower record's columns, with `person_id` and `match_score` empty) and fills those two
    columns, in SQL, for the customers listed in the temporary table `link_refs`; ingestion
    then writes them with the records.
    """

    def link_in_database(self, conn: Connection, customers_table: str) -> None: ...
