"""The synthetic borrowers' identities: realistic names, noise each institution adds, relatives.

These records are the labelled data of identity resolution, so the noise must be there (the
same person written differently) and bounded (most of the time the same person looks alike),
and relatives must look alike without being the same person.
"""

from __future__ import annotations

import polars as pl
import pytest

from centrale.synth import sector_borrowers
from centrale.synth.names import first_names, surnames


@pytest.fixture(scope="module")
def records() -> pl.DataFrame:
    return sector_borrowers(6_000, seed=21)


def _letters(column: str) -> pl.Expr:
    return pl.col(column).str.to_lowercase().str.replace_all(r"[^a-z]", "")


def _cin(column: str = "cin") -> pl.Expr:
    return pl.col(column).str.replace_all(r"[\s\-]", "").str.to_uppercase()


def _phone_digits() -> pl.Expr:
    return pl.col("phone").str.replace_all(r"\D", "").str.slice(-9)


def _across_lenders(records: pl.DataFrame) -> pl.DataFrame:
    """For each cross-indebted person, how many distinct values each field takes."""
    several = records.filter(pl.col("person_id").is_duplicated())
    return several.group_by("person_id").agg(
        _letters("first_name").n_unique().alias("first"),
        _letters("last_name").n_unique().alias("last"),
        _cin().n_unique().alias("cin"),
        pl.col("birth_date").drop_nulls().n_unique().alias("birth"),
    )


def test_tables_hold_enough_names_with_arabic_forms() -> None:
    assert len(first_names()) >= 120 and len(surnames()) >= 150
    women = int(first_names().female.sum())
    assert 50 <= women <= len(first_names()) - 50
    assert all(any("\u0600" <= ch <= "\u06ff" for ch in str(a)) for a in surnames().arabic)


def test_people_look_like_moroccan_borrowers(records: pl.DataFrame) -> None:
    persons = records.unique("person_id")
    women = (persons.get_column("gender").drop_nulls() == "F").mean()
    rural = (persons.get_column("milieu").drop_nulls() == "R").mean()
    assert women == pytest.approx(0.47, abs=0.03)
    assert rural == pytest.approx(0.35, abs=0.05)
    regions = persons.get_column("region").drop_nulls().value_counts(sort=True)
    assert regions.get_column("region")[0] == "6"  # Casablanca-Settat, the most populous


def test_a_person_is_written_differently_by_different_lenders(records: pl.DataFrame) -> None:
    varied = _across_lenders(records).select(
        (pl.col(c) > 1).mean() for c in ("first", "last", "cin", "birth")
    )
    first, last, cin, birth = varied.row(0)
    # Spellings differ often, identifiers rarely: hard but not absurd.
    assert 0.1 < first < 0.5 and 0.1 < last < 0.5
    assert 0.003 < cin < 0.06 and 0.005 < birth < 0.08


def test_spelling_variants_of_one_name_all_appear(records: pl.DataFrame) -> None:
    mohamed = records.filter(pl.col("first_name_ar") == "محمد").get_column("first_name")
    spellings = set(mohamed.str.to_lowercase().to_list())
    assert {"mohamed", "mohammed", "mhamed", "m'hamed", "muhammad"} <= spellings
    fatima = records.filter(pl.col("first_name_ar").is_in(["فاطمة", "فاطمه"]))
    assert {"fatima", "fatma"} <= set(fatima.get_column("first_name").str.to_lowercase())


def test_particles_are_written_apart_joined_and_hyphenated(records: pl.DataFrame) -> None:
    amrani = records.filter(pl.col("last_name_ar").is_in(["العمراني"])).get_column("last_name")
    forms = set(amrani.str.to_lowercase().to_list())
    assert {"el amrani", "elamrani", "el-amrani"} <= forms
    last = records.get_column("last_name")
    assert last.str.contains(r"^(?i)ait[ -]").any() and last.str.contains(r"^(?i)aït").any()
    assert last.str.contains(r"^(?i)ben ").any() and last.str.contains(r"^(?i)ben[a-z]").any()


