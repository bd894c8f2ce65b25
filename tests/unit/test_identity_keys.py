"""The stored key hashes: one record's path equals the frame's, and kinds stay apart."""

from __future__ import annotations

from datetime import date

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from centrale.identity.borrowers import BorrowerSpec
from centrale.identity.seam import RECORD_SCHEMA
from centrale.store.identity_keys import key_hash, one_record_keys, record_keys

cins = st.one_of(
    st.none(),
    st.builds(
        lambda p, s: p + s,
        st.sampled_from(["A", "BK", "EE"]),
        st.text("0123456789", min_size=4, max_size=8),
    ),
)
names = st.sampled_from(["Mohamed", "El Amrani", "Fatima Zahra", "Ben Ali", "محمد", None])
dates = st.one_of(st.none(), st.dates(date(1940, 1, 1), date(2008, 12, 31)))
phones = st.one_of(st.none(), st.text("0123456789", min_size=10, max_size=10))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(cins, names, names, dates, phones), min_size=1, max_size=30))
def test_one_record_s_keys_are_the_frame_s_keys_of_that_record(rows) -> None:
    records = pl.DataFrame(
        [
            {
                "borrower_record_id": i,
                "cin_norm": c,
                "last_name": ln,
                "first_name": fn,
                "birth_date": b,
                "phone": p,
            }
            for i, (c, ln, fn, b, p) in enumerate(rows)
        ],
        schema=RECORD_SCHEMA,
    )
    features = BorrowerSpec().prepare(records)
    keys = record_keys(features)
    assert keys["key_hash"].is_sorted()  # the order a clustered index grows in
    for row in features.iter_rows(named=True):
        mine = keys.filter(pl.col("borrower_record_id") == row["borrower_record_id"])
        assert sorted(one_record_keys(row)) == sorted(mine["key_hash"].to_list())


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
