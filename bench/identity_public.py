"""Specs for the public labelled data sets: FEBRL 4 (A against B) and Splink's fake_1000.

They run on the same engine as the registry's model (`centrale.identity.linkage`): only the
features, comparisons and blocking keys differ, as the fields differ.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

import numpy as np
import polars as pl

from centrale.identity.levels import edit_levels, text_levels
from centrale.identity.model import Comparison
from centrale.identity.train import Session

#: The public labelled data, beside the project's root (`../shared/data`) unless set.
DATA = Path(
    os.environ.get("CENTRALE_PUBLIC_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)


def public_data_present() -> bool:
    return (DATA / "febrl4" / "dataset4a.csv").exists() and (
        DATA / "splink" / "fake_1000_from_splink_demos.csv"
    ).exists()


def read_febrl(name: str) -> pl.DataFrame:
    frame = pl.read_csv(DATA / "febrl4" / name, infer_schema=False)
    frame = frame.rename({c: c.strip() for c in frame.columns})
    return frame.with_columns(
        pl.all().str.strip_chars().replace("", None),
    )


class FebrlSpec:
    """FEBRL 4: names, address, date of birth and social security number."""

    comparisons: ClassVar[list[Comparison]] = [
        Comparison("given_name", ("exact", "jw92", "jw85", "jw70", "different")),
        Comparison("surname", ("exact", "jw92", "jw85", "jw70", "different")),
        Comparison("date_of_birth", ("exact", "one_edit", "two_edits", "different")),
        Comparison("soc_sec_id", ("exact", "one_edit", "two_edits", "different")),
        Comparison("street_number", ("exact", "one_edit", "different")),
        Comparison("address_1", ("exact", "jw90", "jw70", "different")),
        Comparison("suburb", ("exact", "jw90", "different")),
        Comparison("postcode", ("exact", "one_edit", "different")),
        Comparison("state", ("exact", "different")),
    ]
    blocking_keys: ClassVar[list[str]] = [
        "k_names",
        "date_of_birth",
        "soc_sec_id",
        "k_sn_pc",
        "k_gn_pc",
        "k_addr",
    ]
    max_block: ClassVar[int] = 64
    household: ClassVar[set[str]] = set()
    sessions: ClassVar[list[Session]] = []
    compared: ClassVar[tuple[str, ...]] = (
        *("given_name", "surname", "date_of_birth", "soc_sec_id", "street_number"),
        *("address_1", "suburb", "postcode", "state"),
    )

    def prepare(self, records: pl.DataFrame) -> pl.DataFrame:
        return records.with_columns(
            k_names=pl.concat_str("given_name", "surname", separator="|"),
            k_sn_pc=pl.concat_str("surname", "postcode", separator="|"),
            k_gn_pc=pl.concat_str("given_name", "postcode", separator="|"),
            k_addr=pl.concat_str("street_number", "address_1", separator="|"),
        )

    def compare(self, left: pl.DataFrame, right: pl.DataFrame) -> np.ndarray:
        names = (0.92, 0.85, 0.70)
        return np.column_stack(
            [
                text_levels(left["given_name"], right["given_name"], names),
                text_levels(left["surname"], right["surname"], names),
                edit_levels(left["date_of_birth"], right["date_of_birth"], 2),
                edit_levels(left["soc_sec_id"], right["soc_sec_id"], 2),
                edit_levels(left["street_number"], right["street_number"], 1),
                text_levels(left["address_1"], right["address_1"], (0.90, 0.70)),
                text_levels(left["suburb"], right["suburb"], (0.90,)),
                edit_levels(left["postcode"], right["postcode"], 1),
                edit_levels(left["state"], right["state"], 0),
            ]
        )


def read_fake_1000() -> pl.DataFrame:
    frame = pl.read_csv(DATA / "splink" / "fake_1000_from_splink_demos.csv", infer_schema=False)
    return frame.with_columns(pl.all().str.strip_chars().str.to_lowercase().replace("", None))


class Fake1000Spec:
    """Splink's fake_1000: first name, surname, date of birth, city, e-mail (a dedupe)."""

    comparisons: ClassVar[list[Comparison]] = [
        Comparison("first_name", ("exact", "jw92", "jw80", "different")),
        Comparison("surname", ("exact", "jw92", "jw80", "different")),
        Comparison("dob", ("exact", "one_edit", "two_edits", "different")),
        Comparison("city", ("exact", "different")),
        Comparison("email", ("exact", "jw88", "different")),
    ]
    blocking_keys: ClassVar[list[str]] = ["first_name", "surname", "dob", "email", "city"]
    max_block: ClassVar[int] = 64
    household: ClassVar[set[str]] = set()
    sessions: ClassVar[list[Session]] = []
    compared: ClassVar[tuple[str, ...]] = ("first_name", "surname", "dob", "city", "email")

    def prepare(self, records: pl.DataFrame) -> pl.DataFrame:
        return records

    def compare(self, left: pl.DataFrame, right: pl.DataFrame) -> np.ndarray:
        names = (0.92, 0.80)
        return np.column_stack(
            [
                text_levels(left["first_name"], right["first_name"], names),
                text_levels(left["surname"], right["surname"], names),
                edit_levels(left["dob"], right["dob"], 2),
                edit_levels(left["city"], right["city"], 0),
                text_levels(left["email"], right["email"], (0.88,)),
            ]
        )