def test_each_lender_has_its_own_habits(records: pl.DataFrame) -> None:
    habits = records.group_by("institution_code").agg(
        pl.col("last_name_ar").is_not_null().mean().alias("arabic"),
        (pl.col("last_name") == pl.col("last_name").str.to_uppercase()).mean().alias("upper"),
    )
    by_code = {row[0]: row[1:] for row in habits.iter_rows()}
    assert by_code["ARDI"] == (0.0, 1.0)
    assert by_code["ATTAWFIQ"][0] > 0.7 and by_code["AMANA"][0] > 0.4
    assert 0.2 < by_code["AMANA"][1] < 0.8


def test_first_and_last_names_are_sometimes_swapped(records: pl.DataFrame) -> None:
    several = records.filter(pl.col("person_id").is_duplicated())
    pairs = several.join(several, on="person_id").filter(
        pl.col("institution_code") != pl.col("institution_code_right")
    )
    swapped = pairs.filter(
        (_letters("last_name") == _letters("first_name_right"))
        & (_letters("first_name") == _letters("last_name_right"))
    )
    assert 0 < swapped.height < 0.1 * pairs.height


def test_cin_noise_is_formatting_or_a_typing_slip(records: pl.DataFrame) -> None:
    raw = records.get_column("cin")
    assert raw.str.contains(" ").any() and raw.str.contains("-").any()
    assert raw.str.contains("^[a-z]").any()
    assert _cin_is_loose_shape(records)
    several = records.filter(pl.col("person_id").is_duplicated()).with_columns(n=_cin())
    pairs = several.join(several, on="person_id").filter(pl.col("n") < pl.col("n_right"))
    assert pairs.height > 0
    for a, b in pairs.select("n", "n_right").iter_rows():
        differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        one_digit = len(differ) == 1
        adjacent_swap = (
            len(differ) == 2 and differ[1] == differ[0] + 1 and a[differ[0]] == b[differ[1]]
        )
        assert one_digit or adjacent_swap, (a, b)


def _cin_is_loose_shape(records: pl.DataFrame) -> bool:
    return bool(records.select(_cin().str.contains(r"^[A-Z]{1,2}[0-9]{5,6}$").all()).item())


def test_phones_come_in_every_usual_form_or_not_at_all(records: pl.DataFrame) -> None:
    phones = records.get_column("phone")
    assert 0.03 < phones.is_null().mean() < 0.2
    present = phones.drop_nulls()
    for pattern in (r"^0[67]\d{8}$", r"^\+212[67]\d{8}$", r"^00212[67]", r"^212 [67]",
                    r"^0[67] \d\d \d\d", r"^0[67]-\d\d-", r"^\+212 [67] "):  # fmt: skip
        assert present.str.contains(pattern).any(), pattern
    digits = present.str.replace_all(r"\D", "")
    assert digits.str.contains(r"^(0|212|00212)[67]\d{8}$").all()


def test_relatives_share_phone_and_surname_yet_are_distinct(records: pl.DataFrame) -> None:
    people = records.unique("person_id").with_columns(
        phone_key=_phone_digits(),
        surname=pl.col("last_name_ar").str.replace_all("[أإآ]", "ا").str.replace_all("ة", "ه"),
    )
    relatives = people.filter(pl.col("relative_of").is_not_null()).join(
        records.unique("person_id").select(
            pl.col("person_id").alias("relative_of"),
            _phone_digits().alias("phone_key_rel"),
            _cin().alias("cin_rel"),
        ),
        on="relative_of",
    )
    assert relatives.height > 0.05 * people.height
    assert (relatives.get_column("person_id") != relatives.get_column("relative_of")).all()
    both = relatives.filter(
        pl.col("phone_key").is_not_null() & pl.col("phone_key_rel").is_not_null()
    )
    assert (both.get_column("phone_key") == both.get_column("phone_key_rel")).mean() > 0.6
    assert (
        relatives.with_columns(c=_cin()).get_column("c") != relatives.get_column("cin_rel")
    ).all()
    # Seen from the data alone: a phone written by several persons, mostly of one family.
    shared = (
        people.filter(pl.col("phone_key").is_not_null())
        .group_by("phone_key")
        .agg(
            pl.col("person_id").n_unique().alias("persons"),
            pl.col("surname").drop_nulls().n_unique().alias("surnames"),
            pl.col("surname").drop_nulls().len().alias("written"),
        )
        .filter(pl.col("persons") > 1)
    )
    assert shared.height > 0.03 * people.height
    comparable = shared.filter(pl.col("written") > 1)
    assert (comparable.get_column("surnames") == 1).mean() > 0.7
