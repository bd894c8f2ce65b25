"""Ingestion of format v1 held against PRODUCT.md ("Submission format, version 1" and
"Command line"), rule by rule and file form by file form: what an audit of the spec checked,
and the defects it found, each now a test of the fix."""

from __future__ import annotations

import gzip
import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from centrale import services
from centrale.bootstrap import App
from centrale.cli import app as cli_app
from centrale.domain.submission_format import COLUMNS
from centrale.store.tables import borrower_records, contracts, snapshots, submissions
from support.registry import count
from support.v1 import v1_row, v1_text, write_v1

runner = CliRunner()


def found(report) -> set[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    return {(p["row"], p["column"], p["code"]) for p in report.problems}


def submit_rows(app: App, tmp_path: Path, rows: list[dict[str, str]], name: str = "a.csv"):  # type: ignore[no-untyped-def]
    return services.submit_file(app, write_v1(tmp_path / name, rows))


# --------------------------------------------------------------------------------------------
# Row rules, column by column
# --------------------------------------------------------------------------------------------


def test_optional_columns_present_but_invalid_are_problems(amana: App, tmp_path: Path) -> None:
    """'A value that is present but invalid is a problem even in an optional column.'"""
    rows = [
        v1_row(1),
        v1_row(2, birth_date="1990/01/01"),
        v1_row(3, gender="f"),
        v1_row(4, phone="0412345678"),
        v1_row(5, region="0"),
        v1_row(6, milieu="X"),
        v1_row(7, activity="peche"),
        v1_row(8, installment="abc"),
        v1_row(9, frequency="daily"),
        v1_row(10, closed_on="hier"),  # active contract, closed_on optional but invalid
        v1_row(11, last_name_ar="Amrani"),
    ]
    report = submit_rows(amana, tmp_path, rows)
    assert report.status == "accepted"
    assert (report.accepted, report.rejected) == (1, 10)
    assert found(report) == {
        (3, "birth_date", "invalid_date"),
        (4, "gender", "unknown_value"),
        (5, "phone", "invalid_phone"),
        (6, "region", "invalid_region"),
        (7, "milieu", "unknown_value"),
        (8, "activity", "unknown_value"),
        (9, "installment", "not_integer"),
        (10, "frequency", "unknown_value"),
        (11, "closed_on", "invalid_date"),
        (12, "last_name_ar", "not_arabic"),
    }
    for p in report.problems:  # each message names the bad value
        assert f"« {p['value']} »" in p["message"], p


def test_optional_columns_may_be_empty(amana: App, tmp_path: Path) -> None:
    empty = dict.fromkeys(
        (
            "last_name_ar",
            "first_name_ar",
            "birth_date",
            "gender",
            "phone",
            "region",
            "milieu",
            "activity",
            "group_ref",
            "installment",
            "frequency",
            "closed_on",
            "purpose",
        ),
        "",
    )
    report = submit_rows(amana, tmp_path, [v1_row(1, **empty)])
    assert (report.status, report.accepted, report.problems) == ("accepted", 1, [])


#: PRODUCT.md's required columns, restated here rather than read from the code under test
#: (institution_code and period are checked for the file as a whole).
_REQUIRED = (
    "contract_ref",
    "customer_ref",
    "cin",
    "last_name",
    "first_name",
    "product",
    "disbursed_on",
    "maturity_on",
    "amount",
    "outstanding",
    "arrears",
    "days_past_due",
    "status",
)


def test_each_required_column_missing_is_a_problem(amana: App, tmp_path: Path) -> None:
    rows = [v1_row(1)] + [v1_row(n, **{c: "  "}) for n, c in enumerate(_REQUIRED, start=2)]
    report = submit_rows(amana, tmp_path, rows)
    assert report.status == "accepted" and report.accepted == 1
    assert found(report) == {(n + 1, c, "required") for n, c in enumerate(_REQUIRED, start=2)}
    assert all(p["value"] is None for p in report.problems)
    assert all("valeur obligatoire manquante" in p["message"] for p in report.problems)


def test_a_row_with_many_problems_reports_every_one(amana: App, tmp_path: Path) -> None:
    row = v1_row(
        1,
        cin="",
        gender="X",
        amount="0",
        arrears="-3",
        status="closed",
        closed_on="",
        product="group",
        group_ref="",
        maturity_on="2024-01-01",
    )
    report = submit_rows(amana, tmp_path, [row, v1_row(2)])
    assert found(report) == {
        (2, "cin", "required"),
        (2, "gender", "unknown_value"),
        (2, "amount", "not_positive"),
        (2, "arrears", "negative"),
        (2, "closed_on", "closed_on_required"),
        (2, "group_ref", "group_ref_required"),
        (2, "maturity_on", "maturity_before_disbursement"),
    }
    assert (report.accepted, report.rejected) == (1, 1)
    stored = services.submission_problems(amana, report.submission_id or 0)
    assert stored.columns == ["row", "column", "code", "message", "value"]
    assert stored.height == 7


def test_dates(amana: App, tmp_path: Path) -> None:
    rows = [
        v1_row(1, birth_date="2025-02-30"),  # no such day
        v1_row(2, birth_date="2023-02-29"),  # not a leap year
        v1_row(3, birth_date="2024-02-29"),  # leap year: fine
        v1_row(4, maturity_on="2024-06-01"),  # same day as disbursed_on: "not before", fine
        v1_row(5, maturity_on="2024-05-31"),  # the day before: a problem
        v1_row(6, disbursed_on="31/05/2024"),
    ]
    report = submit_rows(amana, tmp_path, rows)
    assert found(report) == {
        (2, "birth_date", "invalid_date"),
        (3, "birth_date", "invalid_date"),
        (6, "maturity_on", "maturity_before_disbursement"),
        (7, "disbursed_on", "invalid_date"),
    }
    assert report.accepted == 2


def test_a_date_that_does_not_exist_is_told_so(amana: App, tmp_path: Path) -> None:
    """2025-02-30 is written AAAA-MM-JJ already: the fix is the day, not the format."""
    rows = [v1_row(1, birth_date="2025-02-30"), v1_row(2, birth_date="30/05/1980"), v1_row(3)]
    report = submit_rows(amana, tmp_path, rows)
    no_day, no_format = sorted(report.problems, key=lambda p: p["row"])
    assert no_day["code"] == no_format["code"] == "invalid_date"
    assert "« 2025-02-30 » n'existe pas : ce mois n'a pas ce jour" in no_day["message"]
    assert "utilisez AAAA-MM-JJ" not in no_day["message"]
    assert "« 30/05/1980 » n'est pas une date ; utilisez AAAA-MM-JJ" in no_format["message"]
    # A month 13 or 00 is no date of the right shape: the format's message, not the day's.
    again = submit_rows(amana, tmp_path, [v1_row(1, birth_date="1980-13-01")], name="b.csv")
    (month_13,) = again.problems
    assert "n'est pas une date ; utilisez AAAA-MM-JJ" in month_13["message"]


def test_a_date_is_written_with_its_ten_characters(amana: App, tmp_path: Path) -> None:
    """Polars' parser also takes 2024-6-1 and +2024-06-01; format v1 says YYYY-MM-DD."""
    rows = [
        v1_row(1, birth_date="1980-6-1"),
        v1_row(2, birth_date="+1980-06-01"),
        v1_row(3, birth_date="1980-06-01"),
    ]
    report = submit_rows(amana, tmp_path, rows)
    found = sorted((p["row"], p["code"]) for p in report.problems)
    assert found == [(2, "invalid_date"), (3, "invalid_date")]
    assert report.accepted == 1


def test_a_region_may_be_written_with_two_digits(amana: App, tmp_path: Path) -> None:
    report = submit_rows(amana, tmp_path, [v1_row(1, region="06"), v1_row(2, region="13")])
    assert [(p["row"], p["code"]) for p in report.problems] == [(3, "invalid_region")]
    with amana.engine.connect() as conn:
        assert conn.execute(select(borrower_records.c.region)).scalar_one() == 6


def test_closed_on_is_required_for_closed_and_written_off_only(amana: App, tmp_path: Path) -> None:
    rows = [
        v1_row(1, status="closed", closed_on=""),
        v1_row(2, status="written_off", closed_on=""),
        v1_row(3, status="restructured", closed_on=""),
        v1_row(4, status="active", closed_on=""),
        v1_row(5, status="written_off", closed_on="2025-01-15", outstanding="0"),
    ]
    report = submit_rows(amana, tmp_path, rows)
    assert found(report) == {
        (2, "closed_on", "closed_on_required"),
        (3, "closed_on", "closed_on_required"),
    }
    assert report.accepted == 3


def test_group_ref_is_required_for_group_loans_only(amana: App, tmp_path: Path) -> None:
    rows = [
        v1_row(1, product="group", group_ref=""),
        v1_row(2, product="group", group_ref="G01"),
        v1_row(3, product="housing", group_ref=""),
        v1_row(4, product="micro_enterprise"),
    ]
    report = submit_rows(amana, tmp_path, rows)
    assert found(report) == {(2, "group_ref", "group_ref_required")}
    assert report.accepted == 3


def test_amounts(amana: App, tmp_path: Path) -> None:
    rows = [
        v1_row(1, amount="5000.5"),  # not whole dirhams
        v1_row(2, amount="10 000"),  # thousands separator
        v1_row(3, amount="-500"),
        v1_row(4, amount="0"),
        v1_row(5, outstanding="-1"),
        v1_row(6, arrears="-1"),
        v1_row(7, days_past_due="-1"),
        v1_row(8, amount="10000 DH"),
        v1_row(9, amount="1e4"),
        v1_row(10, outstanding="0", arrears="0"),  # >= 0: fine
        v1_row(11, amount="9223372036854775808"),  # 2**63: beyond 64 bits
        v1_row(12, days_past_due="99999999999999999999999"),
    ]
    report = submit_rows(amana, tmp_path, rows)
    assert found(report) == {
        (2, "amount", "not_integer"),
        (3, "amount", "not_integer"),
        (4, "amount", "not_positive"),
        (5, "amount", "not_positive"),
        (6, "outstanding", "negative"),
        (7, "arrears", "negative"),
        (8, "days_past_due", "negative"),
        (9, "amount", "not_integer"),
        (10, "amount", "not_integer"),
        (12, "amount", "too_large"),
        (13, "days_past_due", "too_large"),
    }
    assert report.accepted == 1
    messages = {p["row"]: p["message"] for p in report.problems}
    assert "« 10 000 »" in messages[3] and "séparateur de milliers" in messages[3]


def test_a_huge_negative_number_is_called_negative(amana: App, tmp_path: Path) -> None:
    """A whole number beyond 64 bits with a minus sign is negative, not « not an integer »."""
    rows = [
        v1_row(1, arrears="-99999999999999999999"),
        v1_row(2, amount="-99999999999999999999"),
        v1_row(3),
    ]
    report = submit_rows(amana, tmp_path, rows)
    found = sorted((p["row"], p["column"], p["code"]) for p in report.problems)
    assert found == [(2, "arrears", "negative"), (3, "amount", "not_positive")]


def test_arabic_indic_digits_are_told_to_be_written_0_to_9(amana: App, tmp_path: Path) -> None:
    """An Arabic-locale spreadsheet writes 10000 as « ١٠٠٠٠ »: the message says so, and not
    that the value is implausibly large (Polars' `\\d` takes those digits too)."""
    report = submit_rows(amana, tmp_path, [v1_row(1, amount="١٠٠٠٠", days_past_due="٣"), v1_row(2)])
    problems = {p["column"]: p for p in report.problems}
    assert {c: p["code"] for c, p in problems.items()} == {
        "amount": "not_integer",
        "days_past_due": "not_integer",
    }
    assert "« ١٠٠٠٠ » est écrit en chiffres arabes orientaux" in problems["amount"]["message"]
    assert "chiffres 0 à 9 (ex. ١٠٠٠٠ s'écrit 10000)" in problems["amount"]["message"]


def test_spreadsheet_whole_numbers_are_whole_dirhams(amana: App, tmp_path: Path) -> None:
    report = submit_rows(amana, tmp_path, [v1_row(1, amount="10000.0", days_past_due="3.00")])
    assert (report.accepted, report.problems) == (1, [])
    with amana.engine.connect() as conn:
        assert conn.execute(select(contracts.c.amount)).scalar_one() == 10000


_GOOD_PHONES = (
    "0612345678",
    "+212612345678",
    "00212612345678",
    "212612345678",
    "06 12 34 56 78",
    "06.12.34.56.78",
    "06-12-34-56-78",
    "+212 (0)6 12 34 56 78",
    "0712345678",
    "0522123456",
)
_BAD_PHONES = ("12345", "+33612345678", "0412345678", "06123456789", "abc")


def test_phone_forms(amana: App, tmp_path: Path) -> None:
    phones = _GOOD_PHONES + _BAD_PHONES
    rows = [v1_row(n, phone=p) for n, p in enumerate(phones, start=1)]
    report = submit_rows(amana, tmp_path, rows)
    bad_rows = {n + 1 for n, p in enumerate(phones, start=1) if p in _BAD_PHONES}
    assert found(report) == {(r, "phone", "invalid_phone") for r in bad_rows}
    assert {p["value"] for p in report.problems} == set(_BAD_PHONES)
    with amana.engine.connect() as conn:
        stored = conn.execute(
            select(borrower_records.c.customer_ref, borrower_records.c.phone)
        ).all()
    by_ref = dict(stored)
    assert len(by_ref) == len(_GOOD_PHONES)
    assert by_ref["K00001"] == by_ref["K00008"] == "+212612345678"
    assert by_ref["K00010"] == "+212522123456"
    assert all(p.startswith("+212") and len(p) == 13 for p in by_ref.values())


def test_cin_is_normalised(amana: App, tmp_path: Path) -> None:
    rows = [v1_row(1, cin="be-123 456"), v1_row(2, cin=" k.12O45 "), v1_row(3, cin="123456")]
    report = submit_rows(amana, tmp_path, rows)
    assert found(report) == {(4, "cin", "invalid_cin")}
    with amana.engine.connect() as conn:
        norms = dict(
            conn.execute(select(borrower_records.c.customer_ref, borrower_records.c.cin_norm)).all()
        )
    assert norms == {"K00001": "BE123456", "K00002": "K12045"}


def test_too_long_values_and_vocabulary_case(amana: App, tmp_path: Path) -> None:
    rows = [
        v1_row(1, contract_ref="C" * 65),
        v1_row(2, status="Active"),
        v1_row(3, product="INDIVIDUAL"),
        v1_row(4, contract_ref="C" * 64),
    ]
    report = submit_rows(amana, tmp_path, rows)
    assert found(report) == {
        (2, "contract_ref", "too_long"),
        (3, "status", "unknown_value"),
        (4, "product", "unknown_value"),
    }
    assert report.accepted == 1


def test_a_value_spanning_lines_in_quotes(amana: App, tmp_path: Path) -> None:
    rows = [v1_row(1, purpose="Achat de\nmarchandises, tissus"), v1_row(2, gender="X")]
    report = submit_rows(amana, tmp_path, rows)
    assert (report.accepted, report.rejected) == (1, 1)
    assert found(report) == {(3, "gender", "unknown_value")}  # the record's spreadsheet row
    with amana.engine.connect() as conn:
        assert (
            conn.execute(select(contracts.c.purpose)).scalar_one()
            == "Achat de\nmarchandises, tissus"
        )


def test_a_row_without_its_period_is_a_row_problem(amana: App, tmp_path: Path) -> None:
    report = submit_rows(amana, tmp_path, [v1_row(1), v1_row(2, period="")])
    assert report.status == "accepted" and found(report) == {(3, "period", "required")}


def test_duplicate_contract_ref_within_a_file(amana: App, tmp_path: Path) -> None:
    rows = [v1_row(1), v1_row(2, contract_ref="C00001"), v1_row(3, contract_ref="C00001")]
    report = submit_rows(amana, tmp_path, rows)
    assert [(p["row"], p["code"]) for p in report.problems] == [
        (3, "duplicate_contract"),
        (4, "duplicate_contract"),
    ]
    assert report.accepted == 1 and count(amana, contracts) == 1


# --------------------------------------------------------------------------------------------
# The file: header, encoding, compression, line endings, XLSX
# --------------------------------------------------------------------------------------------


def test_header_in_another_order_is_read_by_name(amana: App, tmp_path: Path) -> None:
    columns = tuple(reversed(COLUMNS))
    path = tmp_path / "a.csv"
    path.write_text(v1_text([v1_row(1), v1_row(2, gender="X")], columns), encoding="utf-8")
    report = services.submit_file(amana, path)
    assert (report.status, report.accepted) == ("accepted", 1)
    assert found(report) == {(3, "gender", "unknown_value")}
    with amana.engine.connect() as conn:
        record = conn.execute(
            select(borrower_records).where(borrower_records.c.customer_ref == "K00001")
        ).one()
    assert (record.last_name, record.cin_norm) == ("Bennani", "BE100001")


def test_spaces_around_header_names_are_tolerated(amana: App, tmp_path: Path) -> None:
    lines = v1_text([v1_row(1)]).splitlines()
    lines[0] = ",".join(f" {c} " for c in COLUMNS)
    path = tmp_path / "a.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert services.submit_file(amana, path).accepted == 1


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda h: h + ",score", "colonnes inconnues : score"),
        (lambda h: h.replace(",purpose", ""), "colonnes manquantes : purpose"),
        (lambda h: h.replace("cin", "CIN", 1), "colonnes inconnues : CIN"),
        (lambda h: h.replace("cin", "CIN", 1), "en minuscules : écrivez cin au lieu de CIN"),
        (lambda h: h + ",amount", "colonnes en double : amount"),
    ],
    ids=["extra", "missing", "case", "case named", "duplicate"],
)
def test_a_wrong_header_rejects_the_file_whole(
    amana: App,
    tmp_path: Path,
    change,
    said: str,  # type: ignore[no-untyped-def]
) -> None:
    lines = v1_text([v1_row(1)]).splitlines()
    lines[0] = change(lines[0])
    path = tmp_path / "a.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = services.submit_file(amana, path)
    assert report.status == "rejected" and said in (report.reason or "")
    assert (report.rows, report.accepted, report.problems) == (0, 0, [])
    assert count(amana, snapshots) == 0


