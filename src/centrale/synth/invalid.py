"""A small share of rows broken on purpose, so that validation has something to reject.

Each broken row breaks exactly one rule of format v1, of one of these kinds: a date in the
wrong format or impossible, a negative amount, an unknown product, a maturity before the
disbursement, a missing required value, a phone that is not a Moroccan number.
"""

from __future__ import annotations

import numpy as np
import polars as pl

KINDS = (
    "bad_date",
    "negative_amount",
    "unknown_product",
    "maturity_before_disbursement",
    "missing_required",
    "bad_phone",
)
_UNKNOWN_PRODUCTS = ["consommation", "Individuel", "credit_groupe", "habitat"]
_REQUIRED_MISSED = ["cin", "customer_ref", "last_name", "amount", "status", "disbursed_on"]


def break_rows(
    rng: np.random.Generator, rows: pl.DataFrame, rate: float
) -> tuple[pl.DataFrame, int]:
    """Break about `rate` of `rows` (format v1 columns, typed); return the rows, with
    `disbursed_on` as text, and how many were broken.

    >>> frame = pl.DataFrame({"amount": [5000], "disbursed_on": [None]})
    >>> break_rows(np.random.default_rng(0), frame, 0.0)[1]
    0
    """
    rows = rows.with_columns(pl.col("disbursed_on").cast(pl.String))
    hit = np.flatnonzero(rng.random(rows.height) < rate)
    if not len(hit):
        return rows, 0
    kind = rng.integers(0, len(KINDS), len(hit))
    pick = rng.integers(0, 1_000, len(hit))
    # Only the broken rows are computed on, then written back in place.
    broken = rows[hit].with_columns(
        pl.Series("_kind", [KINDS[k] for k in kind]), pl.Series("_pick", pick)
    )
    k, p = pl.col("_kind"), pl.col("_pick")
    disbursed = pl.col("disbursed_on").str.to_date()
    wrong_date = (
        pl.when(p % 2 == 0)
        .then(disbursed.dt.strftime("%d/%m/%Y"))
        .otherwise(disbursed.dt.strftime("%Y-02-30"))
    )
    broken = broken.with_columns(
        pl.when(k == "bad_date").then(wrong_date).otherwise("disbursed_on").alias("disbursed_on"),
        pl.when(k == "negative_amount").then(-pl.col("amount")).otherwise("amount").alias("amount"),
        pl.when(k == "unknown_product")
        .then(pl.lit(pl.Series(_UNKNOWN_PRODUCTS)).gather(p % len(_UNKNOWN_PRODUCTS)))
        .otherwise("product")
        .alias("product"),
        pl.when(k == "maturity_before_disbursement")
        .then(disbursed - pl.duration(days=1 + p % 90))
        .otherwise("maturity_on")
        .alias("maturity_on"),
        pl.when(k == "bad_phone").then(pl.format("06 {}", p)).otherwise("phone").alias("phone"),
    )
    missing = p % len(_REQUIRED_MISSED)
    broken = broken.with_columns(
        pl.when((k == "missing_required") & (missing == i)).then(None).otherwise(c).alias(c)
        for i, c in enumerate(_REQUIRED_MISSED)
    )
    touched = ["disbursed_on", "amount", "product", "maturity_on", "phone", *_REQUIRED_MISSED]
    rows = rows.with_columns(
        rows.get_column(c).scatter(hit, broken.get_column(c)) for c in dict.fromkeys(touched)
    )
    return rows, len(hit)
