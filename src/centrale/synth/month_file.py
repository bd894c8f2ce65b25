"""One large monthly file of one institution, for the ingestion benchmark.

The file is the portfolio of a single institution at the end of `period`: `rows` running
loans of `rows` clients, each somewhere in its life (the same burn-in as the sector), written
with that institution's habits, with the same small share of broken rows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

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
    rngs = streams(seed)
    codes = [institution]
    people, clients, borrowers = population(rngs, rows, codes, np.ones(1), 0.0, period, 1)
    # A shorter burn-in than the sector's: most loans have turned over in a year.
    book, states = simulate(
        rngs["loans"], people, clients, month_index(period), 1, renew=False, burn_in=12
    )
    contracts = contract_records(rngs["contracts"], book, clients, codes)
    frame, _ = break_rows(
        rngs["invalid"], v1_rows(states, contracts, borrowers, book), invalid_rate
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.drop("month").write_csv(path, null_value="")
    return path
