"""Vectorised month arithmetic: months as integer indexes, days as `datetime64[D]`.

A month index is `year * 12 + month - 1`, so consecutive months differ by one and a loan's
age in months is a subtraction. Arrays of dates stay NumPy `datetime64[D]` until the rows are
written, where Polars turns them into `YYYY-MM-DD`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from centrale.domain.period import Period

_EPOCH_MONTH = 1970 * 12
Days = NDArray[np.datetime64]
Ints = NDArray[np.int64]


def month_index(period: str | Period) -> int:
    """The month index of a `YYYY-MM` period.

    >>> month_index("2025-01") - month_index("2024-12")
    1
    """
    value = Period.parse(period) if isinstance(period, str) else period
    return value.year * 12 + value.month - 1


def period_text(index: int) -> str:
    """`YYYY-MM` of a month index.

    >>> period_text(month_index("2025-03"))
    '2025-03'
    """
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def first_day(months: Ints | int) -> Days:
    """First day of each month index.

    >>> str(first_day(month_index("2024-02")))
    '2024-02-01'
    """
    as_month = np.datetime64("1970-01", "M") + (np.asarray(months) - _EPOCH_MONTH)
    return as_month.astype("datetime64[D]")


def last_day(months: Ints | int) -> Days:
    """Last day of each month index.

    >>> str(last_day(month_index("2024-02")))
    '2024-02-29'
    """
    return first_day(np.asarray(months) + 1) - np.timedelta64(1, "D")


def days_in_month(months: Ints | int) -> Ints:
    """Number of days of each month index."""
    return (first_day(np.asarray(months) + 1) - first_day(months)).astype(np.int64)


def day_in_month(months: Ints, day: Ints) -> Days:
    """The date of day `day` (1-based) of each month, clipped to the month's last day.

    >>> str(day_in_month(np.array([month_index("2023-02")]), np.array([31]))[0])
    '2023-02-28'
    """
    clipped = np.minimum(day, days_in_month(months))
    return first_day(months) + (clipped - 1).astype("timedelta64[D]")


def months_of(days: Days) -> Ints:
    """Month index of each date."""
    return days.astype("datetime64[M]").astype(np.int64) + _EPOCH_MONTH


def day_of_month(days: Days) -> Ints:
    """Day of the month (1-based) of each date."""
    return (days - days.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1


def random_day_between(rng: np.random.Generator, low: Days, high: Days) -> Days:
    """One uniformly drawn date in each closed interval `[low, high]`."""
    span = (high - low).astype(np.int64)
    offsets = np.floor(rng.random(span.shape) * (span + 1)).astype(np.int64)
    return low + offsets.astype("timedelta64[D]")
