"""From scored pairs to persons: the batch decision, pure and set-based.

New records are linked against the registry (`cross` pairs) and among themselves (`within`
pairs). Accepted links (probability at or above the threshold) among new records form
groups; each group joins the registry person it is most strongly linked to, or becomes a
new person. A group linked to two or more registry persons is a conflict: it would merge
persons that the registry keeps apart, so it joins the strongest and the conflict is
reported for an analyst (persons are never merged silently).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from centrale.identity.cluster import components
from centrale.identity.linkage import Scored


@dataclass
class Decision:
    """One row per new record (in order): `group`, `person_id` (null: a new person for the
    group), `probability`, `weight`, and the evidence `source` (`registry`, `new` or null for
    a founder), `matched` (row in the registry or in the new records) and `pair` (row of the
    scored pairs of that source); plus the conflicts (group, person ids)."""

    records: pl.DataFrame
    conflicts: pl.DataFrame


def _best(frame: pl.DataFrame, by: str) -> pl.DataFrame:
    return frame.sort("probability", descending=True).unique(by, keep="first")


def decide(
    new_count: int,
    registry_person: np.ndarray,
    cross: Scored,
    within: Scored,
    threshold: float,
) -> Decision:
    """Assign each of `new_count` new records to a registry person or a new group.

    >>> from centrale.identity.linkage import Scored
    >>> pairs = lambda l, r, p: Scored(pl.DataFrame({"left": l, "right": r, "weight": p,
    ...     "probability": p}, schema_overrides={"left": pl.UInt32, "right": pl.UInt32}),
    ...     np.zeros((len(l), 1), "i1"))
    >>> d = decide(3, np.array([70]), pairs([0], [0], [0.99]), pairs([0], [1], [0.95]), 0.9)
    >>> d.records["person_id"].to_list(), d.records["group"].n_unique()
    ([70, 70, None], 2)
    """
    cross_rows = cross.pairs.with_row_index("pair").filter(pl.col("probability") >= threshold)
    within_rows = within.pairs.with_row_index("pair").filter(pl.col("probability") >= threshold)
    group = components(new_count, within_rows["left"].to_numpy(), within_rows["right"].to_numpy())
    persons = pl.Series(registry_person)
    linked = cross_rows.with_columns(
        person_id=persons.gather(cross_rows["right"]) if len(cross_rows) else pl.lit(None),
        group=pl.Series(group).gather(cross_rows["left"]) if len(cross_rows) else pl.lit(None),
    ).cast({"person_id": pl.Int64, "group": pl.Int64})
    per_group = linked.group_by("group", "person_id").agg(pl.col("probability").max())
    chosen = _best(per_group, "group").select("group", "person_id")
    conflicts = (
        per_group.group_by("group")
        .agg(pl.col("person_id").sort())
        .filter(pl.col("person_id").list.len() > 1)
    )
    direct = _best(linked.join(chosen, on=["group", "person_id"]), "left").select(
        row="left", probability="probability", weight="weight", matched="right", pair="pair"
    )
    # Within a group, a record not linked to the chosen person directly shows its best link
    # to another member: both directions of each accepted pair count.
    mutual = pl.concat(
        [
            within_rows.select("left", "right", "probability", "weight", "pair"),
            within_rows.select(
                left="right", right="left", probability="probability", weight="weight", pair="pair"
            ),
        ]
    )
    via_new = _best(mutual, "left").select(
        row="left", probability="probability", weight="weight", matched="right", pair="pair"
    )
    base = pl.DataFrame(
        {"row": np.arange(new_count, dtype=np.uint32), "group": group.astype(np.int64)}
    )
    records = (
        base.join(chosen, on="group", how="left")
        .join(direct.with_columns(source=pl.lit("registry")), on="row", how="left")
        .join(via_new.with_columns(source=pl.lit("new")), on="row", how="left", suffix="_new")
        .with_columns(
            source=pl.coalesce("source", "source_new"),
            probability=pl.coalesce("probability", "probability_new", pl.lit(1.0)),
            weight=pl.coalesce("weight", "weight_new"),
            matched=pl.coalesce("matched", "matched_new"),
            pair=pl.coalesce("pair", "pair_new"),
        )
        .select("row", "group", "person_id", "probability", "weight", "source", "matched", "pair")
        .sort("row")
    )
    return Decision(records, conflicts.rename({"person_id": "person_ids"}))
