"""Estimating the model's parameters from the data itself, not by hand.

- `u`: how often each level occurs between two records drawn at random (nearly all are
  different persons), counted on a large random sample of pairs.
- `m` and the prior: expectation-maximisation on the candidate pairs, with `u` held fixed
  (as Splink does by default): the E step gives each pair its match probability, the M step
  re-counts the levels weighted by it. Pairs are first grouped by their comparison pattern,
  so each iteration costs the number of distinct patterns, not of pairs.
"""

from __future__ import annotations

import numpy as np

from centrale.identity.model import Comparison, Model

#: Lower bound of an estimated probability: a level never seen keeps a finite weight.
FLOOR = 1e-6


def estimate_u(comparisons: list[Comparison], random_levels: np.ndarray) -> list[np.ndarray]:
    """Level frequencies among random pairs, with half a pair added to each level.

    >>> levels = np.array([[0], [1], [1], [1]], dtype=np.int8)
    >>> estimate_u([Comparison("x", ("same", "other"))], levels)[0].round(2).tolist()
    [0.3, 0.7]
    """
    out = []
    for k, comparison in enumerate(comparisons):
        column = random_levels[:, k]
        counts = np.bincount(column[column >= 0], minlength=comparison.levels).astype(float)
        u = (counts + 0.5) / (counts.sum() + 0.5 * comparison.levels)
        out.append(np.maximum(u, FLOOR))
    return out


def _initial_m(comparison: Comparison) -> np.ndarray:
    # Matches sit mostly at the closest level; the rest is spread, halving level by level.
    tail = 0.5 ** np.arange(1, comparison.levels)
    return np.concatenate([[0.8], 0.2 * tail / tail.sum()])


def estimate_m(
    comparisons: list[Comparison],
    u: list[np.ndarray],
    pair_levels: np.ndarray,
    *,
    iterations: int = 40,
    tolerance: float = 1e-5,
) -> tuple[list[np.ndarray], float]:
    """EM over the candidate pairs' levels: returns m per comparison and the share of
    candidate pairs that match.

    >>> comps = [Comparison("a", ("same", "other")), Comparison("b", ("same", "other"))]
    >>> u = [np.array([0.01, 0.99]), np.array([0.05, 0.95])]
    >>> pairs = np.array([[0, 0]] * 80 + [[1, 1]] * 900 + [[0, 1]] * 20, dtype=np.int8)
    >>> m, share = estimate_m(comps, u, pairs)
    >>> round(share, 2), m[0].round(2).tolist()
    (0.09, [1.0, 0.0])
    """
    if len(pair_levels) == 0:
        return [_initial_m(c) for c in comparisons], 0.0
    patterns, counts = np.unique(pair_levels, axis=0, return_counts=True)
    counts = counts.astype(float)
    log_u = np.zeros(len(patterns))
    for k in range(len(comparisons)):
        present = patterns[:, k] >= 0
        log_u[present] += np.log(u[k][patterns[present, k]])
    m = [_initial_m(c) for c in comparisons]
    share = 0.3
    for _ in range(iterations):
        log_m = np.zeros(len(patterns))
        for k in range(len(comparisons)):
            present = patterns[:, k] >= 0
            log_m[present] += np.log(m[k][patterns[present, k]])
        odds = np.log(share) - np.log1p(-share) + log_m - log_u
        posterior = 1.0 / (1.0 + np.exp(-np.clip(odds, -700, 700)))
        weighted = posterior * counts
        new_share = float(np.clip(weighted.sum() / counts.sum(), FLOOR, 1 - FLOOR))
        new_m = []
        for k, comparison in enumerate(comparisons):
            column = patterns[:, k]
            present = column >= 0
            sums = np.bincount(
                column[present], weights=weighted[present], minlength=comparison.levels
            )
            new_m.append(np.maximum(sums / max(sums.sum(), FLOOR), FLOOR))
        change = max(float(np.abs(a - b).max()) for a, b in zip(new_m, m, strict=True))
        change = max(change, abs(new_share - share))
        m, share = new_m, new_share
        if change < tolerance:
            break
    return m, share


def train_model(
    comparisons: list[Comparison],
    random_levels: np.ndarray,
    pair_levels: np.ndarray,
    *,
    records: int,
    possible_pairs: float,
) -> Model:
    """A model from random pairs (for u) and candidate pairs (for m and the prior).

    `records` and `possible_pairs` describe the data the candidates came from; every match
    is assumed to be among the candidates, so the prior over all pairs is the matching
    candidates over `possible_pairs`, stored per record (see `centrale.identity.model`).
    """
    u = estimate_u(comparisons, random_levels)
    m, share = estimate_m(comparisons, u, pair_levels)
    matching_pairs = share * len(pair_levels)
    prior = max(matching_pairs, 1.0) / max(possible_pairs, 1.0)
    return Model(
        comparisons=comparisons,
        m=m,
        u=u,
        matches_per_record=prior * records,
        trained_on={
            "records": float(records),
            "candidate_pairs": float(len(pair_levels)),
            "random_pairs": float(len(random_levels)),
            "matching_share": share,
        },
    )
