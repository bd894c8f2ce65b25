"""Rows that contradict what the file said higher up: a contract given twice, a client given
with two identities.

The first valid row of a contract, and of a client, is the one kept; each later row that
repeats the contract, or gives the client another CIN, is a problem of that row, whether or
not the row has other problems (a row is reported with every problem it has).

Each chunk meets what the earlier chunks said through lookups of its contracts and clients
in a `RefIndex`, which grows to the whole file without being hashed again for each chunk.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from centrale.ingest.rules import PROBLEM_SCHEMA
from centrale.store.ref_index import RefIndex


@dataclass(frozen=True)
class Kept:
    """A chunk's valid rows that repeat nothing (`valid`), which of them is its client's
    first row in the file (`first_of_customer`, aligned with `valid`), and the `problems`
    of the rows that repeat an earlier one."""

    valid: pl.DataFrame
    first_of_customer: pl.Series
    problems: pl.DataFrame


class Repeats:
    """What the chunks read so far said of contracts and clients (their first valid rows)."""

    def __init__(self) -> None:
        self._contracts = RefIndex(
            pl.DataFrame(schema={"contract_ref": pl.String}), key="contract_ref"
        )
        self._customers = RefIndex(
            pl.DataFrame(schema={"customer_ref": pl.String, "first_cin": pl.String}),
            key="customer_ref",
        )

    def split(self, chunk: pl.DataFrame, valid: pl.DataFrame) -> Kept:
        """Check a chunk (its raw rows) and its valid rows against each other and against
        the earlier chunks."""
        is_valid = chunk.get_column("row").is_in(valid.get_column("row").implode())
        earlier = self._contracts.contains(chunk.get_column("contract_ref"))
        refs = valid.get_column("contract_ref")
        again = earlier.filter(is_valid) | (refs.is_duplicated() & ~refs.is_first_distinct())
        kept = valid.filter(~again)
        rejected = chunk.filter(~is_valid).select("row", "contract_ref")
        repeated = pl.concat(
            [
                valid.filter(again).select("row", "contract_ref"),
                rejected.filter(earlier.filter(~is_valid)),
                rejected.join(kept.select("contract_ref", first="row"), on="contract_ref")
                .filter(pl.col("row") > pl.col("first"))
                .select("row", "contract_ref"),
            ]
        )
        kept, first, conflicts = self._identities(kept)
        self._contracts.add(kept.select("contract_ref"))
        problems = pl.concat([_repeated_contracts(repeated), conflicts]).cast(PROBLEM_SCHEMA)
        return Kept(kept, first, problems)

    def _identities(self, kept: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series, pl.DataFrame]:
        """(rows kept, which is its client's first, conflicts): a client's rows must give the
        CIN of its first row, in an earlier chunk (`_customers`) or in this one."""
        checked = kept.with_columns(self._customers.find(kept.get_column("customer_ref")))
        new = checked.get_column("first_cin").is_null()
        first = new & checked.get_column("customer_ref").is_first_distinct()
        firsts = checked.filter(first).select("customer_ref", first_cin="cin_norm")
        self._customers.add(firsts)
        # Few rows are a new client's second: they alone are joined to this chunk's firsts.
        again_here = (
            checked.filter(new & ~first)
            .drop("first_cin")
            .join(firsts, on="customer_ref", how="left", maintain_order="left")
        )
        conflicts = pl.concat([checked.filter(~new), again_here]).filter(
            pl.col("cin_norm") != pl.col("first_cin")
        )
        other = checked.get_column("row").is_in(conflicts.get_column("row").implode())
        problems = conflicts.sort("row").select(
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
        return kept.filter(~other), first.filter(~other), problems


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
