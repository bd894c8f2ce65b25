"""The batch linkage on Spark, for a national file larger than one machine.

The same spec and the same trained model as the embedded path: features are prepared and
pairs compared by the very Polars code of `centrale.identity.borrowers`, run on each
executor through `mapInArrow` (no pandas); candidate pairs come from Spark joins on the same
blocking keys, with the same block-size cap. Only the accepted links (at or above the
threshold, about one per new record) come back to the driver, where `decide` groups them into
persons as in the embedded path. Splink's Spark backend was not used: it would need the model
re-expressed as Splink settings and would not carry the relatives class (see
`centrale.identity.train`), so the two paths would not make the same decisions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
import pyarrow as pa

from centrale.identity.borrowers import BorrowerSpec
from centrale.identity.decide import Decision, decide
from centrale.identity.linkage import Scored
from centrale.identity.model import Model

if TYPE_CHECKING:
    from pyspark.sql import DataFrame as SparkFrame

_ARROW = {
    pl.String: pa.string(),
    pl.Int64: pa.int64(),
    pl.Int32: pa.int32(),
    pl.Int16: pa.int16(),
    pl.Date: pa.date32(),
    pl.Float64: pa.float64(),
}


def _arrow_type(dtype: pl.DataType) -> pa.DataType:
    if isinstance(dtype, pl.List):
        return pa.list_(pa.string())
    return _ARROW[type(dtype)]


def _arrow_schema(schema: dict[str, pl.DataType]) -> pa.Schema:
    return pa.schema([(name, _arrow_type(dtype)) for name, dtype in schema.items()])


def _batches(frame: pl.DataFrame, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    table = frame.select(schema.names).to_arrow().cast(schema)
    yield from table.to_batches()


def _spark_schema(schema: pa.Schema) -> Any:
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)


def prepare(records: SparkFrame, spec: BorrowerSpec) -> SparkFrame:
    """Features of records (the seam's columns, plus `person_id` for registry records)."""
    empty = pl.from_arrow(pa.Table.from_batches([], _input_schema(records)))
    assert isinstance(empty, pl.DataFrame)
    sample = spec.prepare(empty)
    schema = _arrow_schema(dict(sample.schema))

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            frame = pl.from_arrow(pa.Table.from_batches([batch]))
            assert isinstance(frame, pl.DataFrame)
            yield from _batches(spec.prepare(frame), schema)

    return records.mapInArrow(run, _spark_schema(schema))


def _input_schema(records: SparkFrame) -> pa.Schema:
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(records.schema)


def _key_rows(features: SparkFrame, keys: list[str], max_block: int) -> SparkFrame:
    """(record id, key) for every blocking key at once, each key tagged with its name, so
    that one join finds every candidate pair (one shuffle instead of one per key)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    parts = []
    for key in keys:
        values = F.col(key) if key == "k_cin" else F.array(F.col(key))
        parts.append(
            features.select("borrower_record_id", F.explode(_tag(values, key)).alias("key"))
        )
    rows = parts[0]
    for part in parts[1:]:
        rows = rows.unionByName(part)
    rows = rows.where("key IS NOT NULL").distinct()
    rows = rows.withColumn("size", F.count("*").over(Window.partitionBy("key")))
    return rows.where(F.col("size") <= max_block).drop("size")


def _tag(values: Any, key: str) -> Any:
    from pyspark.sql import functions as F

    return F.transform(values, lambda v: F.concat(F.lit(f"{key}:"), v))


def candidate_pairs(spec: BorrowerSpec, new: SparkFrame, registry: SparkFrame | None) -> SparkFrame:
    """(left, right) record ids sharing a blocking key: new x registry, or within new."""
    keys = spec.blocking_keys
    left = _key_rows(new, keys, spec.max_block).withColumnRenamed("borrower_record_id", "left")
    other = new if registry is None else registry
    right = _key_rows(other, keys, spec.max_block).withColumnRenamed("borrower_record_id", "right")
    joined = left.join(right, "key").select("left", "right")
    if registry is None:
        joined = joined.where("left < right")
    return joined.distinct()


def score_pairs(
    spec: BorrowerSpec,
    model: Model,
    pairs: SparkFrame,
    left: SparkFrame,
    right: SparkFrame,
    population: int,
    threshold: float,
) -> SparkFrame:
    """Compare and score pairs on the executors; keep those at or above `threshold`."""
    columns = [c for c in left.columns if not c.startswith("k_") and c in right.columns]
    lhs = left.select([left[c].alias(f"l_{c}") for c in columns])
    rhs = right.select([right[c].alias(f"r_{c}") for c in columns])
    joined = pairs.join(lhs, pairs.left == lhs.l_borrower_record_id).join(
        rhs, pairs.right == rhs.r_borrower_record_id
    )
    out = pa.schema(
        [("left", pa.int64()), ("right", pa.int64()), ("weight", pa.float64()),
         ("probability", pa.float64()), ("levels", pa.list_(pa.int8()))]
    )  # fmt: skip
    payload = model.to_json()

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        scorer = Model.from_json(payload)
        for batch in batches:
            frame = pl.from_arrow(pa.Table.from_batches([batch]))
            assert isinstance(frame, pl.DataFrame)
            a = frame.select([pl.col(f"l_{c}").alias(c) for c in columns])
            b = frame.select([pl.col(f"r_{c}").alias(c) for c in columns])
            levels = spec.compare(a, b)
            probability = scorer.probabilities(levels, population)
            keep = probability >= threshold
            result = pl.DataFrame(
                {
                    "left": frame["left"].filter(keep),
                    "right": frame["right"].filter(keep),
                    "weight": scorer.match_weights(levels)[keep],
                    "probability": probability[keep],
                    "levels": pl.Series(levels[keep].tolist(), dtype=pl.List(pl.Int8)),
                }
            )
            yield from _batches_exact(result, out)

    return joined.mapInArrow(run, _spark_schema(out))


def _batches_exact(frame: pl.DataFrame, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    yield from frame.to_arrow().cast(schema).to_batches()


def link_on_spark(
    new: SparkFrame,
    registry: SparkFrame,
    model: Model,
    threshold: float,
    spec: BorrowerSpec | None = None,
) -> tuple[pl.DataFrame, Decision]:
    """Link `new` records against `registry` records (with `person_id`) on Spark.

    Returns the new records' ids in decision order and the `Decision` (as the embedded path
    makes it, see `centrale.identity.decide`).

    >>> ids, decision = link_on_spark(new_df, registry_df, model, 0.9)  # doctest: +SKIP
    """
    from pyspark.sql import functions as F

    spec = spec or BorrowerSpec()
    new_features = prepare(new, spec).cache()
    registry_features = prepare(registry, spec).cache()
    population = new_features.count() + registry_features.count()
    cross = score_pairs(
        spec, model, candidate_pairs(spec, new_features, registry_features),
        new_features, registry_features, population, threshold,
    )  # fmt: skip
    within = score_pairs(
        spec, model, candidate_pairs(spec, new_features, None),
        new_features, new_features, population, threshold,
    )  # fmt: skip
    new_ids = _collect(new_features.select("borrower_record_id")).sort("borrower_record_id")
    accepted_cross = _collect(cross)
    accepted_within = _collect(within)
    persons = _collect(
        registry_features.join(
            cross.select(F.col("right").alias("borrower_record_id")).distinct(),
            "borrower_record_id",
        ).select("borrower_record_id", "person_id")
    )
    position = {int(v): i for i, v in enumerate(new_ids["borrower_record_id"].to_list())}
    registry_index = {int(v): i for i, v in enumerate(persons["borrower_record_id"].to_list())}
    decision = decide(
        len(new_ids),
        persons["person_id"].to_numpy(),
        _scored(accepted_cross, position, registry_index),
        _scored(accepted_within, position, position),
        threshold,
    )
    return new_ids, decision


def _collect(frame: SparkFrame) -> pl.DataFrame:
    result = pl.from_arrow(frame.toArrow())
    assert isinstance(result, pl.DataFrame)
    return result


def _scored(accepted: pl.DataFrame, left: dict[int, int], right: dict[int, int]) -> Scored:
    if accepted.is_empty():
        return Scored(
            pl.DataFrame(
                schema={"left": pl.UInt32, "right": pl.UInt32, "weight": pl.Float64,
                        "probability": pl.Float64}
            ),
            np.zeros((0, len(BorrowerSpec.comparisons)), dtype=np.int8),
        )  # fmt: skip
    pairs = accepted.select(
        left=pl.col("left").replace_strict(left, return_dtype=pl.UInt32),
        right=pl.col("right").replace_strict(right, return_dtype=pl.UInt32),
        weight="weight",
        probability="probability",
    )
    return Scored(pairs, np.array(accepted["levels"].to_list(), dtype=np.int8))
