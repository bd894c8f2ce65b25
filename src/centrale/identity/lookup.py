"""One-record resolution for inquiries, with the batch's model and comparisons.

`Lookup.resolve` prepares the inquiry's identity as the batch prepares a record, finds
candidates through the hashed keys of `identity_keys` (one statement: CIN and its
one-slip neighbours, phone, names with birth date), scores them with
the stored model, and returns the candidate persons, best first, with the fields that differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from centrale.domain.cin import normalise_cin
from centrale.domain.phone import normalise_phone
from centrale.errors import InvalidInput
from centrale.identity.borrowers import BorrowerSpec
from centrale.identity.model import Model
from centrale.identity.seam import RECORD_SCHEMA
from centrale.store import identity_repo as repo

if TYPE_CHECKING:
    from sqlalchemy import Engine

_FOUND_SCHEMA = {**repo.FEATURE_SCHEMA, "year": pl.Int32(), "month": pl.Int32(), "day": pl.Int32()}


@dataclass
class Candidate:
    """A person the inquiry may be: best link probability, the record that gave it, and
    each field whose level is not an exact agreement (name -> level label)."""

    person_id: int
    probability: float
    borrower_record_id: int
    differing: dict[str, str] = field(default_factory=dict)


class Lookup:
    """Resolves one identity at a time against the registry; keep one per process."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.spec = BorrowerSpec()
        with engine.connect() as conn:
            latest = repo.latest_model(conn)
            # The registry's size sets the prior; it changes slowly, so it is read once.
            self.registry_size = repo.count_features(conn)
        self.model: Model | None = None if latest is None else Model.from_json(latest[1])

    def resolve(
        self,
        cin: str,
        names: tuple[str, str],
        birth_date: date | None = None,
        phone: str | None = None,
        names_ar: tuple[str | None, str | None] = (None, None),
    ) -> list[Candidate]:
        """Candidate persons for (CIN, (last name, first name), birth date, phone), best first.

        >>> Lookup(engine).resolve("BK123456", ("El Amrani", "Mohamed"), date(1980, 3, 4))
        ... # doctest: +SKIP
        [Candidate(person_id=12, probability=0.9999, borrower_record_id=40, differing={})]
        """
        cin_norm = normalise_cin(cin)
        if cin_norm is None or not names[0].strip() or not names[1].strip():
            raise InvalidInput(
                f"identité incomplète (CIN « {cin} », noms {names}) : indiquez la CIN, "
                "le nom et le prénom"
            )
        if self.model is None:
            return []
        query = self._features(cin_norm, names, birth_date, phone, names_ar)
        with self.engine.connect() as conn:
            rows = repo.features_for_one(conn, query.row(0, named=True))
        if not rows:
            return []
        for row in rows:
            born = row["birth_date"]
            row.update(
                year=born.year if born else None,
                month=born.month if born else None,
                day=born.day if born else None,
            )
        found = pl.DataFrame(rows, schema=_FOUND_SCHEMA)
        left = query.select([c for c in query.columns if c in found.columns])
        levels = self.spec.compare(left[[0] * len(found)], found)
        probabilities = self.model.probabilities(levels, max(self.registry_size, 1))
        return _by_person(self.model, found, levels, probabilities)

    def _features(
        self,
        cin: str,
        names: tuple[str, str],
        birth_date: date | None,
        phone: str | None,
        names_ar: tuple[str | None, str | None],
    ) -> pl.DataFrame:
        record = {
            "borrower_record_id": 0,
            "cin_norm": cin,
            "last_name": names[0],
            "first_name": names[1],
            "last_name_ar": names_ar[0],
            "first_name_ar": names_ar[1],
            "birth_date": birth_date,
            "phone": normalise_phone(phone),
        }
        return self.spec.prepare(pl.DataFrame([record], schema=RECORD_SCHEMA))


def _by_person(
    model: Model, found: pl.DataFrame, levels: np.ndarray, probabilities: np.ndarray
) -> list[Candidate]:
    best: dict[int, Candidate] = {}
    persons = found["person_id"].to_list()
    records = found["borrower_record_id"].to_list()
    for i in np.argsort(-probabilities):
        person = int(persons[i])
        if person in best:
            continue
        differing = {
            c.name: (c.labels[level] if level >= 0 else "absent")
            for c, level in zip(model.comparisons, levels[i], strict=True)
            if level != 0
        }
        best[person] = Candidate(person, float(probabilities[i]), int(records[i]), differing)
    return list(best.values())
