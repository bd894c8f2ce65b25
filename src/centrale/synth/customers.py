"""Who borrows where: persons become clients (customers) of one or several institutions.

Every person is a client of one institution drawn by market share (a relative often of the
same one as the person they live with). A share `cross_indebtedness` of persons are also
clients of one to three other institutions at the same time, drawn by share too.
Some persons only arrive during the simulated months: the sector renews its clientele.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import NDArray

from centrale.synth.institutions import style_of
from centrale.synth.persons import Persons

#: Of the cross-indebted, how many other institutions they borrow from (1, 2, 3).
_EXTRA_LENDERS = np.array([0.8, 0.16, 0.04])
#: Smallest number of clients of each institution, so that every member has a file.
_MIN_CLIENTS = 3
#: Clients arriving each month, as a share of the clientele: about what leaves it (clients
#: who do not renew after closing, written-off clients), so that the sector stays level.
_NEWCOMERS_PER_MONTH = 0.018


@dataclass(frozen=True)
class Customers:
    """One row per (person, institution) relationship."""

    person: NDArray[np.int64]
    institution: NDArray[np.int64]
    #: Window month (0-based) of the person's first loan in the files; 0 for the
    #: portfolio that exists when the files start.
    arrival: NDArray[np.int64]
    number: NDArray[np.int64]  # the client's number inside its institution

    def __len__(self) -> int:
        return len(self.person)


def assign_customers(
    rng: np.random.Generator,
    persons: Persons,
    shares: NDArray[np.float64],
    cross_indebtedness: float,
    months: int,
) -> Customers:
    """Clients of each institution, for `shares` (one per institution, summing to 1).

    >>> from centrale.synth.persons import draw_persons
    >>> people = draw_persons(np.random.default_rng(0), 500, np.datetime64("2025-01-01"))
    >>> len(assign_customers(np.random.default_rng(0), people, np.array([0.6, 0.4]), 0.15, 3)) > 500
    True
    """
    count, lenders = len(persons), len(shares)
    primary = rng.choice(lenders, size=count, p=shares)
    rel = np.flatnonzero(persons.household >= 0)
    with_head = rel[rng.random(len(rel)) < 0.6]
    primary[with_head] = primary[persons.household[with_head]]
    multi = (rng.random(count) < cross_indebtedness) if lenders > 1 else np.zeros(count, bool)
    _ensure_clients(rng, primary, multi, lenders)
    extra = np.minimum(rng.choice(3, size=count, p=_EXTRA_LENDERS) + 1, lenders - 1) * multi
    # Gumbel top-k: each cross-indebted person's other lenders, by share, without repeats.
    several = np.flatnonzero(multi)
    scores = np.log(shares) - np.log(-np.log(rng.random((len(several), lenders))))
    scores[np.arange(len(several)), primary[several]] = np.inf
    ranked = np.argsort(-scores, axis=1)
    taken = (np.arange(lenders)[None, :] <= extra[several, None]) & (np.arange(lenders) > 0)
    person = np.concatenate(
        [np.arange(count), np.broadcast_to(several[:, None], ranked.shape)[taken]]
    )
    institution = np.concatenate([primary, ranked[taken]])
    number = _client_numbers(rng, institution, lenders)
    # Drawn last, so that who borrows where and under which number does not depend on months.
    # Newcomers arrive during the months; some persons already in the sector take a loan
    # from one more lender during them, as others stop borrowing somewhere.
    share = min(
        0.35, _NEWCOMERS_PER_MONTH * (months - 1) / (1 + _NEWCOMERS_PER_MONTH * (months - 1))
    )
    later = rng.integers(1, max(months, 2), len(person))
    arrival = np.where(rng.random(count) < share, later[:count], 0)[person]
    is_extra = np.arange(len(person)) >= count
    arrival = np.where(
        is_extra & (arrival == 0) & (rng.random(len(person)) < share), later, arrival
    )
    return Customers(person, institution, arrival, number)


def _ensure_clients(
    rng: np.random.Generator, primary: NDArray, multi: NDArray, lenders: int
) -> None:
    # Moves a few single-lender clients of the largest institution to each tiny one.
    if len(primary) < 20 * lenders * _MIN_CLIENTS:
        return
    counts = np.bincount(primary, minlength=lenders)
    for lender in np.flatnonzero(counts < _MIN_CLIENTS):
        donors = np.flatnonzero((primary == counts.argmax()) & ~multi)
        primary[rng.choice(donors, size=_MIN_CLIENTS, replace=False)] = lender


def _client_numbers(rng: np.random.Generator, institution: NDArray, lenders: int) -> NDArray:
    # Numbers in random order inside each institution, after an older client base.
    rank = rank_within(institution, lenders, rng.random(len(institution)))
    base = rng.integers(1_000, 50_000, lenders)
    return base[institution] + rank * rng.integers(1, 4, lenders)[institution]


def rank_within(institution: NDArray, lenders: int, key: NDArray) -> NDArray[np.int64]:
    """Rank (0-based) of each row by `key` among the rows of its institution.

    >>> rank_within(np.array([0, 1, 0, 0]), 2, np.array([3.0, 1.0, 1.0, 2.0])).tolist()
    [2, 0, 0, 1]
    """
    by_key = np.argsort(key)
    # A stable sort of small integers is a radix sort: far faster than a lexsort.
    order = by_key[np.argsort(institution[by_key].astype(np.int16), kind="stable")]
    sizes = np.bincount(institution, minlength=lenders)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rank = np.empty(len(institution), dtype=np.int64)
    rank[order] = np.arange(len(institution)) - starts[institution[order]]
    return rank


def customer_refs(customers: Customers, codes: list[str]) -> pl.Series:
    """Each client's reference, in its institution's format (`AM00123456`, `001234567`...).

    >>> import numpy as np
    >>> c = Customers(np.array([0]), np.array([0]), np.array([0]), np.array([42]))
    >>> customer_refs(c, ["ARDI"]).to_list()
    ['ARD0000042']
    """
    styles = [style_of(code) for code in codes]
    prefix = pl.Series([s.customer_prefix for s in styles]).gather(customers.institution)
    width = pl.Series([s.customer_width for s in styles]).gather(customers.institution)
    frame = pl.DataFrame({"prefix": prefix, "width": width, "number": customers.number})
    return frame.select(
        pl.col("prefix") + pl.col("number").cast(pl.String).str.zfill(pl.col("width"))
    ).to_series()


def client_numbers(rng: np.random.Generator, count: int) -> NDArray[np.int64]:
    """Client numbers of one institution's `count` clients, as `assign_customers` draws them."""
    return _client_numbers(rng, np.zeros(count, dtype=np.int64), 1)
