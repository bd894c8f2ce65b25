"""Blocking on hashed keys finds exactly the pairs a join on the keys' text finds."""

from __future__ import annotations

import polars as pl
import pytest

from centrale.domain.cin import normalise_cin
from centrale.domain.phone import normalise_phone
from centrale.identity import blocking
from centrale.identity.blocking import pairs_between, pairs_within
from centrale.identity.borrowers import BorrowerSpec
from centrale.synth import sector_borrowers


def seam_like(frame: pl.DataFrame) -> pl.DataFrame:
    """Synthetic borrowers as ingestion hands them to the resolver."""
    return frame.with_columns(
        borrower_record_id=pl.int_range(1, pl.len() + 1, dtype=pl.Int64),
        cin_norm=pl.col("cin").map_elements(normalise_cin, return_dtype=pl.String),
        phone=pl.col("phone").map_elements(normalise_phone, return_dtype=pl.String),
        region=pl.col("region").cast(pl.Int16, strict=False),
    )


def text_pairs(left: pl.DataFrame, right: pl.DataFrame | None, keys: list[str]) -> set[tuple]:
    """The reference: equi-joins on the keys' text, blocks capped as `max_block` caps them."""
    found: set[tuple] = set()
    for key in keys:
        sides = []
        for frame in (left, left if right is None else right):
            rows = frame.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("row"), key)
            if isinstance(frame.schema[key], pl.List):
                rows = rows.explode(key)
            rows = rows.drop_nulls(key).unique()
            sides.append(rows.filter(pl.len().over(key) <= BorrowerSpec.max_block))
        joined = sides[0].join(sides[1], on=key, suffix="_r")
        if right is None:
            joined = joined.filter(pl.col("row") < pl.col("row_r"))
        found |= set(joined.select("row", "row_r").iter_rows())
    return found


def test_hashed_blocking_equals_the_text_join_on_a_sector() -> None:
    features = BorrowerSpec().prepare(seam_like(sector_borrowers(3_000, seed=4)))
    keys = BorrowerSpec.blocking_keys
    within = pairs_within(features, keys, BorrowerSpec.max_block)
    assert set(within.iter_rows()) == text_pairs(features, None, keys)
    assert len(within) > 500  # the sector has people at several institutions
    left, right = features.slice(0, 1_500), features.slice(1_500)
    between = pairs_between(left, right, keys, BorrowerSpec.max_block)
    assert set(between.iter_rows()) == text_pairs(left, right, keys)


def test_blocking_in_parts_finds_the_same_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Large keyed rows are split by key hash (`_PARTITION_ROWS`): the pairs are the same."""
    features = BorrowerSpec().prepare(seam_like(sector_borrowers(3_000, seed=5)))
    keys = BorrowerSpec.blocking_keys
    left, right = features.slice(0, 1_500), features.slice(1_500)
    whole = (pairs_within(features, keys), pairs_between(left, right, keys))
    monkeypatch.setattr(blocking, "_PARTITION_ROWS", 0)
    parted = (pairs_within(features, keys), pairs_between(left, right, keys))
    assert len(whole[0]) > 500
    assert parted[0].equals(whole[0]) and parted[1].equals(whole[1])


def test_the_rows_sharing_a_key_give_the_same_pairs() -> None:
    """A large batch's candidates are the registry's rows that share a key with it: paired
    against them, the batch finds the pairs it finds against the whole registry, blocks
    too large to use included (a family phone shared by more than `max_block`)."""
    features = BorrowerSpec().prepare(seam_like(sector_borrowers(3_000, seed=6)))
    keys = BorrowerSpec.blocking_keys
    village = pl.Series(["0612345678"] * (BorrowerSpec.max_block + 5))
    registry = features.slice(0, 2_000).with_columns(
        phone=pl.concat([village, features["phone"].slice(len(village), 2_000 - len(village))])
    )
    # A few of the batch's records have the village's phone: the registry's block alone is
    # too large, and must stay so once the registry is cut.
    batch = features.slice(2_000).with_columns(
        phone=pl.when(pl.int_range(pl.len()) < 3).then(pl.lit("0612345678")).otherwise("phone")
    )
    kept = blocking.sharing_a_key(registry, blocking.key_hashes(batch, keys))
    assert 0 < len(kept) < len(registry)
    original = kept["borrower_record_id"]
    position = {int(record): row for row, record in enumerate(registry["borrower_record_id"])}
    through_kept = {
        (left, position[int(original[right])])
        for left, right in pairs_between(batch, kept, keys, BorrowerSpec.max_block).iter_rows()
    }
    whole = pairs_between(batch, registry, keys, BorrowerSpec.max_block)
    assert through_kept == set(whole.iter_rows())
    assert len(whole) > 100
