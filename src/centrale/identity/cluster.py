"""Persons from links: connected components of the graph of accepted links."""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def components(size: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Component label of each of `size` nodes joined by the edges (left[i], right[i]).

    >>> components(5, np.array([0, 3]), np.array([1, 4])).tolist()
    [0, 0, 1, 2, 2]
    """
    graph = coo_matrix(
        (np.ones(len(left), dtype=np.int8), (left.astype(np.int64), right.astype(np.int64))),
        shape=(size, size),
    )
    _, labels = connected_components(graph, directed=False)
    return labels.astype(np.int64)
