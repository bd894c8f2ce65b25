"""The registry's linkage spec: borrower records' features, blocking keys and comparisons.

Features come from the domain normalisers (`centrale.domain`), applied once per distinct
value (a registry has few distinct names), so batch and one-record resolution share them.

Blocking keys, each chosen to bring back a kind of miss that an exact CIN join leaves:
- the CIN;
- its deletion keys (one digit mistyped, dropped, or two digits swapped), when the names
  start with the same letters;
- the phone;
- both name keys in either order with the birth date, day and month in either order;
- both name keys with the day and month (the year mistyped);
- one name key with the exact birth date and the other name's first letter (the other
  name misspelled beyond its key).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import ClassVar

import numpy as np
import polars as pl

from centrale.domain.arabic import arabic_name_key, normalise_arabic_name
from centrale.domain.cin import normalise_cin
from centrale.domain.names import latin_name_key, normalise_latin_name
from centrale.domain.phone import normalise_phone
from centrale.identity.levels import edit_levels
from centrale.identity.model import Comparison
from centrale.identity.names_compare import name_levels
from centrale.identity.train import Session

#: The version of what `BorrowerSpec.prepare` computes for a record: raise it with any change
#: to the normalisers or the keys that changes the features of a record already stored. A
#: registry whose features are older is told to run `centrale persons rekey`.
FEATURES_VERSION = 2  # 2: like consonants with a vowel between them are two letters

#: Longest CIN serial given deletion keys; longer ones still match exactly.
MAX_SERIAL = 8


#: Shapes that the CIN and phone normalisers return unchanged: values ingestion has already
#: normalised (the seam's `cin_norm` and E.164 `phone`) need no Python call.
NORMAL_CIN = r"^[A-Z]+[0-9]+$"
NORMAL_PHONE = r"^\+212[5-8][0-9]{8}$"


def map_distinct(
    series: pl.Series, fn: Callable[[str], str | None], kept: str | None = None
) -> pl.Series:
    """Apply a scalar normaliser once per distinct value of `series`; values matching the
    regex `kept`, which `fn` returns unchanged, are not passed to it.

    >>> map_distinct(pl.Series(["a", "b", "a", None]), str.upper).to_list()
    ['A', 'B', 'A', None]
    >>> map_distinct(pl.Series(["A", "b"]), str.upper, kept="^[A-Z]$").to_list()
    ['A', 'B']
    """
    if kept is not None and len(series) > 16:
        normal = series.str.contains(kept).fill_null(False)
        if normal.all():
            return series
        mapped = map_distinct(series.filter(~normal), fn)
        return series.scatter((~normal).arg_true(), mapped)
    if len(series) <= 16:
        # One-record resolution: a join would cost more than the few calls.
        values = series.to_list()
        return pl.Series([None if v is None else fn(v) for v in values], dtype=pl.String)
    distinct = series.drop_nulls().unique()
    mapped = pl.Series([fn(value) for value in distinct.to_list()], dtype=pl.String)
    table = pl.DataFrame({"value": distinct, "mapped": mapped})
    frame = pl.DataFrame({"value": series})
    return frame.join(table, on="value", how="left", maintain_order="left")["mapped"]


def cin_keys(cin: pl.Expr, tag: pl.Expr) -> pl.Expr:
    """The CIN and its deletion keys (`centrale.domain.cin.cin_deletion_keys`), each tagged
    with `tag` (`key|tag`), as a list. `with_keys` makes the same lists from
    `cin_key_parts` computed once as columns."""
    parts = cin_key_parts(cin, tag)
    return keys_of_cin_parts(cin, *parts.values())


def cin_key_parts(cin: pl.Expr, tag: pl.Expr) -> dict[str, pl.Expr]:
    """The parts of a CIN that its deletion keys are cut from: the length of its letters,
    the length of its serial, and the keys' common suffix (`|tag`).

    Eager Polars does not share sub-expressions: written inside `cin_keys`, the CIN's split
    was computed for each of its sixteen slices. As columns made first, a million records'
    keys take 0.8 s instead of 2.1 s.
    """
    serial_length = cin.str.extract(r"^[A-Z]*([0-9].*)$", 1).str.len_chars()
    return {
        "_cin_prefix_length": cin.str.len_chars() - serial_length,
        "_cin_serial_length": serial_length,
        "_cin_suffix": pl.concat_str(pl.lit("|"), tag),
    }


def keys_of_cin_parts(
    cin: pl.Expr, prefix_length: pl.Expr, serial_length: pl.Expr, suffix: pl.Expr
) -> pl.Expr:
    """`cin_keys` from the parts `cin_key_parts` gives (expressions or their columns)."""
    whole = pl.concat_str(cin, suffix)
    deleted = [
        pl.when(serial_length > i).then(
            pl.concat_str(
                cin.str.slice(0, prefix_length + i), cin.str.slice(prefix_length + i + 1), suffix
            )
        )
        for i in range(MAX_SERIAL)
    ]
    # One string split into the list: a third of the time of `concat_list` of the columns.
    joined = pl.concat_str([whole, *deleted], separator=_KEY_SEPARATOR, ignore_nulls=True)
    return (
        pl.when(whole.is_not_null())
        .then(joined.str.split(_KEY_SEPARATOR))
        .otherwise(pl.lit([], dtype=pl.List(pl.String)))
    )


#: Between the keys of one record while they are built; never in a CIN or a name key.
_KEY_SEPARATOR = "\x1f"


def initials(last_key: pl.Expr, first_key: pl.Expr) -> pl.Expr:
    """The first letters of both name keys, in either order: CINs a slip apart are compared
    only when the names start alike, or a registry's dense CIN serials would pair everyone
    with a few strangers."""
    a, b = last_key.str.slice(0, 1), first_key.str.slice(0, 1)
    return pl.concat_str(pl.min_horizontal(a, b), pl.max_horizontal(a, b))


def _date_key(names: pl.Expr, *parts: pl.Expr) -> pl.Expr:
    return pl.concat_str([names, *parts], separator="|")


class BorrowerSpec:
    """CIN, names across scripts and in either order, birth date, phone, gender and region."""

    comparisons: ClassVar[list[Comparison]] = [
        Comparison("cin", ("exact", "one_slip", "two_slips", "different")),
        Comparison("last_name", ("exact", "same_key", "close", "similar", "different")),
        Comparison("first_name", ("exact", "same_key", "close", "similar", "different")),
        Comparison(
            "birth_date",
            ("exact", "day_month_swapped", "year_off_by_one", "one_digit", "different"),
        ),
        Comparison("phone", ("exact", "one_digit", "different")),
        Comparison("gender", ("same", "different")),
        Comparison("region", ("same", "different")),
    ]
    blocking_keys: ClassVar[list[str]] = [
        "cin",
        "k_cin",
        "phone",
        "k_names_dob",
        "k_names_md",
        "k_last_dob",
        "k_first_dob",
    ]
    max_block: ClassVar[int] = 64
    # Records sharing a CIN are nearly all one person: they show how names, dates and phones
    # vary within a person. Records sharing names and a birth date show how CINs vary.
    household: ClassVar[set[str]] = {"last_name", "phone", "region", "cin", "birth_date"}
    sessions: ClassVar[list[Session]] = [
        Session("cin", ("last_name", "first_name", "birth_date", "phone", "gender", "region")),
        Session("k_names_dob", ("cin", "phone", "gender", "region")),
    ]
    compared: ClassVar[tuple[str, ...]] = (
        *("cin", "phone", "gender", "region", "year", "month", "day"),
        *("ln", "fn", "ln_key", "fn_key", "ln_ar", "fn_ar", "ln_ark", "fn_ark"),
    )

    def prepare(self, records: pl.DataFrame) -> pl.DataFrame:
        """Features of records in the seam's `RECORD_SCHEMA` (extra columns are kept)."""
        get = records.get_column
        frame = records.with_columns(
            cin=map_distinct(get("cin_norm"), normalise_cin, kept=NORMAL_CIN),
            ln=map_distinct(get("last_name"), normalise_latin_name),
            fn=map_distinct(get("first_name"), normalise_latin_name),
            ln_key=map_distinct(get("last_name"), latin_name_key),
            fn_key=map_distinct(get("first_name"), latin_name_key),
            ln_ar=map_distinct(get("last_name_ar"), normalise_arabic_name),
            fn_ar=map_distinct(get("first_name_ar"), normalise_arabic_name),
            ln_ark=map_distinct(get("last_name_ar"), arabic_name_key),
            fn_ark=map_distinct(get("first_name_ar"), arabic_name_key),
            phone=map_distinct(get("phone"), normalise_phone, kept=NORMAL_PHONE),
        )
        return with_keys(frame)

    def compare(self, left: pl.DataFrame, right: pl.DataFrame) -> np.ndarray:
        last, first = name_levels(left, right)
        return np.column_stack(
            [
                edit_levels(left["cin"], right["cin"], 2),
                last,
                first,
                birth_date_levels(left, right),
                edit_levels(left["phone"], right["phone"], 1),
                edit_levels(left["gender"], right["gender"], 0),
                edit_levels(left["region"].cast(pl.String), right["region"].cast(pl.String), 0),
            ]
        )


