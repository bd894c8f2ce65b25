"""The whole synthetic sector: persons, clients, loans over months, monthly files, truth.

Each stage draws from its own random stream, split from the seed, so that the same seed
gives the same files byte for byte, and the clients' identities do not depend on how many
months are simulated (`sector_borrowers` gives the very records `generate_sector` writes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from centrale.synth.calendar import month_index, period_text
from centrale.synth.customers import Customers, assign_customers
from centrale.synth.institutions import SECTOR_INSTITUTIONS
from centrale.synth.invalid import break_rows
from centrale.synth.lifecycle import simulate
from centrale.synth.persons import Persons, draw_persons
from centrale.synth.rows import borrower_records, contract_records, v1_rows

Progress = Callable[[str, int, int], None]
_STAGES = ("persons", "customers", "names", "ids", "loans", "contracts", "invalid")


@dataclass(frozen=True)
class SectorFiles:
    """What `generate_sector` wrote."""

    files: list[Path]  # month by month, institutions by market share inside a month
    truth: Path  # institution_code, customer_ref, person_id
    periods: list[str]
    institutions: list[str]
    persons: int
    customers: int
    contracts: int
    rows: int
    invalid_rows: int


def streams(seed: int) -> dict[str, np.random.Generator]:
    """One independent random generator per stage of the generation."""
    children = np.random.SeedSequence(seed).spawn(len(_STAGES))
    return {
        stage: np.random.default_rng(child) for stage, child in zip(_STAGES, children, strict=True)
    }


def population(
    rngs: dict[str, np.random.Generator],
    persons: int,
    codes: list[str],
    shares: np.ndarray,
    cross_indebtedness: float,
    start: str,
    months: int,
) -> tuple[Persons, Customers, pl.DataFrame]:
    """The persons, their clienthood at each institution, and the borrower records."""
    first = np.datetime64(period_text(month_index(start)) + "-01", "D")
    people = draw_persons(rngs["persons"], persons, first)
    clients = assign_customers(rngs["customers"], people, shares, cross_indebtedness, months)
    records = borrower_records(rngs["names"], rngs["ids"], people, clients, codes)
    return people, clients, records


def sector_borrowers(
    persons: int, *, seed: int = 0, cross_indebtedness: float = 0.15, start: str = "2025-01"
) -> pl.DataFrame:
    """The borrower records of the sector `generate_sector` builds with the same arguments,
    one per client, with the true `person_id`: the identity benchmark's labelled data.

    >>> sector_borrowers(200, seed=1).select("institution_code", "person_id").height > 200
    True
    """
    codes, shares = _sector()
    return population(streams(seed), persons, codes, shares, cross_indebtedness, start, 1)[2]


def generate_sector(
    out_dir: Path,
    *,
    persons: int,
    months: int,
    seed: int = 0,
    cross_indebtedness: float = 0.15,
    start: str = "2025-01",
    invalid_rate: float = 0.002,
    progress: Progress | None = None,
) -> SectorFiles:
    """Write one format-v1 file per institution and month (`AMANA_2025-01.csv`...) and
    `truth.csv` (which person each client is) into `out_dir`.

    >>> sector = generate_sector(Path("synth"), persons=2_000, months=3)  # doctest: +SKIP
    >>> sector.files[0].name, sector.truth.name  # doctest: +SKIP
    ('AMANA_2025-01.csv', 'truth.csv')
    """
    codes, shares = _sector()
    rngs = streams(seed)
    people, clients, borrowers = population(
        rngs, persons, codes, shares, cross_indebtedness, start, months
    )
    if progress is not None:
        progress("personnes", persons, persons)
    book, states = simulate(rngs["loans"], people, clients, month_index(start), months,
                            progress=progress)  # fmt: skip
    contracts = contract_records(rngs["contracts"], book, clients, codes)
    rows, broken = break_rows(
        rngs["invalid"], v1_rows(states, contracts, borrowers, book), invalid_rate
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    files = _write_files(out_dir, rows, codes, progress)
    shown = np.unique(book.customer[states.get_column("loan").to_numpy()])
    truth = out_dir / "truth.csv"
    borrowers[shown].select("institution_code", "customer_ref", "person_id").write_csv(truth)
    return SectorFiles(
        files=files,
        truth=truth,
        periods=[period_text(month_index(start) + k) for k in range(months)],
        institutions=codes,
        persons=int(np.unique(clients.person[shown]).size),
        customers=len(shown),
        contracts=int(states.get_column("loan").n_unique()),
        rows=rows.height,
        invalid_rows=broken,
    )


def _sector() -> tuple[list[str], np.ndarray]:
    codes = [code for code, _, _ in SECTOR_INSTITUTIONS]
    shares = np.array([share for _, _, share in SECTOR_INSTITUTIONS])
    return codes, shares / shares.sum()


def _write_files(
    out_dir: Path, rows: pl.DataFrame, codes: list[str], progress: Progress | None
) -> list[Path]:
    order = {code: i for i, code in enumerate(codes)}
    parts = rows.partition_by("month", "institution_code", maintain_order=True, as_dict=True)
    keys = sorted(parts, key=lambda key: (key[0], order[str(key[1])]))
    files = []
    for done, key in enumerate(keys, start=1):
        part = parts[key]
        path = out_dir / f"{key[1]}_{part.get_column('period')[0]}.csv"
        part.drop("month").write_csv(path, null_value="")
        files.append(path)
        if progress is not None:
            progress("fichiers", done, len(keys))
    return files
