"""The keys a linked record is found by, kept as 64-bit hashes (`identity_keys`).

A record is found by its CIN, its phone, four name-and-birth-date keys and about seven CIN
deletion keys (one typing slip apart share one). Kept as text, they were six indexes of
`identity_features` and a table of their own: about fourteen index entries per record,
of 20 to 60 bytes each, written into trees that no longer fit the page cache once the
registry holds a few million records. Kept as hashes, they are one clustered table of
16-byte rows (migration 0013).

The hash is xxHash64 (polars-hash) of `kind`, a unit separator and the key: stable across
library versions, which Polars' own `hash` does not promise, so the stored keys stay those
the code computes. Two keys of a kind that hash alike bring one more candidate, which the
comparisons score as the stranger it is; among a registry's hundred million keys the odds
of any such pair are below one in a thousand.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import polars as pl
import polars_hash as plh
import xxhash

#: The columns of features that are keys, one value per record, and the list column of
#: each record's CIN deletion keys.
KEY_COLUMNS = ("cin", "phone", "k_names_dob", "k_names_md", "k_last_dob", "k_first_dob")
CIN_KEYS = "k_cin"

KEY_SCHEMA: dict[str, pl.DataType] = {"key_hash": pl.Int64(), "borrower_record_id": pl.Int64()}

_ID = "borrower_record_id"

#: Between a key's kind and its text: in neither.
_SEPARATOR = "\x1f"


def key_hash(kind: str, key: pl.Expr) -> pl.Expr:
    """The stored hash of a key of `kind` (a key column's name, or `k_cin`); null for null.

    The registry holds these values: one that changes (a new polars-hash computing another
    xxHash64) would lose every stored key, so the doctest pins one.

    >>> pl.select(key_hash("cin", pl.lit("BK123456"))).item()
    8889130120499131634
    """
    hashed = plh.concat_str(pl.lit(kind + _SEPARATOR), key).nchash.xxhash64()
    return hashed.reinterpret(signed=True)


def record_keys(features: pl.DataFrame) -> pl.DataFrame:
    """(`key_hash`, `borrower_record_id`) of every key of `features` (its `KEY_COLUMNS`
    present, and `k_cin` when present: a list of keys per record, or one), each pair once,
    in hash order: a clustered index then grows in one run instead of at random pages.

    >>> frame = pl.DataFrame({"borrower_record_id": [1, 2], "cin": ["AB1", None],
    ...                       "phone": ["0600", "0600"]})
    >>> keys = record_keys(frame)
    >>> keys.height, keys["borrower_record_id"].sort().to_list()
    (3, [1, 1, 2])
    """
    return _unsorted_keys(features).sort("key_hash", "borrower_record_id")


def key_runs(features: pl.DataFrame, slice_rows: int) -> Iterator[pl.DataFrame]:
    """`record_keys(features)` as consecutive frames: the keys are made `slice_rows`
    records at a time, and only their hashes are kept, by range of hash, each range then
    sorted alone. A million records' key texts (thirteen or so each) are never held at
    once, nor two sorted copies of their hashes.

    >>> frame = pl.DataFrame({"borrower_record_id": [1, 2, 3], "cin": ["AB1", None, "C7"],
    ...                       "phone": ["0600", "0600", "0611"]})
    >>> pl.concat(key_runs(frame, slice_rows=1)).equals(record_keys(frame))
    True
    """
    ranges: dict[int, list[pl.DataFrame]] = {}
    for part in features.iter_slices(slice_rows):
        keys = _unsorted_keys(part).with_columns(_range=pl.col("key_hash") // _RANGE_WIDTH)
        for (number, *_), found in keys.partition_by("_range", as_dict=True).items():
            ranges.setdefault(int(number), []).append(found.drop("_range"))
    # A pair belongs to one record, and records to one slice: no pair is in two slices.
    for number in sorted(ranges):
        yield pl.concat(ranges.pop(number)).sort("key_hash", "borrower_record_id")


#: Sixteen ranges of the signed 64-bit hashes.
_RANGE_WIDTH = 1 << 60


def _unsorted_keys(features: pl.DataFrame) -> pl.DataFrame:
    parts = [
        features.select(key_hash=key_hash(column, pl.col(column)), borrower_record_id=_ID)
        for column in KEY_COLUMNS
        if column in features.columns
    ]
    if CIN_KEYS in features.columns:
        exploded = features.select(_ID, CIN_KEYS)
        if isinstance(features.schema[CIN_KEYS], pl.List):  # else one key per row already
            exploded = exploded.explode(CIN_KEYS)
        parts.append(
            exploded.select(key_hash=key_hash(CIN_KEYS, pl.col(CIN_KEYS)), borrower_record_id=_ID)
        )
    if not parts:
        return pl.DataFrame(schema=KEY_SCHEMA)
    keys = pl.concat(parts).drop_nulls("key_hash").unique()
    return keys.cast(KEY_SCHEMA)  # type: ignore[arg-type]


def one_record_keys(record: Mapping[str, Any]) -> list[int]:
    """The distinct hashes of one record's keys (its key columns and `k_cin`, as a dict):
    `record_keys` for an inquiry, in plain Python with the `xxhash` library (the same
    xxHash64, seed 0; a test holds the two equal). Polars costs 4 ms per call on one row,
    this a few microseconds.

    >>> one_record_keys({"cin": "BK123456"})
    [8889130120499131634]
    """
    texts = [f"{c}{_SEPARATOR}{record[c]}" for c in KEY_COLUMNS if record.get(c) is not None]
    texts += [
        f"{CIN_KEYS}{_SEPARATOR}{key}" for key in record.get(CIN_KEYS) or () if key is not None
    ]
    return list(dict.fromkeys(_signed(xxhash.xxh64_intdigest(t.encode())) for t in texts))


def _signed(value: int) -> int:
    """An unsigned 64-bit value as the signed one `reinterpret` makes (a BIGINT holds it)."""
    return value - (1 << 64) if value >= 1 << 63 else value
