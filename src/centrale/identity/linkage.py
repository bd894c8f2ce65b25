"""Training and scoring a model over any record type, given a `LinkageSpec`.

A spec says how to turn raw records into features, which blocking keys bring candidates
together, and how to compare two aligned frames of features into levels. The engine here
does the rest, set-based: candidate pairs by joins, comparisons by columns, EM on patterns.
The registry's own spec is `centrale.identity.borrowers`; the benchmarks add specs for the
public FEBRL and Splink data sets.

Why not Splink, which the benchmarks run beside this engine (`bench/identity_splink.py`):
- one-record resolution must answer an inquiry in under 10 ms at p99 against a million
  persons; Splink's `predict_between` spends about 100 ms on one record against 5,000, in
  SQL planning before any comparison, and cannot reuse a stored candidate index;
- the Moroccan misses to win back need comparisons Splink does not offer as levels (CIN
  digits transposed counted as one slip, day and month swapped, a third latent class for
  relatives who share a surname and a phone) and blocking on CIN deletion keys;
- on FEBRL 4, trained and linked in the same run, this engine is both more accurate and
  several times faster (docs/benchmarks.md).
The model is still Fellegi-Sunter with m and u estimated by EM on the registry's own data,
as Splink's is, so its weights read the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

import numpy as np
import polars as pl

from centrale.identity.blocking import PAIR_SCHEMA, pairs_between, pairs_within
from centrale.identity.model import Comparison, Model
from centrale.identity.train import Session, train_model

#: Pairs compared at a time: bounds the memory of the gathered feature columns.
CHUNK = 250_000


class LinkageSpec(Protocol):
    comparisons: ClassVar[list[Comparison]]
    blocking_keys: ClassVar[list[str]]
    max_block: ClassVar[int]
    #: EM sessions for m (see `centrale.identity.train.Session`); empty: one EM on all pairs.
    sessions: ClassVar[list[Session]]
    #: Comparisons on which relatives may agree (a third latent class); empty: two classes.
    household: ClassVar[set[str]]
    #: The feature columns `compare` reads: only they are gathered for each pair.
    compared: ClassVar[tuple[str, ...]]

    def prepare(self, records: pl.DataFrame) -> pl.DataFrame:
        """Features of `records`, one row per record, in the same order."""
        ...

    def compare(self, left: pl.DataFrame, right: pl.DataFrame) -> np.ndarray:
        """Levels (pairs x comparisons, int8, -1 missing) of aligned feature rows."""
        ...


def compare_pairs(
    spec: LinkageSpec, left: pl.DataFrame, right: pl.DataFrame, pairs: pl.DataFrame
) -> np.ndarray:
    """Levels of each pair (`left`, `right` row indices into the two feature frames).

    Only the columns the comparisons read (`spec.compared`) are gathered, a chunk of pairs
    at a time: a batch's frame also holds the records as reported, and gathering them too
    cost a third more memory.
    """
    out = np.empty((len(pairs), len(spec.comparisons)), dtype=np.int8)
    columns = list(spec.compared)
    left, right = left.select(columns), right.select(columns)
    for start in range(0, len(pairs), CHUNK):
        chunk = pairs.slice(start, CHUNK)
        out[start : start + len(chunk)] = spec.compare(left[chunk["left"]], right[chunk["right"]])
    return out


def linkage_columns(spec: LinkageSpec) -> list[str]:
    """The columns that blocking and comparing read: all that training needs of a record."""
    return list(dict.fromkeys([*spec.compared, *spec.blocking_keys]))


def random_pairs(left_size: int, right_size: int | None, count: int, seed: int = 0) -> pl.DataFrame:
    """`count` random pairs of distinct records (within one frame when `right_size` is None).

    >>> len(random_pairs(100, None, 50))
    50
    """
    rng = np.random.default_rng(seed)
    left = rng.integers(0, left_size, count, dtype=np.uint32)
    if right_size is None:
        shift = rng.integers(1, max(left_size, 2), count, dtype=np.uint32)
        right = (left + shift) % np.uint32(left_size)
    else:
        right = rng.integers(0, right_size, count, dtype=np.uint32)
    return pl.DataFrame({"left": left, "right": right})


def candidate_pairs(
    spec: LinkageSpec,
    left: pl.DataFrame,
    right: pl.DataFrame | None = None,
    *,
    keys: list[str] | None = None,
) -> pl.DataFrame:
    """Candidate pairs within `left` (dedupe) or between `left` and `right` (link), on the
    spec's blocking keys or on `keys`."""
    keys = spec.blocking_keys if keys is None else keys
    if right is None:
        return pairs_within(left, keys, spec.max_block)
    return pairs_between(left, right, keys, spec.max_block)


