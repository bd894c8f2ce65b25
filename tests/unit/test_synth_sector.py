"""The synthetic sector's files: names, format v1 to the letter, truth, determinism, speed-free.

The format rules are restated here as Polars expressions, independently of the ingestion
code, so that the generator and the validator are each checked against PRODUCT.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from centrale.domain.submission_format import COLUMNS
from centrale.synth import (
    SECTOR_INSTITUTIONS,
    SectorFiles,
    generate_month_file,
    generate_month_files,
    generate_onboarding_file,
    generate_sector,
    sector_borrowers,
)

CODES = [code for code, _, _ in SECTOR_INSTITUTIONS]
INVALID_RATE = 0.01
_DATE = "%Y-%m-%d"
_ARABIC = r"^[\u0600-\u06FF ]+$"


@pytest.fixture(scope="module")
def sector(tmp_path_factory: pytest.TempPathFactory) -> SectorFiles:
    out = tmp_path_factory.mktemp("sector")
    return generate_sector(out, persons=3_000, months=6, seed=11, invalid_rate=INVALID_RATE)


def read_files(files: list[Path]) -> pl.DataFrame:
    """Every file's rows as text, with the file's institution and period from its name."""
    frames = []
    for path in files:
        code, period = path.stem.rsplit("_", 1)
        frame = pl.read_csv(path, infer_schema=False)
        frames.append(frame.with_columns(file_code=pl.lit(code), file_period=pl.lit(period)))
    return pl.concat(frames)


def _date(column: str) -> pl.Expr:
    return pl.col(column).str.strptime(pl.Date, _DATE, strict=False)


def _whole(column: str) -> pl.Expr:
    return pl.col(column).str.contains(r"^[0-9]+$")


def _phone_ok() -> pl.Expr:
    digits = pl.col("phone").str.replace_all(r"\D", "")
    national = (
        pl.when(digits.str.starts_with("00212"))
        .then(digits.str.slice(5))
        .when(digits.str.starts_with("212"))
        .then(digits.str.slice(3))
        .when(digits.str.starts_with("0"))
        .then(digits.str.slice(1))
        .otherwise(pl.lit(""))
    )
    return national.str.contains(r"^[67][0-9]{8}$")


def v1_broken(rows: pl.DataFrame) -> pl.Series:
    """True for each row that breaks a rule of format v1 (PRODUCT.md) or of the file."""
    required = [
        "institution_code", "period", "contract_ref", "customer_ref", "cin", "last_name",
        "first_name", "product", "disbursed_on", "maturity_on", "amount", "outstanding",
        "arrears", "days_past_due", "status",
    ]  # fmt: skip
    period_end = (pl.col("file_period") + "-01").str.to_date(_DATE).dt.month_end()
    ended = pl.col("status").is_in(["closed", "written_off"])
    rules = [
        *[pl.col(c).is_null() for c in required],
        pl.col("institution_code") != pl.col("file_code"),
        pl.col("period") != pl.col("file_period"),
        pl.col("contract_ref").is_duplicated().over("file_code", "file_period"),
        ~pl.col("cin").str.replace_all(r"[\s\-]", "").str.to_uppercase()
        .str.contains(r"^[A-Z]{1,3}[0-9]{3,8}$"),
        ~pl.col("last_name").str.contains(r"^[A-Za-zÀ-ÿ' \-]+$"),
        ~pl.col("first_name").str.contains(r"^[A-Za-zÀ-ÿ' \-]+$"),
        ~pl.col("last_name_ar").str.contains(_ARABIC),
        ~pl.col("first_name_ar").str.contains(_ARABIC),
        *[pl.col(c).is_not_null() & _date(c).is_null()
          for c in ("birth_date", "disbursed_on", "maturity_on", "closed_on")],
        ~pl.col("gender").is_in(["F", "M"]) & pl.col("gender").is_not_null(),
        pl.col("phone").is_not_null() & ~_phone_ok(),
        ~pl.col("region").is_in([str(r) for r in range(1, 13)]) & pl.col("region").is_not_null(),
        ~pl.col("milieu").is_in(["U", "R"]) & pl.col("milieu").is_not_null(),
        ~pl.col("activity").is_in(
            ["commerce", "artisanat", "agriculture", "elevage", "services", "autre"]
        ) & pl.col("activity").is_not_null(),
        ~pl.col("product").is_in(["individual", "group", "housing", "micro_enterprise"]),
        (pl.col("product") == "group") & pl.col("group_ref").is_null(),
        ~pl.col("frequency").is_in(["weekly", "biweekly", "monthly"])
        & pl.col("frequency").is_not_null(),
        ~pl.col("status").is_in(["active", "closed", "written_off", "restructured"]),
        ~_whole("amount") | (pl.col("amount").cast(pl.Int64, strict=False) == 0),
        *[pl.col(c).is_not_null() & ~_whole(c)
          for c in ("installment", "outstanding", "arrears", "days_past_due")],
        _date("maturity_on") < _date("disbursed_on"),
        _date("disbursed_on") > period_end,
        ended & pl.col("closed_on").is_null(),
        ~ended & pl.col("closed_on").is_not_null(),
        _date("closed_on") > period_end,
        _date("closed_on") < period_end.dt.month_start(),
        _date("birth_date") > period_end.dt.offset_by("-18y"),
        _date("birth_date") < period_end.dt.offset_by("-72y"),
    ]  # fmt: skip
    flags = rows.select(pl.any_horizontal([r.fill_null(False) for r in rules]).alias("broken"))
    return flags.get_column("broken")


def test_one_file_per_institution_and_month_in_month_order(sector: SectorFiles) -> None:
    names = [p.name for p in sector.files]
    assert all(re.fullmatch(r"[A-Z]+_\d{4}-\d{2}\.csv", n) for n in names)
    periods = [n.rsplit("_", 1)[1][:7] for n in names]
    assert periods == sorted(periods)
    assert sorted(set(periods)) == sector.periods == [f"2025-0{m}" for m in range(1, 7)]
    # The largest members report every month; every member reports.
    for period in sector.periods:
        assert {"AMANA", "ATTAWFIQ", "ARDI"} <= {n.split("_")[0] for n in names if period in n}
    assert {n.split("_")[0] for n in names} == set(CODES)


def test_header_is_format_v1_in_order_utf8(sector: SectorFiles) -> None:
    for path in sector.files:
        with path.open(encoding="utf-8") as handle:
            assert handle.readline().rstrip("\n") == ",".join(COLUMNS)


def test_every_row_passes_v1_except_the_broken_ones(sector: SectorFiles) -> None:
    rows = read_files(sector.files)
    broken = int(v1_broken(rows).sum())
    assert rows.height == sector.rows
    assert broken == sector.invalid_rows
    assert abs(broken / rows.height - INVALID_RATE) < 0.004


def test_invalid_rows_at_the_default_rate_are_few(tmp_path: Path) -> None:
    small = generate_sector(tmp_path, persons=2_000, months=4, seed=5)
    rows = read_files(small.files)
    broken = int(v1_broken(rows).sum())
    assert broken == small.invalid_rows
    assert 0 < broken / rows.height < 0.005


def test_truth_names_the_person_of_every_client(sector: SectorFiles) -> None:
    truth = pl.read_csv(sector.truth, infer_schema=False)
    assert truth.columns == ["institution_code", "customer_ref", "person_id"]
    assert not truth.select("institution_code", "customer_ref").is_duplicated().any()
    clients = read_files(sector.files).select("institution_code", "customer_ref").drop_nulls()
    missing = clients.unique().join(truth, on=["institution_code", "customer_ref"], how="anti")
    assert missing.height == 0
    assert truth.get_column("person_id").n_unique() == sector.persons


def test_cross_indebtedness_in_truth_is_close_to_the_setting(sector: SectorFiles) -> None:
    truth = pl.read_csv(sector.truth)
    lenders = truth.group_by("person_id").agg(pl.col("institution_code").n_unique())
    rate = (lenders.get_column("institution_code") > 1).mean()
    assert rate == pytest.approx(0.15, abs=0.025)


def test_cross_indebtedness_follows_its_setting(tmp_path: Path) -> None:
    records = sector_borrowers(4_000, seed=2, cross_indebtedness=0.3)
    lenders = records.group_by("person_id").agg(pl.col("institution_code").n_unique())
    assert (lenders.get_column("institution_code") > 1).mean() == pytest.approx(0.3, abs=0.03)


def test_same_seed_same_bytes_other_seed_other_files(tmp_path: Path) -> None:
    first = generate_sector(tmp_path / "a", persons=400, months=2, seed=3)
    again = generate_sector(tmp_path / "b", persons=400, months=2, seed=3)
    other = generate_sector(tmp_path / "c", persons=400, months=2, seed=4)
    assert [p.name for p in first.files] == [p.name for p in again.files]
    for a, b in zip([*first.files, first.truth], [*again.files, again.truth], strict=True):
        assert a.read_bytes() == b.read_bytes()
    assert first.files[0].read_bytes() != other.files[0].read_bytes()


def test_borrower_records_are_what_the_files_say(sector: SectorFiles) -> None:
    records = sector_borrowers(3_000, seed=11)
    rows = read_files(sector.files)
    rows = rows.filter(~v1_broken(rows)).unique(["institution_code", "customer_ref"])
    columns = ["cin", "last_name", "first_name", "last_name_ar", "birth_date", "phone"]
    written = records.select(
        "institution_code", "customer_ref", *[pl.col(c).cast(pl.String) for c in columns]
    )
    joined = rows.join(written, on=["institution_code", "customer_ref"], suffix="_record")
    assert joined.height == rows.height
    for column in columns:
        assert joined.filter(pl.col(column).ne_missing(pl.col(column + "_record"))).height == 0


def test_month_file_has_exactly_the_rows_asked(tmp_path: Path) -> None:
    path = generate_month_file(
        tmp_path / "ARDI_2024-06.csv", rows=3_000, seed=1, institution="ARDI", period="2024-06"
    )
    rows = read_files([path])
    assert rows.height == 3_000
    assert rows.columns[: len(COLUMNS)] == list(COLUMNS)
    broken = int(v1_broken(rows).sum())
    assert broken < 3_000 * 0.01
    valid = rows.filter(~v1_broken(rows))
    assert valid.get_column("institution_code").unique().to_list() == ["ARDI"]
    assert valid.get_column("period").unique().to_list() == ["2024-06"]
    assert valid.get_column("last_name").str.to_uppercase().equals(valid.get_column("last_name"))


def test_month_files_follow_the_same_clients_month_after_month(tmp_path: Path) -> None:
    first, second = generate_month_files(tmp_path, rows=2_000, months=2, seed=3, period="2024-12")
    assert (first.name, second.name) == ("AMANA_2024-12.csv", "AMANA_2025-01.csv")
    january, february = read_files([first]), read_files([second])
    assert january.height == 2_000
    assert january.get_column("period").unique().to_list() == ["2024-12"]
    assert february.get_column("period").unique().to_list() == ["2025-01"]
    # No new clients: the second month shows loans of the first month's clients only, fewer
    # of them (loans closed in the first month are not shown again).
    clients = set(january.get_column("customer_ref").to_list())
    assert set(february.get_column("customer_ref").to_list()) <= clients
    assert 0 < february.height < january.height


def test_an_onboarding_file_shares_persons_with_the_first_institution(tmp_path: Path) -> None:
    [amana] = generate_month_files(tmp_path / "amana", rows=2_000, months=1, seed=3)
    ardi = generate_onboarding_file(
        tmp_path / "ardi", rows=1_500, known=(2_000, 3), shared=0.4, seed=4
    )
    rows = read_files([ardi])
    assert ardi.name == "ARDI_2025-01.csv" and rows.height == 1_500
    assert rows.get_column("institution_code").unique().to_list() == ["ARDI"]
    truth = pl.read_csv(ardi.parent / "truth.csv", infer_schema=False)
    persons = truth.get_column("person_id").cast(pl.Int64)
    assert (persons <= 2_000).sum() == 600  # the first's persons keep their ids

    # The same persons as AMANA's: their CINs are the ones AMANA's file writes, but for
    # the few slips either institution makes.
    def plain(frame: pl.DataFrame) -> set[str]:
        cins = frame.get_column("cin").drop_nulls().str.replace_all(r"[\s\-./]", "")
        return set(cins.str.to_uppercase().to_list())

    theirs = plain(read_files([amana]))
    shared = rows.join(truth, on="customer_ref").filter(pl.col("person_id").cast(pl.Int64) <= 2_000)
    found = len(plain(shared) & theirs)
    assert found >= 0.9 * shared.height
    assert len(plain(rows) & theirs) < found + 0.02 * rows.height  # the others are new


def test_progress_reports_each_stage_to_its_end(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    small = generate_sector(
        tmp_path, persons=300, months=3, progress=lambda *call: calls.append(call)
    )
    finals = {stage: (done, total) for stage, done, total in calls}
    assert finals == {
        "personnes": (300, 300),
        "mois": (3, 3),
        "fichiers": (len(small.files), len(small.files)),
    }
