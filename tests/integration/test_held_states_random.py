"""Random sequences of loads: after each, what was kept for the next is what the tables hold.

Each sequence mixes next months, skipped months, late months and corrections; changes of
identity, of the record and of contract terms; contracts that move to another customer,
extra and repeated contracts, invalid rows; an analyst's joins between loads. Chunks of 5
rows make every load span several chunks. Both resolvers, both backends.
"""

from __future__ import annotations

import random
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, text

from centrale import services
from centrale.bootstrap import App
from centrale.identity.persons import join_persons
from centrale.settings import Settings
from centrale.store import held_states
from support.v1 import v1_row, write_v1

_AMANA = 1
_MONTHS = [f"{year}-{month:02d}" for year in (2025, 2026) for month in range(1, 13)]
_IDENTITY = ("customer_ref", "cin", "last_name", "first_name", "birth_date", "phone")


def _same(frame: pl.DataFrame, other: pl.DataFrame) -> bool:
    return frame.sort("id").equals(other.sort("id"))


def _agrees(app: App, step: object) -> bool:
    """Whether the load left a state, which must equal the tables; `held` must always."""
    with app.engine.connect() as conn:
        kept = held_states.kept(conn, _AMANA)
        records = held_states.read_records(conn, _AMANA)
        contracts = held_states.read_contracts(conn, _AMANA)
        held = held_states.held(conn, _AMANA)
    if kept is not None:
        assert _same(kept[0], records) and _same(kept[1], contracts), step
    assert _same(held[0], records) and _same(held[1], contracts), step
    return kept is not None


def _rows(rng: random.Random, period: str) -> list[dict[str, str]]:
    rows = []
    for n in rng.sample(range(1, 25), rng.randint(1, 15)):
        changes = {"period": period}
        if rng.random() < 0.2:
            changes["phone"] = f"06{rng.randrange(10**7, 10**8)}"
        if rng.random() < 0.2:
            changes["region"] = str(rng.randint(1, 9))
        if rng.random() < 0.2:
            changes["amount"] = str(rng.choice([9000, 10000, 12000]))
        row = v1_row(n, **changes)
        if rng.random() < 0.15:  # the contract now under another customer
            other = v1_row(rng.randrange(1, 25))
            row.update({field: other[field] for field in _IDENTITY})
        rows.append(row)
        if rng.random() < 0.2:
            rows.append({**row, "contract_ref": f"D{n:05d}{rng.randint(0, 2)}"})
        if rng.random() < 0.1:
            rows.append(dict(row))  # a repeated contract
        if rng.random() < 0.08:  # a CIN in conflict with the customer's
            cin = f"ZZ{rng.randrange(10**5, 10**6)}"
            rows.append({**row, "cin": cin, "contract_ref": f"E{n:05d}"})
        if rng.random() < 0.08:
            rows.append({**row, "amount": "abc"})
    rng.shuffle(rows)
    return rows


def _join_two(engine: Engine, rng: random.Random) -> None:
    with engine.connect() as conn:
        persons = list(
            conn.execute(
                text("SELECT DISTINCT person_id FROM borrower_records WHERE person_id IS NOT NULL")
            ).scalars()
        )
    if len(persons) >= 2:
        kept, other = rng.sample(sorted(persons), 2)
        join_persons(engine, kept, other, "a.analyste", "même personne")


@pytest.mark.parametrize("resolver", ["model", "cin"])
@pytest.mark.parametrize("seed", [0, 1])
def test_what_is_kept_is_what_the_tables_hold(
    settings: Settings, db: Engine, tmp_path: Path, resolver: str, seed: int
) -> None:
    app = App(
        settings=settings.model_copy(
            update={"ingest_chunk_rows": 5, "identity_resolver": resolver}
        ),
        engine=db,
    )
    services.add_institution(app, "AMANA", "Al Amana Microfinance")
    rng = random.Random(seed)
    latest, kept = -1, 0
    for step in range(12):
        draw = rng.random()
        if latest < 0 or draw < 0.6:
            latest += rng.choice([1, 2])
            month = latest
        elif draw < 0.8:
            month = latest  # the latest month again, corrected
        else:
            month = rng.randrange(0, latest + 1)  # a late month or a correction
        report = services.submit_file(
            app, write_v1(tmp_path / f"{step}.csv", _rows(rng, _MONTHS[month]))
        )
        kept += _agrees(app, (step, _MONTHS[month], report.status, report.reason))
        if rng.random() < 0.2:
            _join_two(db, rng)
            _agrees(app, (step, "join"))
    assert kept >= 3  # most loads keep their state: the comparison was made
