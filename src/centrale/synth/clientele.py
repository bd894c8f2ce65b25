"""The clients being written: each client's person and institution, and the institutions'
writing styles, with the random draws a style calls for."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from centrale.synth.institutions import WritingStyle, style_of
from centrale.synth.persons import Persons, draw_persons


def style_rates(styles: list[WritingStyle], field: str, institution: NDArray) -> NDArray:
    """One style field per row, from the row's institution (an index into `styles`)."""
    return np.array([getattr(s, field) for s in styles], dtype=np.float64)[institution]


@dataclass(frozen=True)
class Clientele:
    """Clients to write: `person[i]` is client i's person, `institution[i]` its lender."""

    rng: np.random.Generator
    persons: Persons
    person: NDArray[np.int64]
    institution: NDArray[np.int64]
    styles: list[WritingStyle]

    @classmethod
    def sample(cls, count: int, code: str = "AMANA", seed: int = 0) -> Clientele:
        """`count` persons, each a client of the institution `code`.

        >>> len(Clientele.sample(3).person)
        3
        """
        rng = np.random.default_rng(seed)
        persons = draw_persons(rng, count, np.datetime64("2025-01-01"))
        index = np.arange(count)
        return cls(rng, persons, index, np.zeros(count, dtype=np.int64), [style_of(code)])

    def __len__(self) -> int:
        return len(self.person)

    def rate(self, field: str) -> NDArray[np.float64]:
        """The rate a style field gives, for each client."""
        return style_rates(self.styles, field, self.institution)

    def shares(self, field: str) -> NDArray[np.float64]:
        """A tuple-valued style field (shares of ways of writing), one row per client."""
        return np.array([getattr(s, field) for s in self.styles])[self.institution]

    def chance(self, field: str) -> NDArray[np.bool_]:
        """A yes/no draw per client at the rate its institution's style gives for `field`."""
        return self.rng.random(len(self)) < self.rate(field)

    def pick(self, field: str) -> NDArray[np.int64]:
        """For each client, one way of writing drawn by the shares of a tuple-valued field."""
        shares = self.shares(field)
        cumulative = np.cumsum(shares / shares.sum(axis=1, keepdims=True), axis=1)
        drawn = (self.rng.random(len(self))[:, None] > cumulative).sum(axis=1)
        return np.minimum(drawn, shares.shape[1] - 1)
