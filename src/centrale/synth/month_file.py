"""One large monthly file of one institution, for the ingestion benchmark.

The file is the portfolio of a single institution at the end of `period`: `rows` running
loans of `rows` clients, each somewhere in its life (the same burn-in as the sector), written
with that institution's habits, with the same small share of broken rows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from centrale.synth.calendar import month_index, period_text
from centrale.synth.customers import Customers, client_numbers
from centrale.synth.invalid import break_rows
from centrale.synth.lifecycle import simulate
from centrale.synth.persons import Persons, draw_persons, joined_persons
from centrale.synth.rows import borrower_records, contract_records, v1_rows
from centrale.synth.sector import population, streams


def generate_month_file(
    path: Path,
    *,
    rows: int,
    seed: int = 0,
    institution: str = "AMANA",
    period: str = "2025-01",
    invalid_rate: float = 0.002,
) -> Path:
    """Write one format-v1 file of exactly `rows` rows for `institution` and `period`.

    >>> generate_month_file(Path("AMANA_2025-01.csv"), rows=1_000_000)  # doctest: +SKIP
    PosixPath('AMANA_2025-01.csv')
    """
    [frame] = _month_frames(rows, 1, seed, institution, period, invalid_rate)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_csv(path, null_value="")
    return path


def generate_month_files(
    folder: Path,
    *,
    rows: int,
    months: int,
    seed: int = 0,
    institution: str = "AMANA",
    period: str = "2025-01",
    invalid_rate: float = 0.002,
) -> list[Path]:
    """The same institution's portfolio over `months` months from `period`, one file each
    (`INSTITUTION_YYYY-MM.csv`): the first month has exactly `rows` rows; later months show
    the same clients' loans running on (no new clients), with fresh broken rows.

    >>> generate_month_files(Path("big"), rows=1_000_000, months=2)  # doctest: +SKIP
    [PosixPath('big/AMANA_2025-01.csv'), PosixPath('big/AMANA_2025-02.csv')]
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for frame in _month_frames(rows, months, seed, institution, period, invalid_rate):
        path = folder / f"{institution}_{frame['period'][0]}.csv"
        frame.write_csv(path, null_value="")
        paths.append(path)
    return paths


def generate_onboarding_file(
    folder: Path,
    *,
    rows: int,
    known: tuple[int, int],
    shared: float = 0.4,
    seed: int = 0,
    institution: str = "ARDI",
    period: str = "2025-01",
    invalid_rate: float = 0.002,
) -> Path:
    """A second institution's first month (`INSTITUTION_YYYY-MM.csv`, exactly `rows` rows)
    whose clients are, for a `shared` part, persons who are already clients of the
    institution whose `generate_month_files` had `known` = (rows, seed), written in this
    institution's own ways; the others are new. Also writes `truth.csv` (`customer_ref,
    person_id`, the person ids of the known institution's persons being its own).

    >>> known = (1000, 7)  # AMANA's rows and seed
    >>> generate_onboarding_file(Path("ardi"), rows=1000, known=known)  # doctest: +SKIP
    PosixPath('ardi/ARDI_2025-01.csv')
    """
    known_rows, known_seed = known
    first = np.datetime64(period_text(month_index(period)) + "-01", "D")
    # The known institution's persons, drawn again from its seed: the same persons.
    theirs = draw_persons(streams(known_seed)["persons"], known_rows, first)
    rngs = streams(seed)
    count = round(rows * shared)
    people = joined_persons(theirs, draw_persons(rngs["persons"], rows - count, first))
    person = np.concatenate(
        [
            np.sort(rngs["customers"].choice(known_rows, count, replace=False)),
            np.arange(known_rows, len(people)),
        ]
    )
    institution_of = np.zeros(rows, dtype=np.int64)
    clients = Customers(
        person, institution_of, institution_of.copy(), client_numbers(rngs["customers"], rows)
    )
    borrowers = borrower_records(rngs["names"], rngs["ids"], people, clients, [institution])
    [frame] = _frames(rngs, people, clients, borrowers, [institution], period, 1, invalid_rate)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{institution}_{period}.csv"
    frame.write_csv(path, null_value="")
    borrowers.select("customer_ref", "person_id").write_csv(folder / "truth.csv")
    return path


def _month_frames(
    rows: int, months: int, seed: int, institution: str, period: str, invalid_rate: float
) -> list[pl.DataFrame]:
    rngs = streams(seed)
    codes = [institution]
    people, clients, borrowers = population(rngs, rows, codes, np.ones(1), 0.0, period, 1)
    return _frames(rngs, people, clients, borrowers, codes, period, months, invalid_rate)


def _frames(
    rngs: dict[str, np.random.Generator],
    people: Persons,
    clients: Customers,
    borrowers: pl.DataFrame,
    codes: list[str],
    period: str,
    months: int,
    invalid_rate: float,
) -> list[pl.DataFrame]:
    # A shorter burn-in than the sector's: most loans have turned over in a year.
    book, states = simulate(
        rngs["loans"], people, clients, month_index(period), months, renew=False, burn_in=12
    )
    contracts = contract_records(rngs["contracts"], book, clients, codes)
    frame, _ = break_rows(
        rngs["invalid"], v1_rows(states, contracts, borrowers, book), invalid_rate
    )
    return [
        part.drop("month")
        for part in frame.sort("month", maintain_order=True).partition_by(
            "month", maintain_order=True
        )
    ]
