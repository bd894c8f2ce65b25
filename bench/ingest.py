"""Ingestion benchmark: one monthly file, end to end (read, validate, link, load, history).

    uv run python bench/ingest.py            # 100k, 250k, 500k and 1M rows, SQLite and PostgreSQL
    uv run python bench/ingest.py --smoke    # 20k rows, a few seconds (CI)

Each ingestion runs in its own process so that its peak memory (VmHWM) is its own. On
PostgreSQL the same file is also loaded with a raw `COPY` into an unindexed table of text
columns, in the same run, as the yardstick. Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, text

from report import heading, peak_rss_mib, write_section

OUT = Path(__file__).resolve().parent / "out"
COMMAND = "uv run python bench/ingest.py"
DEFAULT_SIZES = "100000,250000,500000,1000000"
#: First month into an empty registry; the next (the model retrains once: a single
#: institution's first month shows it too few repeated persons); then a settled month.
CASES = ("first month", "next month", "third month")
#: Then, for the largest size, a second institution's first month into that registry.
ONBOARDING = "other institution"
#: The seed of the first institution's months.
MONTHS_SEED = 7
#: The institutions of the benchmark, registered by the child that first meets their file.
NAMES = {"AMANA": "Al Amana Microfinance", "ARDI": "Fondation Ardi"}


def month_files(rows: int) -> list[Path]:
    """Three consecutive months of one institution, the first of exactly `rows` rows."""
    from centrale.synth import generate_month_files

    folder = OUT / f"AMANA_{rows}"
    paths = sorted(folder.glob("AMANA_*.csv"))
    if len(paths) != len(CASES):
        paths = generate_month_files(folder, rows=rows, months=len(CASES), seed=MONTHS_SEED)
    return paths


#: Share of the second institution's clients who are already the first's (DOMAIN.md: about
#: 40 % of borrowers held loans at several associations in 2009).
SHARED = 0.4


def onboarding_file(rows: int) -> Path:
    """A second institution's first month, `rows` rows: `SHARED` of its clients are persons
    of the first institution's files of the same size, written in its own ways."""
    from centrale.synth import generate_onboarding_file

    folder = OUT / f"ARDI_{rows}_shared"
    paths = sorted(folder.glob("ARDI_*.csv"))
    if paths:
        return paths[0]
    return generate_onboarding_file(
        folder, rows=rows, known=(rows, MONTHS_SEED), shared=SHARED, seed=8
    )


def joined_share(url: str) -> float:
    """Share of the second institution's records linked to a person who also has a record
    at the first."""
    engine = create_engine(url)
    with engine.connect() as conn:
        joined, records = conn.execute(
            text(
                "SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM borrower_records o "
                "WHERE o.person_id = r.person_id AND o.institution_id <> r.institution_id)), "
                "count(*) FROM borrower_records r JOIN institutions i "
                "ON i.id = r.institution_id WHERE i.code = 'ARDI'"
            )
        ).one()
    engine.dispose()
    return float(joined) / max(int(records), 1)


def child(url: str, path: Path) -> None:
    """Ingest one file (registering the institution in an empty database) and print what it
    took."""
    from centrale import services
    from centrale.bootstrap import bootstrap
    from centrale.settings import Settings

    app = bootstrap(Settings(database_url=url))
    code = path.name.split("_")[0]
    if code not in {institution.code for institution in services.list_institutions(app)}:
        services.add_institution(app, code, NAMES[code])
    started = time.perf_counter()
    report = services.submit_file(app, path)
    seconds = time.perf_counter() - started
    peak = peak_rss_mib()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rows": report.rows,
                "accepted": report.accepted,
                "status": report.status,
                "timings": report.timings,
                "peak_mib": peak,
            }
        )
    )


