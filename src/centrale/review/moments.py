"""Moments in UTC: what the store keeps, whichever backend gives them back."""

from __future__ import annotations

from datetime import UTC, datetime


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back: they were stored in UTC.

    >>> as_utc(datetime(2026, 3, 1, 9, 0)).isoformat()
    '2026-03-01T09:00:00+00:00'
    """
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)
