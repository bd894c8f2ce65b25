"""The reference model shipped with centrale fits the borrower spec and stands in for a model
trained on too little."""

from __future__ import annotations

from centrale.identity.borrowers import BorrowerSpec
from centrale.identity.model import Model
from centrale.identity.reference import _reference, likely_matches, or_reference


def test_the_reference_model_has_the_spec_s_comparisons_and_levels() -> None:
    """Fails when `BorrowerSpec` changes: run `uv run python bench/reference_model.py`."""
    reference = _reference()
    shipped = [(c.name, c.labels) for c in reference.comparisons]
    assert shipped == [(c.name, c.labels) for c in BorrowerSpec().comparisons]
    for comparison, m, u in zip(reference.comparisons, reference.m, reference.u, strict=True):
        assert len(m) == len(u) == comparison.levels
    assert likely_matches(reference) > 1_000


def test_a_model_that_saw_too_few_matches_gives_way_to_the_reference() -> None:
    few = Model([], [], [], 1.0, trained_on={"candidate_pairs": 2.0, "matching_share": 0.5})
    used = or_reference(few, min_matches=50)
    assert used.m == _reference().m or all(
        (a == b).all() for a, b in zip(used.m, _reference().m, strict=True)
    )
    # What it was trained on is kept, so the registry trains again as it grows.
    assert used.trained_on == {"candidate_pairs": 2.0, "matching_share": 0.5, "reference": 1.0}
    enough = Model([], [], [], 1.0, trained_on={"candidate_pairs": 200.0, "matching_share": 0.5})
    assert or_reference(enough, min_matches=50) is enough
