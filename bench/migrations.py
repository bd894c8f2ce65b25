"""Migration benchmark: how long a populated registry takes to upgrade through the
migrations that rewrite its bulk tables (0013 to head).

    uv run python bench/migrations.py            # three months of 1M rows, SQLite and PostgreSQL
    uv run python bench/migrations.py --smoke    # 20k rows (CI)

The registry is made by the ingestion benchmark's months (`bench/ingest.py`), each loaded in
its own process, then taken down to `BASE` by the migrations' own downgrades and brought up
again one revision at a time, timed. Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import time

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from centrale.store.db import alembic_config, make_engine
from ingest import OUT, drop_postgres, fresh_postgres, ingest_in_child, month_files
from report import heading, write_section

COMMAND = "uv run python bench/migrations.py"
#: The revision before the first that rewrites the bulk tables (0013: the keys as hashes).
BASE = "0012"
ROWS = 1_000_000
#: What the registry holds when it is upgraded, counted per table.
COUNTED = ("borrower_records", "contracts", "snapshots", "identity_features", "identity_keys")


def registry(url: str, rows: int) -> None:
    """Load the benchmark's three months of `rows` rows into the empty database `url`."""
    for path in month_files(rows):
        ingest_in_child(url, path)


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in COUNTED
        }


def upgrades(engine: Engine) -> list[tuple[str, str, float]]:
    """(revision, what it does, seconds) of each upgrade from `BASE` to head; the registry is
    taken down to `BASE` first."""
    config = alembic_config(engine)
    command.downgrade(config, BASE)
    script = ScriptDirectory.from_config(config)
    revisions = list(reversed(list(script.walk_revisions(BASE, "heads"))))[1:]
    timed = []
    for revision in revisions:
        started = time.perf_counter()
        command.upgrade(config, revision.revision)
        seconds = time.perf_counter() - started
        summary = (revision.doc or "").strip().splitlines()[0]
        timed.append((revision.revision, summary, seconds))
        print(f"{revision.revision}  {seconds:7.2f} s  {summary}", flush=True)
    return timed


def measure(backend: str, url: str, rows: int) -> dict[str, object]:
    registry(url, rows)
    engine = make_engine(url)
    try:
        held = counts(engine)
        print(backend, ", ".join(f"{t} {n:,}" for t, n in held.items()), flush=True)
        return {"backend": backend, "counts": held, "upgrades": upgrades(engine)}
    finally:
        engine.dispose()


def run(rows: int, backends: list[str]) -> list[dict[str, object]]:
    results = []
    if "sqlite" in backends:
        db = OUT / f"migrations-{rows}.db"
        for leftover in OUT.glob(f"{db.name}*"):
            leftover.unlink()
        results.append(measure("SQLite", f"sqlite:///{db}", rows))
        for leftover in OUT.glob(f"{db.name}*"):
            leftover.unlink()
    if "postgresql" in backends:
        from centrale.store.throwaway import throwaway_postgres

        with throwaway_postgres() as server:
            results.append(measure("PostgreSQL", fresh_postgres(server, "migrations"), rows))
            drop_postgres(server, "migrations")
    return results


def markdown(results: list[dict[str, object]], rows: int) -> str:
    lines = [
        *heading("Upgrading a populated registry", COMMAND),
        f"The ingestion benchmark's three months of one institution ({rows:,} rows in the "
        f"first), loaded, taken down to revision {BASE} by the migrations' downgrades, then "
        "upgraded one revision at a time. What the registry held:",
        "",
    ]
    for result in results:
        held = result["counts"]
        assert isinstance(held, dict)
        lines.append(f"- {result['backend']}: " + ", ".join(f"{t} {n:,}" for t, n in held.items()))
    lines += ["", "| backend | revision | what it does | seconds |", "|---|---|---|---:|"]
    for result in results:
        timed = result["upgrades"]
        assert isinstance(timed, list)
        for revision, summary, seconds in timed:
            lines.append(f"| {result['backend']} | {revision} | {summary} | {seconds:.2f} |")
        total = sum(seconds for _, _, seconds in timed)
        lines.append(f"| {result['backend']} | {BASE} to head | | **{total:.2f}** |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    rows = 20_000 if args.smoke else args.rows
    results = run(rows, args.backends.split(","))
    if not args.smoke:
        write_section("migrations", markdown(results, rows))


if __name__ == "__main__":
    main()
