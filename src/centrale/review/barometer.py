"""The issue's "Baromètre du secteur": the registry's latest figures and their change.

Figures come from the registry's statistics service (`centrale.risk.stats.sector_series`) as
plain JSON-ready numbers, so that a published issue can keep them frozen; the view in words
is built from those numbers for any edition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from centrale.review.wording import (
    format_int,
    format_points,
    format_rate,
    format_relative,
    wording,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

CHART_MONTHS = 12
CHART_HEIGHT_PX = 40
SPARK = "▁▂▃▄▅▆▇█"
FIELDS = ("cross_indebtedness_rate", "par30", "active_borrowers", "outstanding")
RATES = frozenset({"cross_indebtedness_rate", "par30"})


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    value: str
    change: str | None


@dataclass(frozen=True)
class ChartBar:
    period: str
    label: str
    value: str
    height: int


@dataclass(frozen=True)
class Barometer:
    period_label: str | None
    indicators: list[Indicator]
    chart: list[ChartBar]
    sparkline: str
    message: str | None

    @property
    def has_data(self) -> bool:
        return self.period_label is not None


def barometer_figures(engine: Engine, until: date) -> dict[str, Any] | None:
    """The registry's figures for the latest month up to `until`, or None on an empty registry.

    >>> barometer_figures(engine, date(2026, 3, 31))  # doctest: +SKIP
    {'latest': {'period': '2026-03', ...}, 'previous': {...}, 'series': [['2025-04', 0.12], ...]}
    """
    from centrale.risk.stats import sector_series

    last_period = f"{until:%Y-%m}"
    series = [stats for stats in sector_series(engine) if stats.period <= last_period]
    if not series:
        return None
    latest = series[-1]
    previous = (
        series[-2]
        if len(series) > 1 and series[-2].period == _month_before(latest.period)
        else None
    )
    return {
        "latest": _as_dict(latest),
        "previous": _as_dict(previous) if previous else None,
        "series": [[s.period, float(s.cross_indebtedness_rate)] for s in series[-CHART_MONTHS:]],
    }


def barometer_view(figures: dict[str, Any] | None, lang: str = "fr") -> Barometer:
    """The barometer in an edition's words; a clear "no data" message when there are none.

    >>> barometer_view(None).message.startswith("Pas encore de données")
    True
    """
    words = wording(lang)
    if figures is None:
        return Barometer(None, [], [], "", words.no_data)
    latest, previous = figures["latest"], figures["previous"]
    indicators = []
    for key in FIELDS:
        value = latest[key]
        shown = format_rate(value) if key in RATES else format_int(int(value))
        if key == "outstanding":
            shown += "\u00a0DH"
        change = None
        if previous is not None:
            old = previous[key]
            change = (
                format_points(value - old, lang) if key in RATES else format_relative(value, old)
            )
        indicators.append(Indicator(key, words.indicators[key], shown, change))
    return Barometer(
        period_label=period_label(latest["period"], lang),
        indicators=indicators,
        chart=_chart(figures["series"], lang),
        sparkline=_sparkline([value for _, value in figures["series"]]),
        message=None,
    )


def period_label(period: str, lang: str) -> str:
    """`2026-03` in words: `mars 2026`."""
    year, month = period.split("-")
    return f"{wording(lang).months[int(month) - 1]} {year}"


def _chart(series: list[list[Any]], lang: str) -> list[ChartBar]:
    top = max((value for _, value in series), default=0.0) or 1.0
    return [
        ChartBar(
            period=period,
            label=period_label(period, lang)[:3] if lang == "fr" else period[5:],
            value=format_rate(value),
            # At least 2 px so that a month at zero still shows as a bar.
            height=max(2, round(value / top * CHART_HEIGHT_PX)),
        )
        for period, value in series
    ]


def _sparkline(values: list[float]) -> str:
    if not values:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    return "".join(SPARK[round((value - low) / span * (len(SPARK) - 1))] for value in values)


def _month_before(period: str) -> str:
    year, month = (int(part) for part in period.split("-"))
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def _as_dict(stats: Any) -> dict[str, Any]:
    return {
        "period": stats.period,
        "active_borrowers": int(stats.active_borrowers),
        "outstanding": int(stats.outstanding),
        "cross_indebtedness_rate": float(stats.cross_indebtedness_rate),
        "par30": float(stats.par30),
    }
