"""Comparing two persons' names across spellings, scripts, and the order of first and last.

Each name part is compared on every form both records have: the Latin normal form, the
Arabic normal form, and the cross-script keys (Latin or Arabic on either side). When a pair
matches better with first and last names crossed (`Karim Mohamed` / `Mohamed Karim`), the
crossed reading is the one kept: clerks swap the two fields often.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from centrale.identity.similarity import equal, jaro_winkler, missing

#: Jaro-Winkler bounds of the `close` and `similar` levels on the Latin normal forms.
CLOSE, SIMILAR = 0.92, 0.80


def part_levels(
    left: pl.DataFrame, right: pl.DataFrame, lpart: str, rpart: str
) -> tuple[np.ndarray, np.ndarray]:
    """Levels (exact, same_key, close, similar, different; -1 missing) of `left`'s name part
    `lpart` ("ln" or "fn") against `right`'s `rpart`, and a grade for choosing an order.
    """
    lat_l, lat_r = left[lpart], right[rpart]
    ar_l, ar_r = left[lpart + "_ar"], right[rpart + "_ar"]
    key_l, key_r = left[lpart + "_key"], right[rpart + "_key"]
    ark_l, ark_r = left[lpart + "_ark"], right[rpart + "_ark"]
    exact = equal(lat_l, lat_r) | equal(ar_l, ar_r)
    same_key = equal(key_l, key_r) | equal(ark_l, ark_r) | equal(key_l, ark_r)
    same_key |= equal(ark_l, key_r)
    jw = np.nan_to_num(jaro_winkler(lat_l, lat_r))
    levels = np.full(len(lat_l), 4, dtype=np.int8)
    levels[jw >= SIMILAR] = 3
    levels[jw >= CLOSE] = 2
    levels[same_key] = 1
    levels[exact] = 0
    levels[missing(lat_l, lat_r) & missing(ar_l, ar_r)] = -1
    grade = np.where(levels >= 0, 4 - levels, 0) + jw / 10
    return levels, grade


def name_levels(left: pl.DataFrame, right: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Last-name and first-name levels of aligned pairs, in the better of the two orders.

    >>> from centrale.identity.borrowers import BorrowerSpec
    >>> rows = lambda ln, fn: BorrowerSpec().prepare(pl.DataFrame(
    ...     {"last_name": [ln], "first_name": [fn], "last_name_ar": [None],
    ...      "first_name_ar": [None], "cin_norm": ["A1"], "phone": [None],
    ...      "birth_date": [None]}, schema_overrides={"birth_date": pl.Date,
    ...      "last_name_ar": pl.String, "first_name_ar": pl.String, "phone": pl.String}))
    >>> [x.tolist() for x in name_levels(rows("Alami", "Karim"), rows("Karim", "Alami"))]
    [[0], [0]]
    """
    last, last_grade = part_levels(left, right, "ln", "ln")
    first, first_grade = part_levels(left, right, "fn", "fn")
    weak = np.flatnonzero((last != 0) | (first != 0))
    if len(weak) == 0:
        return last, first
    index = pl.Series(weak)
    sub_left, sub_right = left[index], right[index]
    crossed_last, grade_a = part_levels(sub_left, sub_right, "ln", "fn")
    crossed_first, grade_b = part_levels(sub_left, sub_right, "fn", "ln")
    better = (grade_a + grade_b) > (last_grade[weak] + first_grade[weak]) + 0.5
    chosen = weak[better]
    last[chosen] = crossed_last[better]
    first[chosen] = crossed_first[better]
    return last, first
