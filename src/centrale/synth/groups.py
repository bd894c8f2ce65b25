"""Solidarity groups: group loans of one institution and month, 3 to 5 neighbours.

Members of a group are disbursed together: they share the disbursement date, the maturity
and the frequency of the group's first member. A group loan left alone in its block (fewer
than three candidates) becomes an individual loan.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Groups:
    """For each loan of the batch: its group number (-1 when none) and its group's leader."""

    number: NDArray[np.int64]
    leader: NDArray[np.int64]  # position in the batch of the first member; self when none


def form_groups(
    rng: np.random.Generator,
    wants_group: NDArray[np.bool_],
    institution: NDArray[np.int64],
    month: NDArray[np.int64],
    region: NDArray[np.int64],
    first_number: int,
) -> Groups:
    """Cut the loans that want a group into groups of 3 to 5, numbered from `first_number`.

    >>> g = form_groups(np.random.default_rng(0), np.ones(7, bool), np.zeros(7, int),
    ...                 np.zeros(7, int), np.ones(7, int), 1)
    >>> sizes = np.unique(g.number[g.number >= 0], return_counts=True)[1]
    >>> bool(((sizes >= 3) & (sizes <= 5)).all())
    True
    """
    n = len(wants_group)
    number = np.full(n, -1, dtype=np.int64)
    leader = np.arange(n, dtype=np.int64)
    members = np.flatnonzero(wants_group)
    if len(members) < 3:
        return Groups(number, leader)
    # Neighbours first: inside an institution and month, members sorted by region.
    order = members[np.lexsort((rng.random(len(members)), region[members], month[members],
                                institution[members]))]  # fmt: skip
    block_key = institution[order] * 10_000_000 + month[order]
    new_block = np.concatenate([[True], block_key[1:] != block_key[:-1]])
    block = np.cumsum(new_block) - 1
    position = np.arange(len(order)) - np.flatnonzero(new_block)[block]
    bounds = np.cumsum(rng.integers(3, 6, len(order) + 1))
    chunk = np.searchsorted(bounds, position, side="right")
    # The last chunk of a block may be short: it joins the one before when that stays <= 5.
    sizes = np.bincount(block * (len(order) + 1) + chunk)
    size = sizes[block * (len(order) + 1) + chunk]
    before = sizes[block * (len(order) + 1) + np.maximum(chunk - 1, 0)]
    chunk = np.where((size < 3) & (chunk > 0) & (before + size <= 5), chunk - 1, chunk)
    raw = block * (len(order) + 1) + chunk
    first_of_group = np.concatenate([[True], raw[1:] != raw[:-1]])
    dense = np.cumsum(first_of_group) - 1
    size = np.bincount(dense)[dense]
    leaders = order[np.flatnonzero(first_of_group)][dense]
    kept = size >= 3
    # Renumber the kept groups densely so numbers carry no gaps.
    kept_ids = np.cumsum(first_of_group & kept) - 1
    number[order[kept]] = first_number + kept_ids[kept]
    leader[order[kept]] = leaders[kept]
    return Groups(number, leader)
