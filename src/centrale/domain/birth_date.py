"""How close two birth dates are, as clerks mistype them.

Beyond equality, the usual slips are day and month swapped (03/04 read as 04/03), a year
off by one, and one mistyped digit. Each is a level of the identity model's birth-date
comparison, whose weight the model estimates from the data.
"""

from __future__ import annotations

from datetime import date

#: Levels of closeness, from the closest; the model's birth-date comparison uses them.
LEVELS = ("exact", "day_month_swapped", "year_off_by_one", "one_digit", "different")


def _digits(day: date) -> str:
    return day.strftime("%Y%m%d")


def birth_date_closeness(a: date | None, b: date | None) -> str | None:
    """The closest level of `LEVELS` that describes `a` against `b`; None if one is missing.

    >>> birth_date_closeness(date(1980, 3, 4), date(1980, 4, 3))
    'day_month_swapped'
    >>> birth_date_closeness(date(1980, 3, 4), date(1981, 3, 4))
    'year_off_by_one'
    >>> birth_date_closeness(date(1980, 3, 4), date(1980, 3, 14))
    'one_digit'
    """
    if a is None or b is None:
        return None
    if a == b:
        return "exact"
    if a.year == b.year and a.day == b.month and a.month == b.day:
        return "day_month_swapped"
    if abs(a.year - b.year) == 1 and a.month == b.month and a.day == b.day:
        return "year_off_by_one"
    if sum(x != y for x, y in zip(_digits(a), _digits(b), strict=True)) == 1:
        return "one_digit"
    return "different"
