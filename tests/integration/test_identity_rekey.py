"""`centrale persons rekey`: every linked record's features and keys made again from the
records, after the normalisers changed; persons and links kept. On both backends."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, func, select, text
from typer.testing import CliRunner

from centrale.identity.borrowers import BorrowerSpec
from centrale.identity.lookup import Lookup
from centrale.identity.rekey import rekey
from centrale.identity.resolver import make_resolver
from centrale.identity.seam import RECORD_SCHEMA
from centrale.ingest.pipeline import submit_file
from centrale.settings import Settings
from centrale.store import identity_repo as repo
from centrale.store.identity_tables import identity_links
from centrale.store.institutions import add_institution
from centrale.synth import generate_month_file
from support.registry import expected_keys, stored_keys

LINKED = {**RECORD_SCHEMA, "person_id": pl.Int64()}


def test_rekey_makes_stale_keys_right_and_keeps_persons(
    db: Engine, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = generate_month_file(tmp_path / "AMANA_2025-01.csv", rows=400, seed=3)
    with db.begin() as conn:
        add_institution(conn, "AMANA", "Al Amana")
    assert submit_file(db, path, make_resolver(settings)).status == "accepted"
    with db.connect() as conn:
        persons_before = repo.export_links(conn)
        links_before = conn.execute(select(func.count()).select_from(identity_links)).scalar()
        record = repo.linked_records(conn, LINKED).row(0, named=True)
    # What an older normaliser would have left: other name keys, lost CIN keys.
    with db.begin() as conn:
        conn.execute(
            text("UPDATE identity_features SET ln_key = 'ancien' WHERE borrower_record_id <= 30")
        )
        conn.execute(text("DELETE FROM identity_keys WHERE borrower_record_id <= 10"))

    done = rekey(db)
    assert (done.records, done.changed) == (len(persons_before), 30)
    with db.connect() as conn:
        records = repo.linked_records(conn, LINKED)
        made = BorrowerSpec().prepare(records)
        stored = repo.all_features(conn)
        keys, expected = stored_keys(conn), expected_keys(conn)
        assert repo.export_links(conn).equals(persons_before)  # persons and scores kept
        links = conn.execute(select(func.count()).select_from(identity_links)).scalar()
    assert links == links_before
    compared = ["borrower_record_id", "person_id", "cin", "ln_key", "fn_key", "birth_date"]
    assert (
        stored.sort("borrower_record_id")
        .select(compared)
        .equals(made.sort("borrower_record_id").select(compared))
    )
    assert keys.equals(expected)
    # One-record resolution, which reads through the rebuilt keys, finds the record.
    found = Lookup(db).resolve(
        record["cin_norm"], (record["last_name"], record["first_name"]), record["birth_date"]
    )
    assert found and found[0].person_id == record["person_id"]
    assert rekey(db).changed == 0  # made again: nothing left to change

    from centrale.cli import app

    monkeypatch.setenv("CENTRALE_DATABASE_URL", db.url.render_as_string(hide_password=False))
    shown = CliRunner().invoke(app, ["persons", "rekey"])
    assert shown.exit_code == 0, shown.output
    assert f"pour {len(persons_before)} fiche(s), dont 0 changée(s)" in shown.output


def test_a_registry_keyed_by_older_normalisers_is_told_to_rekey(
    db: Engine, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from centrale.cli import app
    from centrale.identity.borrowers import FEATURES_VERSION
    from centrale.identity.rekey import stale_features_warning

    assert stale_features_warning(db) is None  # nothing stored yet: nothing stale
    path = generate_month_file(tmp_path / "AMANA_2025-01.csv", rows=100, seed=4)
    with db.begin() as conn:
        add_institution(conn, "AMANA", "Al Amana")
    assert submit_file(db, path, make_resolver(settings)).status == "accepted"
    with db.connect() as conn:
        assert repo.features_version(conn) == FEATURES_VERSION
    assert stale_features_warning(db) is None
    with db.begin() as conn:  # as if the features were computed by a version before
        repo.set_features_version(conn, FEATURES_VERSION - 1)
    warning = stale_features_warning(db)
    assert warning is not None and "Lancez `centrale persons rekey`" in warning

    monkeypatch.setenv("CENTRALE_DATABASE_URL", db.url.render_as_string(hide_password=False))
    runner = CliRunner()
    told = runner.invoke(app, ["init"])
    assert told.exit_code == 0
    assert "Attention : les clés d'identité du registre datent d'une version" in " ".join(
        told.output.split()
    )
    assert runner.invoke(app, ["persons", "rekey"]).exit_code == 0
    assert stale_features_warning(db) is None
    assert "Attention" not in runner.invoke(app, ["init"]).output