def ingest_in_child(url: str, path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", url, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def raw_copy_seconds(url: str, path: Path) -> float:
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    header = path.open(encoding="utf-8").readline().strip().split(",")
    columns = ", ".join(f'"{c}" text' for c in header)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE raw_copy ({columns})")
        started = time.perf_counter()
        with (
            conn.cursor() as cursor,
            cursor.copy("COPY raw_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
            path.open("rb") as handle,
        ):
            while block := handle.read(1 << 20):
                copy.write(block)
        seconds = time.perf_counter() - started
        conn.execute("DROP TABLE raw_copy")
    return seconds


def fresh_postgres(server: str, name: str) -> str:
    _administer(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
    return server.rsplit("/", 1)[0] + "/" + name


def drop_postgres(server: str, name: str) -> None:
    """Drop a size's database once measured: left on the server, its autovacuum ran beside
    the next sizes' loads (a settled month took 30 s instead of 16 s)."""
    _administer(server, f"DROP DATABASE {name} WITH (FORCE)", "CHECKPOINT")


def _administer(server: str, *statements: str) -> None:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for statement in statements:
            conn.execute(text(statement))
    admin.dispose()


def run(sizes: list[int], backends: list[str]) -> list[dict[str, object]]:
    """Each size's first month into an empty registry; for the largest, the following months
    too, into the registry that holds the earlier ones (the usual case: clients already
    linked), then a second institution's first month (an onboarding into a populated
    registry)."""
    results: list[dict[str, object]] = []
    files = {rows: month_files(rows) for rows in sizes}
    largest = max(sizes)

    def measure(backend: str, url: str, rows: int, copy: bool) -> None:
        months = files[rows] if rows == largest else files[rows][:1]
        cases = list(zip(CASES, months, strict=False))
        if rows == largest:
            cases.append((ONBOARDING, onboarding_file(rows)))
        for case, path in cases:
            result = ingest_in_child(url, path)
            result |= {"backend": backend, "case": case, "file_rows": result["rows"], "size": rows}
            if case == ONBOARDING:
                result["joined"] = joined_share(url)
            if copy:
                result["copy"] = raw_copy_seconds(url, path)
            results.append(result)
            print_result(result)

    if "sqlite" in backends:
        for rows in sizes:
            db = OUT / f"bench-{rows}.db"
            for leftover in OUT.glob(f"bench-{rows}.db*"):
                leftover.unlink()
            measure("SQLite", f"sqlite:///{db}", rows, copy=False)
            for leftover in OUT.glob(f"bench-{rows}.db*"):
                leftover.unlink()
    if "postgresql" in backends:
        from centrale.store.throwaway import throwaway_postgres

        with throwaway_postgres() as server:
            for rows in sizes:
                measure("PostgreSQL", fresh_postgres(server, f"bench_{rows}"), rows, copy=True)
                drop_postgres(server, f"bench_{rows}")
    return results


def print_result(r: dict[str, object]) -> None:
    seconds = float(r["seconds"])  # type: ignore[arg-type]
    line = (
        f"{r['backend']:<10} {r['case']:<17} {r['file_rows']:>9,} rows  {seconds:7.2f} s  "
        f"{int(r['file_rows']) / seconds:>9,.0f} rows/s  peak {float(r['peak_mib']):,.0f} MiB"  # type: ignore[call-overload, arg-type]
    )
    if "copy" in r:
        copy = float(r["copy"])  # type: ignore[arg-type]
        line += f"  raw COPY {copy:.2f} s  ratio {seconds / copy:.1f}x"
    if "joined" in r:
        line += f"  joined a known person {float(r['joined']):.1%}"  # type: ignore[arg-type]
    print(line, flush=True)


#: The issue's targets for a 1,000,000-row file.
SQLITE_MIN_ROWS_PER_SECOND = 100_000
POSTGRES_MAX_RATIO_TO_COPY = 8.0
PEAK_MAX_MIB = 2048
#: The raw COPY speed of the machines the issue's targets were set on, in rows/s.
REFERENCE_COPY_ROWS = 700_000


def markdown(results: list[dict[str, object]], command: str) -> str:
    lines = [
        *heading("Ingestion of one monthly file", command),
        "Synthetic months of one institution, then one month of a second "
        "(`centrale.synth.generate_month_files`, about 0.2 % "
        "invalid rows), ingested end to end (read, validate, link with the default model "
        "resolver, load, history), each in its own process. *First month*: into an empty "
        "registry, so every record is new and is linked within the file (the model is trained "
        "first). *Next month*: the following month of the same clients, into the registry that "
        "holds the first; only new or changed records are linked, and the model is trained "
        "again once, on the whole registry (one institution's first month shows it too few "
        "repeated persons). *Third month*: a settled month, no retraining. *Other "
        "institution*: then a second institution's first month, of as many clients "
        f"(`generate_onboarding_file`), {SHARED:.0%} of whom are persons of the first's files "
        "written in the second's own ways (spellings, case, formats), the rest new: an "
        "onboarding after the first, where every record is compared with the registry's and "
        "written into its indexes, and the model retrains (the registry doubles). Raw COPY: "
        "the same file into an unindexed table of text columns, same server, same run; the one "
        "after the "
        "other institution's load shares the server with its aftermath (checkpoint, "
        "autovacuum), and its ratio is the least reliable.",
        "",
        "| backend | case | rows | seconds | rows/s | peak RSS | raw COPY | ratio to COPY |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        seconds = float(r["seconds"])  # type: ignore[arg-type]
        rows = int(r["file_rows"])  # type: ignore[call-overload]
        copy = f"{float(r['copy']):.2f} s" if "copy" in r else "—"  # type: ignore[arg-type]
        ratio = f"{seconds / float(r['copy']):.1f}x" if "copy" in r else "—"  # type: ignore[arg-type]
        lines.append(
            f"| {r['backend']} | {r['case']} | {rows:,} | {seconds:.2f} | {rows / seconds:,.0f} "
            f"| {float(r['peak_mib']):,.0f} MiB | {copy} | {ratio} |"  # type: ignore[arg-type]
        )
    largest = max(int(r["size"]) for r in results)  # type: ignore[call-overload]
    lines += [
        "",
        f"Time per step (seconds), the {largest:,}-row series. *held*: the ids and "
        "fingerprints of what the registry holds of the institution, as the previous load kept "
        "them when SQL sums of the tables agree, else read from the tables; *keep*: leaving "
        "them for the next load; *stage*: splitting each "
        "chunk against them (new, changed, unchanged) and staging what is to be written; "
        "*snapshots*: every contract's month, appended (on PostgreSQL, copied straight in); "
        "*read*: parsing the CSV, one block at a time.",
        "",
    ]
    for r in results:
        if r["size"] == largest:
            steps = ", ".join(f"{k} {v:.2f}" for k, v in r["timings"].items())  # type: ignore[attr-defined]
            lines.append(f"- {r['backend']}, {r['case']}: {steps}")
    # Into a fresh database, before any load: the cleanest of the run's COPYs.
    fresh = [r for r in results if "copy" in r and r["size"] == largest and r["case"] == CASES[0]]
    if fresh:
        # SQLite's target is absolute, so the machine's speed bears on it.
        speed = int(fresh[0]["file_rows"]) / float(fresh[0]["copy"])  # type: ignore[call-overload, arg-type]
        lines += [
            "",
            f"The machine's speed in this run: raw COPY of the first {largest:,}-row month "
            f"{speed:,.0f} rows/s (the issue's machines: about {REFERENCE_COPY_ROWS:,}).",
        ]
    lines += ["", f"Against the targets (set for 1,000,000 rows), the {largest:,}-row series:", ""]
    for r in results:
        seconds, peak = float(r["seconds"]), float(r["peak_mib"])  # type: ignore[arg-type]
        if r["size"] != largest:
            continue
        if "copy" in r:
            times = seconds / float(r["copy"])  # type: ignore[arg-type]
            speed = f"{times:.1f}x COPY (target at most {POSTGRES_MAX_RATIO_TO_COPY:.0f}x): " + (
                "met" if times <= POSTGRES_MAX_RATIO_TO_COPY else "not met"
            )
        else:
            rate = int(r["file_rows"]) / seconds  # type: ignore[call-overload]
            speed = f"{rate:,.0f} rows/s (target {SQLITE_MIN_ROWS_PER_SECOND:,}): " + (
                "met" if rate >= SQLITE_MIN_ROWS_PER_SECOND else "not met"
            )
        memory = f"peak {peak:,.0f} MiB (target under {PEAK_MAX_MIB:,}): " + (
            "met" if peak < PEAK_MAX_MIB else "not met"
        )
        lines.append(f"- {r['backend']}, {r['case']}: {speed}; {memory}.")
    joined = [r for r in results if "joined" in r]
    if joined:
        shares = ", ".join(f"{r['backend']} {float(r['joined']):.1%}" for r in joined)  # type: ignore[arg-type]
        lines += [
            "",
            "The second institution's records linked to a person who also has a record at the "
            f"first: {shares} ({SHARED:.0%} of its clients are, by construction).",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--sizes", default=DEFAULT_SIZES)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child", nargs=2, metavar=("URL", "FILE"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    sizes = [20_000] if args.smoke else [int(s) for s in args.sizes.split(",")]
    results = run(sizes, args.backends.split(","))
    if not args.smoke:
        command = COMMAND if args.sizes == DEFAULT_SIZES else f"{COMMAND} --sizes {args.sizes}"
        write_section("ingest", markdown(results, command))


if __name__ == "__main__":
    main()
