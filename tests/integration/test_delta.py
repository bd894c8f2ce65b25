"""What a monthly file writes: only the new and the changed, found through fingerprints.

On SQLite and PostgreSQL: the split of `Delta`, the writes a load makes from it, the ids it
hands out, and the stability of the fingerprints that the registry keeps from month to month.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from sqlalchemy import Engine, func, select, update

from centrale import services
from centrale.bootstrap import App
from centrale.ingest.rules import validate_chunk
from centrale.settings import Settings
from centrale.store.bulk import IdBlock
from centrale.store.delta import Delta, with_fingerprints
from centrale.store.tables import borrower_records, contracts, snapshots
from support.v1 import v1_row, write_v1


def _valid(rows: list[dict[str, str]]) -> pl.DataFrame:
    frame = pl.DataFrame(rows).with_columns(
        pl.int_range(1, len(rows) + 1, dtype=pl.Int64).alias("row"),
        pl.all().exclude("row").replace("", None),
    )
    return validate_chunk(frame, date(2025, 2, 28)).valid


def _customers(valid: pl.DataFrame) -> pl.DataFrame:
    from centrale.ingest.pipeline import _new_customers

    return _new_customers(valid, valid.get_column("customer_ref").is_first_distinct())


def _january(app: App, tmp_path: Path) -> None:
    services.add_institution(app, "AMANA", "Al Amana Microfinance")
    report = services.submit_file(
        app, write_v1(tmp_path / "jan.csv", [v1_row(n) for n in (1, 2, 3, 4)])
    )
    assert report.status == "accepted"


def _february(**changes: dict[str, str]) -> list[dict[str, str]]:
    """AMANA's February: customers 1 to 4 (with `changes` by customer_ref), and a new one."""
    rows = []
    for n in (1, 2, 3, 4, 5):
        row = v1_row(n, period="2025-02", outstanding="4500")
        row.update(changes.get(row["customer_ref"], {}))
        rows.append(row)
    return rows


def test_a_settled_month_writes_only_the_new_and_the_changed(app: App, tmp_path: Path) -> None:
    _january(app, tmp_path)
    rows = _february(
        K00002={"phone": "0699999999"},  # identity: written and linked again
        K00003={"region": "7"},  # the record only: written, not linked again
        K00004={"amount": "12000"},  # the contract's terms: written
    )
    valid = _valid(rows)
    assert valid.height == 5
    with app.engine.begin() as conn:
        delta = Delta(conn, 1, "2025-02")
        customers = delta.customers(_customers(valid)).sort("customer_ref")
        written, month = delta.contracts(valid)
    assert customers.select("customer_ref", "is_new", "to_link").rows() == [
        ("K00002", False, True),
        ("K00003", False, False),
        ("K00005", True, True),
    ]
    assert written.select("contract_ref", "is_new").sort("contract_ref").rows() == [
        ("C00004", False),
        ("C00005", True),
    ]
    # Every contract has its snapshot, with the ids of its contract and borrower record.
    assert month.height == 5 and month["contract_id"].null_count() == 0
    assert month["borrower_record_id"].null_count() == 0


def test_the_month_lands_as_the_delta_says(app: App, tmp_path: Path) -> None:
    _january(app, tmp_path)
    rows = _february(K00003={"region": "7", "last_name": "Tazi-Alaoui"})
    report = services.submit_file(app, write_v1(tmp_path / "feb.csv", rows))
    assert report.status == "accepted"
    with app.engine.connect() as conn:
        records = conn.execute(
            select(
                borrower_records.c.customer_ref,
                borrower_records.c.region,
                borrower_records.c.last_name,
                borrower_records.c.person_id,
            ).order_by(borrower_records.c.customer_ref)
        ).all()
        february = conn.execute(
            select(func.count(), func.count(func.distinct(snapshots.c.borrower_record_id))).where(
                snapshots.c.period == "2025-02"
            )
        ).one()
        hashes = conn.execute(
            select(func.count()).where(borrower_records.c.record_hash.is_(None))
        ).scalar_one()
    assert [r.customer_ref for r in records] == ["K00001", "K00002", "K00003", "K00004", "K00005"]
    assert records[2].region == 7 and records[2].last_name == "Tazi-Alaoui"
    assert all(r.person_id is not None for r in records)
    assert tuple(february) == (5, 5)
    assert hashes == 0


