"""Reporting months (`YYYY-MM`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

#: ASCII digits only (`\d` takes Arabic-Indic ones too), matched whole (`$` lets "\n" by).
_PERIOD = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")


@dataclass(frozen=True, order=True)
class Period:
    """A reporting month.

    >>> Period.parse("2024-03").next()
    Period(year=2024, month=4)
    """

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD.fullmatch(text.strip())
        if not match:
            raise ValueError(
                f"« {text} » n'est pas un mois valide ; utilisez AAAA-MM (ex. 2024-03)"
            )
        return cls(int(match.group(1)), int(match.group(2)))

    def next(self) -> Period:
        return Period(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Period:
        return Period(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def is_period(text: str) -> bool:
    """
    >>> is_period("2025-01"), is_period("2025-01\\n"), is_period("٢٠٢٥-01")
    (True, False, False)
    """
    return bool(_PERIOD.fullmatch(text))


def months_held(periods: list[str]) -> str:
    """The months a registry holds, said for a message: a run as a range, else each one.

    >>> months_held(["2025-01"]), months_held(["2025-01", "2025-02", "2025-03"])
    ('seul mois disponible : 2025-01', 'mois disponibles : de 2025-01 à 2025-03')
    >>> months_held(["2025-01", "2025-03"])
    'mois disponibles : 2025-01, 2025-03'
    """
    if len(periods) == 1:
        return f"seul mois disponible : {periods[0]}"
    months = [Period.parse(p) for p in periods]
    if all(later == earlier.next() for earlier, later in pairwise(months)):
        return f"mois disponibles : de {periods[0]} à {periods[-1]}"
    if len(periods) <= 12:
        return "mois disponibles : " + ", ".join(periods)
    return (
        f"{len(periods)} mois disponibles, de {periods[0]} à {periods[-1]}, avec des mois "
        "manquants ; voyez centrale submissions list"
    )
