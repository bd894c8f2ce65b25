"""Splink 5's own FEBRL 4 tutorial model (DuckDB), run in the same process for comparison.

The settings follow the Splink tutorial for FEBRL 4: name comparisons, date of birth,
social security number, street number and postcode with term frequencies; u by random
sampling, m by EM under two blocking rules; predictions at match probability >= 0.9.
"""

from __future__ import annotations

import logging
import time

import numpy as np
import polars as pl


def splink_febrl(
    a: pl.DataFrame, b: pl.DataFrame, threshold: float
) -> tuple[float, float, float, float]:
    """(precision, recall, F1, seconds) of Splink's tutorial model, recall over 5,000 pairs."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started = time.perf_counter()
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=True,
    )
    db = DuckDBAPI()
    frames = [
        db.register(frame.to_arrow(), table_name=name) for frame, name in ((a, "a"), (b, "b"))
    ]
    linker = Linker(frames, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth"), block_on("soc_sec_id")], recall=0.9
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("soc_sec_id"))
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    found = predictions.as_duckdbpyrelation().pl().select("rec_id_l", "rec_id_r")
    seconds = time.perf_counter() - started
    left = found["rec_id_l"].str.extract(r"rec-(\d+)-").to_numpy()
    right = found["rec_id_r"].str.extract(r"rec-(\d+)-").to_numpy()
    hits = int(np.sum(left == right))
    precision = hits / max(len(found), 1)
    recall = hits / 5000
    return precision, recall, 2 * precision * recall / (precision + recall), seconds
