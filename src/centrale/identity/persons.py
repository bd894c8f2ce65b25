"""What analysts do with persons: read why records were joined, split a wrong merge, join a
missed one, export the links. Every split and join is recorded in `identity_changes`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from centrale.errors import InvalidInput, UnknownPerson
from centrale.store import identity_repo as repo

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine


@dataclass
class PersonView:
    """A person's records with the evidence of each link, and the changes made to it."""

    person_id: int
    records: list[dict[str, object]]
    changes: list[dict[str, object]]


def _require(conn: Connection, person_id: int) -> None:
    if not repo.person_exists(conn, person_id):
        raise UnknownPerson(
            f"personne {person_id} inconnue : vérifiez l'identifiant "
            "(la colonne person_id de `centrale persons export`)"
        )


def show_person(engine: Engine, person_id: int) -> PersonView:
    """The records joined into `person_id` and why (probability, fields that agreed).

    >>> show_person(engine, 12).records[0]["levels"]  # doctest: +SKIP
    {'cin': 'exact', 'last_name': 'same_key', ...}
    """
    with engine.connect() as conn:
        _require(conn, person_id)
        records = repo.records_of(conn, person_id).to_dicts()
        changes = repo.changes_of(conn, person_id).to_dicts()
    for record in records:
        text = record.get("levels")
        record["levels"] = json.loads(text) if isinstance(text, str) else {}
    for change in changes:
        change["record_ids"] = json.loads(str(change["record_ids"]))
    return PersonView(person_id, records, changes)


def split_person(
    engine: Engine, person_id: int, record_ids: list[int], analyst: str, reason: str
) -> int:
    """Move `record_ids` out of `person_id` into a new person; returns the new person's id.

    >>> split_person(engine, 12, [345], "a.analyste", "homonyme")  # doctest: +SKIP
    98
    """
    with engine.begin() as conn:
        _require(conn, person_id)
        owned = set(repo.record_ids_of(conn, person_id))
        stray = sorted(set(record_ids) - owned)
        if stray:
            raise InvalidInput(
                f"les enregistrements {stray} n'appartiennent pas à la personne {person_id} ; "
                "choisissez-les parmi ceux que montre `centrale persons show "
                f"{person_id}`"
            )
        if not record_ids or set(record_ids) == owned:
            raise InvalidInput(
                f"séparer la personne {person_id} demande de garder au moins un enregistrement "
                "et d'en déplacer au moins un ; indiquez une partie de ses enregistrements"
            )
        cin = repo.records_of(conn, person_id).filter(
            pl.col("borrower_record_id") == record_ids[0]
        )["cin_norm"][0]
        new_id = repo.new_persons(conn, [cin])[0]
        repo.move_records(conn, record_ids, new_id)
        repo.record_change(conn, "split", person_id, new_id, record_ids, analyst, reason)
    return new_id


def join_persons(engine: Engine, person_id: int, other_id: int, analyst: str, reason: str) -> int:
    """Move every record of `other_id` into `person_id` (a missed link); returns how many.

    >>> join_persons(engine, 12, 40, "a.analyste", "même CIN après correction")  # doctest: +SKIP
    2
    """
    if person_id == other_id:
        raise InvalidInput(
            f"la personne {person_id} ne peut pas être jointe à elle-même ; "
            "indiquez deux identifiants différents"
        )
    with engine.begin() as conn:
        _require(conn, person_id)
        _require(conn, other_id)
        moved = repo.record_ids_of(conn, other_id)
        repo.move_records(conn, moved, person_id)
        repo.record_change(conn, "join", person_id, other_id, moved, analyst, reason)
    return len(moved)


def export_persons(engine: Engine, path: Path) -> int:
    """Write one row per borrower record (institution_code, customer_ref, person_id,
    match_score) to a CSV file; returns the number of rows.

    >>> export_persons(engine, Path("persons.csv"))  # doctest: +SKIP
    120000
    """
    with engine.connect() as conn:
        frame = repo.export_links(conn)
    frame.write_csv(path)
    return len(frame)