def with_keys(frame: pl.DataFrame) -> pl.DataFrame:
    """Add the birth date's parts and the blocking keys to normalised features; also used on
    features read back from the store.
    """
    if len(frame) <= 16:
        return _with_keys_small(frame)
    cin_parts = cin_key_parts(pl.col("cin"), initials(pl.col("ln_key"), pl.col("fn_key")))
    frame = frame.with_columns(
        year=pl.col("birth_date").dt.year().cast(pl.Int32),
        month=pl.col("birth_date").dt.month().cast(pl.Int32),
        day=pl.col("birth_date").dt.day().cast(pl.Int32),
        **cin_parts,
    )
    names = pl.concat_str(
        pl.min_horizontal("ln_key", "fn_key"),
        pl.max_horizontal("ln_key", "fn_key"),
        separator="+",
    )
    low = pl.min_horizontal("month", "day").cast(pl.String)
    high = pl.max_horizontal("month", "day").cast(pl.String)
    month_day = pl.concat_str(
        pl.col("month").cast(pl.String), pl.col("day").cast(pl.String), separator="-"
    )
    dob = pl.col("birth_date").cast(pl.String)
    return frame.with_columns(
        k_cin=keys_of_cin_parts(pl.col("cin"), *(pl.col(c) for c in cin_parts)),
        k_names_dob=_date_key(names, pl.col("year").cast(pl.String), low, high),
        k_names_md=_date_key(names, month_day),
        k_last_dob=_date_key(pl.col("ln_key"), dob, pl.col("fn_key").str.slice(0, 1)),
        k_first_dob=_date_key(pl.col("fn_key"), dob, pl.col("ln_key").str.slice(0, 1)),
    ).drop(list(cin_parts))


