"""The name tables as arrays: weights to draw names, Arabic forms, Latin spellings.

A name is an index into its table. Its spellings are stored flat (`spellings`), the name's
own run starting at `first_spelling[i]` and `spelling_count[i]` long, so that picking one
spelling per person is a gather, not a loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray

from centrale.synth.first_names import FEMALE, MALE
from centrale.synth.surnames import SURNAMES


@dataclass(frozen=True)
class NameTable:
    """Names of one kind (first names or surnames), ready for vectorised draws."""

    weights: NDArray[np.float64]
    arabic: NDArray[np.str_]
    spellings: NDArray[np.str_]
    first_spelling: NDArray[np.int64]
    spelling_count: NDArray[np.int64]
    #: 0 for men, 1 for women; all zeros for surnames.
    female: NDArray[np.int8]

    def __len__(self) -> int:
        return len(self.weights)

    def canonical(self) -> NDArray[np.str_]:
        """The usual spelling of every name."""
        return self.spellings[self.first_spelling]

    def draw(self, rng: np.random.Generator, size: int, female: int | None = None) -> NDArray:
        """`size` name indexes drawn by frequency, among one sex when `female` is given.

        >>> len(first_names().draw(np.random.default_rng(0), 5, female=1))
        5
        """
        weights = self.weights.copy()
        if female is not None:
            weights[self.female != female] = 0.0
        return rng.choice(len(weights), size=size, p=weights / weights.sum())


def _parse(text: str, female: int) -> list[tuple[float, str, list[str], int]]:
    rows = []
    for line in text.strip().splitlines():
        weight, arabic, spellings = (part.strip() for part in line.split("|"))
        rows.append((float(weight), arabic, [s.strip() for s in spellings.split(",")], female))
    return rows


def _table(rows: list[tuple[float, str, list[str], int]]) -> NameTable:
    counts = np.array([len(r[2]) for r in rows], dtype=np.int64)
    return NameTable(
        weights=np.array([r[0] for r in rows]),
        arabic=np.array([r[1] for r in rows]),
        spellings=np.array([s for r in rows for s in r[2]]),
        first_spelling=np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64),
        spelling_count=counts,
        female=np.array([r[3] for r in rows], dtype=np.int8),
    )


@cache
def first_names() -> NameTable:
    """Men's and women's first names in one table (`female` tells them apart)."""
    return _table(_parse(MALE, 0) + _parse(FEMALE, 1))


@cache
def surnames() -> NameTable:
    """Family names."""
    return _table(_parse(SURNAMES, 0))


@cache
def similar_first_names() -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """For each first name, the names a relative of the same sex may carry that look alike.

    A name is similar to itself (a son named after his father) and to the names of the
    same sex that start with the same four letters (`Abdelkader` / `Abdelkrim`,
    `Fatima` / `Fatima Zahra`). Returned flat: (indexes, first, count) as in `NameTable`.
    """
    table = first_names()
    stems = np.char.lower(np.char.replace(table.canonical(), " ", ""))
    stems = np.array([s[:4] for s in stems])
    groups = [
        np.flatnonzero((stems == stems[i]) & (table.female == table.female[i]))
        for i in range(len(table))
    ]
    counts = np.array([len(g) for g in groups], dtype=np.int64)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    return np.concatenate(groups).astype(np.int64), first, counts


def pick_in_runs(
    rng: np.random.Generator, first: NDArray[np.int64], count: NDArray[np.int64]
) -> NDArray[np.int64]:
    """One flat position drawn uniformly inside each run `[first, first + count)`."""
    return first + np.floor(rng.random(len(first)) * count).astype(np.int64)
