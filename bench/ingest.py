"""Ingestion benchmark: one monthly file, end to end (read, validate, link, load, history).

    uv run python bench/ingest.py            # 100k, 250k, 500k and 1M rows, SQLite and PostgreSQL
    uv run python bench/ingest.py --smoke    # 20k rows, a few seconds (CI)

Each ingestion runs in its own process so that its peak memory (max RSS) is its own. On
PostgreSQL the same file is also loaded with a raw `COPY` into an unindexed table of text
columns, in the same run, as the yardstick. Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, text

from report import machine, write_section

OUT = Path(__file__).resolve().parent / "out"
COMMAND = "uv run python bench/ingest.py"


def month_file(rows: int) -> Path:
    from centrale.synth import generate_month_file

    path = OUT / f"AMANA_2025-01_{rows}.csv"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        generate_month_file(path, rows=rows, seed=7)
    return path


def child(url: str, path: Path) -> None:
    """Ingest one file into a fresh database and print what it took."""
    from centrale import services
    from centrale.bootstrap import bootstrap
    from centrale.settings import Settings

    app = bootstrap(Settings(database_url=url))
    services.add_institution(app, "AMANA", "Al Amana Microfinance")
    started = time.perf_counter()
    report = services.submit_file(app, path)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
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
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return server.rsplit("/", 1)[0] + "/" + name


def run(sizes: list[int], backends: list[str]) -> list[dict[str, object]]:
    results: list[dict[str, object]] = []
    files = {rows: month_file(rows) for rows in sizes}
    if "sqlite" in backends:
        for rows, path in files.items():
            db = OUT / f"bench-{rows}.db"
            for leftover in OUT.glob(f"bench-{rows}.db*"):
                leftover.unlink()
            result = ingest_in_child(f"sqlite:///{db}", path)
            result |= {"backend": "SQLite", "file_rows": rows}
            results.append(result)
            print_result(result)
            for leftover in OUT.glob(f"bench-{rows}.db*"):
                leftover.unlink()
    if "postgresql" in backends:
        from centrale.store.throwaway import throwaway_postgres

        with throwaway_postgres() as server:
            for rows, path in files.items():
                url = fresh_postgres(server, f"bench_{rows}")
                copy_seconds = raw_copy_seconds(url, path)
                result = ingest_in_child(url, path)
                result |= {"backend": "PostgreSQL", "file_rows": rows, "copy": copy_seconds}
                results.append(result)
                print_result(result)
    return results


def print_result(r: dict[str, object]) -> None:
    seconds = float(r["seconds"])  # type: ignore[arg-type]
    line = (
        f"{r['backend']:<10} {r['file_rows']:>9,} rows  {seconds:7.2f} s  "
        f"{int(r['file_rows']) / seconds:>9,.0f} rows/s  peak {float(r['peak_mib']):,.0f} MiB"  # type: ignore[call-overload]
    )
    if "copy" in r:
        copy = float(r["copy"])  # type: ignore[arg-type]
        line += f"  raw COPY {copy:.2f} s  ratio {seconds / copy:.1f}x"
    print(line, flush=True)


def markdown(results: list[dict[str, object]], smoke: bool) -> str:
    lines = [
        "## Ingestion of one monthly file",
        "",
        f"Command: `{COMMAND}{' --smoke' if smoke else ''}` — {machine()}.",
        "A synthetic month of one institution (`centrale.synth.generate_month_file`, about 0.2 % "
        "invalid rows), loaded into an empty registry with the default resolver, each run in "
        "its own process. Raw COPY: the same file into an unindexed table of text columns, same "
        "server, same run.",
        "",
        "| backend | rows | seconds | rows/s | peak RSS | raw COPY | ratio to COPY |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        seconds = float(r["seconds"])  # type: ignore[arg-type]
        rows = int(r["file_rows"])  # type: ignore[call-overload]
        copy = f"{float(r['copy']):.2f} s" if "copy" in r else "—"  # type: ignore[arg-type]
        ratio = f"{seconds / float(r['copy']):.1f}x" if "copy" in r else "—"  # type: ignore[arg-type]
        lines.append(
            f"| {r['backend']} | {rows:,} | {seconds:.2f} | {rows / seconds:,.0f} | "
            f"{float(r['peak_mib']):,.0f} MiB | {copy} | {ratio} |"  # type: ignore[arg-type]
        )
    lines += ["", "Time per step (seconds) for the largest file:", ""]
    largest = max(int(r["file_rows"]) for r in results)  # type: ignore[call-overload]
    for r in results:
        if r["file_rows"] == largest:
            steps = ", ".join(f"{k} {v:.2f}" for k, v in r["timings"].items())  # type: ignore[attr-defined]
            lines.append(f"- {r['backend']}: {steps}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--sizes", default="100000,250000,500000,1000000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child", nargs=2, metavar=("URL", "FILE"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    sizes = [20_000] if args.smoke else [int(s) for s in args.sizes.split(",")]
    results = run(sizes, args.backends.split(","))
    if not args.smoke:
        write_section("ingest", markdown(results, args.smoke))


if __name__ == "__main__":
    main()
