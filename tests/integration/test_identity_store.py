"""The model resolver on SQLite and PostgreSQL: batch linking, evidence, conflicts, analysts'
splits and joins, export and show, and one-record resolution."""

from __future__ import annotations

import json
import random
import re
from datetime import date, timedelta

import polars as pl
import pytest
from sqlalchemy import Connection, Engine, func, insert, select
from typer.testing import CliRunner

from centrale.errors import InvalidInput, UnknownPerson
from centrale.identity.cli import persons_app
from centrale.identity.persons import join_persons, show_person, split_person
from centrale.identity.resolver import ModelResolver
from centrale.identity.seam import LINK_SCHEMA, RECORD_SCHEMA
from centrale.settings import Settings
from centrale.store import identity_repo as repo
from centrale.store.identity_tables import (
    identity_changes,
    identity_features,
    identity_links,
    identity_models,
)
from centrale.store.tables import borrower_records, institutions

FIRST = [
    ("Mohamed", "Mohammed", "محمد"),
    ("Fatima", "Fatma", "فاطمة"),
    ("Youssef", "Yusuf", "يوسف"),
    ("Khadija", "Khadidja", "خديجة"),
    ("Rachid", "Rachide", "رشيد"),
    ("Naima", "Naïma", "نعيمة"),
    ("Hicham", "Hisham", "هشام"),
    ("Zineb", "Zaynab", "زينب"),
    ("Said", "Saïd", "سعيد"),
    ("Amina", "Aminah", "أمينة"),
    ("Omar", "Oumar", "عمر"),
    ("Souad", "Suad", "سعاد"),
]
LAST = [
    ("El Amrani", "Elamrani", "العمراني"),
    ("Alaoui", "El Alaoui", "العلوي"),
    ("Bennani", "Benani", "بناني"),
    ("Tazi", "Ettazi", "التازي"),
    ("Chaoui", "Ech-Chaoui", "الشاوي"),
    ("Benali", "Ben Ali", "بن علي"),
    ("Idrissi", "El Idrissi", "الإدريسي"),
    ("Fassi", "El Fassi", "الفاسي"),
    ("Ouali", "Ou Ali", "أوعلي"),
    ("Berrada", "Berada", "برادة"),
    ("Lahlou", "Lahlu", "لحلو"),
    ("Kettani", "El Kettani", "الكتاني"),
    ("Zerhouni", "Zarhouni", "الزرهوني"),
    ("Filali", "El Filali", "الفيلالي"),
]