def _key(*parts: object) -> str | None:
    return None if any(p is None for p in parts) else "|".join(str(p) for p in parts)


def _with_keys_small(frame: pl.DataFrame) -> pl.DataFrame:
    """`with_keys` in plain Python, for the one record of an inquiry: a Polars expression
    costs a millisecond on any frame, the same keys cost microseconds here. A test holds
    both paths equal."""
    rows = frame.to_dicts()
    for row in rows:
        born, ln, fn, cin = row["birth_date"], row["ln_key"], row["fn_key"], row["cin"]
        year, month, day = (born.year, born.month, born.day) if born else (None, None, None)
        # As Polars' min_horizontal and max_horizontal, which skip a null: a record with one
        # name key is keyed by it twice.
        names = _either_order(ln, fn, "+")
        tag = _either_order(None if ln is None else ln[:1], None if fn is None else fn[:1], "")
        low_high = (min(born.month, born.day), max(born.month, born.day)) if born else (None, None)
        row.update(
            year=year,
            month=month,
            day=day,
            k_cin=[] if cin is None or tag is None else _cin_keys_small(cin, tag),
            k_names_dob=_key(names, year, *low_high),
            k_names_md=_key(names, f"{month}-{day}" if born else None),
            k_last_dob=_key(ln, born, None if fn is None else fn[:1]),
            k_first_dob=_key(fn, born, None if ln is None else ln[:1]),
        )
    schema: dict[str, pl.DataType] = dict(frame.schema)
    schema.update(year=pl.Int32(), month=pl.Int32(), day=pl.Int32(), k_cin=pl.List(pl.String))
    schema.update(
        {k: pl.String() for k in ("k_names_dob", "k_names_md", "k_last_dob", "k_first_dob")}
    )
    return pl.DataFrame(rows, schema=schema)


def _either_order(a: str | None, b: str | None, separator: str) -> str | None:
    """`min+max` of the values that are not None (one value: itself twice), else None."""
    present = [value for value in (a, b) if value is not None]
    return f"{min(present)}{separator}{max(present)}" if present else None


def _cin_keys_small(cin: str, tag: str) -> list[str]:
    prefix = re.match(r"^[A-Z]*", cin)
    head = prefix.group(0) if prefix else ""
    serial = cin[len(head) :]
    keys = [cin]
    if serial[:1].isdigit():
        keys += [head + serial[:i] + serial[i + 1 :] for i in range(min(len(serial), MAX_SERIAL))]
    return [f"{key}|{tag}" for key in keys]


def birth_date_levels(left: pl.DataFrame, right: pl.DataFrame) -> np.ndarray:
    """Vectorised `centrale.domain.birth_date.birth_date_closeness`, as level indices."""
    y1, m1, d1 = (left[c].to_numpy().astype(np.float64) for c in ("year", "month", "day"))
    y2, m2, d2 = (right[c].to_numpy().astype(np.float64) for c in ("year", "month", "day"))
    out = np.full(len(y1), 4, dtype=np.int8)
    digits1 = np.nan_to_num(y1 * 10_000 + m1 * 100 + d1).astype(np.int64)
    digits2 = np.nan_to_num(y2 * 10_000 + m2 * 100 + d2).astype(np.int64)
    differing = np.zeros(len(y1), dtype=np.int8)
    for _ in range(8):
        differing += (digits1 % 10) != (digits2 % 10)
        digits1 //= 10
        digits2 //= 10
    out[differing == 1] = 3
    out[(np.abs(y1 - y2) == 1) & (m1 == m2) & (d1 == d2)] = 2
    out[(y1 == y2) & (m1 == d2) & (d1 == m2)] = 1
    out[(y1 == y2) & (m1 == m2) & (d1 == d2)] = 0
    out[np.isnan(y1) | np.isnan(y2)] = -1
    return out
