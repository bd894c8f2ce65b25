"""What a load leaves of an institution for the next (`centrale.store.held_states`).

On SQLite and PostgreSQL: after every kind of load, what is kept equals what the tables hold;
the next load starts from it; a write the store is not told of (dropped by the database's
triggers, or an insert the counts show), a correction and an analyst's move make the next
load read the tables again.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Connection, select, text

from centrale import services
from centrale.bootstrap import App
from centrale.store import held_states
from centrale.store.delta import Delta
from centrale.store.identity_repo import move_records
from centrale.store.tables import borrower_records
from centrale.synth import generate_month_files
from support.v1 import v1_row, write_v1

_AMANA = 1


def _tables(conn: Connection) -> tuple[pl.DataFrame, pl.DataFrame]:
    return held_states.read_records(conn, _AMANA), held_states.read_contracts(conn, _AMANA)


def _same(frame: pl.DataFrame, other: pl.DataFrame) -> bool:
    return frame.sort("id").equals(other.sort("id"))


def _kept_is_the_tables(app: App) -> None:
    with app.engine.connect() as conn:
        kept = held_states.kept(conn, _AMANA)
        assert kept is not None, "the load left nothing for the next"
        records, contracts = _tables(conn)
    assert _same(kept[0], records)
    assert _same(kept[1], contracts)


def _submit(app: App, path: Path) -> None:
    report = services.submit_file(app, path)
    assert report.status == "accepted", report.reason


def test_every_month_of_a_portfolio_leaves_what_the_tables_hold(amana: App, tmp_path: Path) -> None:
    # Clients' loans run on, are repaid, fall into arrears; broken rows come and go.
    for path in generate_month_files(tmp_path, rows=600, months=3, seed=3):
        _submit(amana, path)
        _kept_is_the_tables(amana)
    with amana.engine.connect() as conn:
        assert len(_tables(conn)[0]) > 500


def test_new_changed_and_relinked_records_are_kept_as_written(amana: App, tmp_path: Path) -> None:
    _submit(amana, write_v1(tmp_path / "jan.csv", [v1_row(n) for n in (1, 2, 3, 4)]))
    _kept_is_the_tables(amana)
    february = []
    for n in (1, 2, 3, 4, 5, 6):
        row = v1_row(n, period="2025-02", outstanding="4500")
        if n == 2:
            row["phone"] = "0699999999"  # identity: written and linked again
        if n == 3:
            row["region"] = "7"  # the record only
        if n == 4:
            row["amount"] = "12000"  # the contract's terms
        february.append(row)
    _submit(amana, write_v1(tmp_path / "feb.csv", february))
    _kept_is_the_tables(amana)
    with amana.engine.connect() as conn:
        records, contracts = _tables(conn)
    assert len(records) == 6 and len(contracts) == 6
    assert records["linked"].to_list() == [1] * 6


def test_the_next_load_starts_from_what_was_kept(
    amana: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _submit(amana, write_v1(tmp_path / "jan.csv", [v1_row(n) for n in (1, 2, 3)]))

    def unread(*_args: object) -> pl.DataFrame:
        raise AssertionError("the tables were read though what was kept agrees with them")

    monkeypatch.setattr(held_states, "read_records", unread)
    monkeypatch.setattr(held_states, "read_contracts", unread)
    with amana.engine.begin() as conn:
        delta = Delta(conn, _AMANA, "2025-02")
    assert delta.reports_latest
    rows = [v1_row(n, period="2025-02") for n in (1, 2, 3)]
    _submit(amana, write_v1(tmp_path / "feb.csv", rows))


#: A contract added by hand, as a copy of another under a new ref.
_CONTRACT_BY_HAND = (
    "INSERT INTO contracts (id, institution_id, contract_ref, customer_ref, product, group_ref, "
    "disbursed_on, maturity_on, amount, installment, frequency, purpose, terms_hash) "
    "SELECT id + 1000, institution_id, 'C09999', customer_ref, product, group_ref, disbursed_on, "
    "maturity_on, amount, installment, frequency, purpose, terms_hash FROM contracts "
    "WHERE contract_ref = 'C00003'"
)


@pytest.mark.parametrize(
    "write",
    [
        "UPDATE borrower_records SET identity_hash = 7 WHERE customer_ref = 'K00002'",
        "UPDATE borrower_records SET person_id = NULL WHERE customer_ref = 'K00002'",
        "UPDATE contracts SET terms_hash = NULL WHERE contract_ref = 'C00003'",
        "DELETE FROM contracts WHERE contract_ref = 'C00003'",
        # Two records' refs swapped: every column's sum is the same.
        "UPDATE borrower_records SET customer_ref = 'K0000x' WHERE customer_ref = 'K00001';"
        "UPDATE borrower_records SET customer_ref = 'K00001' WHERE customer_ref = 'K00002';"
        "UPDATE borrower_records SET customer_ref = 'K00002' WHERE customer_ref = 'K0000x'",
        "UPDATE contracts SET terms_hash = CASE contract_ref WHEN 'C00001' THEN "
        "(SELECT terms_hash FROM contracts WHERE contract_ref = 'C00002') ELSE "
        "(SELECT terms_hash FROM contracts WHERE contract_ref = 'C00001') END "
        "WHERE contract_ref IN ('C00001', 'C00002')",
        _CONTRACT_BY_HAND,
    ],
)
def test_a_write_it_was_not_told_of_makes_the_next_load_read_the_tables(
    amana: App, tmp_path: Path, write: str
) -> None:
    _submit(amana, write_v1(tmp_path / "jan.csv", [v1_row(n) for n in (1, 2, 3)]))
    with amana.engine.begin() as conn:
        for statement in write.split(";"):
            conn.execute(text(statement))
    with amana.engine.connect() as conn:
        kept = held_states.kept(conn, _AMANA)
        records, contracts = held_states.held(conn, _AMANA)
        tables = _tables(conn)
    assert _same(records, tables[0]) and _same(contracts, tables[1])
    if write.startswith("INSERT"):  # the state is still there, a row short of the tables
        assert kept is not None and len(kept[1]) == len(tables[1]) - 1
    else:  # the database's triggers dropped it
        assert kept is None
    # The month after is split against the tables, and leaves them as they are.
    _submit(amana, write_v1(tmp_path / "feb.csv", [v1_row(n, period="2025-02") for n in (1, 2, 3)]))
    _kept_is_the_tables(amana)


def test_another_institutions_writes_leave_the_state_alone(amana: App, tmp_path: Path) -> None:
    _submit(amana, write_v1(tmp_path / "jan.csv", [v1_row(n) for n in (1, 2, 3)]))
    services.add_institution(amana, "ARDI", "Fondation Ardi")
    ardi = [v1_row(n, institution_code="ARDI") for n in (1, 2)]
    _submit(amana, write_v1(tmp_path / "ardi.csv", ardi))
    _submit(amana, write_v1(tmp_path / "ardi-feb.csv", [{**r, "period": "2025-02"} for r in ardi]))
    with amana.engine.begin() as conn:
        conn.execute(text("UPDATE contracts SET terms_hash = 1 WHERE institution_id <> 1"))
        assert held_states.kept(conn, _AMANA) is not None


def test_a_correction_and_a_late_month_leave_nothing_then_the_next_month_does(
    amana: App, tmp_path: Path
) -> None:
    _submit(amana, write_v1(tmp_path / "jan.csv", [v1_row(n) for n in (1, 2, 3)]))
    _submit(amana, write_v1(tmp_path / "feb.csv", [v1_row(n, period="2025-02") for n in (1, 2)]))
    # January again, corrected: a replacement (it may drop rows) and a month before the latest.
    _submit(amana, write_v1(tmp_path / "jan2.csv", [v1_row(n) for n in (1, 2)]))
    with amana.engine.connect() as conn:
        assert held_states.kept(conn, _AMANA) is None
    _submit(amana, write_v1(tmp_path / "mar.csv", [v1_row(n, period="2025-03") for n in (1, 2)]))
    _kept_is_the_tables(amana)


def test_an_analysts_move_leaves_the_next_load_split_against_the_tables(
    amana: App, tmp_path: Path
) -> None:
    _submit(amana, write_v1(tmp_path / "jan.csv", [v1_row(n) for n in (1, 2)]))
    with amana.engine.begin() as conn:
        first, second = conn.execute(
            select(borrower_records.c.id, borrower_records.c.person_id).order_by(
                borrower_records.c.id
            )
        ).all()
        conn.execute(text(f"UPDATE borrower_records SET person_id = NULL WHERE id = {second.id}"))
    with amana.engine.begin() as conn:
        # A record linked to no person until the analyst gives it one: no longer relinked.
        move_records(conn, [second.id], first.person_id)
        records, _ = held_states.held(conn, _AMANA)
        assert _same(records, _tables(conn)[0])
    _submit(amana, write_v1(tmp_path / "feb.csv", [v1_row(n, period="2025-02") for n in (1, 2)]))
    _kept_is_the_tables(amana)


def test_two_loads_of_one_institution_at_once_both_land(amana: App, tmp_path: Path) -> None:
    """On PostgreSQL, loads run side by side; those of one institution wait for each other."""
    _submit(amana, write_v1(tmp_path / "jan.csv", [v1_row(n) for n in (1, 2, 3)]))
    files = [
        write_v1(tmp_path / f"{period}.csv", [v1_row(n, period=period) for n in (1, 2, 3, 4)])
        for period in ("2025-02", "2025-03")
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(lambda path: services.submit_file(amana, path), files))
    assert [r.status for r in reports] == ["accepted", "accepted"], [r.reason for r in reports]
    with amana.engine.connect() as conn:
        kept = held_states.kept(conn, _AMANA)
        tables = _tables(conn)
    # March may have landed first: February is then a late month, which keeps nothing.
    assert kept is None or (_same(kept[0], tables[0]) and _same(kept[1], tables[1]))
