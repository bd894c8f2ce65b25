"""The stored key hashes: one record's path equals the frame's, and kinds stay apart."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from centrale.identity.borrowers import BorrowerSpec
from centrale.store.identity_keys import key_hash, key_runs, one_record_keys, record_keys
from support.identity import record_frames


@settings(max_examples=50, deadline=None)
@given(record_frames(min_size=1, max_size=30))
def test_one_record_s_keys_are_the_frame_s_keys_of_that_record(records: pl.DataFrame) -> None:
    features = BorrowerSpec().prepare(records)
    keys = record_keys(features)
    assert keys["key_hash"].is_sorted()  # the order a clustered index grows in
    for row in features.iter_rows(named=True):
        mine = keys.filter(pl.col("borrower_record_id") == row["borrower_record_id"])
        assert sorted(one_record_keys(row)) == sorted(mine["key_hash"].to_list())


@settings(max_examples=30, deadline=None)
@given(record_frames(min_size=1, max_size=60), st.integers(1, 25))
def test_a_load_s_key_runs_are_its_keys_in_one_sorted_run(
    records: pl.DataFrame, slice_rows: int
) -> None:
    """Made a slice of records at a time and sorted a range of hashes at a time, the runs
    end to end are every key once, in the order of the keys' primary key."""
    features = BorrowerSpec().prepare(records)
    runs = list(key_runs(features, slice_rows))
    assert all(not run.is_empty() for run in runs)
    joined = pl.concat(runs) if runs else record_keys(features).clear()
    assert joined.equals(record_keys(features))  # which is sorted by hash, then record


def test_the_same_text_as_two_kinds_of_key_is_two_hashes() -> None:
    """A phone that reads like a CIN key does not find the record by its CIN."""
    as_cin = pl.select(key_hash("cin", pl.lit("0612345678"))).item()
    as_phone = pl.select(key_hash("phone", pl.lit("0612345678"))).item()
    assert as_cin != as_phone
    frame = pl.DataFrame(
        {"borrower_record_id": [1], "cin": ["0612345678"], "phone": ["0612345678"]}
    )
    assert record_keys(frame).height == 2


def test_records_without_keys_have_none() -> None:
    assert one_record_keys({"cin": None, "k_cin": []}) == []
    frame = pl.DataFrame(
        {"borrower_record_id": [1], "cin": [None]},
        schema={"borrower_record_id": pl.Int64, "cin": pl.String},
    )
    assert record_keys(frame).is_empty()
