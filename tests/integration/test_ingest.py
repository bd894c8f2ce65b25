"""Ingestion of format v1 on SQLite and PostgreSQL: validation, loading, replacement."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import event, func, select

from centrale import services
from centrale.bootstrap import App
from centrale.domain.submission_format import COLUMNS
from centrale.store.identity_repo import export_links
from centrale.store.identity_tables import identity_features, identity_links
from centrale.store.tables import borrower_records, contracts, persons, snapshots, submissions
from support.registry import count
from support.v1 import v1_row, v1_text, write_v1


def test_valid_file_is_loaded_whole(amana: App, tmp_path: Path) -> None:
    rows = [v1_row(n) for n in range(1, 6)]
    report = services.submit_file(amana, write_v1(tmp_path / "a.csv", rows))
    assert (report.status, report.rows, report.accepted, report.rejected) == (
        "accepted",
        5,
        5,
        0,
    )
    assert report.problems == []
    assert count(amana, snapshots) == 5
    assert count(amana, contracts) == 5
    assert count(amana, borrower_records) == 5
    assert count(amana, persons) == 5


def test_every_problem_of_every_row_is_reported_and_the_rest_loaded(
    amana: App, tmp_path: Path
) -> None:
    rows = [
        v1_row(1),
        v1_row(2, birth_date="31/02/1990", phone="12345"),
        v1_row(3, amount="-500", product="leasing", status="pending"),
        v1_row(4),
        v1_row(5, cin="", first_name=""),
        v1_row(6, outstanding="9000000000000000000", days_past_due="3.5"),
        v1_row(7, arrears="123456789012345678901234", installment="-1"),
    ]
    report = services.submit_file(amana, write_v1(tmp_path / "a.csv", rows))
    assert report.status == "accepted"
    assert (report.accepted, report.rejected) == (2, 5)
    found = {(p["row"], p["column"], p["code"]) for p in report.problems}
    assert found == {
        (3, "birth_date", "invalid_date"),
        (3, "phone", "invalid_phone"),
        (4, "amount", "not_positive"),
        (4, "product", "unknown_value"),
        (4, "status", "unknown_value"),
        (6, "cin", "required"),
        (6, "first_name", "required"),
        # Beyond any microcredit (and what a sector's sums can hold): not a number of dirhams.
        (7, "outstanding", "too_large"),
        (7, "days_past_due", "not_integer"),
        (8, "arrears", "too_large"),
        (8, "installment", "negative"),
    }
    messages = {(p["row"], p["column"]): p["message"] for p in report.problems}
    assert "supérieur à 0" in messages[4, "amount"]
    assert "nombre entier de jours" in messages[7, "days_past_due"]
    assert "centimes" in messages[7, "outstanding"]
    date_problem = next(p for p in report.problems if p["code"] == "invalid_date")
    assert date_problem["value"] == "31/02/1990"
    assert "AAAA-MM-JJ" in date_problem["message"] and "31/02/1990" in date_problem["message"]
    assert count(amana, snapshots) == 2
    stored = services.submission_problems(amana, report.submission_id or 0)
    assert stored.height == len(report.problems)


def test_cross_column_rules(amana: App, tmp_path: Path) -> None:
    rows = [
        v1_row(1, product="group", group_ref=""),
        v1_row(2, maturity_on="2024-01-01"),
        v1_row(3, status="closed", closed_on=""),
        v1_row(4, disbursed_on="2025-02-10", maturity_on="2026-02-10"),
        v1_row(5, amount="0"),
        v1_row(6, amount="5000.5"),
        v1_row(7, region="13"),
        v1_row(8, birth_date="1850-01-01"),
    ]
    report = services.submit_file(amana, write_v1(tmp_path / "a.csv", rows))
    codes = {p["code"] for p in report.problems}
    assert codes == {
        "group_ref_required",
        "maturity_before_disbursement",
        "closed_on_required",
        "disbursed_after_period",
        "not_positive",
        "not_integer",
        "invalid_region",
        "implausible_birth_date",
    }
    assert report.accepted == 0


def test_duplicate_contract_keeps_the_first_row(amana: App, tmp_path: Path) -> None:
    rows = [v1_row(1), v1_row(2), v1_row(3, contract_ref="C00001")]
    report = services.submit_file(amana, write_v1(tmp_path / "a.csv", rows))
    assert report.accepted == 2
    assert [(p["row"], p["code"]) for p in report.problems] == [(4, "duplicate_contract")]


def test_a_repeated_contract_is_reported_on_a_row_with_other_problems(
    amana: App, tmp_path: Path
) -> None:
    rows = [v1_row(1), v1_row(2, contract_ref="C00001", amount="-1")]
    report = services.submit_file(amana, write_v1(tmp_path / "a.csv", rows))
    found = sorted((p["row"], p["code"]) for p in report.problems)
    assert found == [(3, "duplicate_contract"), (3, "not_positive")]


def test_a_client_given_with_another_cin_is_rejected(amana: App, tmp_path: Path) -> None:
    """K00001's second contract names another person's CIN: kept, it would lend that
    person's loan to K00001's person."""
    rows = [v1_row(1), v1_row(2, customer_ref="K00001"), v1_row(3, customer_ref="K00001")]
    rows[2]["cin"] = rows[0]["cin"].lower()  # the same CIN, written otherwise: no conflict
    amana.settings.ingest_chunk_rows = 2  # the third row's check spans chunks
    report = services.submit_file(amana, write_v1(tmp_path / "a.csv", rows))
    assert [(p["row"], p["code"]) for p in report.problems] == [(3, "customer_identity_conflict")]
    assert rows[1]["cin"] in report.problems[0]["message"]
    assert (report.accepted, report.rejected) == (2, 1)


def test_a_client_is_checked_against_an_earlier_chunk(amana: App, tmp_path: Path) -> None:
    rows = [v1_row(n, customer_ref="K00001") for n in (1, 2, 3)]
    rows[1]["cin"] = rows[0]["cin"]
    amana.settings.ingest_chunk_rows = 1  # each row its own chunk
    report = services.submit_file(amana, write_v1(tmp_path / "a.csv", rows))
    assert [(p["row"], p["code"]) for p in report.problems] == [(4, "customer_identity_conflict")]
    assert (report.accepted, report.rejected) == (2, 1)


def test_duplicates_are_found_across_chunks(amana: App, tmp_path: Path) -> None:
    amana.settings.ingest_chunk_rows = 2
    rows = [v1_row(n) for n in range(1, 6)] + [v1_row(9, contract_ref="C00002")]
    report = services.submit_file(amana, write_v1(tmp_path / "a.csv", rows))
    assert report.accepted == 5
    assert [p["row"] for p in report.problems] == [7]


def test_normalised_identity_is_stored(amana: App, tmp_path: Path) -> None:
    rows = [v1_row(1, cin=" be-100 001 ", phone="+212 661-23-45-67")]
    services.submit_file(amana, write_v1(tmp_path / "a.csv", rows))
    with amana.engine.connect() as conn:
        record = conn.execute(select(borrower_records)).one()
    assert record.cin == "be-100 001"
    assert record.cin_norm == "BE100001"
    assert record.phone == "+212661234567"
    assert record.last_name_ar == "بناني"


def test_names_in_the_wrong_script_are_reported(amana: App, tmp_path: Path) -> None:
    rows = [
        v1_row(1),
        v1_row(2, last_name="العمراني"),  # Arabic in the Latin column
        v1_row(3, first_name_ar="Fatima"),  # Latin in the Arabic column
        v1_row(4, last_name="M'Hamed", last_name_ar="مُحَمَّد"),  # apostrophe, harakat: fine
        v1_row(5, last_name="Oʼhamid", first_name_ar="محمـد"),  # modifier apostrophe, tatweel
    ]
    report = services.submit_file(amana, write_v1(tmp_path / "a.csv", rows))
    assert (report.accepted, report.rejected) == (3, 2)
    found = {(p["row"], p["column"], p["code"], p["value"]) for p in report.problems}
    assert found == {
        (3, "last_name", "not_latin", "العمراني"),
        (4, "first_name_ar", "not_arabic", "Fatima"),
    }
    message = next(p["message"] for p in report.problems if p["code"] == "not_latin")
    assert "graphie arabe dans last_name_ar" in message


def test_a_row_longer_than_the_header_is_reported_not_cut(amana: App, tmp_path: Path) -> None:
    """An unquoted comma in a name shifts every later cell: the row is reported with the
    first value beyond the header, not loaded with its last cells cut off."""
    rows = [v1_row(1), v1_row(2, last_name="Elamrani"), v1_row(3), v1_row(4)]
    lines = v1_text(rows).splitlines()
    lines[2] = lines[2].replace("Elamrani", "El,amrani", 1)  # the record of row 3
    lines[4] = lines[4] + ",,"  # empty cells beyond the header carry nothing: no problem
    path = tmp_path / "a.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = services.submit_file(amana, path)
    assert report.status == "accepted"
    assert (report.accepted, report.rejected) == (3, 1)
    (problem,) = [p for p in report.problems if p["code"] == "extra_cells"]
    assert problem["row"] == 3 and problem["column"] == "extra_cells"
    assert "plus de cellules que les 28 colonnes" in problem["message"]
    assert problem["message"].startswith("ligne 3 : « ")


def test_a_value_far_beyond_the_header_is_reported(amana: App, tmp_path: Path) -> None:
    """However far past the header a row's only extra value is, the row is reported; rows
    of the same block keep their own line numbers and values."""
    rows = [v1_row(1), v1_row(2), v1_row(3)]
    lines = v1_text(rows).splitlines()
    lines[2] = lines[2] + ",,,,,,,,,oublié"  # the 10th cell past the header
    lines[3] = lines[3] + ",,,,,,,,,,,,"  # only empty cells past it
    lines.append(v1_text([v1_row(4)]).splitlines()[1] + ",  ,,,,,,,,tard")  # spaces first
    path = tmp_path / "a.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = services.submit_file(amana, path)
    assert (report.accepted, report.rejected) == (2, 2)
    found = [(p["row"], p["code"], p["value"]) for p in report.problems]
    assert found == [(3, "extra_cells", "oublié"), (5, "extra_cells", "tard")]


def test_a_lone_carriage_return_beside_a_wide_row_is_only_a_value(
    amana: App, tmp_path: Path
) -> None:
    """A carriage return alone inside a value (pasted from an old Mac export) is part of the
    value, for the csv module that looks past the header as for Polars; the wide row of the
    same block is still the only one reported."""
    rows = [v1_row(1, purpose="achat<CR>stock"), v1_row(2), v1_row(3)]
    lines = v1_text(rows).replace("<CR>", "\r").split("\n")  # unquoted, as exports write it
    lines[2] = lines[2] + ",,,,,,,,,oublié"  # row 3, far past the header
    path = tmp_path / "a.csv"
    path.write_text("\n".join(lines), encoding="utf-8", newline="")
    report = services.submit_file(amana, path)
    assert report.status == "accepted", report.reason
    assert (report.accepted, report.rejected) == (2, 1)
    found = [(p["row"], p["code"], p["value"]) for p in report.problems]
    assert found == [(3, "extra_cells", "oublié")]


def test_same_file_twice_changes_nothing(amana: App, tmp_path: Path) -> None:
    path = write_v1(tmp_path / "a.csv", [v1_row(1), v1_row(2, amount="x")])
    first = services.submit_file(amana, path)
    second = services.submit_file(amana, path)
    assert second.unchanged and second.status == "accepted"
    assert second.submission_id == first.submission_id
    assert (second.accepted, second.rejected) == (1, 1)
    assert len(second.problems) == 1
    assert count(amana, submissions) == 1
    assert count(amana, snapshots) == 1


def test_corrected_file_replaces_the_month(amana: App, tmp_path: Path) -> None:
    services.submit_file(amana, write_v1(tmp_path / "a.csv", [v1_row(n) for n in (1, 2, 3)]))
    corrected = [v1_row(1, outstanding="4000"), v1_row(2)]
    report = services.submit_file(amana, write_v1(tmp_path / "b.csv", corrected))
    assert report.status == "accepted" and not report.unchanged
    with amana.engine.connect() as conn:
        rows = conn.execute(
            select(contracts.c.contract_ref, snapshots.c.outstanding)
            .join(contracts, contracts.c.id == snapshots.c.contract_id)
            .order_by(contracts.c.contract_ref)
        ).all()
        current = (
            conn.execute(select(submissions.c.id).where(submissions.c.is_current.is_(True)))
            .scalars()
            .all()
        )
    assert rows == [("C00001", 4000), ("C00002", 5400)]
    assert current == [report.submission_id]


def test_a_corrected_month_drops_what_only_the_replaced_file_reported(
    amana: App, tmp_path: Path
) -> None:
    """Contracts 2 and 3 and their clients were only in the file that the correction
    replaces: they go, with their identity rows; contract 4, which February reports, stays.
    Persons stay (a concurrent load may be linking to one), in no export."""
    services.submit_file(amana, write_v1(tmp_path / "a.csv", [v1_row(n) for n in (1, 2, 3)]))
    february = [v1_row(n, period="2025-02") for n in (1, 4)]
    services.submit_file(amana, write_v1(tmp_path / "feb.csv", february))
    assert (count(amana, contracts), count(amana, borrower_records)) == (4, 4)
    services.submit_file(amana, write_v1(tmp_path / "b.csv", [v1_row(n) for n in (1, 4)]))
    with amana.engine.connect() as conn:
        refs = conn.execute(select(contracts.c.contract_ref).order_by("contract_ref")).all()
        features = conn.execute(select(identity_features.c.borrower_record_id)).all()
    assert [r[0] for r in refs] == ["C00001", "C00004"]
    assert count(amana, borrower_records) == 2 and len(features) == 2
    assert count(amana, persons) == 4
    with amana.engine.connect() as conn:
        exported = export_links(conn)  # what `centrale persons export` writes
    assert exported["customer_ref"].to_list() == ["K00001", "K00004"]


def test_months_accumulate_history(amana: App, tmp_path: Path) -> None:
    services.submit_file(amana, write_v1(tmp_path / "jan.csv", [v1_row(1)]))
    february = [v1_row(1, period="2025-02", outstanding="4500", days_past_due="35")]
    services.submit_file(amana, write_v1(tmp_path / "feb.csv", february))
    with amana.engine.connect() as conn:
        history = conn.execute(
            select(snapshots.c.period, snapshots.c.outstanding).order_by(snapshots.c.period)
        ).all()
        record = conn.execute(select(borrower_records)).one()
        span = conn.execute(
            select(func.min(snapshots.c.period), func.max(snapshots.c.period)).where(
                snapshots.c.borrower_record_id == record.id
            )
        ).one()
    assert history == [("2025-01", 5400), ("2025-02", 4500)]
    assert tuple(span) == ("2025-01", "2025-02")  # the record's months, from its snapshots
    assert count(amana, persons) == 1


@pytest.mark.parametrize(
    ("rows", "reason_part"),
    [
        ([v1_row(1), v1_row(2, period="2025-02")], "period"),
        ([v1_row(1), v1_row(2, institution_code="ATTAWFIQ")], "institution_code"),
        ([v1_row(1, institution_code="INCONNUE")], "INCONNUE"),
        ([v1_row(1, period="2025/01")], "AAAA-MM"),
        ([], "aucune ligne"),
    ],
)
def test_file_rejected_whole(
    amana: App, tmp_path: Path, rows: list[dict[str, str]], reason_part: str
) -> None:
    report = services.submit_file(amana, write_v1(tmp_path / "a.csv", rows))
    assert report.status == "rejected"
    assert reason_part in (report.reason or "")
    assert count(amana, snapshots) == 0
    assert services.submissions(amana)[0].status == "rejected"


def test_evidence_forgets_a_dropped_record_it_matched(amana: App, tmp_path: Path) -> None:
    """K00003 is K00002's person at another branch and was linked by matching it: once a
    correction drops K00002, K00003's evidence no longer names it (SQLite reuses ids)."""
    same = {k: v1_row(2)[k] for k in ("cin", "last_name", "first_name", "birth_date", "phone")}
    rows = [v1_row(1), v1_row(2), v1_row(3, **same)]
    services.submit_file(amana, write_v1(tmp_path / "a.csv", rows))
    services.submit_file(amana, write_v1(tmp_path / "b.csv", [rows[0], rows[2]]))
    with amana.engine.connect() as conn:
        matched = conn.execute(select(identity_links.c.matched_record_id)).scalars().all()
        ids = set(conn.execute(select(borrower_records.c.id)).scalars().all())
    assert len(ids) == 2
    assert all(m is None or m in ids for m in matched)


