"""Terms of new loans: product, amount, maturity, frequency, instalment, purpose, group.

Figures from DOMAIN.md section 5: about 80 % individual loans by count, solidarity groups of
3 to 5 borrowers lending 1,000 to 5,000 DH, housing up to 100,000 DH, formal micro-enterprise
up to 150,000 DH, activity loans up to 50,000 DH, maturities of 3 to 36 months, weekly,
twice-monthly or monthly instalments; a sector average near 10,000 DH. Interest is a flat
monthly rate (`MONTHLY_FLAT_RATE`), an assumption: no recent sector-wide rate was found.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from centrale.synth.calendar import day_in_month, day_of_month, months_of

PRODUCTS = ("individual", "group", "housing", "micro_enterprise")
INDIVIDUAL, GROUP, HOUSING, MICRO_ENTERPRISE = range(4)
FREQUENCIES = ("weekly", "biweekly", "monthly")
INSTALMENTS_PER_MONTH = np.array([52 / 12, 26 / 12, 1.0])
MONTHLY_FLAT_RATE = 0.015
CEILINGS = np.array([50_000, 5_000, 100_000, 150_000])
_FLOORS = np.array([2_000, 1_000, 10_000, 20_000])
_MEDIANS = np.array([8_000, 2_500, 28_000, 50_000])
_ROUNDING = np.array([500, 500, 1_000, 1_000])
_MIX_URBAN = np.array([0.65, 0.21, 0.09, 0.05])
_MIX_RURAL = np.array([0.52, 0.40, 0.06, 0.02])
_TERMS = np.array([3, 4, 6, 9, 10, 12, 15, 18, 24, 30, 36])
#: Frequency shares (weekly, biweekly, monthly) by product.
_FREQUENCY_MIX = np.array([[0.05, 0.2, 0.75], [0.3, 0.5, 0.2], [0.0, 0.0, 1.0], [0.0, 0.1, 0.9]])


@dataclass(frozen=True)
class LoanTerms:
    """A batch of new loans, one row per loan, as NumPy arrays."""

    customer: NDArray[np.int64]
    product: NDArray[np.int64]
    amount: NDArray[np.int64]
    term: NDArray[np.int64]  # months
    frequency: NDArray[np.int64]
    instalment: NDArray[np.int64]
    disbursed: NDArray[np.datetime64]
    maturity: NDArray[np.datetime64]

    def __len__(self) -> int:
        return len(self.customer)


def draw_products(
    rng: np.random.Generator,
    rural: NDArray[np.bool_],
    previous: NDArray[np.int64] | None = None,
) -> NDArray[np.int64]:
    """A product per loan; a renewal mostly keeps the previous one (`-1`: no previous)."""
    u = rng.random(len(rural))
    fresh = np.where(
        rural,
        (u[:, None] > np.cumsum(_MIX_RURAL)).sum(axis=1),
        (u[:, None] > np.cumsum(_MIX_URBAN)).sum(axis=1),
    )
    if previous is None:
        return fresh
    keep = (previous >= 0) & (rng.random(len(rural)) < 0.85)
    # A group borrower who does well graduates to an individual loan.
    graduates = (previous == GROUP) & (rng.random(len(rural)) < 0.08)
    return np.where(graduates, INDIVIDUAL, np.where(keep, previous, fresh))


def draw_amounts(
    rng: np.random.Generator,
    product: NDArray[np.int64],
    previous_amount: NDArray[np.int64] | None = None,
    previous_product: NDArray[np.int64] | None = None,
) -> NDArray[np.int64]:
    """Amounts in whole dirhams: lognormal per product, or near a renewed loan's."""
    raw = _MEDIANS[product] * np.exp(rng.normal(0.0, 0.6, len(product)))
    if previous_amount is not None and previous_product is not None:
        same = previous_product == product
        raw = np.where(same, previous_amount * rng.uniform(0.9, 1.15, len(product)), raw)
    clipped = np.clip(raw, _FLOORS[product], CEILINGS[product])
    step = _ROUNDING[product]
    return (np.round(clipped / step) * step).astype(np.int64)


def draw_terms(
    rng: np.random.Generator,
    customer: NDArray[np.int64],
    product: NDArray[np.int64],
    amount: NDArray[np.int64],
) -> LoanTerms:
    """Maturity in months, frequency and instalment of loans whose product and amount are
    known; dates come later (`with_dates`).

    >>> t = draw_terms(np.random.default_rng(0), np.array([0]), np.array([GROUP]),
    ...                np.array([2000]))
    >>> 3 <= int(t.term[0]) <= 12
    True
    """
    n = len(product)
    wanted = np.select(
        [product == GROUP, product == HOUSING, product == MICRO_ENTERPRISE],
        [
            rng.choice([4, 6, 9, 12], n, p=[0.2, 0.35, 0.25, 0.2]),
            rng.choice([18, 24, 30, 36], n, p=[0.2, 0.3, 0.2, 0.3]),
            rng.choice([12, 18, 24, 36], n, p=[0.2, 0.3, 0.3, 0.2]),
        ],
        6 + amount / 1_500 + rng.normal(0.0, 2.0, n),
    )
    term = _TERMS[np.abs(wanted[:, None] - _TERMS[None, :]).argmin(axis=1)]
    u = rng.random(n)
    frequency = np.minimum((u[:, None] > np.cumsum(_FREQUENCY_MIX[product], axis=1)).sum(axis=1), 2)
    no_date = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    return LoanTerms(
        customer=customer,
        product=product,
        amount=amount,
        term=term,
        frequency=frequency,
        instalment=instalments(amount, term, frequency),
        disbursed=no_date,
        maturity=no_date,
    )


def instalments(amount: NDArray, term: NDArray, frequency: NDArray) -> NDArray[np.int64]:
    """Instalment of a loan repaid over `term` months at the flat rate, whole dirhams up."""
    count = np.maximum(np.round(term * INSTALMENTS_PER_MONTH[frequency]), 1)
    return np.ceil(amount * (1 + MONTHLY_FLAT_RATE * term) / count).astype(np.int64)


def with_dates(terms: LoanTerms, disbursed: NDArray[np.datetime64]) -> LoanTerms:
    """The loans disbursed on `disbursed`, maturing `term` months later on the same day."""
    maturity = day_in_month(months_of(disbursed) + terms.term, day_of_month(disbursed))
    return replace(terms, disbursed=disbursed, maturity=maturity)


def monthly_instalment(terms_instalment: NDArray, frequency: NDArray) -> NDArray[np.float64]:
    """What a borrower pays in a month, whatever the frequency."""
    return terms_instalment * INSTALMENTS_PER_MONTH[frequency]
