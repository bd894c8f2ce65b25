"""The identity model: features (vectorised = scalar), training (EM recovers parameters),
scoring, the relatives class, and the batch decision."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from centrale.domain.birth_date import LEVELS, birth_date_closeness
from centrale.domain.cin import cin_deletion_keys
from centrale.identity.borrowers import (
    BorrowerSpec,
    birth_date_levels,
    cin_keys,
    initials,
    with_keys,
)
from centrale.identity.decide import decide
from centrale.identity.linkage import Scored
from centrale.identity.model import Comparison, Model
from centrale.identity.train import estimate_classes, estimate_m, estimate_u, train_model
from support.identity import dates, record_frames

cins = st.builds(
    lambda p, s: p + s,
    st.sampled_from(["A", "BK", "EE"]),
    st.text("0123456789", min_size=4, max_size=8),
)


@settings(max_examples=50, deadline=None)
@given(record_frames(min_size=17, max_size=40))
def test_keys_of_one_record_equal_the_vectorised_keys(records: pl.DataFrame) -> None:
    features = BorrowerSpec().prepare(records)  # more than 16 rows: the Polars path
    for i in range(len(features)):
        one = with_keys(
            features[i].drop(
                "year", "month", "day", *[c for c in features.columns if c.startswith("k_")]
            )
        )
        for column in (
            "year",
            "month",
            "day",
            "k_cin",
            "k_names_dob",
            "k_names_md",
            "k_last_dob",
            "k_first_dob",
        ):
            assert one[column].to_list() == features[i][column].to_list(), column


@given(st.lists(cins, min_size=1, max_size=20))
def test_vectorised_cin_keys_are_the_domain_deletion_keys(values: list[str]) -> None:
    keys = pl.select(cin_keys(pl.lit(pl.Series(values)), pl.lit("am"))).to_series().to_list()
    expected = [sorted(f"{k}|am" for k in cin_deletion_keys(v)) for v in values]
    assert [sorted(k) for k in keys] == expected


def test_cin_keys_of_a_missing_cin_or_tag_are_none_and_a_cin_without_serial_only_itself() -> None:
    frame = pl.DataFrame(
        {"cin": ["AB12", None, "AB12", "AB", "AB12C"], "tag": ["am", "am", None, "am", "am"]}
    )
    keys = frame.select(cin_keys(pl.col("cin"), pl.col("tag"))).to_series().to_list()
    assert keys == [["AB12|am", "AB2|am", "AB1|am"], [], [], ["AB|am"], keys[4]]
    assert sorted(keys[4]) == sorted(["AB12C|am", "AB2C|am", "AB1C|am", "AB12|am"])


def test_with_keys_makes_the_cin_keys_of_the_expression_from_parts_made_once() -> None:
    """`with_keys` cuts the CIN keys from its parts made first as columns (`cin_key_parts`):
    the same lists as `cin_keys`, and none of those columns left behind."""
    values = ["AB12", None, "AB", "AB12C", "A123456789012", "1234", "EE765432"] * 3
    frame = pl.DataFrame(
        {
            "cin": values,
            "ln_key": ["amrani", None, "bennani"] * 7,
            "fn_key": ["mohamed", "fatima", None] * 7,
            "birth_date": [None] * 21,
        },
        schema_overrides={"birth_date": pl.Date},
    )
    keyed = with_keys(frame)  # more than 16 rows: the Polars path
    tag = initials(pl.col("ln_key"), pl.col("fn_key"))
    assert keyed["k_cin"].to_list() == frame.select(cin_keys(pl.col("cin"), tag))["cin"].to_list()
    assert not [c for c in keyed.columns if c.startswith("_")]


@given(st.lists(st.tuples(dates, dates), min_size=1, max_size=30))
def test_vectorised_birth_date_levels_are_the_domain_closeness(pairs) -> None:
    def parts(values):
        return pl.DataFrame({"birth_date": values}, schema={"birth_date": pl.Date}).select(
            year=pl.col("birth_date").dt.year().cast(pl.Int32),
            month=pl.col("birth_date").dt.month().cast(pl.Int32),
            day=pl.col("birth_date").dt.day().cast(pl.Int32),
        )

    levels = birth_date_levels(parts([a for a, _ in pairs]), parts([b for _, b in pairs]))
    for (a, b), level in zip(pairs, levels, strict=True):
        expected = birth_date_closeness(a, b)
        assert (level == -1) if expected is None else LEVELS[level] == expected


COMPS = [
    Comparison("a", ("same", "close", "other")),
    Comparison("b", ("same", "other")),
    Comparison("c", ("same", "other")),
]
TRUE_M = [np.array([0.85, 0.1, 0.05]), np.array([0.9, 0.1]), np.array([0.7, 0.3])]
TRUE_U = [np.array([0.01, 0.04, 0.95]), np.array([0.05, 0.95]), np.array([0.2, 0.8])]


def _draw(rng: np.random.Generator, probs: list[np.ndarray], n: int) -> np.ndarray:
    return np.column_stack([rng.choice(len(p), n, p=p) for p in probs]).astype(np.int8)


def test_em_recovers_m_and_the_share_of_matches_from_the_data() -> None:
    rng = np.random.default_rng(0)
    pairs = np.vstack([_draw(rng, TRUE_M, 3000), _draw(rng, TRUE_U, 7000)])
    u = estimate_u(COMPS, _draw(rng, TRUE_U, 200_000))
    for found, true in zip(u, TRUE_U, strict=True):
        assert np.allclose(found, true, atol=0.005)
    m, share = estimate_m(COMPS, u, pairs)
    assert abs(share - 0.3) < 0.02
    for found, true in zip(m, TRUE_M, strict=True):
        assert np.allclose(found, true, atol=0.03)


def test_trained_model_separates_matches_and_survives_json() -> None:
    rng = np.random.default_rng(1)
    pairs = np.vstack([_draw(rng, TRUE_M, 2000), _draw(rng, TRUE_U, 8000)])
    model = train_model(
        COMPS, _draw(rng, TRUE_U, 100_000), pairs, records=10_000, possible_pairs=5e7
    )
    again = Model.from_json(model.to_json())
    both = np.array([[0, 0, 0], [2, 1, 1], [-1, -1, -1]], dtype=np.int8)
    probs = again.probabilities(both, 10_000)
    assert np.allclose(probs, model.probabilities(both, 10_000))
    assert probs[0] > probs[2] > probs[1]
    assert again.explain(both[:1]) == [{"a": "same", "b": "same", "c": "same"}]


def test_relatives_class_keeps_a_household_apart_from_a_match() -> None:
    # Relatives share b (surname, phone) but not a (first name): a two-class model reads b's
    # agreement as a match; the learned third class does not.
    rng = np.random.default_rng(2)
    rel = [TRUE_U[0], np.array([0.95, 0.05]), np.array([0.6, 0.4])]
    pairs = np.vstack([_draw(rng, TRUE_M, 2000), _draw(rng, rel, 3000), _draw(rng, TRUE_U, 5000)])
    u = estimate_u(COMPS, _draw(rng, TRUE_U, 100_000))
    m, _ = estimate_m(COMPS, u, _draw(rng, TRUE_M, 2000))
    share, relatives, r = estimate_classes(COMPS, m, u, pairs, household={"b", "c"})
    assert r is not None and abs(relatives - 0.3) < 0.05 and abs(share - 0.2) < 0.05
    assert r[1][0] > 0.9 and np.allclose(r[0], u[0])
    three = Model(COMPS, m, u, 1.0, r=r, relatives_per_record=1.5)
    two = Model(COMPS, m, u, 1.0)
    household = np.array([[2, 0, 0]], dtype=np.int8)
    assert three.probabilities(household, 100)[0] < two.probabilities(household, 100)[0]


def _scored(left, right, probability) -> Scored:
    frame = pl.DataFrame(
        {"left": left, "right": right, "weight": probability, "probability": probability},
        schema_overrides={"left": pl.UInt32, "right": pl.UInt32},
    )
    return Scored(frame, np.zeros((len(left), 1), dtype=np.int8))


def test_a_group_linked_to_two_registry_persons_is_a_conflict_and_joins_the_strongest() -> None:
    registry_person = np.array([10, 20, 30])
    cross = _scored([0, 1, 2], [0, 1, 2], [0.95, 0.99, 0.5])
    within = _scored([0], [1], [0.97])
    decision = decide(4, registry_person, cross, within, 0.9)
    rows = decision.records
    assert rows["person_id"].to_list() == [20, 20, None, None]
    assert rows["source"].to_list() == ["new", "registry", None, None]
    assert rows["group"][2] != rows["group"][3]
    assert decision.conflicts["person_ids"].to_list() == [[10, 20]]
