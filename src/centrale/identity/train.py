"""Estimating the model's parameters from the data itself, not by hand.

- `u`: how often each level occurs between two records drawn at random (nearly all are
  different persons), counted on a large random sample of pairs.
- `m` and the prior: expectation-maximisation on the candidate pairs, with `u` held fixed
  (as Splink does by default): the E step gives each pair its match probability, the M step
  re-counts the levels weighted by it. Pairs are first grouped by their comparison pattern,
  so each iteration costs the number of distinct patterns, not of pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def _log_likelihood(probs: list[np.ndarray], patterns: np.ndarray) -> np.ndarray:
    total = np.zeros(len(patterns))
    for k in range(patterns.shape[1]):
        present = patterns[:, k] >= 0
        total[present] += np.log(probs[k][patterns[present, k]])
    return total


def _reweighted(column: np.ndarray, weights: np.ndarray, levels: int) -> np.ndarray:
    present = column >= 0
    sums = np.bincount(column[present], weights=weights[present], minlength=levels)
    return np.maximum(sums / max(sums.sum(), FLOOR), FLOOR)


def _initial_relatives(
    comparisons: list[Comparison], m: list[np.ndarray], u: list[np.ndarray], shared: set[str]
) -> list[np.ndarray]:
    # Relatives start like a match on what a household shares, like strangers elsewhere;
    # EM then finds what they really share.
    return [
        (0.8 * mk + 0.2 * uk) if c.name in shared else uk.copy()
        for c, mk, uk in zip(comparisons, m, u, strict=True)
    ]


def estimate_classes(
    comparisons: list[Comparison],
    m: list[np.ndarray],
    u: list[np.ndarray],
    pair_levels: np.ndarray,
    *,
    household: set[str] | None = None,
    iterations: int = 60,
) -> tuple[float, float, list[np.ndarray] | None]:
    """Shares of matches and of relatives among candidate pairs, and the relatives' level
    probabilities, by EM with m and u held fixed.

    Candidate pairs hold a third kind besides matches and strangers: relatives, who share a
    surname, a phone, a region, sometimes a birth date (twins) or a near CIN (registered
    together), but not a person. Fellegi-Sunter's two classes would read their agreements
    as a match; a third latent class, learned here, absorbs them. Without `household` (the
    comparisons relatives may share) the model keeps two classes.

    >>> comps = [Comparison("a", ("same", "other"))]
    >>> m, u = [np.array([0.9, 0.1])], [np.array([0.01, 0.99])]
    >>> share, _, _ = estimate_classes(comps, m, u, np.array([[0]] * 10 + [[1]] * 90, "i1"))
    >>> round(share, 2)
    0.1
    """
    if len(pair_levels) == 0:
        return 0.0, 0.0, None
    patterns, counts = np.unique(pair_levels, axis=0, return_counts=True)
    counts = counts.astype(float)
    log_m, log_u = _log_likelihood(m, patterns), _log_likelihood(u, patterns)
    r = _initial_relatives(comparisons, m, u, household) if household else None
    shares = np.array([0.3, 0.2, 0.5]) if r is not None else np.array([0.3, 0.0, 0.7])
    for _ in range(iterations):
        log_r = _log_likelihood(r, patterns) if r is not None else np.full(len(patterns), -np.inf)
        joint = np.log(np.maximum(shares, FLOOR))[None, :] + np.column_stack([log_m, log_r, log_u])
        if r is None:
            joint[:, 1] = -np.inf
        joint -= joint.max(axis=1, keepdims=True)
        posterior = np.exp(joint)
        posterior /= posterior.sum(axis=1, keepdims=True)
        weighted = posterior * counts[:, None]
        shares = np.clip(weighted.sum(axis=0) / counts.sum(), FLOOR, 1.0)
        if r is not None and household:
            # Relatives differ from strangers only on what a household shares.
            r = [
                _reweighted(patterns[:, k], weighted[:, 1], c.levels)
                if c.name in household
                else r[k]
                for k, c in enumerate(comparisons)
            ]
    return float(shares[0]), float(shares[1]) if r is not None else 0.0, r


@dataclass(frozen=True)
class Session:
    """An EM session on the pairs sharing `key`, estimating m for `comparisons` only.

    The comparisons the key is built from agree on every pair of the session whatever the
    truth, so their m would be biased there: another session estimates them (Splink's
    practice of training m under several blocking rules).
    """

    key: str
    comparisons: tuple[str, ...]


def train_model(
    comparisons: list[Comparison],
    random_levels: np.ndarray,
    pair_levels: np.ndarray,
    *,
    records: int,
    possible_pairs: float,
    sessions: list[tuple[Session, np.ndarray]] | None = None,
    household: set[str] | None = None,
) -> Model:
    """A model from random pairs (for u) and candidate pairs (for m and the prior).

    With `sessions` (each with the levels of its pairs), each comparison's m is the mean of
    its estimates over the sessions that estimate it; without, one EM over all candidates.
    `records` and `possible_pairs` describe the data the candidates came from; every match
    is assumed to be among the candidates, so the prior over all pairs is the matching
    candidates over `possible_pairs`, stored per record (see `centrale.identity.model`).
    """
    u = estimate_u(comparisons, random_levels)
    if sessions:
        m = _session_means(comparisons, u, sessions)
    else:
        m, _ = estimate_m(comparisons, u, pair_levels)
    share, relative_share, r = estimate_classes(comparisons, m, u, pair_levels, household=household)
    per_record = records / max(possible_pairs, 1.0)
    return Model(
        comparisons=comparisons,
        m=m,
        u=u,
        r=r,
        matches_per_record=max(share * len(pair_levels), 1.0) * per_record,
        relatives_per_record=relative_share * len(pair_levels) * per_record,
        trained_on={
            "records": float(records),
            "candidate_pairs": float(len(pair_levels)),
            "random_pairs": float(len(random_levels)),
            "matching_share": share,
            "relative_share": relative_share,
        },
    )


def _session_means(
    comparisons: list[Comparison], u: list[np.ndarray], sessions: list[tuple[Session, np.ndarray]]
) -> list[np.ndarray]:
    estimates: list[list[np.ndarray]] = [[] for _ in comparisons]
    names = [c.name for c in comparisons]
    for session, levels in sessions:
        chosen = [names.index(name) for name in session.comparisons]
        sub_m, _ = estimate_m(
            [comparisons[k] for k in chosen], [u[k] for k in chosen], levels[:, chosen]
        )
        for k, m in zip(chosen, sub_m, strict=True):
            estimates[k].append(m)
    missing = [c.name for c, found in zip(comparisons, estimates, strict=True) if not found]
    if missing:
        raise ValueError(f"no training session estimates m for {missing}")
    return [np.mean(found, axis=0) for found in estimates]