def test_a_record_an_earlier_month_names_stays_after_a_correction(
    amana: App, tmp_path: Path
) -> None:
    """Contract 1 passed from client K00001 to K00002 in February: no contract names K00001
    any more, but January's snapshot does, so correcting February keeps it."""
    services.submit_file(amana, write_v1(tmp_path / "jan.csv", [v1_row(1)]))
    moved = {"period": "2025-02", "customer_ref": "K00002"}
    services.submit_file(amana, write_v1(tmp_path / "feb.csv", [v1_row(1, **moved)]))
    corrected = [v1_row(1, outstanding="4000", **moved)]
    report = services.submit_file(amana, write_v1(tmp_path / "feb2.csv", corrected))
    assert report.status == "accepted" and not report.unchanged
    with amana.engine.connect() as conn:
        refs = conn.execute(select(borrower_records.c.customer_ref)).scalars().all()
    assert sorted(refs) == ["K00001", "K00002"]
    assert count(amana, snapshots) == 2


def test_correcting_an_earlier_month_keeps_what_a_later_month_reported(
    amana: App, tmp_path: Path
) -> None:
    """February restructured contract 1 and gave K00001 a new phone: a corrected January
    rewrites January's history only. Contract 2, which February does not report, takes the
    correction's terms."""
    services.submit_file(amana, write_v1(tmp_path / "jan.csv", [v1_row(1), v1_row(2)]))
    later = {"period": "2025-02", "installment": "600", "phone": "0677777777"}
    services.submit_file(amana, write_v1(tmp_path / "feb.csv", [v1_row(1, **later)]))
    corrected = [v1_row(1, outstanding="5000"), v1_row(2, installment="800")]
    report = services.submit_file(amana, write_v1(tmp_path / "jan2.csv", corrected))
    assert report.status == "accepted" and not report.unchanged
    with amana.engine.connect() as conn:
        terms = dict(conn.execute(select(contracts.c.contract_ref, contracts.c.installment)).all())
        phones = dict(
            conn.execute(select(borrower_records.c.customer_ref, borrower_records.c.phone)).all()
        )
        january = conn.execute(
            select(snapshots.c.outstanding)
            .join(contracts, contracts.c.id == snapshots.c.contract_id)
            .where(snapshots.c.period == "2025-01", contracts.c.contract_ref == "C00001")
        ).scalar_one()
    assert terms == {"C00001": 600, "C00002": 800}
    assert phones["K00001"] == "+212677777777"
    assert january == 5000


