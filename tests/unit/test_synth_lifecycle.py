"""The synthetic loans month after month: amounts, products, groups, statuses, arrears, PAR.

Read from the files themselves, as the registry will read them; no broken rows here.
"""

from __future__ import annotations

import polars as pl
import pytest

from centrale.synth import generate_sector

_INTS = ("amount", "installment", "outstanding", "arrears", "days_past_due")
_DATES = ("disbursed_on", "maturity_on", "closed_on")


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    out = tmp_path_factory.mktemp("lifecycle")
    sector = generate_sector(out, persons=3_000, months=8, seed=31, invalid_rate=0.0)
    frame = pl.concat([pl.read_csv(p, infer_schema=False) for p in sector.files])
    return frame.with_columns(
        *[pl.col(c).cast(pl.Int64) for c in _INTS],
        *[pl.col(c).str.to_date() for c in _DATES],
        month=pl.col("period").str.to_date("%Y-%m"),
    ).sort("institution_code", "contract_ref", "period")


def _by_contract(rows: pl.DataFrame) -> pl.DataFrame:
    """Each row with the same contract's previous month beside it."""
    keys = ["institution_code", "contract_ref"]
    return rows.with_columns(
        *[pl.col(c).shift(1).over(keys).alias(f"prev_{c}") for c in
          ("month", "status", "days_past_due", "outstanding", "maturity_on")],
    ).filter(pl.col("prev_month").is_not_null())  # fmt: skip


def test_amounts_and_maturities_are_those_of_moroccan_microcredit(rows: pl.DataFrame) -> None:
    loans = rows.unique(["institution_code", "contract_ref"])
    ceilings = {
        "individual": 50_000,
        "group": 5_000,
        "housing": 100_000,
        "micro_enterprise": 150_000,
    }
    for product, ceiling in ceilings.items():
        amounts = loans.filter(pl.col("product") == product).get_column("amount")
        assert amounts.len() > 0 and amounts.min() > 0 and amounts.max() <= ceiling  # type: ignore[operator]
    new = loans.filter(pl.col("disbursed_on") >= pl.date(2025, 1, 1))
    assert 7_000 < new.get_column("amount").mean() < 14_000  # type: ignore[operator]
    months = new.select(
        (pl.col("maturity_on").dt.year() - pl.col("disbursed_on").dt.year()) * 12
        + pl.col("maturity_on").dt.month()
        - pl.col("disbursed_on").dt.month()
    ).to_series()
    assert months.min() >= 3 and months.max() <= 36  # type: ignore[operator]
    share = loans.get_column("product").value_counts(normalize=True)
    individual = share.filter(pl.col("product") == "individual").get_column("proportion")[0]
    assert 0.6 < individual < 0.85


def test_solidarity_groups_have_three_to_five_members_disbursed_together(
    rows: pl.DataFrame,
) -> None:
    # Groups disbursed during the months: every member shows in the month of disbursement.
    first = rows.filter(
        (pl.col("product") == "group") & (pl.col("disbursed_on") >= pl.date(2025, 1, 1))
    ).unique(["institution_code", "contract_ref"], keep="first")
    groups = first.group_by("institution_code", "group_ref").agg(
        pl.len().alias("members"),
        pl.col("customer_ref").n_unique().alias("clients"),
        pl.col("disbursed_on").n_unique().alias("dates"),
    )
    assert groups.height > 20
    assert groups.get_column("members").is_between(3, 5).all()
    assert (groups.get_column("clients") == groups.get_column("members")).all()
    assert (groups.get_column("dates") == 1).all()


def test_contract_terms_stay_fixed_from_month_to_month(rows: pl.DataFrame) -> None:
    fixed = rows.group_by("institution_code", "contract_ref").agg(
        pl.col(c).n_unique() for c in ("customer_ref", "product", "disbursed_on", "amount")
    )
    assert fixed.select(pl.exclude("institution_code", "contract_ref").max()).row(0) == (1,) * 4


