"""The sector barometer: the month's figures, with the definitions of PRODUCT.md."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any

from centrale.domain.period import Period, months_held
from centrale.errors import InvalidInput, NotFound
from centrale.store import statistics

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass(frozen=True)
class SectorStats:
    """One month of the barometer; ratios are fractions (0.05 is 5 %)."""

    period: str
    active_borrowers: int
    active_contracts: int
    outstanding: int
    average_loan: float
    average_outstanding_per_borrower: float
    cross_indebtedness_rate: float
    multi_lender_borrowers: int
    par30: float
    par90: float
    restructured: int
    written_off: int
    institutions: int

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def empty_json(period: str | None) -> dict[str, Any]:
    """What `stats --json` prints for a month the registry holds nothing of: the same fields,
    every figure zero (ratios of nothing are 0, as for `SectorStats`), `period` as asked.

    >>> empty_json(None)["active_borrowers"], empty_json("2025-01")["par30"]
    (0, 0.0)
    """
    zero = {f.name: 0.0 if f.type == "float" else 0 for f in fields(SectorStats)}
    return {**zero, "period": period}


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _from_totals(t: statistics.MonthTotals) -> SectorStats:
    return SectorStats(
        period=t.period,
        active_borrowers=t.active_borrowers,
        active_contracts=t.active_contracts,
        outstanding=t.outstanding,
        average_loan=_ratio(t.disbursed_active, t.active_contracts),
        average_outstanding_per_borrower=_ratio(t.outstanding, t.active_borrowers),
        cross_indebtedness_rate=_ratio(t.multi_lender_borrowers, t.active_borrowers),
        multi_lender_borrowers=t.multi_lender_borrowers,
        par30=_ratio(t.at_risk_30, t.outstanding),
        par90=_ratio(t.at_risk_90, t.outstanding),
        restructured=t.restructured,
        written_off=t.written_off,
        institutions=t.institutions,
    )


def sector_stats(engine: Engine, period: str | None = None) -> SectorStats | None:
    """The barometer of `period` (default: the latest month); None on an empty registry.

    >>> sector_stats(engine, "2025-12").par30  # doctest: +SKIP
    0.061
    """
    if period is not None:
        try:
            period = str(Period.parse(period))
        except ValueError as error:
            raise InvalidInput(str(error)) from error
    with engine.connect() as conn:
        known = statistics.periods(conn)
        if not known:
            return None
        if period is None:
            period = known[-1]
        elif period not in known:
            raise NotFound(f"aucune donnée pour le mois {period} ; {months_held(known)}")
        return _from_totals(statistics.month_totals(conn, period))


def sector_series(engine: Engine) -> list[SectorStats]:
    """Every month of the registry, oldest first."""
    with engine.connect() as conn:
        return [_from_totals(statistics.month_totals(conn, p)) for p in statistics.periods(conn)]