def test_a_correction_with_no_valid_row_keeps_the_month(amana: App, tmp_path: Path) -> None:
    services.submit_file(amana, write_v1(tmp_path / "a.csv", [v1_row(1), v1_row(2)]))
    broken = [v1_row(1, amount="-1"), v1_row(2, status="pending")]
    report = services.submit_file(amana, write_v1(tmp_path / "b.csv", broken))
    assert report.status == "rejected" and "est conservé" in (report.reason or "")
    assert (report.rows, report.rejected) == (2, 2)
    assert [p["code"] for p in report.problems] == ["not_positive", "unknown_value"]
    stored = services.submission_problems(amana, report.submission_id or 0)
    assert stored.height == 2  # every problem is kept with the rejection
    assert count(amana, snapshots) == 2


def test_the_same_file_rejected_twice_is_recorded_once(amana: App, tmp_path: Path) -> None:
    path = write_v1(tmp_path / "a.csv", [v1_row(1, institution_code="NOPE")])
    first = services.submit_file(amana, path)
    again = services.submit_file(amana, path)
    assert first.status == again.status == "rejected" and again.reason == first.reason
    assert again.unchanged and again.submission_id == first.submission_id
    assert count(amana, submissions) == 1
    services.add_institution(amana, "NOPE", "Nouvelle institution")
    later = services.submit_file(amana, path)  # once the institution exists: a new attempt
    assert later.status == "accepted" and later.submission_id != first.submission_id


