"""Loan vocabulary and the sector's definitions (PRODUCT.md, "Definitions")."""

from __future__ import annotations

from enum import StrEnum


class LoanStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"
    WRITTEN_OFF = "written_off"
    RESTRUCTURED = "restructured"


class Product(StrEnum):
    INDIVIDUAL = "individual"
    GROUP = "group"
    HOUSING = "housing"
    MICRO_ENTERPRISE = "micro_enterprise"


class Frequency(StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


class Activity(StrEnum):
    COMMERCE = "commerce"
    ARTISANAT = "artisanat"
    AGRICULTURE = "agriculture"
    ELEVAGE = "elevage"
    SERVICES = "services"
    AUTRE = "autre"


#: Statuses that count as an active contract: in the gross portfolio and in PAR.
ACTIVE_STATUSES: tuple[str, ...] = (LoanStatus.ACTIVE.value, LoanStatus.RESTRUCTURED.value)
#: Statuses that require `closed_on`.
ENDED_STATUSES: tuple[str, ...] = (LoanStatus.CLOSED.value, LoanStatus.WRITTEN_OFF.value)


def is_at_risk(status: str, days_past_due: int, threshold_days: int) -> bool:
    """PAR(X) membership: active and more than X days late, or restructured.

    >>> is_at_risk("active", 31, 30), is_at_risk("restructured", 0, 30)
    (True, True)
    """
    if status == LoanStatus.RESTRUCTURED:
        return True
    return status == LoanStatus.ACTIVE and days_past_due > threshold_days
