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
    """Break about `rate` of `rows` (format v1 columns); return the rows, as text, and how many
    were broken.

    >>> frame = pl.DataFrame({"amount": [5000], "phone": ["0612345678"]})
    >>> break_rows(np.random.default_rng(0), frame, 0.0)[1]
    0
    """
    n = rows.height
    hit = rng.random(n) < rate
    kind = np.where(hit, rng.integers(0, len(KINDS), n), -1)
    pick = rng.integers(0, 1_000, n)
    rows = rows.with_columns(pl.exclude("month").cast(pl.String))
    if not hit.any():
        return rows, 0
    rows = rows.with_columns(pl.Series("_kind", kind), pl.Series("_pick", pick))
    k = pl.col("_kind")

    def on(name: str) -> pl.Expr:
        return k == KINDS.index(name)

    disbursed = pl.col("disbursed_on").str.to_date()
    slashed = disbursed.dt.strftime("%d/%m/%Y")
    impossible = disbursed.dt.strftime("%Y-02-30")
    before = (disbursed - pl.duration(days=1 + pl.col("_pick") % 90)).dt.strftime("%Y-%m-%d")
    missing = pl.col("_pick") % len(_REQUIRED_MISSED)
    updates = [
        pl.when(on("bad_date"))
        .then(pl.when(pl.col("_pick") % 2 == 0).then(slashed).otherwise(impossible))
        .otherwise("disbursed_on")
        .alias("disbursed_on"),
        pl.when(on("negative_amount"))
        .then("-" + pl.col("amount"))
        .otherwise("amount")
        .alias("amount"),
        pl.when(on("unknown_product"))
        .then(pl.lit(pl.Series(_UNKNOWN_PRODUCTS)).gather(pl.col("_pick") % len(_UNKNOWN_PRODUCTS)))
        .otherwise("product")
        .alias("product"),
        pl.when(on("maturity_before_disbursement"))
        .then(before)
        .otherwise("maturity_on")
        .alias("maturity_on"),
        pl.when(on("bad_phone"))
        .then(pl.format("06 {}", pl.col("_pick")))
        .otherwise("phone")
        .alias("phone"),
    ]
    rows = rows.with_columns(updates)
    blanks = [
        pl.when(on("missing_required") & (missing == i)).then(None).otherwise(c).alias(c)
        for i, c in enumerate(_REQUIRED_MISSED)
    ]
    rows = rows.with_columns(blanks).drop("_kind", "_pick")
    return rows, int(hit.sum())