def test_mixed_period_in_a_later_chunk_rolls_back_everything(amana: App, tmp_path: Path) -> None:
    amana.settings.ingest_chunk_rows = 2
    rows = [v1_row(n) for n in range(1, 5)] + [v1_row(5, period="2025-02")]
    report = services.submit_file(amana, write_v1(tmp_path / "a.csv", rows))
    assert report.status == "rejected" and "2025-02" in (report.reason or "")
    assert count(amana, snapshots) == 0
    assert count(amana, borrower_records) == 0


@pytest.mark.parametrize(
    ("cell", "line"),
    [('"Achat de marchandises', 3), ('Achat de 5" tubes', 3)],
    ids=["unclosed", "inside"],
)
def test_a_quote_out_of_place_rejects_the_file_naming_its_line(
    amana: App, tmp_path: Path, cell: str, line: int
) -> None:
    path = write_v1(tmp_path / "a.csv", [v1_row(1), v1_row(2), v1_row(3)])
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line - 1] = lines[line - 1].replace("Achat de marchandises", cell)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = services.submit_file(amana, path)
    assert report.status == "rejected"
    assert f"CSV mal formé à la ligne {line}" in (report.reason or "")
    assert v1_row(2)["cin"] not in (report.reason or "")  # no row is quoted back
    assert (report.institution_code, report.period) == ("AMANA", "2025-01")
    assert count(amana, snapshots) == 0


