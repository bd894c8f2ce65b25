"""The migrations build exactly the schema the table modules declare, on both backends."""

from __future__ import annotations

import polars as pl
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import IntegrityError

import centrale.store.identity_tables
import centrale.store.review_tables
import centrale.store.subscriber_tables
import centrale.store.tables  # noqa: F401  (each module registers its tables)
from centrale.store.db import alembic_config, upgrade
from centrale.store.identity_keys import record_keys
from centrale.store.metadata import metadata
from support.registry import stored_keys


def _one_contract(conn: Connection) -> None:
    """AMANA (id 1) and one contract of 12,000 (id 1)."""
    conn.execute(text("INSERT INTO institutions (id, code, name) VALUES (1, 'AMANA', 'A')"))
    conn.execute(
        text(
            "INSERT INTO contracts (id, institution_id, contract_ref, customer_ref, product, "
            "disbursed_on, maturity_on, amount) VALUES (1, 1, 'C1', 'K1', 'individual', "
            "'2024-06-01', '2025-06-01', 12000)"
        )
    )


def test_migrated_database_matches_the_declared_tables(db: Engine) -> None:
    with db.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


def test_0012_fills_each_snapshot_with_its_contract_s_principal(db: Engine) -> None:
    """Snapshots from before 0012 take the principal their contract holds."""
    config = alembic_config(db)
    command.downgrade(config, "0011")
    with db.begin() as conn:
        _one_contract(conn)
        conn.execute(
            text(
                "INSERT INTO snapshots (contract_id, period, institution_id, submission_id, "
                "borrower_record_id, outstanding, arrears, days_past_due, status) "
                "VALUES (1, '2025-01', 1, 1, 1, 9000, 0, 0, 'active')"
            )
        )
    upgrade(db)
    with db.connect() as conn:
        assert conn.execute(text("SELECT amount FROM snapshots")).scalar_one() == 12000


def test_0013_keeps_every_stored_key_as_its_hash_and_coming_back_asks_for_a_rekey(
    db: Engine,
) -> None:
    """The keys a record was stored with before 0013 (key columns, CIN keys' table) are
    the hashes it holds after; a downgrade brings the tables back and marks the features
    as older, so that `persons rekey` writes the keys again."""
    config = alembic_config(db)
    command.downgrade(config, "0012")
    keys = {
        "cin": "BK123456",
        "phone": "0612345678",
        "k_names_dob": "amrani+mhmd|1980|3|4",
        "k_names_md": "amrani+mhmd|3-4",
        "k_last_dob": "amrani|1980-03-04|m",
        "k_first_dob": None,
    }
    cin_keys = ["BK123456|am", "BK12345|am"]
    with db.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO identity_features (borrower_record_id, person_id, cin, phone, "
                "k_names_dob, k_names_md, k_last_dob, k_first_dob) VALUES (7, 1, :cin, :phone, "
                ":k_names_dob, :k_names_md, :k_last_dob, :k_first_dob)"
            ),
            keys,
        )
        for key in cin_keys:
            conn.execute(
                text("INSERT INTO identity_cin_keys (key, borrower_record_id) VALUES (:k, 7)"),
                {"k": key},
            )
    upgrade(db)
    made = record_keys(
        pl.DataFrame(
            {"borrower_record_id": [7], **{k: [v] for k, v in keys.items()}, "k_cin": [cin_keys]}
        )
    )
    with db.connect() as conn:
        assert stored_keys(conn).equals(made)
        assert made.height == 7  # five key columns with a value, two CIN keys
        columns = {c["name"] for c in inspect(conn).get_columns("identity_features")}
    assert not columns & (set(keys) - {"cin", "phone"})  # the name keys are made again

    command.downgrade(config, "0012")
    with db.connect() as conn:
        version = conn.execute(text("SELECT features_version FROM identity_state")).scalar_one()
        assert conn.execute(text("SELECT COUNT(*) FROM identity_cin_keys")).scalar_one() == 0
    assert version == 1
    upgrade(db)


def test_0015_triggers_drop_a_kept_state_and_come_and_go_with_the_revision(db: Engine) -> None:
    def kept_after_a_write() -> int:
        with db.begin() as conn:
            conn.execute(text("DELETE FROM held_states"))
            conn.execute(
                text(
                    "INSERT INTO held_states (institution_id, records, contracts) "
                    "VALUES (1, '', '')"
                )
            )
            conn.execute(text("UPDATE contracts SET amount = amount + 1"))
            return int(conn.execute(text("SELECT count(*) FROM held_states")).scalar_one())

    with db.begin() as conn:
        _one_contract(conn)
    assert kept_after_a_write() == 0
    command.downgrade(alembic_config(db), "0014")
    assert kept_after_a_write() == 1
    upgrade(db)  # a state kept without the triggers is not trusted
    with db.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM held_states")).scalar_one() == 0
    assert kept_after_a_write() == 0


def test_0016_keeps_refs_unique_by_an_index_and_the_triggers_of_0015(db: Engine) -> None:
    """Up and down again: the refs stay unique, the rows and the triggers stay."""
    names = {
        "uq_borrower_records_institution_id_customer_ref",
        "uq_contracts_institution_id_contract_ref",
    }
    with db.begin() as conn:
        _one_contract(conn)
    command.downgrade(alembic_config(db), "0015")
    with db.connect() as conn:
        constraints = {str(c["name"]) for c in inspect(conn).get_unique_constraints("contracts")}
    assert "uq_contracts_institution_id_contract_ref" in constraints
    upgrade(db)
    with db.connect() as conn:
        indexes = inspect(conn).get_indexes("borrower_records") + inspect(conn).get_indexes(
            "contracts"
        )
        assert names <= {str(i["name"]) for i in indexes if i["unique"]}
        assert conn.execute(text("SELECT count(*) FROM contracts")).scalar_one() == 1
    with db.begin() as conn:
        conn.execute(text("INSERT INTO held_states VALUES (1, '', '')"))
        conn.execute(text("UPDATE contracts SET amount = amount + 1"))
        # The table rebuilt on SQLite kept the trigger of 0015: the kept state is forgotten.
        assert conn.execute(text("SELECT count(*) FROM held_states")).scalar_one() == 0
    with pytest.raises(IntegrityError), db.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO contracts (id, institution_id, contract_ref, customer_ref, "
                "product, disbursed_on, maturity_on, amount) VALUES (2, 1, 'C1', 'K1', "
                "'individual', '2024-06-01', '2025-06-01', 12000)"
            )
        )