def train(
    spec: LinkageSpec,
    left: pl.DataFrame,
    right: pl.DataFrame | None = None,
    *,
    pairs: pl.DataFrame | None = None,
    levels: np.ndarray | None = None,
    random_count: int = 300_000,
    seed: int = 0,
) -> Model:
    """Estimate a model on prepared features: within `left`, or between `left` and `right`.

    `pairs`, and `levels` with them, may be given when already found and compared (a first
    load compares its candidates once, for training and for scoring).

    >>> from centrale.identity.borrowers import BorrowerSpec  # doctest: +SKIP
    >>> model = train(BorrowerSpec(), features)  # doctest: +SKIP
    """
    other = left if right is None else right
    if pairs is None:
        pairs = candidate_pairs(spec, left, right)
    right_size = None if right is None else len(right)
    possible = len(left) * (len(left) - 1) / 2 if right is None else len(left) * len(right)
    count = int(min(random_count, max(possible, 1)))
    sample = random_pairs(len(left), right_size, count, seed)
    pair_levels = compare_pairs(spec, left, other, pairs) if levels is None else levels
    sessions = []
    for session in spec.sessions:
        keyed = candidate_pairs(spec, left, right, keys=[session.key])
        sessions.append((session, compare_pairs(spec, left, other, keyed)))
    return train_model(
        spec.comparisons,
        compare_pairs(spec, left, other, sample),
        pair_levels,
        records=len(other),
        possible_pairs=possible,
        sessions=sessions,
        household=spec.household,
    )


@dataclass
class Compared:
    """Candidate pairs (row indices) and their levels, before any model weighs them."""

    pairs: pl.DataFrame
    levels: np.ndarray

    def among(self, positions: np.ndarray, size: int) -> Compared:
        """The pairs of a frame of `size` rows whose two records are both at `positions`
        (sorted, distinct), renumbered as rows of the frame of those positions alone.

        >>> s = Compared(pl.DataFrame({"left": [0, 1], "right": [2, 3]}), np.zeros((2, 1)))
        >>> s.among(np.array([1, 3]), 4).pairs.rows()
        [(0, 1)]
        """
        index = np.full(size, -1, dtype=np.int64)
        index[positions] = np.arange(len(positions))
        left = index[self.pairs["left"].to_numpy()]
        right = index[self.pairs["right"].to_numpy()]
        keep = (left >= 0) & (right >= 0)
        pairs = pl.DataFrame(
            {"left": left[keep].astype(np.uint32), "right": right[keep].astype(np.uint32)},
            schema=PAIR_SCHEMA,
        )
        return Compared(pairs, self.levels[keep])


@dataclass
class Scored:
    """Scored candidate pairs: row indices, levels, match weights and probabilities."""

    pairs: pl.DataFrame
    levels: np.ndarray

    def above(self, threshold: float) -> Scored:
        keep = (self.pairs["probability"] >= threshold).to_numpy()
        return Scored(self.pairs.filter(pl.Series(keep)), self.levels[keep])


def compared(spec: LinkageSpec, frame: pl.DataFrame) -> Compared:
    """The candidate pairs within `frame` and their levels."""
    pairs = candidate_pairs(spec, frame)
    return Compared(pairs, compare_pairs(spec, frame, frame, pairs))


def score(
    spec: LinkageSpec,
    model: Model,
    left: pl.DataFrame,
    right: pl.DataFrame | None = None,
    *,
    pairs: pl.DataFrame | None = None,
    levels: np.ndarray | None = None,
    records: int | None = None,
) -> Scored:
    """Score candidate pairs (found by blocking unless given, compared unless their
    `levels` are given) with `model`.

    `records` is the size of the population compared against, which sets the prior; it
    defaults to the size of `right` (or `left` for a dedupe).
    """
    other = left if right is None else right
    if pairs is None:
        pairs = candidate_pairs(spec, left, right)
    if levels is None:
        levels = compare_pairs(spec, left, other, pairs)
    weights = model.match_weights(levels)
    population = records if records is not None else len(other)
    probabilities = model.probabilities(levels, population)
    scored = pairs.with_columns(weight=pl.Series(weights), probability=pl.Series(probabilities))
    return Scored(scored, levels)