def test_a_rejected_file_keeps_the_institution_and_month_it_gives(
    amana: App, tmp_path: Path
) -> None:
    lower = services.submit_file(
        amana, write_v1(tmp_path / "a.csv", [v1_row(1, institution_code="amana")])
    )
    assert "s'écrit « AMANA »" in (lower.reason or "")
    assert (lower.institution_code, lower.period) == ("amana", "2025-01")
    unknown = services.submit_file(
        amana, write_v1(tmp_path / "b.csv", [v1_row(1, institution_code="NOPE")])
    )
    assert "centrale institutions add NOPE" in (unknown.reason or "")
    stored = services.submission(amana, unknown.submission_id or 0)
    assert (stored.institution_code, stored.period) == ("NOPE", "2025-01")
    # A file that is not there, or a folder, was never submitted: nothing is recorded.
    for path in (tmp_path / "none.csv", tmp_path):
        assert services.submit_file(amana, path).submission_id is None
    assert count(amana, submissions) == 2


def test_wrong_header_is_named(amana: App, tmp_path: Path) -> None:
    text = v1_text([v1_row(1)]).replace("birth_date", "date_naissance", 1)
    path = tmp_path / "a.csv"
    path.write_text(text, encoding="utf-8")
    report = services.submit_file(amana, path)
    assert report.status == "rejected"
    assert "birth_date" in (report.reason or "") and "date_naissance" in (report.reason or "")


