"""Making every record's identity features and blocking keys again, from the records.

The features (normalised names, CIN, phone) are computed once, when a record is linked,
and kept, with the hashes of the keys made of them (names with birth date, the CIN's slip
keys). A new version of a normaliser (`centrale.domain.names`, `.cin`,
`.phone`) changes what it computes, but not what was kept: records linked before are then
found by the old keys while inquiries probe with the new ones, and some matches are missed.
`centrale persons rekey` computes them all again, in one transaction; persons and links
stay as they are.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from centrale.identity.borrowers import FEATURES_VERSION, BorrowerSpec
from centrale.identity.seam import RECORD_SCHEMA
from centrale.store import identity_repo as repo

if TYPE_CHECKING:
    from sqlalchemy import Engine

#: What a record's features are compared on, to tell which ones the new versions changed
#: (its name keys are made of these).
_COMPARED = (
    "cin",
    "phone",
    "ln",
    "fn",
    "ln_key",
    "fn_key",
    "ln_ar",
    "fn_ar",
    "ln_ark",
    "fn_ark",
)


#: A linked record as the resolver reads it, with its person.
_RECORD: dict[str, pl.DataType] = {**RECORD_SCHEMA, "person_id": pl.Int64()}


@dataclass(frozen=True)
class Rekeyed:
    records: int
    changed: int
    seconds: float


def rekey(engine: Engine) -> Rekeyed:
    """Compute every linked record's features again and store them (see the module)."""
    started = time.perf_counter()
    with engine.begin() as conn:
        records = repo.linked_records(conn, _RECORD)
        repo.set_features_version(conn, FEATURES_VERSION)
        if records.is_empty():
            return Rekeyed(0, 0, time.perf_counter() - started)
        held = repo.all_features(conn).select("borrower_record_id", *_COMPARED)
        features = BorrowerSpec().prepare(records)
        changed = _changed(held, features.select("borrower_record_id", *_COMPARED))
        repo.replace_features(conn, features)
    return Rekeyed(len(records), changed, time.perf_counter() - started)


def _changed(held: pl.DataFrame, made: pl.DataFrame) -> int:
    """How many records' features differ between what was kept and what is made now."""
    joined = made.join(held, on="borrower_record_id", how="left", suffix="_held")
    differs = pl.any_horizontal(pl.col(c).ne_missing(pl.col(f"{c}_held")) for c in _COMPARED)
    return int(joined.select(differs.sum()).item())


def stale_features_warning(engine: Engine) -> str | None:
    """A French warning when the stored features were computed by older normalisers than
    this version's (and there are some), else None."""
    with engine.connect() as conn:
        version = repo.features_version(conn)
        if version >= FEATURES_VERSION or not repo.has_features(conn):
            return None
    return (
        f"les clés d'identité du registre datent d'une version antérieure des normaliseurs "
        f"({version}, celle-ci est la {FEATURES_VERSION}) : des fiches déjà liées pourraient ne "
        "plus être retrouvées. Lancez `centrale persons rekey`."
    )
