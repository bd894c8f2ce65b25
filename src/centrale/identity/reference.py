"""The reference model: the identity model centrale ships, for registries too young to train
their own.

Three records, none of them repeated, teach the model nothing, and a model estimated from a
handful of pairs links at random. A trained model that saw fewer likely matches than
`identity_min_model_matches` is therefore set aside for this one, trained on a synthetic
sector by `bench/reference_model.py`; the registry trains again as it grows (see
`centrale.identity.resolver`), and uses its own model once its data shows enough matches.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

from centrale.identity.model import Model

REFERENCE_MODEL = Path(__file__).with_name("reference_model.json")


@cache
def _reference() -> Model:
    return Model.from_json(REFERENCE_MODEL.read_text(encoding="utf-8"))


def likely_matches(model: Model) -> float:
    """The matching pairs a model was trained on, as it estimated them.

    >>> likely_matches(Model([], [], [], 1.0, trained_on={"candidate_pairs": 10.0,
    ...     "matching_share": 0.5}))
    5.0
    """
    return model.trained_on.get("candidate_pairs", 0.0) * model.trained_on.get(
        "matching_share", 0.0
    )


def or_reference(trained: Model, min_matches: int) -> Model:
    """`trained`, or the reference model when `trained` saw fewer than `min_matches` likely
    matches. The reference keeps what `trained` was trained on, marked as `reference`, so that
    the registry's growth and its few matches still call for the next training."""
    if likely_matches(trained) >= min_matches:
        return trained
    return dataclasses.replace(_reference(), trained_on={**trained.trained_on, "reference": 1.0})
