"""The vectorised rules agree with the domain's scalar normalisers, and period arithmetic."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from centrale.domain.cin import normalise_cin
from centrale.domain.period import Period
from centrale.domain.phone import normalise_phone
from centrale.ingest.rules import cin_norm_expr, phone_e164_expr

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