def test_a_header_ending_in_a_comma_is_named(amana: App, tmp_path: Path) -> None:
    lines = v1_text([v1_row(1)]).splitlines()
    path = tmp_path / "a.csv"
    path.write_text(lines[0] + ",\n" + lines[1] + ",\n", encoding="utf-8")
    report = services.submit_file(amana, path)
    assert report.status == "rejected"
    assert "colonnes inconnues : (sans nom : virgule en fin de ligne ?)" in report.reason


def test_semicolons_and_utf16_are_named(amana: App, tmp_path: Path) -> None:
    text = v1_text([v1_row(1)])
    semicolons = tmp_path / "a.csv"
    semicolons.write_text(text.replace(",", ";"), encoding="utf-8")
    assert "points-virgules" in (services.submit_file(amana, semicolons).reason or "")
    utf16 = tmp_path / "b.csv"
    utf16.write_bytes(text.encode("utf-16"))
    assert "UTF-16" in (services.submit_file(amana, utf16).reason or "")


def test_windows_1256_is_rejected_with_its_name(amana: App, tmp_path: Path) -> None:
    path = write_v1(tmp_path / "a.csv", [v1_row(1, last_name="Elamrani")], encoding="cp1256")
    report = services.submit_file(amana, path)
    assert report.status == "rejected"
    assert "Windows-1256" in (report.reason or "")
    assert "iconv -f WINDOWS-1256" in (report.reason or "")
    assert "ligne 2" in (report.reason or "")


