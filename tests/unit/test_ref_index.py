"""`RefIndex` finds exactly what a join on the text key finds, collisions of its hash included."""

from __future__ import annotations

import itertools

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from centrale.store import ref_index
from centrale.store.ref_index import RefIndex, in_key_order, merged_in_key_order

REFS = st.text(alphabet="AB-01é", min_size=0, max_size=4)


def _joined(held: pl.DataFrame, keys: list[str | None]) -> pl.DataFrame:
    """What a left join finds: the reference."""
    probe = pl.DataFrame({"ref": keys}, schema={"ref": pl.String})
    return probe.join(held, on="ref", how="left", maintain_order="left").drop("ref")


def _batches(refs: list[str], cuts: list[int]) -> list[pl.DataFrame]:
    """`refs` (unique) with an id each, cut into batches at `cuts`."""
    frame = pl.DataFrame(
        {"ref": refs, "id": list(range(len(refs))), "score": [i / 2 for i in range(len(refs))]},
        schema={"ref": pl.String, "id": pl.Int64, "score": pl.Float64},
    )
    bounds = sorted({0, len(refs), *(c % (len(refs) + 1) for c in cuts)})
    # An empty list of refs still gives one (empty) batch: the index starts from a frame.
    return [frame.slice(a, b - a) for a, b in itertools.pairwise(bounds)] or [frame]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(REFS, unique=True, max_size=40),
    st.lists(st.integers(0, 40), max_size=8),
    st.lists(st.one_of(REFS, st.none()), max_size=40),
)
def test_finds_what_a_join_finds_across_runs(
    refs: list[str], cuts: list[int], keys: list[str | None]
) -> None:
    batches = _batches(refs, cuts)
    index = RefIndex(batches[0], key="ref")
    for batch in batches[1:]:
        index.add(batch)
    held = pl.concat(batches)
    probe = pl.Series("ref", keys, dtype=pl.String)
    assert index.find(probe).equals(_joined(held, keys))
    assert index.find(probe, ["score"]).equals(_joined(held, keys).select("score"))
    assert index.contains(probe).to_list() == [k is not None and k in set(refs) for k in keys]


def _one_hash(keys: pl.Series) -> pl.Series:
    """Every key's hash is its length: most keys collide."""
    return keys.str.len_bytes().cast(pl.UInt64).alias(keys.name)


@pytest.mark.parametrize("runs", [1, 3, 7])
def test_keys_of_one_hash_are_all_found(monkeypatch: pytest.MonkeyPatch, runs: int) -> None:
    monkeypatch.setattr(ref_index, "key_hashes", _one_hash)
    refs = ["AB", "BA", "AA", "BB", "A", "B", "ABA", "BAB", "AAB"]
    batches = _batches(refs, list(range(1, len(refs), max(len(refs) // runs, 1))))
    index = RefIndex(batches[0], key="ref")
    for batch in batches[1:]:
        index.add(batch)
    keys = ["BB", "AB", "CC", "A", "C", "AAB", "BAB", None, "ABA", "BA", "AA"]
    assert index.find(pl.Series(keys)).equals(_joined(pl.concat(batches), keys))
    assert index.contains(pl.Series(keys)).to_list() == [k in refs for k in keys]


def test_rows_added_without_a_column_hold_nulls_in_it() -> None:
    index = RefIndex(pl.DataFrame({"ref": ["a"], "id": [1], "held": [10]}), key="ref")
    index.add(pl.DataFrame({"ref": ["b"], "id": [2]}))
    found = index.find(pl.Series(["b", "a", "z"]))
    assert found.to_dicts() == [
        {"id": 2, "held": None},
        {"id": 1, "held": 10},
        {"id": None, "held": None},
    ]


def test_an_empty_index_finds_nothing() -> None:
    index = RefIndex(pl.DataFrame(schema={"ref": pl.String, "id": pl.Int64}), key="ref")
    assert index.find(pl.Series(["a", None])).to_dicts() == [{"id": None}, {"id": None}]
    assert index.contains(pl.Series(["a"])).to_list() == [False]


def test_what_is_added_is_merged_into_one_second_run() -> None:
    index = RefIndex(pl.DataFrame({"ref": ["r0"], "id": [0]}), key="ref")
    for i in range(1, 20):
        index.add(pl.DataFrame({"ref": [f"r{i}"], "id": [i]}))
    assert len(index._runs) == 2
    assert index._runs[1].get_column("_key_hash").is_sorted()
    assert index.find(pl.Series([f"r{i}" for i in range(20)]))["id"].to_list() == list(range(20))


@settings(max_examples=100, deadline=None)
@given(st.lists(REFS, unique=True, max_size=30), st.integers(0, 30))
def test_a_merge_keeps_the_key_order_that_a_sort_gives(refs: list[str], cut: int) -> None:
    frame = _batches(refs, [])[0]
    ordered, more = in_key_order(frame.slice(cut), "ref"), frame.slice(0, cut)
    merged = merged_in_key_order(ordered, more, "ref")
    assert merged.equals(in_key_order(frame, "ref"))
    # A frame already in key order is handed back as it is: nothing is sorted again.
    assert in_key_order(merged, "ref") is merged
