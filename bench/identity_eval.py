"""Measuring the identity model on labelled data: pairwise precision, recall and F1.

Pairs are counted over records: a predicted pair is two records the model puts in one person
(the clusters the registry would show), a true pair two records of one true person.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import polars as pl

from centrale.domain.cin import normalise_cin
from centrale.domain.phone import normalise_phone
from centrale.identity.borrowers import BorrowerSpec
from centrale.identity.cluster import components
from centrale.identity.linkage import LinkageSpec, candidate_pairs, score, train


@dataclass
class Quality:
    precision: float
    recall: float
    f1: float
    seconds: float
    records: int

    def row(self, name: str) -> str:
        return (
            f"| {name} | {self.records:,} | {self.precision:.4f} | {self.recall:.4f} | "
            f"{self.f1:.4f} | {self.seconds:.1f} s |"
        )


def pair_quality(predicted: np.ndarray, truth: np.ndarray, seconds: float) -> Quality:
    """Pairwise quality of cluster labels `predicted` against true labels `truth`.

    >>> pair_quality(np.array([0, 0, 1]), np.array([5, 5, 5]), 1.0).recall
    0.3333333333333333
    """
    frame = pl.DataFrame({"p": predicted, "t": truth})

    def pairs(counts: pl.Series) -> int:
        n = counts.to_numpy().astype(np.int64)
        return int((n * (n - 1) // 2).sum())

    predicted_pairs = pairs(frame.group_by("p").len()["len"])
    true_pairs = pairs(frame.group_by("t").len()["len"])
    hits = pairs(frame.group_by("p", "t").len()["len"])
    precision = hits / predicted_pairs if predicted_pairs else 1.0
    recall = hits / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Quality(precision, recall, f1, seconds, len(truth))


def dedupe(spec: LinkageSpec, records: pl.DataFrame, threshold: float) -> tuple[np.ndarray, float]:
    """Train on `records`, score their candidate pairs, cluster links above `threshold`;
    returns the cluster labels and the wall time."""
    started = time.perf_counter()
    features = spec.prepare(records)
    pairs = candidate_pairs(spec, features)
    model = train(spec, features, pairs=pairs)
    scored = score(spec, model, features, pairs=pairs).above(threshold)
    labels = components(
        len(features), scored.pairs["left"].to_numpy(), scored.pairs["right"].to_numpy()
    )
    return labels, time.perf_counter() - started


def seam_records(frame: pl.DataFrame) -> pl.DataFrame:
    """Borrower records as ingestion hands them to the resolver (CIN and phone normalised)."""
    return frame.with_columns(
        borrower_record_id=pl.int_range(1, pl.len() + 1, dtype=pl.Int64),
        cin_norm=pl.col("cin").map_elements(normalise_cin, return_dtype=pl.String),
        phone=pl.col("phone").map_elements(normalise_phone, return_dtype=pl.String),
        region=pl.col("region").cast(pl.Int16, strict=False),
    )


def moroccan_quality(records: pl.DataFrame, threshold: float) -> Quality:
    labels, seconds = dedupe(BorrowerSpec(), records, threshold)
    return pair_quality(labels, records["person_id"].to_numpy(), seconds)
