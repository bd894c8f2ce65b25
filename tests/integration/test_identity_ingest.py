"""Ingestion with the model resolver: the synthetic sector's files, linked into persons."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from sqlalchemy import Connection, Engine, Table, inspect, select

from centrale.identity.resolver import make_resolver
from centrale.ingest.pipeline import submit_file
from centrale.settings import Settings
from centrale.store.identity_repo import export_links
from centrale.store.identity_tables import identity_links
from centrale.store.institutions import add_institution
from centrale.store.tables import borrower_records, institutions
from centrale.synth import generate_sector


def test_ingestion_links_with_the_model(db: Engine, settings: Settings, tmp_path: Path) -> None:
    sector = generate_sector(tmp_path / "synth", persons=400, months=1, seed=2, invalid_rate=0.0)
    resolver = make_resolver(settings)
    with db.begin() as conn:
        for code in sector.institutions:
            add_institution(conn, code, code)
    for path in sector.files:
        report = submit_file(db, path, resolver)
        assert report.status == "accepted", report
    with db.connect() as conn:
        links = export_links(conn)
        evidence = conn.execute(select(identity_links.c.decided_by)).scalars().all()
    assert links["person_id"].null_count() == 0
    assert len(evidence) == len(links)
    truth = pl.read_csv(sector.truth, schema_overrides={"customer_ref": pl.String})
    joined = links.join(truth, on=["institution_code", "customer_ref"])
    assert len(joined) == len(links)
    model, true = joined["person_id"], joined["person_id_right"]

    def pairs(*columns: pl.Series) -> int:
        sizes = pl.DataFrame(list(columns)).group_by(pl.all()).len()["len"]
        return int((sizes * (sizes - 1) // 2).sum())

    hits = pairs(model, true)
    assert pairs(true) > 20  # the sector has persons at several institutions
    assert hits / pairs(model) >= 0.99  # precision
    assert hits / pairs(true) >= 0.95  # recall


def test_a_first_load_rebuilds_the_keys_index_and_a_later_one_keeps_it(
    db: Engine, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the load into an empty registry sets the keys' index aside (and builds it again);
    a later load writes through it. Either way every index is there afterwards, and
    one-record resolution, which reads only through them, finds the records."""
    from centrale.identity.lookup import Lookup
    from centrale.store import bulk
    from centrale.store.identity_tables import identity_features, identity_keys
    from centrale.synth import generate_month_file

    set_aside: list[bool] = []
    real = bulk.indexes_set_aside

    def spy(conn: Connection, table: Table, when: bool = True, **keys: bool) -> Any:
        if table is identity_keys:
            set_aside.append(when)
        return real(conn, table, when, **keys)

    monkeypatch.setattr("centrale.store.identity_repo.indexes_set_aside", spy)
    amana = generate_month_file(tmp_path / "AMANA_2025-01.csv", rows=600, seed=5)
    ardi = generate_month_file(tmp_path / "ARDI_2025-01.csv", rows=300, seed=6, institution="ARDI")
    resolver = make_resolver(settings)
    with db.begin() as conn:
        add_institution(conn, "AMANA", "Al Amana")
        add_institution(conn, "ARDI", "Ardi")
    expected = {index.name for index in identity_features.indexes}
    assert expected
    for path in (amana, ardi):
        assert submit_file(db, path, resolver).status == "accepted"
        names = {index["name"] for index in inspect(db).get_indexes("identity_features")}
        assert expected <= names
        key = inspect(db).get_pk_constraint("identity_keys")["constrained_columns"]
        assert key == ["key_hash", "borrower_record_id"]
    assert set_aside == [True, False]
    with db.connect() as conn:
        cin, last, first, born = conn.execute(
            select(
                borrower_records.c.cin,
                borrower_records.c.last_name,
                borrower_records.c.first_name,
                borrower_records.c.birth_date,
            )
            .join(institutions, institutions.c.id == borrower_records.c.institution_id)
            .where(institutions.c.code == "AMANA")
            .limit(1)
        ).one()
    found = Lookup(db).resolve(cin, (last, first), born)
    assert found and found[0].probability >= settings.identity_threshold


