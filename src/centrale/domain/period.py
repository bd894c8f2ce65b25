"""Reporting months (`YYYY-MM`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


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
        match = _PERIOD.match(text.strip())
        if not match:
            raise ValueError(f"'{text}' n'est pas un mois valide ; utilisez AAAA-MM (ex. 2024-03)")
        return cls(int(match.group(1)), int(match.group(2)))

    def next(self) -> Period:
        return Period(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Period:
        return Period(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def is_period(text: str) -> bool:
    return bool(_PERIOD.match(text))
