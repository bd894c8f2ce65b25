"""The sector barometer, with the definitions of PRODUCT.md, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from centrale import services
from centrale.bootstrap import App
from centrale.errors import InvalidInput, NotFound
from support.v1 import v1_row, write_v1


@pytest.fixture
def two_lenders(app: App) -> App:
    services.add_institution(app, "AMANA", "Al Amana Microfinance")
    services.add_institution(app, "ATTAWFIQ", "Attawfiq Micro-Finance")
    return app


def test_empty_registry_has_no_barometer(app: App) -> None:
    assert services.sector_stats(app) is None
    assert services.sector_series(app) == []


def test_figures_follow_the_definitions(two_lenders: App, tmp_path: Path) -> None:
    amana = [
        # person A: active, on time
        v1_row(1, cin="BE100001", outstanding="6000"),
        # person B: 45 days late (PAR30, not PAR90)
        v1_row(2, cin="BE100002", outstanding="3000", days_past_due="45", arrears="500"),
        # person C: restructured (in PAR30 and PAR90 whatever its days)
        v1_row(3, cin="BE100003", outstanding="1000", status="restructured"),
        # person D: closed this month: out of the portfolio
        v1_row(4, cin="BE100004", outstanding="0", status="closed", closed_on="2025-01-20"),
    ]
    attawfiq = [
        # person A again, at a second lender: cross-indebted
        v1_row(
            1,
            institution_code="ATTAWFIQ",
            contract_ref="T00011",
            customer_ref="T00011",
            outstanding="2000",
        ),
        # person E: 120 days late (PAR30 and PAR90)
        v1_row(
            12,
            institution_code="ATTAWFIQ",
            cin="BE100005",
            outstanding="8000",
            days_past_due="120",
            arrears="4000",
        ),
        # person F: written off, with its amount counted as a write-off
        v1_row(
            13,
            institution_code="ATTAWFIQ",
            cin="BE100006",
            amount="7000",
            outstanding="0",
            status="written_off",
            closed_on="2025-01-15",
            days_past_due="200",
        ),
    ]
    services.submit_file(two_lenders, write_v1(tmp_path / "a.csv", amana))
    services.submit_file(two_lenders, write_v1(tmp_path / "b.csv", attawfiq))
    stats = services.sector_stats(two_lenders)
    assert stats is not None
    outstanding = 6000 + 3000 + 1000 + 2000 + 8000
    assert stats.period == "2025-01"
    assert stats.active_contracts == 5
    assert stats.outstanding == outstanding
    assert stats.active_borrowers == 4  # A, B, C, E
    assert stats.multi_lender_borrowers == 1
    assert stats.cross_indebtedness_rate == pytest.approx(1 / 4)
    assert stats.par30 == pytest.approx((3000 + 1000 + 8000) / outstanding)
    assert stats.par90 == pytest.approx((1000 + 8000) / outstanding)
    assert stats.restructured == 1000
    assert stats.written_off == 7000
    assert stats.average_loan == pytest.approx(10000)
    assert stats.institutions == 2


def test_money_sums_beyond_32_bits(two_lenders: App, tmp_path: Path) -> None:
    big = [v1_row(n, amount="150000", outstanding="149000") for n in range(1, 21)]
    services.submit_file(two_lenders, write_v1(tmp_path / "a.csv", big))
    stats = services.sector_stats(two_lenders)
    assert stats is not None and stats.outstanding == 20 * 149000
    # 2**31 DH would wrap in a 32-bit sum: check a total past it through SQL sums (each
    # value within the largest a row may give, 100 million DH).
    huge = [v1_row(n, amount="95000000", outstanding="90000000") for n in range(1, 31)]
    report = services.submit_file(two_lenders, write_v1(tmp_path / "b.csv", huge))
    assert report.accepted == 30
    stats = services.sector_stats(two_lenders)
    assert stats is not None and stats.outstanding == 30 * 90_000_000 > 2**31


def test_months_and_errors(two_lenders: App, tmp_path: Path) -> None:
    services.submit_file(two_lenders, write_v1(tmp_path / "a.csv", [v1_row(1)]))
    february = [v1_row(1, period="2025-02", outstanding="4000")]
    services.submit_file(two_lenders, write_v1(tmp_path / "b.csv", february))
    assert [s.period for s in services.sector_series(two_lenders)] == ["2025-01", "2025-02"]
    january = services.sector_stats(two_lenders, "2025-01")
    assert january is not None and january.outstanding == 5400
    with pytest.raises(NotFound, match="2025-01 à 2025-02"):
        services.sector_stats(two_lenders, "2024-12")
    with pytest.raises(InvalidInput, match="AAAA-MM"):
        services.sector_stats(two_lenders, "2024-13")