def test_a_model_that_saw_few_matches_is_trained_again_only_once_the_registry_grows(
    db: Engine, settings: Settings, tmp_path: Path
) -> None:
    """One institution's first month shows the model few repeated persons; the next month of
    the same clients would teach it nothing new, a new institution's file would."""
    from sqlalchemy import func

    from centrale.store.identity_tables import identity_models
    from centrale.synth import generate_month_file, generate_month_files

    january, february = generate_month_files(tmp_path / "amana", rows=600, months=2, seed=5)
    ardi = generate_month_file(
        tmp_path / "ARDI_2025-02.csv", rows=400, seed=6, institution="ARDI", period="2025-02"
    )
    resolver = make_resolver(settings)
    with db.begin() as conn:
        add_institution(conn, "AMANA", "Al Amana")
        add_institution(conn, "ARDI", "Ardi")

    def models() -> list[int]:
        with db.connect() as conn:
            count = conn.execute(select(func.count()).select_from(identity_models)).scalar_one()
            sizes = conn.execute(select(identity_models.c.records)).scalars().all()
        assert count == len(sizes)
        return list(sizes)

    assert submit_file(db, january, resolver).status == "accepted"
    [trained_at] = models()
    assert trained_at >= 590  # the registry's size when trained, not a sample's
    assert submit_file(db, february, resolver).status == "accepted"
    assert models() == [trained_at]  # same clients: no new training
    assert submit_file(db, ardi, resolver).status == "accepted"
    assert len(models()) == 2  # the registry grew by more than a quarter


def test_relinked_records_keep_exactly_their_new_keys(
    db: Engine, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record whose identity changed is linked again: its old keys go (deleted through the
    keys' primary key, not by a scan) and its new ones come; no key outlives its record.
    On SQLite both loads stage their keys ahead, in a worker; on PostgreSQL the first makes
    them ahead, and the second, which scores against a registry, does not hold them."""
    from centrale.store import identity_repo
    from centrale.store.identity_keys import key_hash
    from centrale.store.identity_tables import identity_features
    from centrale.synth import generate_month_files
    from support.registry import expected_keys, stored_keys

    staged_ahead: list[bool] = []
    real_keys_ahead = identity_repo.keys_ahead

    def keys_ahead(conn: Connection, features: pl.DataFrame, *, hold: bool = True) -> Any:
        ahead = real_keys_ahead(conn, features, hold=hold)
        staged_ahead.append(ahead is not None)
        return ahead

    monkeypatch.setattr(identity_repo, "keys_ahead", keys_ahead)
    january, february, _ = generate_month_files(tmp_path, rows=500, months=3, seed=9)
    resolver = make_resolver(settings)
    with db.begin() as conn:
        add_institution(conn, "AMANA", "Al Amana")
    assert submit_file(db, january, resolver).status == "accepted"
    month = pl.read_csv(february, infer_schema_length=0)
    changed = month["customer_ref"].unique(maintain_order=True).head(25)
    retyped = pl.col("customer_ref").is_in(changed.implode())
    month = month.with_columns(
        cin=pl.when(retyped).then(pl.lit("ZZ") + pl.col("cin").str.slice(2)).otherwise("cin"),
        last_name=pl.when(retyped).then(pl.lit("Nouveau")).otherwise("last_name"),
    )
    month.write_csv(february)
    assert submit_file(db, february, resolver).status == "accepted"

    with db.connect() as conn:
        keys, expected = stored_keys(conn), expected_keys(conn)
        cin = identity_features.c.cin
        retyped_cins = conn.execute(select(cin).where(cin.like("ZZ%"))).scalars().all()
    assert keys.equals(expected)
    assert staged_ahead == [True, db.dialect.name == "sqlite"]
    assert len(retyped_cins) >= 25
    new_cin_keys = pl.select(key_hash("cin", pl.lit(pl.Series(retyped_cins)))).to_series()
    assert keys.filter(pl.col("key_hash").is_in(new_cin_keys.implode())).height >= 25
