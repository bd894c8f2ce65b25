"""The Fellegi-Sunter model: m and u probabilities per comparison level, and a prior.

Every candidate pair is described by one level per comparison (0 = closest, -1 = missing).
Its match weight is the sum over comparisons of log2(m / u) for its levels; its match
probability combines that Bayes factor with the prior probability that two records drawn at
random are the same person. `u` is estimated on random pairs (almost all non-matches), `m`
and the prior by expectation-maximisation on the candidate pairs (`centrale.identity.train`).

The prior is stored per record (`matches_per_record`): two random records out of N match
with probability `matches_per_record / N`, so that one trained model scores a pair
correctly whether it is compared within a file of a thousand records or a registry of a
million.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Comparison:
    """One field's comparison: its name and the labels of its levels, closest first.

    >>> Comparison("cin", ("exact", "one_slip", "different")).levels
    3
    """

    name: str
    labels: tuple[str, ...]

    @property
    def levels(self) -> int:
        return len(self.labels)


@dataclass
class Model:
    """A trained Fellegi-Sunter model; `m[k]` and `u[k]` are arrays over comparison k's levels."""

    comparisons: list[Comparison]
    m: list[np.ndarray]
    u: list[np.ndarray]
    matches_per_record: float
    #: Level probabilities of relatives (a third class: see `centrale.identity.train`).
    r: list[np.ndarray] | None = None
    relatives_per_record: float = 0.0
    trained_on: dict[str, float] = field(default_factory=dict)

    def level_weights(self) -> list[np.ndarray]:
        """log2(m/u) per level of each comparison."""
        return [np.log2(m) - np.log2(u) for m, u in zip(self.m, self.u, strict=True)]

    def match_weights(self, levels: np.ndarray) -> np.ndarray:
        """Sum of level weights for each pair; `levels` is (pairs x comparisons), -1 missing.

        >>> model = Model([Comparison("x", ("same", "other"))],
        ...     [np.array([0.9, 0.1])], [np.array([0.1, 0.9])], 1.0)
        >>> model.match_weights(np.array([[0], [1], [-1]], dtype=np.int8)).round(2).tolist()
        [3.17, -3.17, 0.0]
        """
        total = np.zeros(levels.shape[0])
        for k, weights in enumerate(self.level_weights()):
            column = levels[:, k]
            present = column >= 0
            total[present] += weights[column[present]]
        return total

    def prior(self, records: int) -> float:
        """Probability that two random records out of `records` are the same person."""
        return min(0.5, self.matches_per_record / max(records, 2))

    def probabilities(self, levels: np.ndarray, records: int) -> np.ndarray:
        """Match probability of each pair when comparing within `records` records.

        >>> model = Model([Comparison("x", ("same", "other"))],
        ...     [np.array([0.99, 0.01])], [np.array([0.001, 0.999])], 1.0)
        >>> model.probabilities(np.array([[0], [1]], dtype=np.int8), 100).round(3).tolist()
        [0.909, 0.0]
        """
        weights = self.match_weights(levels)
        if self.r is None or self.relatives_per_record <= 0:
            return probability_from_weight(weights, self.prior(records))
        # log2 of P(levels | relatives) / P(levels | strangers), then three-class posterior.
        relative = np.zeros(levels.shape[0])
        for k, (r, u) in enumerate(zip(self.r, self.u, strict=True)):
            column = levels[:, k]
            present = column >= 0
            relative[present] += np.log2(r[column[present]]) - np.log2(u[column[present]])
        prior_m = self.prior(records)
        prior_r = min(0.5, self.relatives_per_record / max(records, 2))
        prior_u = max(1.0 - prior_m - prior_r, 1e-12)
        top = np.maximum(weights, relative)
        match = prior_m * np.exp2(weights - top)
        others = prior_r * np.exp2(relative - top) + prior_u * np.exp2(-top)
        return match / (match + others)

    def explain(self, levels: np.ndarray) -> list[dict[str, str]]:
        """Per pair, each comparison's level label (`absent` when a side is missing)."""
        out = []
        for row in levels:
            out.append(
                {
                    c.name: (c.labels[level] if level >= 0 else "absent")
                    for c, level in zip(self.comparisons, row, strict=True)
                }
            )
        return out

    def to_json(self) -> str:
        return json.dumps(
            {
                "comparisons": [
                    {"name": c.name, "labels": list(c.labels)} for c in self.comparisons
                ],
                "m": [m.tolist() for m in self.m],
                "u": [u.tolist() for u in self.u],
                "matches_per_record": self.matches_per_record,
                "r": None if self.r is None else [r.tolist() for r in self.r],
                "relatives_per_record": self.relatives_per_record,
                "trained_on": self.trained_on,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Model:
        data = json.loads(text)
        return cls(
            comparisons=[Comparison(c["name"], tuple(c["labels"])) for c in data["comparisons"]],
            m=[np.array(m) for m in data["m"]],
            u=[np.array(u) for u in data["u"]],
            matches_per_record=data["matches_per_record"],
            r=None if data.get("r") is None else [np.array(r) for r in data["r"]],
            relatives_per_record=data.get("relatives_per_record", 0.0),
            trained_on=data.get("trained_on", {}),
        )


def probability_from_weight(weights: np.ndarray, prior: float) -> np.ndarray:
    """Posterior probability of a match from match weights (log2 Bayes factors) and a prior.

    >>> probability_from_weight(np.array([0.0]), 0.5).tolist()
    [0.5]
    """
    prior_weight = np.log2(prior) - np.log2(1 - prior)
    return 1.0 / (1.0 + np.exp2(-(weights + prior_weight)))