def test_a_file_cut_within_its_last_character_is_rejected_with_its_line(
    amana: App, tmp_path: Path
) -> None:
    """An export cut short in the middle of a character (é is two bytes in UTF-8): the
    decoder placed its error beyond the file's end, and the load failed on it."""
    path = tmp_path / "a.csv"
    path.write_bytes(v1_text([v1_row(1, last_name="Elamrani")]).encode() + "é".encode()[:1])
    report = services.submit_file(amana, path)
    assert report.status == "rejected"
    assert "n'est pas encodé en UTF-8 : octet 0xC3 invalide à la ligne 3" in (report.reason or "")


def test_a_file_refused_before_its_rows_are_read_is_recorded(amana: App, tmp_path: Path) -> None:
    """Not UTF-8, empty, a wrong header, a broken archive or workbook: the attempt shows in
    the submissions, with its reason, once per file and reason."""
    v1 = write_v1(tmp_path / "a.csv", [v1_row(1, last_name="Elamrani")], encoding="cp1256")
    empty = tmp_path / "b.csv"
    empty.write_bytes(b"")
    header = tmp_path / "c.csv"
    header.write_text(v1_text([v1_row(1)]).replace("birth_date", "naissance", 1))
    archive = tmp_path / "d.csv.gz"
    archive.write_bytes(b"not gzip at all")
    sheet = tmp_path / "e.xlsx"
    sheet.write_bytes(b"not a workbook")
    refused = [services.submit_file(amana, path) for path in (v1, empty, header, archive, sheet)]
    assert all(r.status == "rejected" and r.submission_id for r in refused)
    for report in refused:
        stored = services.submission(amana, report.submission_id or 0)
        assert stored.status == "rejected" and stored.reason == report.reason
        assert stored.file_name == report.file and len(stored.file_sha256) == 64
        assert (stored.institution_code, stored.period) == (None, None)
    again = services.submit_file(amana, v1)
    assert again.unchanged and again.submission_id == refused[0].submission_id
    assert count(amana, submissions) == len(refused)


def test_latin1_is_rejected_with_its_name(amana: App, tmp_path: Path) -> None:
    rows = [v1_row(1, last_name_ar="", first_name_ar="", purpose="Achat d'équipement")]
    report = services.submit_file(amana, write_v1(tmp_path / "a.csv", rows, encoding="cp1252"))
    assert report.status == "rejected" and "Windows-1252" in (report.reason or "")


def test_blank_lines_are_no_rows_and_keep_the_line_numbers(amana: App, tmp_path: Path) -> None:
    lines = v1_text([v1_row(1), v1_row(2, amount="x")]).splitlines()
    lines[1:1] = ["", ",,,,", "   "]  # empty, only commas, only spaces: lines 2 to 4
    path = tmp_path / "a.csv"
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    report = services.submit_file(amana, path)
    assert (report.rows, report.accepted, report.rejected) == (2, 1, 1)
    assert [(p["row"], p["code"]) for p in report.problems] == [(6, "not_integer")]