def test_an_ended_contract_shows_once_then_never_comes_back(rows: pl.DataFrame) -> None:
    span = rows.group_by("institution_code", "contract_ref").agg(
        pl.len().alias("rows"),
        ((pl.col("month").max().dt.year() - pl.col("month").min().dt.year()) * 12
         + pl.col("month").max().dt.month() - pl.col("month").min().dt.month() + 1).alias("months"),
        pl.col("status").is_in(["closed", "written_off"]).sum().alias("ended"),
        pl.col("status").last().alias("last"),
    )  # fmt: skip
    assert (span.get_column("rows") == span.get_column("months")).all()  # no gap
    assert span.get_column("ended").max() == 1
    ended = span.filter(pl.col("ended") == 1)
    assert ended.get_column("last").is_in(["closed", "written_off"]).all()
    assert ended.height > 0.1 * span.height


def test_ended_contracts_carry_their_closing_date_in_the_month(rows: pl.DataFrame) -> None:
    ended = rows.filter(pl.col("status").is_in(["closed", "written_off"]))
    running = rows.filter(pl.col("status").is_in(["active", "restructured"]))
    assert ended.get_column("closed_on").null_count() == 0
    assert running.get_column("closed_on").null_count() == running.height
    assert (ended.get_column("closed_on").dt.truncate("1mo") == ended.get_column("month")).all()
    assert (ended.get_column("closed_on") >= ended.get_column("disbursed_on")).all()
    closed = ended.filter(pl.col("status") == "closed")
    assert closed.select(pl.col("outstanding", "arrears", "days_past_due").max()).row(0) == (
        0,
        0,
        0,
    )


def test_days_past_due_grow_by_thirty_a_month_until_cured(rows: pl.DataFrame) -> None:
    pairs = _by_contract(rows).filter(pl.col("prev_status").is_in(["active", "restructured"]))
    late_before = pairs.filter(pl.col("prev_days_past_due") > 0)
    grew = late_before.get_column("days_past_due") - late_before.get_column("prev_days_past_due")
    assert ((grew == 30) | (late_before.get_column("days_past_due") == 0)).all()
    assert (grew == 30).sum() > 0 and (late_before.get_column("days_past_due") == 0).sum() > 0
    current_before = pairs.filter(pl.col("prev_days_past_due") == 0).get_column("days_past_due")
    assert current_before.is_between(0, 30).all()
    assert (pairs.get_column("outstanding") <= pairs.get_column("prev_outstanding")).all()


def test_statuses_evolve_all_the_ways_the_sector_knows(rows: pl.DataFrame) -> None:
    pairs = _by_contract(rows)
    moves = set(pairs.select("prev_status", "status").unique().iter_rows())
    assert {("active", "closed"), ("active", "written_off"), ("active", "restructured")} <= moves
    assert ("restructured", "active") not in moves
    assert not any(before in ("closed", "written_off") for before, _ in moves)
    late = rows.filter(pl.col("status") == "written_off").get_column("days_past_due")
    assert late.min() >= 180 and late.max() <= 390  # type: ignore[operator]
    redone = pairs.filter(
        (pl.col("prev_status") == "active") & (pl.col("status") == "restructured")
    )
    assert (redone.get_column("maturity_on") > redone.get_column("prev_maturity_on")).all()


def test_new_loans_are_disbursed_every_month(rows: pl.DataFrame) -> None:
    new = rows.filter(pl.col("disbursed_on").dt.truncate("1mo") == pl.col("month"))
    assert new.get_column("period").n_unique() == rows.get_column("period").n_unique()
    per_month = new.group_by("period").len().get_column("len")
    assert per_month.min() > 0.03 * rows.filter(pl.col("period") == "2025-01").height  # type: ignore[operator]


def test_portfolio_at_risk_is_in_the_sector_range(rows: pl.DataFrame) -> None:
    running = rows.filter(pl.col("status").is_in(["active", "restructured"]))
    at_risk = (pl.col("days_past_due") > 30) | (pl.col("status") == "restructured")
    par = running.group_by("period").agg(
        (pl.col("outstanding").filter(at_risk).sum() / pl.col("outstanding").sum()).alias("par30")
    )
    assert par.get_column("par30").is_between(0.025, 0.09).all(), par.sort("period")
