"""Turning similarity measures into comparison levels (0 = closest, -1 = missing)."""

from __future__ import annotations

import numpy as np
import polars as pl

from centrale.identity.similarity import equal, jaro_winkler, missing, osa_distance


def first_true(miss: np.ndarray, *conditions: np.ndarray) -> np.ndarray:
    """Level of the first condition that holds, `len(conditions)` if none; -1 where missing.

    >>> first_true(np.array([False, False, True]), np.array([True, False, True])).tolist()
    [0, 1, -1]
    """
    out = np.full(len(miss), len(conditions), dtype=np.int8)
    for level in range(len(conditions) - 1, -1, -1):
        out[conditions[level]] = level
    out[miss] = -1
    return out


def text_levels(left: pl.Series, right: pl.Series, bounds: tuple[float, ...]) -> np.ndarray:
    """Exact, then Jaro-Winkler at or above each bound in turn, then different.

    >>> text_levels(pl.Series(["anna", "anna"]), pl.Series(["anna", "anne"]), (0.85,)).tolist()
    [0, 1]
    """
    jw = jaro_winkler(left, right)
    return first_true(missing(left, right), equal(left, right), *(jw >= b for b in bounds))


def edit_levels(left: pl.Series, right: pl.Series, most: int) -> np.ndarray:
    """Level d for an edit distance d up to `most`, then `most + 1`; -1 where missing.

    >>> edit_levels(pl.Series(["A12", "A12", None]), pl.Series(["A12", "A21", "A1"]), 1).tolist()
    [0, 1, -1]
    """
    miss = missing(left, right)
    if most == 0:
        return first_true(miss, equal(left, right))
    dist = osa_distance(left, right)
    return first_true(miss, *(dist == d for d in range(most + 1)))