def _people(count: int, seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    people = []
    for pid in range(count):
        people.append(
            {
                "pid": pid,
                "first": rng.choice(FIRST),
                "last": rng.choice(LAST),
                "cin": f"{rng.choice(['BK', 'A', 'EE', 'JB'])}{rng.randrange(100000, 999999)}",
                "born": date(1950, 1, 1) + timedelta(days=rng.randrange(0, 20000)),
                "phone": f"+2126{rng.randrange(10**7, 10**8)}",
                "gender": rng.choice("MF"),
                "region": rng.randrange(1, 13),
            }
        )
    return people


def _record(rng: random.Random, person: dict[str, object], noisy: bool) -> dict[str, object]:
    first, last = person["first"], person["last"]
    cin, born = str(person["cin"]), person["born"]
    assert isinstance(first, tuple) and isinstance(last, tuple) and isinstance(born, date)
    fn, ln = first[0], last[0]
    if noisy:
        fn, ln = rng.choice(first[:2]), rng.choice(last[:2])
        roll = rng.random()
        if roll < 0.15:
            i = rng.randrange(len(cin) - 6, len(cin) - 1)
            cin = cin[:i] + cin[i + 1] + cin[i] + cin[i + 2 :]
        elif roll < 0.25 and born.day <= 12 and born.day != born.month:
            born = date(born.year, born.day, born.month)
        elif roll < 0.35:
            fn, ln = ln, fn
    arabic = rng.random() < 0.4
    return {
        "cin_norm": cin,
        "last_name": ln,
        "first_name": fn,
        "last_name_ar": last[2] if arabic else None,
        "first_name_ar": first[2] if arabic else None,
        "birth_date": born,
        "gender": person["gender"],
        "phone": person["phone"] if rng.random() < 0.7 else None,
        "region": person["region"],
    }


def _submit(
    engine: Engine,
    resolver: ModelResolver,
    code: str,
    rows: list[dict[str, object]],
    truth: dict[int, int],
    pids: list[int],
) -> pl.DataFrame:
    """Insert borrower records for institution `code` and link them, as ingestion does."""
    with engine.begin() as conn:
        start = len(truth) + 1
        for offset, pid in enumerate(pids):
            truth[start + offset] = pid
        records = _register(conn, code, rows, start)
        links = resolver.link(conn, records)
        for link in links.iter_rows(named=True):
            conn.execute(
                borrower_records.update()
                .where(borrower_records.c.id == link["borrower_record_id"])
                .values(person_id=link["person_id"], match_score=link["match_score"])
            )
    return links


def _register(
    conn: Connection, code: str, rows: list[dict[str, object]], start: int
) -> pl.DataFrame:
    """Register institution `code` and its borrower records (ids from `start`), not yet
    linked; return them as the seam hands them to the resolver."""
    inst = conn.execute(insert(institutions).values(code=code, name=code)).inserted_primary_key[0]
    conn.execute(
        insert(borrower_records),
        [
            {
                **row,
                "id": start + i,
                "institution_id": inst,
                "customer_ref": f"{code}-{i}",
                "cin": row["cin_norm"],
            }
            for i, row in enumerate(rows)
        ],
    )
    return pl.DataFrame(
        [
            {"borrower_record_id": start + i, "institution_id": inst, **row}
            for i, row in enumerate(rows)
        ],
        schema=RECORD_SCHEMA,
    )


def _pairwise(engine: Engine, truth: dict[int, int]) -> tuple[float, float]:
    with engine.connect() as conn:
        rows = conn.execute(select(borrower_records.c.id, borrower_records.c.person_id)).fetchall()
    frame = pl.DataFrame(
        [(r[0], r[1], truth[r[0]]) for r in rows], schema=["id", "person", "truth"], orient="row"
    )
    pairs = frame.join(frame, on="person").filter(pl.col("id") < pl.col("id_right"))
    true_pairs = frame.join(frame, on="truth").filter(pl.col("id") < pl.col("id_right"))
    hits = pairs.filter(pl.col("truth") == pl.col("truth_right")).height
    return hits / max(pairs.height, 1), hits / max(true_pairs.height, 1)


@pytest.fixture
def linked(
    db: Engine, database_url: str
) -> tuple[Engine, ModelResolver, dict[int, int], list[dict[str, object]]]:
    rng = random.Random(3)
    people = _people(260, seed=11)
    resolver = ModelResolver(Settings(database_url=database_url))
    truth: dict[int, int] = {}
    first = [_record(rng, p, noisy=False) for p in people[:200]]
    _submit(db, resolver, "AMANA", first, truth, [int(str(p["pid"])) for p in people[:200]])
    again = people[100:260]
    second = [_record(rng, p, noisy=True) for p in again]
    links = _submit(db, resolver, "ATTAWFIQ", second, truth, [int(str(p["pid"])) for p in again])
    assert links.schema == pl.Schema(LINK_SCHEMA)
    return db, resolver, truth, people


def test_batch_linking_joins_records_across_institutions(linked) -> None:
    engine, _, truth, _ = linked
    precision, recall = _pairwise(engine, truth)
    assert precision == 1.0
    assert recall >= 0.95
    with engine.connect() as conn:
        assert conn.execute(select(identity_models.c.id)).first() is not None
        evidence = conn.execute(select(identity_links)).mappings().all()
    assert len(evidence) == len(truth)
    matched = [e for e in evidence if e["decided_by"] == "model"]
    assert len(matched) >= 0.95 * 100
    levels = json.loads(matched[0]["levels"])
    assert set(levels) == {
        "cin",
        "last_name",
        "first_name",
        "birth_date",
        "phone",
        "gender",
        "region",
    }
    # A record that founded its person was compared with nothing: no levels to keep.
    founders = [e for e in evidence if e["decided_by"] == "new_person"]
    assert founders and all(e["levels"] is None for e in founders)


def test_only_records_at_or_below_the_last_featured_one_can_have_rows_to_forget(linked) -> None:
    engine, *_ = linked
    with engine.connect() as conn:
        last = repo.last_featured_record(conn)
        largest = conn.execute(select(func.max(borrower_records.c.id))).scalar_one()
        assert last == largest  # every record of the two batches was linked
        conn.execute(identity_features.delete())
        assert repo.last_featured_record(conn) == 0


def test_show_explains_the_link_with_fields_that_agreed(linked) -> None:
    engine, _, truth, _ = linked
    two = next(i for i in range(201, 261) if truth[i] < 200)
    with engine.connect() as conn:
        person = conn.execute(
            select(borrower_records.c.person_id).where(borrower_records.c.id == two)
        ).scalar_one()
    view = show_person(engine, person)
    assert len(view.records) == 2
    by_model = next(r for r in view.records if r["decided_by"] == "model")
    assert by_model["probability"] >= 0.9
    assert by_model["levels"]["last_name"] in ("exact", "same_key", "close")


def test_split_then_join_are_recorded_and_a_new_record_matching_both_is_flagged(linked) -> None:
    engine, resolver, truth, people = linked
    two = next(i for i in range(201, 261) if truth[i] < 200)
    with engine.connect() as conn:
        person = conn.execute(
            select(borrower_records.c.person_id).where(borrower_records.c.id == two)
        ).scalar_one()
    new_person = split_person(engine, person, [two], "a.analyste", "homonyme supposé")
    assert {r["borrower_record_id"] for r in show_person(engine, new_person).records} == {two}
    # A third institution's record of the same person now matches both halves: flagged.
    rng = random.Random(5)
    third = [_record(rng, people[truth[two]], noisy=False)]
    _submit(engine, resolver, "FONDEP", third, truth, [truth[two]])
    with engine.connect() as conn:
        changes = conn.execute(select(identity_changes)).mappings().all()
    assert [c["action"] for c in changes] == ["split", "conflict"]
    assert {changes[1]["person_id"], changes[1]["other_person_id"]} == {person, new_person}
    moved = join_persons(engine, person, new_person, "a.analyste", "même personne")
    assert moved >= 1
    assert show_person(engine, new_person).records == []
    assert [c["action"] for c in show_person(engine, person).changes][-1] == "join"


def test_analyst_operations_refuse_bad_input_in_french(linked) -> None:
    engine, _, _, _ = linked
    with pytest.raises(UnknownPerson, match="personne 999999 inconnue"):
        show_person(engine, 999999)
    with pytest.raises(InvalidInput, match="n'appartiennent pas"):
        split_person(engine, 1, [999999], "a", "b")
    with pytest.raises(InvalidInput, match="elle-même"):
        join_persons(engine, 1, 1, "a", "b")


def test_cli_export_and_show(linked, database_url: str, tmp_path, monkeypatch) -> None:
    _, _, truth, _ = linked
    monkeypatch.setenv("CENTRALE_DATABASE_URL", database_url)
    runner = CliRunner()
    out = tmp_path / "persons.csv"
    result = runner.invoke(persons_app, ["export", str(out)])
    assert result.exit_code == 0, result.output
    exported = pl.read_csv(out)
    assert exported.columns == ["institution_code", "customer_ref", "person_id", "match_score"]
    assert len(exported) == len(truth)
    # A person whose records several institutions hold: the page shows each record and why
    # it was joined (the record it matched, the score, the fields that agreed).
    sizes = exported.group_by("person_id").agg(pl.len(), pl.col("customer_ref"))
    person, refs = sizes.filter(pl.col("len") >= 2).sort("person_id").row(0)[0::2]
    shown = runner.invoke(persons_app, ["show", str(person)], env={"COLUMNS": "250"})
    assert shown.exit_code == 0, shown.output
    assert f"Personne {person} : {len(refs)} fiche(s)" in shown.output
    for ref in refs:
        assert ref in shown.output
    assert "première fiche" in shown.output  # the record that founded the person
    assert re.search(r"modèle, avec la fiche \d+", shown.output)  # the others: by the model
    assert re.search(r"0\.9\d{3}|1\.0000", shown.output)  # their match probability
    assert "CIN : identique" in shown.output or "CIN : une faute de frappe" in shown.output
    record = re.search(r"│ (\d+)\s+│ \S+\s+│ " + re.escape(refs[-1]), shown.output).group(1)
    split = runner.invoke(
        persons_app,
        ["split", str(person), "--records", record, "--analyst", "nadia", "--reason", "homonyme"],
    )
    assert split.exit_code == 0, split.output
    after = runner.invoke(persons_app, ["show", str(person)], env={"COLUMNS": "250"})
    assert re.search(
        rf"Séparation : personnes {person} et \d+, fiche\(s\) {record}, par nadia \(homonyme\)",
        after.output,
    ), after.output
    missing = runner.invoke(persons_app, ["show", "999999"])
    assert missing.exit_code == 2


def test_resolve_one_record_finds_the_person_despite_slips(linked) -> None:
    from centrale.identity.lookup import Lookup

    engine, _, truth, people = linked
    lookup = Lookup(engine)
    person = people[7]
    first, last = person["first"], person["last"]
    assert isinstance(first, tuple) and isinstance(last, tuple)
    cin = str(person["cin"])
    slipped = cin[:-2] + cin[-1] + cin[-2]  # two digits swapped
    born = person["born"]
    assert isinstance(born, date)
    found = lookup.resolve(slipped.lower(), (last[1], first[1]), born, str(person["phone"]))
    assert found and found[0].probability >= 0.9
    with engine.connect() as conn:
        expected = conn.execute(
            select(borrower_records.c.person_id).where(borrower_records.c.id == 8)
        ).scalar_one()
    assert truth[8] == 7 and found[0].person_id == expected
    assert found[0].differing.get("cin") == "one_slip"
    assert lookup.resolve("ZZ000001", ("Inconnu", "Personne")) == []
    with pytest.raises(InvalidInput, match="indiquez la CIN"):
        lookup.resolve("", ("", "x"))


def _batch_records(
    engine: Engine, rng: random.Random, people: list[dict[str, object]]
) -> pl.DataFrame:
    """A third institution's records of `people`, registered but not yet linked."""
    with engine.begin() as conn:
        start = int(conn.execute(select(func.max(borrower_records.c.id))).scalar_one()) + 1
        return _register(conn, "ARDI", [_record(rng, p, noisy=True) for p in people], start)


@pytest.mark.parametrize("slice_rows", [37, 43])  # 43: a last slice of 16 (keys' small path)
def test_a_large_batch_links_through_one_pass_as_through_the_indexes(
    linked, monkeypatch: pytest.MonkeyPatch, slice_rows: int
) -> None:
    """A batch large beside the registry takes its candidates from one pass over the
    registry, a slice at a time, cut to the records sharing a key with it; a small one looks
    them up through the indexes. Both give the same links."""
    from centrale.identity import resolver as resolver_module

    engine, resolver, _, people = linked
    records = _batch_records(engine, random.Random(5), people[50:230])
    monkeypatch.setattr(resolver_module, "_PASS_ROWS", slice_rows)  # of the 360 records
    answers = []
    for share in (0.0, 1e9):  # always the pass; never
        settings = resolver.settings.model_copy(update={"identity_full_read_share": share})
        with engine.connect() as conn, conn.begin() as transaction:
            answers.append(ModelResolver(settings).link(conn, records).sort("borrower_record_id"))
            transaction.rollback()
    through_pass, through_indexes = answers
    assert through_pass.equals(through_indexes)
    with engine.connect() as conn:
        known = conn.execute(select(borrower_records.c.person_id).distinct()).scalars().all()
    joined = through_pass["person_id"].is_in([p for p in known if p is not None]).sum()
    assert joined > 150  # the batch's people were in the registry: it found them


def test_the_pass_draws_the_training_sample_of_the_whole_registry(linked) -> None:
    """Drawn a slice at a time, the training sample is the one drawn from the registry
    and the batch taken together."""
    from centrale.identity.borrowers import BorrowerSpec, with_keys
    from centrale.identity.linkage import linkage_columns
    from centrale.identity.resolver import _draw, _RegistryPass
    from centrale.store import identity_repo as repo

    engine, _, _, people = linked
    spec = BorrowerSpec()
    new = spec.prepare(_batch_records(engine, random.Random(6), people[:90]))
    with engine.connect() as conn:
        whole = with_keys(repo.all_features(conn).sort("borrower_record_id"))
        chosen = _draw(len(whole) + len(new), 120)
        scan = _RegistryPass(spec, new, len(whole), chosen, train=True, candidates=False)
        scan.read(repo.feature_slices(conn, 41))
    drawn = scan.training_data()
    # Only what training reads of each record: the columns blocking and comparing use.
    assert drawn.columns == ["borrower_record_id", *linkage_columns(spec)]
    expected = pl.concat([whole, new], how="diagonal_relaxed")[chosen].select(drawn.columns)
    assert drawn.equals(expected)
    assert 0 < (drawn["borrower_record_id"] < new["borrower_record_id"].min()).sum() < 120
