"""The vectorised rules agree with the domain's scalar normalisers, and period arithmetic."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from centrale.domain.cin import normalise_cin
from centrale.domain.period import Period
from centrale.domain.phone import normalise_phone
from centrale.domain.submission_format import DATE_COLUMNS, INTEGER_COLUMNS
from centrale.ingest.rules import _parse_int, _sign, cin_norm_expr, parse_columns, phone_e164_expr

CIN_TEXT = st.text(alphabet="ABEJKOQILabeoqil0123456789 -./_", max_size=12)
PHONE_TEXT = st.one_of(
    st.text(alphabet="0123456789 +-.()", max_size=18),
    st.builds(
        lambda prefix, rest, sep: prefix + sep.join([rest[:3], rest[3:6], rest[6:]]),
        st.sampled_from(["0", "+212", "00212", "212", "+212 (0)", ""]),
        st.text(alphabet="0123456789", min_size=9, max_size=9),
        st.sampled_from(["", " ", "-", "."]),
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(CIN_TEXT, min_size=1, max_size=20))
def test_cin_expression_matches_the_domain(values: list[str]) -> None:
    frame = pl.DataFrame({"cin": values}, schema={"cin": pl.String})
    vectorised = frame.select(cin_norm_expr()).to_series().to_list()
    assert vectorised == [normalise_cin(v) for v in values]


@settings(max_examples=300, deadline=None)
@given(st.lists(PHONE_TEXT, min_size=1, max_size=20))
def test_phone_expression_matches_the_domain(values: list[str]) -> None:
    frame = pl.DataFrame({"phone": values}, schema={"phone": pl.String})
    vectorised = frame.select(phone_e164_expr()).to_series().to_list()
    assert vectorised == [normalise_phone(v) for v in values]


@given(st.integers(1900, 2200), st.integers(1, 12))
def test_period_round_trip(year: int, month: int) -> None:
    period = Period(year, month)
    assert Period.parse(str(period)) == period
    assert period.next().previous() == period


INTEGER_TEXT = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.builds(
        lambda n, zeros: f"{n}." + "0" * zeros, st.integers(-(10**16), 10**16), st.integers(0, 3)
    ),
    st.text(alphabet="0123456789-.,+ ١٠", max_size=8),
    st.none(),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.one_of(CIN_TEXT, st.none()), st.one_of(PHONE_TEXT, st.none()), INTEGER_TEXT),
        min_size=1,
        max_size=30,
    )
)
def test_the_plain_forms_read_first_give_what_the_full_normalisation_gives(
    rows: list[tuple[str | None, str | None, str | None]],
) -> None:
    """`parse_columns` reads plain values cheaply and normalises only the others."""
    cins, phones, integers = (list(column) for column in zip(*rows, strict=True))
    frame = pl.DataFrame(
        {
            "cin": cins,
            "phone": phones,
            **dict.fromkeys(DATE_COLUMNS, [None] * len(rows)),
            **dict.fromkeys(INTEGER_COLUMNS, integers),
        },
        schema={c: pl.String for c in ("cin", "phone", *DATE_COLUMNS, *INTEGER_COLUMNS)},
    )
    parsed = parse_columns(frame)
    assert parsed["_cin_norm"].to_list() == [normalise_cin(v) if v else None for v in cins]
    assert parsed["_phone"].to_list() == [normalise_phone(v) if v else None for v in phones]
    for column in INTEGER_COLUMNS:
        full = frame.select(_parse_int(column), _sign(column).alias("sign"))
        assert parsed[f"_int_{column}"].to_list() == full[column].to_list()
        # The sign is what tells a whole number beyond 64 bits: it is read where there is no
        # integer.
        unread = full[column].is_null()
        assert (
            parsed[f"_sign_{column}"].filter(unread).to_list()
            == full["sign"].filter(unread).to_list()
        )
