"""Near-duplicate clustering across sources: MinHash over word 3-shingles, LSH to find
candidates, then a check of the estimated Jaccard similarity; union-find makes clusters.

The exact key (the canonical URL) is enforced at intake; this finds the same story told by
several outlets. One item per cluster is primary (the editor's choice if made, else the
highest-priority source, then the earliest), the others become its "Voir aussi".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from datasketch import MinHash, MinHashLSH

from centrale.review.moments import utc_now
from centrale.store import review_intake
from centrale.store.review_intake import RecentItem

if TYPE_CHECKING:
    from sqlalchemy import Engine

NUM_PERM = 128
THRESHOLD = 0.5
HEAD_CHARS = 1000
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Document:
    id: int
    text: str


def shingles(text: str, size: int = 3) -> set[bytes]:
    """Word `size`-shingles of the lower-cased text, as bytes for hashing.

    >>> sorted(shingles("Le microcrédit au Maroc"))
    [b'le microcr\\xc3\\xa9dit au', b'microcr\\xc3\\xa9dit au maroc']
    >>> shingles("Au Maroc")
    {b'au maroc'}
    """
    words = WORD.findall(text.lower())
    if len(words) < size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


def near_duplicate_groups(
    documents: Sequence[Document], threshold: float = THRESHOLD
) -> list[list[int]]:
    """Groups of ids whose texts are near-duplicates (groups of one left out).

    >>> near_duplicate_groups([Document(1, "a b c d e f"), Document(2, "a b c d e f g")])
    [[1, 2]]
    """
    kept = [(doc.id, shingles(doc.text)) for doc in documents]
    kept = [(doc_id, grams) for doc_id, grams in kept if grams]
    signatures = MinHash.bulk((grams for _, grams in kept), num_perm=NUM_PERM, seed=7)
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    by_id = {}
    for (doc_id, _), signature in zip(kept, signatures, strict=True):
        lsh.insert(doc_id, signature)
        by_id[doc_id] = signature
    parent = {doc_id: doc_id for doc_id in by_id}

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for doc_id, signature in by_id.items():
        for other in lsh.query(signature):
            # LSH gives candidates; the estimated Jaccard keeps only true matches.
            if other != doc_id and signature.jaccard(by_id[other]) >= threshold:
                parent[root(other)] = root(doc_id)
    groups: dict[int, list[int]] = {}
    for doc_id in by_id:
        groups.setdefault(root(doc_id), []).append(doc_id)
    return sorted(sorted(group) for group in groups.values() if len(group) > 1)


def cluster_items(engine: Engine, *, window_days: int = 30, now: datetime | None = None) -> int:
    """Cluster the items fetched in the last `window_days`; returns how many clusters have
    more than one item. Items outside the window keep their cluster.
    """
    since = (now or utc_now()) - timedelta(days=window_days)
    with engine.connect() as conn:
        rows = {row.id: row for row in review_intake.items_fetched_since(conn, since)}
    documents = [
        Document(row.id, f"{row.title}\n{(row.text or '')[:HEAD_CHARS]}") for row in rows.values()
    ]
    groups = near_duplicate_groups(documents)
    cluster_of = {item_id: item_id for item_id in rows}
    for group in groups:
        primary = min(group, key=lambda item_id: _primary_rank(rows[item_id]))
        for item_id in group:
            cluster_of[item_id] = primary
    changed = {i: c for i, c in cluster_of.items() if rows[i].cluster_id != c}
    with engine.begin() as conn:
        for item_id, cluster_id in changed.items():
            review_intake.set_cluster(conn, item_id, cluster_id)
    return len(groups)


def _primary_rank(row: RecentItem) -> tuple[int, int, datetime, int]:
    accepted = 0 if row.state == "accepted" else 1
    moment = row.published_at or datetime.max
    return (accepted, -row.priority, moment.replace(tzinfo=None), row.id)
