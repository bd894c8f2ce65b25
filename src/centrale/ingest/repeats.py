"""Rows that contradict what the file said higher up: a contract given twice, a client given
with two identities.

The first valid row of a contract, and of a client, is the one kept; each later row that
repeats the contract, or gives the client another CIN, is a problem of that row, whether or
not the row has other problems (a row is reported with every problem it has).
"""

from __future__ import annotations

import polars as pl

from centrale.ingest.rules import PROBLEM_SCHEMA


class Repeats:
    """What the chunks read so far said of contracts and clients (their first valid rows)."""

    def __init__(self) -> None:
        self._contracts = pl.DataFrame(schema={"contract_ref": pl.String, "first": pl.Int64})
        self._customers = pl.DataFrame(schema={"customer_ref": pl.String, "first_cin": pl.String})

    def split(self, chunk: pl.DataFrame, valid: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        """(the valid rows kept, the problems of rows repeating an earlier one) of a chunk
        (its raw rows) and its valid rows."""
        refs = valid.get_column("contract_ref")
        again = refs.is_in(self._contracts.get_column("contract_ref").implode()) | (
            refs.is_duplicated() & ~refs.is_first_distinct()
        )
        kept = valid.filter(~again)
        first_rows = pl.concat([self._contracts, kept.select("contract_ref", first="row")])
        rejected = chunk.filter(~pl.col("row").is_in(valid.get_column("row").implode()))
        repeated = pl.concat(
            [
                valid.filter(again).select("row", "contract_ref"),
                rejected.select("row", "contract_ref")
                .join(first_rows, on="contract_ref")
                .filter(pl.col("row") > pl.col("first"))
                .select("row", "contract_ref"),
            ]
        )
        kept, conflicts = self._identities(kept)
        self._contracts = pl.concat(
            [self._contracts, kept.select("contract_ref", first=pl.lit(0, dtype=pl.Int64))]
        )
        problems = pl.concat([_repeated_contracts(repeated), conflicts]).cast(PROBLEM_SCHEMA)
        return kept, problems

    def _identities(self, kept: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        known = self._customers.get_column("customer_ref").implode()
        new = (
            kept.filter(~pl.col("customer_ref").is_in(known))
            .unique("customer_ref", keep="first", maintain_order=True)
            .select("customer_ref", first_cin="cin_norm")
        )
        self._customers = pl.concat([self._customers, new])
        checked = kept.join(self._customers, on="customer_ref", how="left", maintain_order="left")
        other = checked.get_column("cin_norm") != checked.get_column("first_cin")
        conflicts = checked.filter(other).select(
            "row",
            pl.lit("cin").alias("column"),
            pl.lit("customer_identity_conflict").alias("code"),
            pl.format(
                "ligne {}, colonne « cin » : « {} » n'est pas la CIN que le client « {} » a "
                "plus haut dans le fichier ({}) ; un client n'a qu'une identité : vérifiez "
                "customer_ref et la CIN",
                "row",
                "cin",
                "customer_ref",
                "first_cin",
            ).alias("message"),
            pl.col("cin").alias("value"),
        )
        return kept.filter(~other), conflicts


def _repeated_contracts(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.sort("row").select(
        "row",
        pl.lit("contract_ref").alias("column"),
        pl.lit("duplicate_contract").alias("code"),
        pl.format(
            "ligne {}, colonne « contract_ref » : « {} » figure déjà plus haut dans le fichier ; "
            "un contrat ne doit apparaître qu'une fois par mois",
            "row",
            "contract_ref",
        ).alias("message"),
        pl.col("contract_ref").alias("value"),
    )
