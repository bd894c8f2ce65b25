"""Month by month: repayments, arrears, cures, restructurings, write-offs, closings, renewals.

Each month every running loan either pays, or misses its instalment (a chance that depends
on the borrower's habit and product). A late loan cures, pays the month but not the arrears,
or misses again; its days past due grow by 30 a month until it cures. Loans more than 60
days late are sometimes restructured; 180 days late they may be written off, 360 days late
they are. A loan repaid to the end, or early, is closed, and most clients then renew.
The sector runs `BURN_IN` months before the first file (every ended loan renewed then, so
that every client is still there), so that the first file shows a settled portfolio: loans
of all ages, arrears of all lengths, restructured loans, write-offs in the pipeline.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl
from numpy.typing import NDArray

from centrale.synth.book import (
    ACTIVE,
    CLOSED,
    RESTRUCTURED,
    WRITTEN_OFF,
    Book,
    originate,
    reschedule,
)
from centrale.synth.calendar import first_day, last_day, months_of, random_day_between
from centrale.synth.customers import Customers
from centrale.synth.loans import monthly_instalment
from centrale.synth.persons import Persons

#: Chance that a late borrower pays all arrears, by days late (<= 30, <= 90, more).
CURE = (0.5, 0.3, 0.08)
HOLD = 0.2  # pays the month's instalment, not the arrears
RESTRUCTURE = 0.05
WRITE_OFF = 0.15
PREPAY = 0.01
RENEW = 0.8
BURN_IN = 24


def step(
    rng: np.random.Generator, book: Book, month: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Move every running loan through `month`; return the loans closed (repaid) and the
    loans written off in it."""
    live = np.flatnonzero(
        ((book.status == ACTIVE) | (book.status == RESTRUCTURED)) & (book.disbursed_month <= month)
    )
    elapsed = month - book.schedule_start[live]
    months = book.schedule_months[live]
    due = (elapsed >= 1) & (elapsed <= months)
    missed = book.missed[live]
    offset = book.late_offset[live]
    late = missed > 0
    late_before = np.where(late, 30 * (month - 1 - book.late_since[live]) + offset, 0)
    u = rng.random(len(live))
    restructured = book.status[live] == RESTRUCTURED
    falls = due & ~late & (u < book.miss_rate[live] * np.where(restructured, 2.0, 1.0))
    cure = np.select([late_before <= 30, late_before <= 90], CURE[:2], CURE[2])
    cured = late & (u < cure)
    held = late & ~cured & due & (u < cure + HOLD)
    missed = np.where(cured, 0, missed + (late & ~cured & ~held & due))
    missed[falls] = 1
    book.late_since[live[falls]] = month
    book.missed[live] = missed
    dpd = np.where(missed > 0, 30 * (month - book.late_since[live]) + offset, 0)
    paid = np.clip(elapsed, 0, months) - missed
    outstanding = np.round(book.schedule_principal[live] * (1 - paid / months)).astype(np.int64)
    owed = monthly_instalment(book.instalment[live], book.frequency[live]) * missed
    book.outstanding[live] = outstanding
    book.arrears[live] = np.minimum(outstanding, np.round(owed).astype(np.int64))
    book.days_past_due[live] = dpd
    u2 = rng.random(len(live))
    redo = (dpd > 60) & ~restructured & (dpd < 180) & (u2 < RESTRUCTURE)
    reschedule(book, live[redo], month)
    book.arrears[live[redo]] = 0
    book.days_past_due[live[redo]] = 0
    lost = live[(dpd >= 180) & ((u2 < WRITE_OFF) | (dpd >= 360))]
    _end(rng, book, lost, month, WRITTEN_OFF)
    current = (missed == 0) & ~redo
    repaid = current & (elapsed >= months)
    prepaid = current & (elapsed >= 1) & (elapsed < months) & (rng.random(len(live)) < PREPAY)
    closed = live[repaid | prepaid]
    _end(rng, book, closed, month, CLOSED)
    on_time = live[repaid][months_of(book.maturity[live[repaid]]) == month]
    book.closed_on[on_time] = book.maturity[on_time]
    book.outstanding[closed] = 0
    book.arrears[closed] = 0
    book.days_past_due[closed] = 0
    return closed, lost