@pytest.mark.parametrize(
    "content", [b"", b"\xef\xbb\xbf", b"\n\n"], ids=["0 bytes", "BOM", "blank"]
)
def test_an_empty_file_is_called_empty(amana: App, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(content)
    report = services.submit_file(amana, path)
    assert report.status == "rejected"
    assert (report.reason or "").startswith("a.csv est vide : il faut l'en-tête"), report.reason


def test_a_header_only_file_is_rejected_with_a_reason(amana: App, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(v1_text([]), encoding="utf-8")
    report = services.submit_file(amana, path)
    assert report.status == "rejected" and "aucune ligne de données" in (report.reason or "")


def test_a_file_of_only_bad_rows_is_accepted_with_every_problem(amana: App, tmp_path: Path) -> None:
    rows = [v1_row(1, amount="x"), v1_row(2, status="pending")]
    report = submit_rows(amana, tmp_path, rows)
    assert (report.status, report.rows, report.accepted, report.rejected) == ("accepted", 2, 0, 2)
    assert found(report) == {(2, "amount", "not_integer"), (3, "status", "unknown_value")}
    assert count(amana, snapshots) == 0


def test_crlf_line_endings(amana: App, tmp_path: Path) -> None:
    text = v1_text([v1_row(1, purpose=""), v1_row(2, gender="X"), v1_row(3)])
    path = tmp_path / "a.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    report = services.submit_file(amana, path)
    assert (report.status, report.accepted, report.rejected) == ("accepted", 2, 1)
    assert found(report) == {(3, "gender", "unknown_value")}
    with amana.engine.connect() as conn:
        purposes = dict(conn.execute(select(contracts.c.contract_ref, contracts.c.purpose)).all())
    assert purposes == {"C00001": None, "C00003": "Achat de marchandises"}


def test_bom_in_a_gzip_file(amana: App, tmp_path: Path) -> None:
    path = tmp_path / "a.csv.gz"
    path.write_bytes(gzip.compress(b"\xef\xbb\xbf" + v1_text([v1_row(1)]).encode()))
    assert services.submit_file(amana, path).accepted == 1


def test_arabic_names_in_utf8_are_kept(amana: App, tmp_path: Path) -> None:
    report = submit_rows(
        amana, tmp_path, [v1_row(1, last_name_ar="العمراني", first_name_ar="فاطمة")]
    )
    assert report.accepted == 1
    with amana.engine.connect() as conn:
        record = conn.execute(select(borrower_records)).one()
    assert (record.last_name_ar, record.first_name_ar) == ("العمراني", "فاطمة")


def test_windows_1256_is_named_in_the_cli(cli_env: Path) -> None:
    path = write_v1(cli_env / "arabe.csv", [v1_row(1)], encoding="cp1256")
    result = runner.invoke(cli_app, ["ingest", str(path)])
    shown = " ".join(result.output.split())
    assert result.exit_code == 1
    assert "Windows-1256" in shown and "UTF-8" in shown and "Traceback" not in shown


def test_latin1_with_capital_accents_is_not_called_arabic(amana: App, tmp_path: Path) -> None:
    """« AÏT BAHA », « ÉPICERIE » in Windows-1252: converting them from Windows-1256 would
    turn Ï into د and É into ة, so the reason must name Windows-1252."""
    row = v1_row(1, last_name="AÏT BAHA", last_name_ar="", first_name_ar="", purpose="ÉPICERIE")
    report = services.submit_file(amana, write_v1(tmp_path / "a.csv", [row], encoding="cp1252"))
    assert report.status == "rejected"
    assert "Windows-1252" in (report.reason or ""), report.reason
    assert "iconv -f WINDOWS-1252 -t UTF-8 a.csv > a-utf8.csv" in (report.reason or "")
    assert "WINDOWS-1256" not in (report.reason or "")


def test_gzip_of_a_windows_1256_file_names_the_encoding(amana: App, tmp_path: Path) -> None:
    path = tmp_path / "a.csv.gz"
    path.write_bytes(gzip.compress(v1_text([v1_row(1)]).encode("cp1256")))
    report = services.submit_file(amana, path)
    assert report.status == "rejected" and "Windows-1256" in (report.reason or "")


def test_gzip_of_a_windows_1256_file_gives_a_fix_that_works(amana: App, tmp_path: Path) -> None:
    """iconv on the compressed bytes would convert garbage: the fix decompresses first."""
    path = tmp_path / "a.csv.gz"
    path.write_bytes(gzip.compress(v1_text([v1_row(1)]).encode("cp1256")))
    reason = services.submit_file(amana, path).reason or ""
    assert "gunzip -c a.csv.gz | iconv -f WINDOWS-1256 -t UTF-8 > a-utf8.csv" in reason, reason


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        ("not_gzip", "ce n'est pas une archive gzip : un fichier renommé en .csv.gz ?"),
        ("truncated", "l'archive est incomplète"),
    ],
)
def test_an_unreadable_gzip_is_explained_in_french(
    amana: App, tmp_path: Path, damage: str, said: str
) -> None:
    data = gzip.compress(v1_text([v1_row(n) for n in range(1, 40)]).encode())
    path = tmp_path / "a.csv.gz"
    path.write_bytes(
        v1_text([v1_row(1)]).encode() if damage == "not_gzip" else data[: len(data) // 2]
    )
    report = services.submit_file(amana, path)
    assert report.status == "rejected" and said in (report.reason or ""), report.reason
    for english in ("Not a gzipped file", "Compressed file ended", "end-of-stream"):
        assert english not in (report.reason or ""), report.reason


def test_a_corrupt_gzip_is_rejected_not_a_crash(amana: App, tmp_path: Path) -> None:
    """Damaged compressed data (a bad transfer) raises zlib's error, not an OSError."""
    data = bytearray(gzip.compress(v1_text([v1_row(n) for n in range(1, 40)]).encode()))
    for i in range(20, 60):
        data[i] ^= 0xFF
    path = tmp_path / "a.csv.gz"
    path.write_bytes(bytes(data))
    report = services.submit_file(amana, path)
    assert report.status == "rejected"
    assert "les données compressées sont endommagées" in (report.reason or ""), report.reason


def test_a_corrupt_gzip_in_the_cli_is_no_traceback(cli_env: Path) -> None:
    """`ingest good.csv bad.csv.gz --json`: both reports, exit code 1."""
    good = write_v1(cli_env / "good.csv", [v1_row(1)])
    data = bytearray(gzip.compress(v1_text([v1_row(n) for n in range(2, 40)]).encode()))
    for i in range(20, 60):
        data[i] ^= 0xFF
    bad = cli_env / "bad.csv.gz"
    bad.write_bytes(bytes(data))
    result = runner.invoke(cli_app, ["ingest", str(good), str(bad), "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code == 1
    reports = json.loads(result.stdout)
    assert [r["status"] for r in reports] == ["accepted", "rejected"]


def test_old_mac_line_endings_are_named(amana: App, tmp_path: Path) -> None:
    """Lines ending in CR only (« CSV Macintosh »): the reason says so, not « no rows »."""
    path = tmp_path / "a.csv"
    path.write_bytes(v1_text([v1_row(1), v1_row(2)]).replace("\n", "\r").encode())
    report = services.submit_file(amana, path)
    assert report.status == "rejected"
    assert "retour chariot seul (le « CSV Macintosh »" in (report.reason or ""), report.reason


def test_utf16_without_its_byte_order_mark_is_named(amana: App, tmp_path: Path) -> None:
    """UTF-16 without a BOM is valid UTF-8 (a NUL after each letter): it is still named."""
    path = tmp_path / "a.csv"
    path.write_bytes(v1_text([v1_row(1)]).encode("utf-16-le"))
    report = services.submit_file(amana, path)
    assert report.status == "rejected"
    assert "a.csv est encodé en UTF-16" in (report.reason or ""), report.reason
    assert "iconv -f UTF-16 -t UTF-8 a.csv > a-utf8.csv" in (report.reason or "")


def _workbook(path: Path, rows: list[list[object]], header: list[str] | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header or list(COLUMNS))
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_xlsx_with_excel_dates_and_numbers_as_numbers(amana: App, tmp_path: Path) -> None:
    index = COLUMNS.index
    row: list[object] = list(v1_row(1).values())
    row[index("birth_date")] = date(1980, 5, 17)
    row[index("disbursed_on")] = datetime(2024, 6, 1, 10, 32)  # with its hour: the date
    row[index("maturity_on")] = datetime(2025, 6, 1)
    row[index("customer_ref")] = 12345
    row[index("phone")] = 612345678  # the leading zero lost by the spreadsheet
    row[index("amount")] = 10000
    row[index("outstanding")] = 5400.0
    row[index("arrears")] = 0
    row[index("days_past_due")] = 0
    row[index("region")] = 6
    bad: list[object] = list(v1_row(2).values())
    bad[index("amount")] = 10000.5
    header = [f" {c} " for c in COLUMNS]  # spaces around the names, as typed in a cell
    path = _workbook(tmp_path / "a.xlsx", [row, bad], header)
    report = services.submit_file(amana, path)
    assert (report.status, report.accepted) == ("accepted", 1)
    assert found(report) == {(3, "amount", "not_integer")}
    with amana.engine.connect() as conn:
        record = conn.execute(select(borrower_records)).one()
        contract = conn.execute(select(contracts)).one()
    assert (record.customer_ref, record.phone, record.birth_date) == (
        "12345",
        "+212612345678",
        date(1980, 5, 17),
    )
    assert (contract.amount, contract.disbursed_on) == (10000, date(2024, 6, 1))


def test_xlsx_wrong_header_and_header_only(amana: App, tmp_path: Path) -> None:
    header = [c for c in COLUMNS if c != "status"]
    wrong = _workbook(tmp_path / "a.xlsx", [list(v1_row(1).values())[:-1]], header)
    report = services.submit_file(amana, wrong)
    assert report.status == "rejected" and "colonnes manquantes : status" in (report.reason or "")
    empty = _workbook(tmp_path / "b.xlsx", [])
    report = services.submit_file(amana, empty)
    assert report.status == "rejected" and "aucune ligne" in (report.reason or "")


def test_xlsx_renamed_csv_is_explained(amana: App, tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    path.write_text(v1_text([v1_row(1)]), encoding="utf-8")
    report = services.submit_file(amana, path)
    assert report.status == "rejected" and "n'est pas un classeur XLSX" in (report.reason or "")


# --------------------------------------------------------------------------------------------
# Values the database must store as given (both backends)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "column"),
    [(v1_row(2, gender="M\x00"), "gender"), (v1_row(2, purpose="Achat\x00"), "purpose")],
    ids=["in_a_vocabulary", "in_free_text"],
)
def test_a_nul_byte_in_a_cell_rejects_its_row(
    amana: App, tmp_path: Path, row: dict[str, str], column: str
) -> None:
    """A NUL is valid UTF-8, and PostgreSQL refuses it in text: the row is reported with the
    NUL shown as ␀, the others load, on both backends alike."""
    report = submit_rows(amana, tmp_path, [v1_row(1), row, v1_row(3)])
    assert report.status == "accepted"
    assert (report.accepted, report.rejected) == (2, 1)
    nul = next(p for p in report.problems if p["code"] == "nul_character")
    assert (nul["row"], nul["column"]) == (3, column)
    assert "\x00" not in nul["value"] and "\u2400" in nul["value"]
    assert "contient un caractère nul (\u2400)" in nul["message"]
    stored = services.submission_problems(amana, report.submission_id or 0)
    assert "nul_character" in stored.get_column("code").to_list()


def test_a_backslash_n_value_is_stored_as_written(amana: App, tmp_path: Path) -> None:
    """A MySQL export writes `\\N` for an empty cell; here the cell holds those two
    characters, and both backends keep them, in the contract and in the problem's value."""
    report = submit_rows(amana, tmp_path, [v1_row(1, purpose="\\N"), v1_row(2, gender="\\N")])
    assert report.status == "accepted"
    with amana.engine.connect() as conn:
        purpose = conn.execute(select(contracts.c.purpose)).scalar_one()
    assert purpose == "\\N"
    stored = services.submission_problems(amana, report.submission_id or 0)
    assert stored.get_column("value").to_list() == ["\\N"]


def test_a_backslash_n_in_a_required_name_is_a_name(amana: App, tmp_path: Path) -> None:
    report = submit_rows(amana, tmp_path, [v1_row(1, first_name="\\N"), v1_row(2)])
    assert (report.status, report.accepted) == ("accepted", 2)
    with amana.engine.connect() as conn:
        names = conn.execute(select(borrower_records.c.first_name)).scalars().all()
    assert "\\N" in names


# --------------------------------------------------------------------------------------------
# Whole-file rejections, idempotence, replacement
# --------------------------------------------------------------------------------------------


def test_unknown_institution_is_rejected_whole(amana: App, tmp_path: Path) -> None:
    report = submit_rows(
        amana, tmp_path, [v1_row(1, institution_code="ARDI"), v1_row(2, institution_code="ARDI")]
    )
    assert report.status == "rejected"
    assert "ARDI" in (report.reason or "") and "inconnue" in (report.reason or "")
    assert (report.rows, report.accepted, report.rejected) == (0, 0, 0)
    assert count(amana, snapshots) == count(amana, borrower_records) == 0


def test_mixed_periods_and_institutions_are_rejected_whole(amana: App, tmp_path: Path) -> None:
    services.add_institution(amana, "ARDI", "Fondation Ardi")
    mixed = submit_rows(amana, tmp_path, [v1_row(1), v1_row(2, period="2024-12")], "m.csv")
    assert mixed.status == "rejected"
    assert "2024-12" in (mixed.reason or "") and "2025-01" in (mixed.reason or "")
    both = submit_rows(amana, tmp_path, [v1_row(1), v1_row(2, institution_code="ARDI")], "i.csv")
    assert both.status == "rejected" and "ARDI" in (both.reason or "")
    assert count(amana, snapshots) == 0


def test_same_file_twice_changes_nothing_even_renamed(amana: App, tmp_path: Path) -> None:
    rows = [v1_row(1), v1_row(2), v1_row(3, amount="x")]
    first = submit_rows(amana, tmp_path, rows, "a.csv")
    with amana.engine.connect() as conn:
        before = conn.execute(select(snapshots).order_by(snapshots.c.contract_id)).all()
    again = submit_rows(amana, tmp_path, rows, "copie.csv")
    assert again.status == "accepted" and again.unchanged
    assert again.submission_id == first.submission_id
    with amana.engine.connect() as conn:
        after = conn.execute(select(snapshots).order_by(snapshots.c.contract_id)).all()
    assert before == after
    assert count(amana, submissions) == 1
    assert len(services.submission_problems(amana, first.submission_id or 0)) == 1


def test_a_corrected_file_replaces_the_month_and_a_resend_of_the_old_one_restores_it(
    amana: App, tmp_path: Path
) -> None:
    old = [v1_row(1), v1_row(2), v1_row(3)]
    submit_rows(amana, tmp_path, old, "v1.csv")
    corrected = submit_rows(amana, tmp_path, [v1_row(1, outstanding="100"), v1_row(4)], "v2.csv")
    assert corrected.status == "accepted" and not corrected.unchanged
    with amana.engine.connect() as conn:
        month = dict(
            conn.execute(
                select(contracts.c.contract_ref, snapshots.c.outstanding).join(
                    contracts, contracts.c.id == snapshots.c.contract_id
                )
            ).all()
        )
    assert month == {"C00001": 100, "C00004": 5400}
    back = submit_rows(amana, tmp_path, old, "v1.csv")
    assert back.status == "accepted" and not back.unchanged
    assert count(amana, snapshots) == 3


def test_another_month_does_not_replace_this_one(amana: App, tmp_path: Path) -> None:
    submit_rows(amana, tmp_path, [v1_row(1), v1_row(2)], "jan.csv")
    submit_rows(amana, tmp_path, [v1_row(1, period="2025-02")], "feb.csv")
    with amana.engine.connect() as conn:
        periods = conn.execute(
            select(snapshots.c.period, func.count())
            .group_by(snapshots.c.period)
            .order_by(snapshots.c.period)
        ).all()
    assert [tuple(p) for p in periods] == [("2025-01", 2), ("2025-02", 1)]


# --------------------------------------------------------------------------------------------
# The command: `ingest FILE... [--json]`
# --------------------------------------------------------------------------------------------


@pytest.fixture
def cli_env(amana: App, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("CENTRALE_DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    return tmp_path


_KEYS = {"file", "status", "institution_code", "period", "rows", "accepted", "rejected", "problems"}


def test_ingest_json_several_files_one_rejected(cli_env: Path) -> None:
    good = write_v1(cli_env / "good.csv", [v1_row(1), v1_row(2, amount="-5")])
    unknown = write_v1(cli_env / "ardi.csv", [v1_row(3, institution_code="ARDI")])
    latin = write_v1(
        cli_env / "latin.csv",
        [v1_row(4, last_name_ar="", first_name_ar="", purpose="Matériel")],
        encoding="cp1252",
    )
    result = runner.invoke(cli_app, ["ingest", str(good), str(unknown), str(latin), "--json"])
    assert result.exit_code == 1, result.output
    reports = json.loads(result.stdout)
    assert [r["file"] for r in reports] == ["good.csv", "ardi.csv", "latin.csv"]
    assert [r["status"] for r in reports] == ["accepted", "rejected", "rejected"]
    for report in reports:
        assert set(report) >= _KEYS, report
    accepted, ardi, latin_report = reports
    assert "reason" not in accepted
    assert (accepted["institution_code"], accepted["period"]) == ("AMANA", "2025-01")
    assert (accepted["rows"], accepted["accepted"], accepted["rejected"]) == (2, 1, 1)
    (problem,) = accepted["problems"]
    assert set(problem) == {"row", "column", "code", "message", "value"}
    assert (problem["row"], problem["column"], problem["code"], problem["value"]) == (
        3,
        "amount",
        "not_positive",
        "-5",
    )
    assert "ARDI" in ardi["reason"] and (ardi["institution_code"], ardi["period"]) == (
        "ARDI",
        "2025-01",
    )
    assert "Windows-1252" in latin_report["reason"]
    # The accepted file was loaded despite the others.
    listing = runner.invoke(cli_app, ["submissions", "list"])
    assert "good.csv" in listing.output


def test_ingest_exit_code_zero_with_rejected_rows(cli_env: Path) -> None:
    path = write_v1(cli_env / "a.csv", [v1_row(1, amount="x"), v1_row(2, status="nope")])
    result = runner.invoke(cli_app, ["ingest", str(path), "--json"])
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.stdout)
    assert (report["status"], report["accepted"], report["rejected"]) == ("accepted", 0, 2)


def test_ingest_missing_file_and_human_output(cli_env: Path) -> None:
    good = write_v1(cli_env / "a.csv", [v1_row(1)])
    result = runner.invoke(cli_app, ["ingest", str(good), str(cli_env / "absent.csv")])
    assert result.exit_code == 1
    shown = " ".join(result.output.split())
    assert "a.csv accepté" in shown and "absent.csv rejeté" in shown and "introuvable" in shown
    assert "Traceback" not in result.output
