"""The batch linkage on Spark (local mode, a small file) makes the embedded path's decisions."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import numpy as np
import polars as pl
import pytest

from centrale.domain.cin import normalise_cin
from centrale.domain.phone import normalise_phone
from centrale.identity.borrowers import BorrowerSpec
from centrale.identity.decide import decide
from centrale.identity.linkage import score, train
from centrale.identity.seam import RECORD_SCHEMA
from centrale.synth import sector_borrowers

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    from pyspark.sql import SparkSession

    # The workers run this interpreter, not whichever `python3` is first on the PATH
    # (outside `uv run`, the system's, without the project's libraries).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("centrale-identity-test")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    yield session
    session.stop()


def _records() -> tuple[pl.DataFrame, pl.DataFrame]:
    raw = sector_borrowers(600, seed=4, cross_indebtedness=0.4)
    records = raw.with_columns(
        borrower_record_id=pl.int_range(1, pl.len() + 1, dtype=pl.Int64),
        institution_id=pl.lit(1, dtype=pl.Int64),
        cin_norm=pl.col("cin").map_elements(normalise_cin, return_dtype=pl.String),
        phone=pl.col("phone").map_elements(normalise_phone, return_dtype=pl.String),
        region=pl.col("region").cast(pl.Int16, strict=False),
    )
    first = pl.int_range(pl.len()).over("person_id") == 0
    registry = records.filter(first).select(*RECORD_SCHEMA, "person_id")
    new = records.filter(~first).select(*RECORD_SCHEMA)
    return registry, new


def test_spark_local_mode_links_as_the_embedded_path(spark) -> None:
    from centrale.identity.spark import link_on_spark

    registry, new = _records()
    spec = BorrowerSpec()
    reg_f, new_f = spec.prepare(registry), spec.prepare(new)
    model = train(spec, pl.concat([reg_f.drop("person_id"), new_f]))
    population = len(reg_f) + len(new_f)
    embedded = decide(
        len(new_f),
        registry["person_id"].to_numpy(),
        score(spec, model, new_f, reg_f, records=population),
        score(spec, model, new_f, records=population),
        0.9,
    ).records

    ids, decision = link_on_spark(
        spark.createDataFrame(new.to_arrow()),  # type: ignore[attr-defined]
        spark.createDataFrame(registry.to_arrow()),  # type: ignore[attr-defined]
        model,
        0.9,
    )
    assert ids["borrower_record_id"].to_list() == new["borrower_record_id"].to_list()
    on_spark = decision.records
    assert on_spark["person_id"].to_list() == embedded["person_id"].to_list()
    assert np.allclose(on_spark["probability"].to_numpy(), embedded["probability"].to_numpy())
    # Most of these records are of registry persons: they joined them.
    truth = new.join(registry.select("cin_norm", "person_id"), on="cin_norm", how="left")
    joined = on_spark["person_id"].is_not_null().sum()
    assert len(on_spark) > 50 and joined > 0.8 * truth["person_id"].is_not_null().sum()
