"""String and date measures over aligned columns of candidate pairs, vectorised.

Each function takes the left and right values of n pairs and returns n numbers; a missing
value on either side gives NaN (or -1 for integer measures) so that the model can treat it
as "no evidence". rapidfuzz's `cpdist` runs the element-wise comparisons in C++ threads.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from rapidfuzz import process
from rapidfuzz.distance import OSA, JaroWinkler

#: Below this many pairs, plain Python over lists beats Polars' per-call overhead (one-record
#: resolution compares a few dozen candidates).
SMALL = 512


def _strings(series: pl.Series) -> list[str]:
    if len(series) < SMALL:
        return ["" if v is None else str(v) for v in series.to_list()]
    return series.cast(pl.String).fill_null("").to_list()


def missing(left: pl.Series, right: pl.Series) -> np.ndarray:
    """True where either side is null or empty.

    >>> missing(pl.Series(["a", None]), pl.Series(["b", "c"])).tolist()
    [False, True]
    """
    if len(left) < SMALL:
        pairs = zip(left.to_list(), right.to_list(), strict=True)
        return np.array([a is None or b is None or a == "" or b == "" for a, b in pairs], bool)
    empty_left = left.is_null() | (left.cast(pl.String) == "")
    empty_right = right.is_null() | (right.cast(pl.String) == "")
    return (empty_left | empty_right).fill_null(True).to_numpy()


def equal(left: pl.Series, right: pl.Series) -> np.ndarray:
    """True where both sides are present and equal.

    >>> equal(pl.Series(["a", None]), pl.Series(["a", None])).tolist()
    [True, False]
    """
    if len(left) < SMALL:
        pairs = zip(left.to_list(), right.to_list(), strict=True)
        return np.array([a is not None and a == b for a, b in pairs], dtype=bool)
    return (left == right).fill_null(False).to_numpy()


def jaro_winkler(left: pl.Series, right: pl.Series) -> np.ndarray:
    """Jaro-Winkler similarity in [0, 1], NaN where a side is missing.

    >>> jaro_winkler(pl.Series(["martha"]), pl.Series(["marhta"])).round(3).tolist()
    [0.961]
    """
    if len(left) == 0:
        return np.zeros(0)
    scores = process.cpdist(
        _strings(left),
        _strings(right),
        scorer=JaroWinkler.normalized_similarity,
        dtype=np.float32,
        workers=1 if len(left) < SMALL else -1,
    ).astype(np.float64)
    scores[missing(left, right)] = np.nan
    return scores


def osa_distance(left: pl.Series, right: pl.Series) -> np.ndarray:
    """Optimal-string-alignment edit distance (a transposition counts 1), -1 where missing.

    >>> osa_distance(pl.Series(["A123456"]), pl.Series(["A124356"])).tolist()
    [1]
    """
    if len(left) == 0:
        return np.zeros(0, dtype=np.int32)
    dist = process.cpdist(
        _strings(left),
        _strings(right),
        scorer=OSA.distance,
        dtype=np.int32,
        workers=1 if len(left) < SMALL else -1,
    )
    dist[missing(left, right)] = -1
    return dist