def test_records_without_fingerprints_or_person_are_written_again(app: App, tmp_path: Path) -> None:
    """Rows loaded before fingerprints existed count as changed once; a record linked to no
    person is linked again."""
    _january(app, tmp_path)
    with app.engine.begin() as conn:
        conn.execute(
            update(borrower_records)
            .where(borrower_records.c.customer_ref == "K00001")
            .values(record_hash=None, identity_hash=None)
        )
        conn.execute(
            update(borrower_records)
            .where(borrower_records.c.customer_ref == "K00002")
            .values(person_id=None)
        )
        conn.execute(
            update(contracts).where(contracts.c.contract_ref == "C00003").values(terms_hash=None)
        )
    valid = _valid(_february())
    with app.engine.begin() as conn:
        delta = Delta(conn, 1, "2025-02")
        customers = delta.customers(_customers(valid)).sort("customer_ref")
        written, _ = delta.contracts(valid)
    assert customers.select("customer_ref", "to_link").rows() == [
        ("K00001", True),
        ("K00002", True),
        ("K00005", True),
    ]
    assert sorted(written["contract_ref"]) == ["C00003", "C00005"]


def test_fingerprints_are_stable_and_tell_values_apart() -> None:
    frame = pl.DataFrame(
        {
            "a": ["ab", "a", None, "", "-", "x"],
            "b": ["c", "bc", "c", "c", "c", None],
        }
    )
    hashed = with_fingerprints(frame, {"h": ("a", "b")})["h"]
    assert hashed.dtype == pl.Int64
    assert hashed.n_unique() == len(frame)  # ab|c, a|bc, null, empty and "-" all differ
    # The registry keeps these numbers from month to month: a library that changed them
    # would make every record look changed once. Pinned so that such a change is seen.
    assert with_fingerprints(pl.DataFrame({"a": ["BE123456"]}), {"h": ("a",)})["h"][0] == (_PINNED)


_PINNED = 2624090790890921739  # "BE123456" with polars-hash 0.9


def test_id_blocks_do_not_overlap_and_follow_the_table(db: Engine) -> None:
    with db.begin() as conn:
        held = conn.execute(
            borrower_records.insert().values(
                institution_id=1,
                customer_ref="K",
                cin="X",
                cin_norm="X",
                last_name="A",
                first_name="B",
            )
        ).inserted_primary_key[0]
        block = IdBlock(conn, "borrower_records")
        first, second = block.take(3), block.take(2)
        assert block.take(0).len() == 0
    ids = [*first.to_list(), *second.to_list()]
    assert len(set(ids)) == 5 and min(ids) > held


def test_the_cin_resolver_links_in_the_database(
    settings: Settings, db: Engine, tmp_path: Path
) -> None:
    """The interim resolver fills the stage in SQL (`LinksInDatabase`): new customers get a
    person by CIN, a changed CIN moves its record to the CIN's person, the others keep theirs."""
    app = App(settings=settings.model_copy(update={"identity_resolver": "cin"}), engine=db)
    _january(app, tmp_path)
    rows = _february(K00002={"cin": "BE100001"}, K00005={"cin": "BE100003"})
    assert services.submit_file(app, write_v1(tmp_path / "feb.csv", rows)).status == "accepted"
    with db.connect() as conn:
        rows = conn.execute(select(borrower_records.c.customer_ref, borrower_records.c.person_id))
        person = {ref: person_id for ref, person_id in rows}
    assert person["K00002"] == person["K00001"]  # same CIN now: same person
    assert person["K00005"] == person["K00003"]
    assert len({person["K00001"], person["K00003"], person["K00004"]}) == 3
