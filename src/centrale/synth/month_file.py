"""One large monthly file of one institution, for the ingestion benchmark.

The file is the portfolio of a single institution at the end of `period`: `rows` running
loans of `rows` clients, each somewhere in its life (the same burn-in as the sector), written
with that institution's habits, with the same small share of broken rows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from centrale.synth.calendar import month_index
from centrale.synth.invalid import break_rows
from centrale.synth.lifecycle import simulate
from centrale.synth.rows import contract_records, v1_rows
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


def _month_frames(
    rows: int, months: int, seed: int, institution: str, period: str, invalid_rate: float
) -> list[pl.DataFrame]:
    rngs = streams(seed)
    codes = [institution]
    people, clients, borrowers = population(rngs, rows, codes, np.ones(1), 0.0, period, 1)
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