def test_byte_order_mark_is_accepted(amana: App, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"\xef\xbb\xbf" + v1_text([v1_row(1)]).encode())
    assert services.submit_file(amana, path).accepted == 1


def test_gzip_file(amana: App, tmp_path: Path) -> None:
    path = tmp_path / "a.csv.gz"
    path.write_bytes(gzip.compress(v1_text([v1_row(1), v1_row(2)]).encode()))
    report = services.submit_file(amana, path)
    assert (report.status, report.accepted) == ("accepted", 2)


def test_xlsx_file_with_real_dates_and_numbers(amana: App, tmp_path: Path) -> None:
    from datetime import datetime

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for n in (1, 2):
        row: list[object] = list(v1_row(n).values())
        row[COLUMNS.index("disbursed_on")] = datetime(2024, 6, 1)
        row[COLUMNS.index("amount")] = 10000
        row[COLUMNS.index("region")] = 6
        sheet.append(row)
    path = tmp_path / "a.xlsx"
    book.save(path)
    report = services.submit_file(amana, path)
    assert report.problems == []
    assert (report.status, report.accepted) == ("accepted", 2)


def test_xlsx_cells_past_the_header_are_a_row_problem(amana: App, tmp_path: Path) -> None:
    """A value in a column the header does not name is that row's problem, as in a CSV,
    not an unknown column that rejects the whole workbook."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for n in (1, 2, 3):
        sheet.append([*v1_row(n).values(), *((None, None, "oublié") if n == 2 else ())])
    path = tmp_path / "a.xlsx"
    book.save(path)
    report = services.submit_file(amana, path)
    assert (report.status, report.accepted, report.rejected) == ("accepted", 2, 1)
    (problem,) = report.problems
    assert (problem["row"], problem["code"], problem["value"]) == (3, "extra_cells", "oublié")


def test_unknown_extension_and_missing_file(amana: App, tmp_path: Path) -> None:
    other = tmp_path / "a.txt"
    other.write_text("x")
    assert "csv" in (services.submit_file(amana, other).reason or "")
    assert "introuvable" in (services.submit_file(amana, tmp_path / "none.csv").reason or "")


def test_held_rows_are_updated_by_scanning_the_few_staged_ones(amana: App, tmp_path: Path) -> None:
    """A settled month updates a few held records and contracts from the stage: SQLite must
    scan the stage and find each held row by its key, not scan every held row (the plan it
    chose once the stage was keyed by id). PostgreSQL's plans are its own: there the
    updated rows are checked."""
    rows = [v1_row(n) for n in range(1, 6)]
    services.submit_file(amana, write_v1(tmp_path / "a.csv", rows))
    plans: list[str] = []

    @event.listens_for(amana.engine, "before_cursor_execute")
    def explain(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        updating = statement.startswith("UPDATE") and " FROM " in statement and not many
        if updating and conn.dialect.name == "sqlite":
            found = cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            plans.append(" / ".join(str(step[3]) for step in found.fetchall()))

    later = [v1_row(n, period="2025-02") for n in range(1, 6)]
    later[0].update(phone="0699999999")  # a record changed
    later[1].update(purpose="Achat de bétail")  # a contract's terms changed
    try:
        report = services.submit_file(amana, write_v1(tmp_path / "b.csv", later))
    finally:
        event.remove(amana.engine, "before_cursor_execute", explain)
    assert report.status == "accepted"
    if amana.engine.dialect.name == "sqlite":
        assert len(plans) == 2
        assert all(plan.startswith("SCAN s /") for plan in plans), plans
    with amana.engine.connect() as conn:
        phone = conn.execute(
            select(borrower_records.c.phone).where(borrower_records.c.customer_ref == "K00001")
        ).scalar_one()
        purpose = conn.execute(
            select(contracts.c.purpose).where(contracts.c.contract_ref == "C00002")
        ).scalar_one()
    assert (phone, purpose) == ("+212699999999", "Achat de bétail")