def _end(rng: np.random.Generator, book: Book, which: NDArray, month: int, status: int) -> None:
    low = np.maximum(first_day(month), book.disbursed[which])
    book.closed_on[which] = random_day_between(rng, low, np.full(len(which), last_day(month)))
    book.status[which] = status
    book.end_month[which] = month


def simulate(
    rng: np.random.Generator,
    persons: Persons,
    customers: Customers,
    start_month: int,
    months: int,
    renew: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
    burn_in: int = BURN_IN,
) -> tuple[Book, pl.DataFrame]:
    """Run the sector over `months` months from `start_month`, after the burn-in.

    Returns the book of the loans shown in the files and the month-end state of every
    shown loan: `month, loan, status, outstanding, arrears, days_past_due, closed_on,
    maturity_on, installment`, one row per loan and month. Without `renew`, clients do not
    renew during those months: each client then shows exactly one loan in the first month.
    """
    multi = np.bincount(customers.person, minlength=len(persons)) > 1
    origin = start_month - burn_in
    initial = np.flatnonzero(customers.arrival == 0)
    book = originate(rng, persons, customers, multi, initial, origin)
    for month in range(origin, start_month):
        closed, lost = step(rng, book, month)
        ended = np.concatenate([closed, lost])
        renewals = _renewals(rng, persons, customers, multi, book, ended, month, 1.0)
        book.extend(renewals)
        # Loans ended before the files start are never shown: drop them now and then.
        if (book.end_month <= month).mean() > 0.3:
            book = book.take(np.flatnonzero(book.end_month > month))
    states = []
    for k in range(months):
        month = start_month + k
        arriving = np.flatnonzero(customers.arrival == k) if k else np.zeros(0, np.int64)
        if len(arriving):
            low = np.full(len(arriving), first_day(month))
            day = random_day_between(rng, low, np.full(len(arriving), last_day(month)))
            first_group = int(book.group.max(initial=-1)) + 1
            book.extend(originate(rng, persons, customers, multi, arriving, start_month, day,
                                  first_group=first_group))  # fmt: skip
        closed, _ = step(rng, book, month)
        if renew and len(closed):
            book.extend(_renewals(rng, persons, customers, multi, book, closed, month, RENEW))
        shown = np.flatnonzero((book.disbursed_month <= month) & (book.end_month >= month))
        states.append(_state(book, shown, month))
        if progress is not None:
            progress("mois", k + 1, months)
    return book, pl.concat(states)


def _renewals(
    rng: np.random.Generator,
    persons: Persons,
    customers: Customers,
    multi: NDArray[np.bool_],
    book: Book,
    closed: NDArray[np.int64],
    month: int,
    rate: float,
) -> Book:
    renewing = closed[rng.random(len(closed)) < rate]
    # Half renew at once, after the closing date; the others the next month.
    at_once = rng.random(len(renewing)) < 0.5
    ends = np.full(len(renewing), last_day(month))
    now = random_day_between(rng, book.closed_on[renewing], ends)
    later = random_day_between(rng, ends + 1, np.full(len(renewing), last_day(month + 1)))
    disbursed = np.where(at_once, now, later)
    previous = book.take(renewing)
    first_group = int(book.group.max(initial=-1)) + 1
    return originate(rng, persons, customers, multi, book.customer[renewing], month,
                     disbursed, previous, first_group)  # fmt: skip


def _state(book: Book, shown: NDArray[np.int64], month: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "month": np.full(len(shown), month, dtype=np.int64),
            "loan": shown,
            "status": book.status[shown],
            "outstanding": book.outstanding[shown],
            "arrears": book.arrears[shown],
            "days_past_due": book.days_past_due[shown],
            "closed_on": book.closed_on[shown],
            "maturity_on": book.maturity[shown],
            "installment": book.instalment[shown],
        }
    )
