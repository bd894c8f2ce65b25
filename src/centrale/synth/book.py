"""The loan book: every loan ever disbursed in the simulation, and its current state.

`originate` adds a batch of new loans (the portfolio at the start, newcomers' first loans,
renewals); `lifecycle` moves their state month by month. Fields are NumPy arrays indexed by
loan number, grown batch by batch, never row by row.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
from numpy.typing import NDArray

from centrale.synth.calendar import (
    day_in_month,
    day_of_month,
    first_day,
    last_day,
    months_of,
    random_day_between,
)
from centrale.synth.customers import Customers
from centrale.synth.groups import form_groups
from centrale.synth.loans import (
    GROUP,
    INDIVIDUAL,
    LoanTerms,
    draw_amounts,
    draw_products,
    draw_terms,
    instalments,
    with_dates,
)
from centrale.synth.persons import Persons
from centrale.synth.purposes import draw_purposes

ACTIVE, CLOSED, WRITTEN_OFF, RESTRUCTURED = range(4)
STATUSES = ("active", "closed", "written_off", "restructured")
STILL_OPEN = 10**6  # end month of a loan that has not ended
#: Solidarity lowers the chance of missing an instalment, housing too; several lenders raise it.
_MISS_FACTOR = np.array([1.0, 0.6, 0.8, 1.0])
_CROSS_FACTOR = 1.5


@dataclass
class Book:
    """Loans as parallel arrays: terms fixed at disbursement, then the current state."""

    customer: NDArray[np.int64]
    product: NDArray[np.int64]
    amount: NDArray[np.int64]
    frequency: NDArray[np.int64]
    disbursed: NDArray[np.datetime64]
    disbursed_month: NDArray[np.int64]
    group: NDArray[np.int64]
    purpose: NDArray[np.int64]
    miss_rate: NDArray[np.float64]
    maturity: NDArray[np.datetime64]
    instalment: NDArray[np.int64]
    schedule_start: NDArray[np.int64]  # month the current schedule starts
    schedule_principal: NDArray[np.int64]
    schedule_months: NDArray[np.int64]
    missed: NDArray[np.int64]  # instalment months unpaid
    late_since: NDArray[np.int64]  # month of the oldest unpaid instalment
    late_offset: NDArray[np.int64]  # days late at the end of that first month, 1 to 30
    status: NDArray[np.int64]
    outstanding: NDArray[np.int64]
    arrears: NDArray[np.int64]
    days_past_due: NDArray[np.int64]
    closed_on: NDArray[np.datetime64]
    end_month: NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.customer)

    def take(self, which: NDArray[np.int64]) -> Book:
        """The loans `which`, as a new book."""
        return Book(**{f.name: getattr(self, f.name)[which] for f in fields(self)})

    def extend(self, other: Book) -> None:
        """Append another batch's loans after this book's."""
        for field in fields(self):
            setattr(self, field.name, np.concatenate([getattr(self, field.name),
                                                      getattr(other, field.name)]))  # fmt: skip


def originate(
    rng: np.random.Generator,
    persons: Persons,
    customers: Customers,
    multi: NDArray[np.bool_],
    which: NDArray[np.int64],
    start_month: int,
    disbursed: NDArray[np.datetime64] | None = None,
    previous: Book | None = None,
    first_group: int = 0,
) -> Book:
    """New loans for the clients `which` (indexes into `customers`).

    Without `disbursed`, the loans are the portfolio running at `start_month`: each is
    somewhere in its life, disbursed up to its maturity before. `previous` holds the loans
    being renewed (one per client, same order), whose product and amount guide the new ones.
    """
    person = customers.person[which]
    rural = persons.rural[person]
    product = draw_products(rng, rural, None if previous is None else previous.product)
    amount = draw_amounts(
        rng,
        product,
        None if previous is None else previous.amount,
        None if previous is None else previous.product,
    )
    terms = draw_terms(rng, which, product, amount)
    if disbursed is None:
        age = np.floor(rng.random(len(which)) * terms.term).astype(np.int64)
        month = start_month - age
        disbursed = random_day_between(rng, first_day(month), last_day(month))
    groups = form_groups(rng, product == GROUP, customers.institution[which],
                         months_of(disbursed), persons.region[person], first_group)  # fmt: skip
    lead = groups.leader
    product = np.where((product == GROUP) & (groups.number < 0), INDIVIDUAL, product)
    terms = replace(terms, product=product, term=terms.term[lead], frequency=terms.frequency[lead])
    terms = replace(terms, instalment=instalments(amount, terms.term, terms.frequency))
    terms = with_dates(terms, disbursed[lead])
    miss = persons.miss_rate[person] * _MISS_FACTOR[product]
    miss = np.where(multi[person], miss * _CROSS_FACTOR, miss)
    return _fresh_book(
        rng, terms, groups.number, draw_purposes(rng, product, persons.activity[person]), miss
    )


def _fresh_book(
    rng: np.random.Generator, terms: LoanTerms, group: NDArray, purpose: NDArray, miss: NDArray
) -> Book:
    n = len(terms)
    month = months_of(terms.disbursed)
    zeros = np.zeros(n, dtype=np.int64)
    return Book(
        customer=terms.customer,
        product=terms.product,
        amount=terms.amount,
        frequency=terms.frequency,
        disbursed=terms.disbursed,
        disbursed_month=month,
        group=group,
        purpose=purpose,
        miss_rate=miss,
        maturity=terms.maturity,
        instalment=terms.instalment,
        schedule_start=month,
        schedule_principal=terms.amount.copy(),
        schedule_months=terms.term.copy(),
        missed=zeros.copy(),
        late_since=zeros.copy(),
        late_offset=rng.integers(1, 31, n),
        status=np.full(n, ACTIVE, dtype=np.int64),
        outstanding=terms.amount.copy(),
        arrears=zeros.copy(),
        days_past_due=zeros.copy(),
        closed_on=np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"),
        end_month=np.full(n, STILL_OPEN, dtype=np.int64),
    )


def reschedule(book: Book, which: NDArray[np.int64], month: int) -> None:
    """Restructure loans: what is owed becomes a new, longer schedule starting this month."""
    remaining = book.schedule_months[which] - (month - book.schedule_start[which])
    months = np.clip(np.ceil((np.maximum(remaining, 0) + book.missed[which]) * 1.5), 3, 36)
    months = months.astype(np.int64)
    book.schedule_principal[which] = book.outstanding[which]
    book.schedule_start[which] = month
    book.schedule_months[which] = months
    book.maturity[which] = day_in_month(month + months, day_of_month(book.disbursed[which]))
    book.instalment[which] = instalments(book.outstanding[which], months, book.frequency[which])
    book.missed[which] = 0
    book.status[which] = RESTRUCTURED
