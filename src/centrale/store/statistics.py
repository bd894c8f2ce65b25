"""Sector figures computed in SQL over the month's snapshots (definitions in PRODUCT.md)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from centrale.domain.loan import ACTIVE_STATUSES

_ACTIVE = "(" + ", ".join(f"'{s}'" for s in ACTIVE_STATUSES) + ")"


@dataclass(frozen=True)
class MonthTotals:
    period: str
    active_contracts: int
    outstanding: int
    disbursed_active: int
    at_risk_30: int
    at_risk_90: int
    restructured: int
    written_off: int
    active_borrowers: int
    multi_lender_borrowers: int
    institutions: int


def periods(conn: Connection) -> list[str]:
    rows = conn.execute(text("SELECT DISTINCT period FROM snapshots ORDER BY period"))
    return [r[0] for r in rows]


def month_totals(conn: Connection, period: str) -> MonthTotals:
    # SUM over BIGINT columns stays 64-bit on both backends (NUMERIC on PostgreSQL).
    money = conn.execute(
        text(
            "SELECT COUNT(*) AS contracts, "
            "COALESCE(SUM(s.outstanding), 0) AS outstanding, "
            "COALESCE(SUM(s.amount), 0) AS disbursed, "
            "COALESCE(SUM(CASE WHEN s.status = 'restructured' OR s.days_past_due > 30 "
            "THEN s.outstanding ELSE 0 END), 0) AS par30, "
            "COALESCE(SUM(CASE WHEN s.status = 'restructured' OR s.days_past_due > 90 "
            "THEN s.outstanding ELSE 0 END), 0) AS par90, "
            "COALESCE(SUM(CASE WHEN s.status = 'restructured' THEN s.outstanding ELSE 0 END), 0) "
            "AS restructured, "
            "COUNT(DISTINCT s.institution_id) AS institutions "
            f"FROM snapshots s WHERE s.period = :p AND s.status IN {_ACTIVE}"
        ),
        {"p": period},
    ).one()
    written_off = conn.execute(
        text(
            "SELECT COALESCE(SUM(s.amount), 0) FROM snapshots s "
            "WHERE s.period = :p AND s.status = 'written_off'"
        ),
        {"p": period},
    ).scalar_one()
    people = conn.execute(
        text(
            "SELECT COUNT(*) AS persons, "
            "COALESCE(SUM(CASE WHEN lenders > 1 THEN 1 ELSE 0 END), 0) AS multi "
            "FROM (SELECT b.person_id, COUNT(DISTINCT s.institution_id) AS lenders "
            "FROM snapshots s JOIN borrower_records b ON b.id = s.borrower_record_id "
            f"WHERE s.period = :p AND s.status IN {_ACTIVE} AND b.person_id IS NOT NULL "
            "GROUP BY b.person_id) AS per_person"
        ),
        {"p": period},
    ).one()
    return MonthTotals(
        period=period,
        active_contracts=int(money.contracts),
        outstanding=int(money.outstanding),
        disbursed_active=int(money.disbursed),
        at_risk_30=int(money.par30),
        at_risk_90=int(money.par90),
        restructured=int(money.restructured),
        written_off=int(written_off),
        active_borrowers=int(people.persons),
        multi_lender_borrowers=int(people.multi),
        institutions=int(money.institutions),
    )
