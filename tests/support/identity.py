"""Hypothesis strategies of borrower records as the identity seam takes them."""

from __future__ import annotations

from datetime import date

import polars as pl
from hypothesis import strategies as st

from centrale.identity.seam import RECORD_SCHEMA

cins = st.one_of(
    st.none(),
    st.builds(
        lambda p, s: p + s,
        st.sampled_from(["A", "BK", "EE"]),
        st.text("0123456789", min_size=4, max_size=8),
    ),
)
#: With a missing name and one in Arabic script only (no Latin key).
names = st.sampled_from(
    ["Mohamed", "El Amrani", "Fatima Zahra", "Ben Ali", "Khadija", "محمد", None]
)
dates = st.one_of(st.none(), st.dates(date(1940, 1, 1), date(2008, 12, 31)))
phones = st.one_of(st.none(), st.text("0123456789", min_size=10, max_size=10))


def record_frames(min_size: int, max_size: int) -> st.SearchStrategy[pl.DataFrame]:
    """Frames of `RECORD_SCHEMA` records (CIN, names, birth date, phone), ids from 0."""
    rows = st.lists(
        st.tuples(cins, names, names, dates, phones), min_size=min_size, max_size=max_size
    )
    return rows.map(_frame)


def _frame(rows: list[tuple[object, ...]]) -> pl.DataFrame:
    fields = ("cin_norm", "last_name", "first_name", "birth_date", "phone")
    return pl.DataFrame(
        [
            {"borrower_record_id": i, **dict(zip(fields, row, strict=True))}
            for i, row in enumerate(rows)
        ],
        schema=RECORD_SCHEMA,
    )
