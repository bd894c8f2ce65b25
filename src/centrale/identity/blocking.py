"""Candidate pairs: records that share at least one blocking key, found by equi-joins.

A blocking key is a column of the features frame (a list column gives several keys per
record, e.g. the CIN's deletion keys). The union over keys is the set of candidate pairs;
only those are compared, so recall is bounded by it. Keys shared by more than `max_block`
records (a family phone shared by a whole village, a very common name on an unknown birth
date) are skipped: they would cost quadratic time for pairs the other keys already bring.
"""

from __future__ import annotations

import polars as pl

PAIR_SCHEMA = {"left": pl.UInt32, "right": pl.UInt32}
_SEED = 20090401


def _key_rows(frame: pl.DataFrame, key: str, max_block: int) -> pl.DataFrame:
    # Joined on a 64-bit hash of the key, not on its text: a fraction of the memory and faster
    # joins over a million records' CIN keys. A collision adds a candidate pair, which the
    # comparisons score as the stranger it is, or at worst pushes a block past `max_block`;
    # among a few million keys its odds are about one in a million million.
    column = pl.col(key)
    if isinstance(frame.schema[key], pl.List):
        hashed = column.list.drop_nulls().list.eval(pl.element().hash(_SEED))
    else:
        hashed = pl.when(column.is_not_null()).then(column.hash(_SEED))
    rows = frame.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("row"), hashed.alias(key))
    if isinstance(frame.schema[key], pl.List):
        rows = rows.explode(key)
    rows = rows.drop_nulls(key).unique()
    return rows.filter(pl.len().over(key) <= max_block)


def pairs_within(frame: pl.DataFrame, keys: list[str], max_block: int = 64) -> pl.DataFrame:
    """Row-index pairs (left < right) of `frame` sharing a key.

    >>> f = pl.DataFrame({"cin": ["A1", "A1", "B2", None]})
    >>> pairs_within(f, ["cin"]).rows()
    [(0, 1)]
    """
    parts = []
    for key in keys:
        rows = _key_rows(frame, key, max_block)
        joined = rows.join(rows, on=key, suffix="_r").filter(pl.col("row") < pl.col("row_r"))
        parts.append(joined.select(left="row", right="row_r"))
    return _union(parts)


def pairs_between(
    left: pl.DataFrame, right: pl.DataFrame, keys: list[str], max_block: int = 64
) -> pl.DataFrame:
    """Row-index pairs (row of `left`, row of `right`) sharing a key.

    >>> a = pl.DataFrame({"cin": ["A1", "B2"]})
    >>> b = pl.DataFrame({"cin": ["B2", "C3", "A1"]})
    >>> sorted(pairs_between(a, b, ["cin"]).rows())
    [(0, 2), (1, 0)]
    """
    parts = []
    for key in keys:
        rows_left = _key_rows(left, key, max_block)
        rows_right = _key_rows(right, key, max_block)
        joined = rows_left.join(rows_right, on=key, suffix="_r")
        parts.append(joined.select(left="row", right="row_r"))
    return _union(parts)


def _union(parts: list[pl.DataFrame]) -> pl.DataFrame:
    if not parts:
        return pl.DataFrame(schema=PAIR_SCHEMA)
    return pl.concat(parts).unique().sort("left", "right")
