"""A small synthetic sector, ingested month by month: the barometer measures what was built."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from centrale import services
from centrale.bootstrap import App
from centrale.synth import SECTOR_INSTITUTIONS, generate_sector


@pytest.fixture(scope="module")
def sector(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("sector")
    return generate_sector(out, persons=1500, months=3, seed=11, cross_indebtedness=0.2)


def truth_rate(files: list[Path], truth: Path, period: str) -> float:
    """Cross-indebtedness by the generator's own truth: persons, not CINs."""
    month = pl.concat(
        [pl.read_csv(f, infer_schema=False) for f in files if f.stem.endswith(period)]
    ).filter(pl.col("status").is_in(["active", "restructured"]))
    people = month.join(
        pl.read_csv(truth, infer_schema=False), on=["institution_code", "customer_ref"]
    )
    lenders = people.group_by("person_id").agg(pl.col("institution_code").n_unique())
    return float((lenders.get_column("institution_code") > 1).mean() or 0.0)


def test_sector_loads_and_measures_cross_indebtedness(app: App, sector) -> None:  # type: ignore[no-untyped-def]
    for code, name, _share in SECTOR_INSTITUTIONS:
        services.add_institution(app, code, name)
    reports = [services.submit_file(app, path) for path in sector.files]
    assert all(r.status == "accepted" for r in reports)
    rows = sum(r.rows for r in reports)
    rejected = sum(r.rejected for r in reports)
    assert 0 < rejected < rows * 0.01
    assert all(p["message"].startswith("ligne ") for r in reports for p in r.problems)
    last = sorted({r.period for r in reports})[-1]
    stats = services.sector_stats(app)
    assert stats is not None and stats.period == last
    expected = truth_rate(sector.files, sector.truth, last)
    # Linking is measured, not copied from the truth: a few misses and joins are allowed.
    assert expected * 0.8 <= stats.cross_indebtedness_rate <= expected * 1.05
    assert 0.01 < stats.par30 < 0.2
