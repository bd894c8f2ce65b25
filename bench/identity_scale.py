"""Scale measurements of identity resolution: batch linking and one-record resolution.

Data: the project's synthetic sector's borrower records (`centrale.synth.sector_borrowers`)
with their true persons. The registry holds one record for each of N persons; the batch is M
other records: more records of registry persons (at other institutions) and records of
persons the registry has not seen.

    uv run python bench/identity_scale.py batch --registry 1000000 --new 1000000
    uv run python bench/identity_scale.py resolve --registry 1000000 --queries 2000

Each prints one JSON line (the caller, `bench/identity.py`, reads it); `batch` runs in its own
process so that its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).parent))

from centrale.identity.borrowers import BorrowerSpec
from centrale.identity.decide import decide
from centrale.identity.linkage import score, train
from centrale.identity.model import Model
from centrale.synth import sector_borrowers
from identity_eval import seam_records
from report import peak_rss_mib

THRESHOLD = 0.9


def registry_and_batch(registry: int, new: int, seed: int = 5) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(registry records, one per person; new records), both with `person_id`."""
    persons = int(registry + new * 0.75)
    records = sector_borrowers(persons, seed=seed, cross_indebtedness=0.4)
    records = seam_records(records.sample(fraction=1.0, shuffle=True, seed=seed))
    first = records.with_columns(first=pl.int_range(pl.len()).over("person_id") == 0)
    known = first.filter(pl.col("person_id") <= registry)
    reg = known.filter(pl.col("first")).drop("first")
    rest = pl.concat([known.filter(~pl.col("first")), first.filter(pl.col("person_id") > registry)])
    batch = rest.drop("first").head(new)
    return reg.with_row_index("row"), batch.with_columns(
        borrower_record_id=pl.col("borrower_record_id") + 10_000_000
    )


def peak_rss_gib() -> float:
    return peak_rss_mib() / 1024


def run_batch(registry_size: int, new_size: int) -> dict[str, float]:
    """Link `new_size` records against a registry of `registry_size` persons, timed."""
    registry_raw, batch_raw = registry_and_batch(registry_size, new_size)
    spec = BorrowerSpec()
    started = time.perf_counter()
    sample = pl.concat([registry_raw.drop("row"), batch_raw]).sample(
        min(500_000, registry_size + new_size), seed=1
    )
    model = train(spec, spec.prepare(sample))
    trained = time.perf_counter() - started
    started = time.perf_counter()
    registry = spec.prepare(registry_raw)
    new = spec.prepare(batch_raw)
    prepared = time.perf_counter() - started
    population = len(registry) + len(new)
    within = score(spec, model, new, records=population)
    cross = score(spec, model, new, registry, records=population)
    decision = decide(len(new), np.asarray(registry_raw["person_id"]), cross, within, THRESHOLD)
    seconds = time.perf_counter() - started
    rows = decision.records
    truth_new = batch_raw["person_id"].to_numpy()
    # A new record is right when it joins its true registry person, or when it founds (or
    # joins a group of) a person the registry did not have and its group is its own.
    assigned = rows["person_id"].to_numpy()
    in_registry = truth_new <= registry_size
    joined = ~np.isnan(assigned.astype(float))
    right_join = joined & in_registry & (assigned == truth_new)
    return {
        "registry": float(registry_size),
        "new": float(new_size),
        "train_seconds": trained,
        "prepare_seconds": prepared,
        "link_seconds": seconds,
        "candidate_pairs": float(len(cross.pairs) + len(within.pairs)),
        "joined_right": float(right_join.sum() / max(joined.sum(), 1)),
        "found_known": float(right_join.sum() / max(in_registry.sum(), 1)),
        "conflicts": float(len(decision.conflicts)),
        "peak_gib": peak_rss_gib(),
    }


def run_resolve(registry_size: int, queries: int) -> dict[str, float]:
    """Fill a SQLite registry of `registry_size` persons, then time `queries` resolutions."""
    from centrale.identity.lookup import Lookup
    from centrale.store.db import make_engine, upgrade

    registry_raw, batch_raw = registry_and_batch(registry_size, queries * 2)
    spec = BorrowerSpec()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/registry.db")
        upgrade(engine)
        started = time.perf_counter()
        model = train(spec, spec.prepare(pl.concat([registry_raw.drop("row"), batch_raw])))
        _fill(engine, spec.prepare(registry_raw), model)
        filled = time.perf_counter() - started
        lookup = Lookup(engine)
        known = batch_raw.filter(pl.col("person_id") <= registry_size)
        asked = known.head(queries)
        latencies, hits = [], 0
        # A serving process is warm: the first calls (imports, caches) are not timed.
        for row in known.tail(100).iter_rows(named=True):
            lookup.resolve(row["cin_norm"] or "X0", (row["last_name"], row["first_name"]))
        for row in asked.iter_rows(named=True):
            began = time.perf_counter()
            found = lookup.resolve(
                row["cin_norm"] or "X0",
                (row["last_name"], row["first_name"]),
                row["birth_date"],
                row["phone"],
                (row["last_name_ar"], row["first_name_ar"]),
            )
            latencies.append(time.perf_counter() - began)
            hits += (
                bool(found)
                and found[0].person_id == row["person_id"]
                and (found[0].probability >= THRESHOLD)
            )
        engine.dispose()
    ms = np.array(latencies) * 1000
    return {
        "registry": float(registry_size),
        "queries": float(len(ms)),
        "fill_seconds": filled,
        "p50_ms": float(np.percentile(ms, 50)),
        "p99_ms": float(np.percentile(ms, 99)),
        "found": hits / max(len(ms), 1),
    }


def _fill(engine, features: pl.DataFrame, model: Model) -> None:  # type: ignore[no-untyped-def]
    """Write a registry straight into the identity tables (persons are the synthetic ones)."""
    from centrale.store import identity_repo as repo
    from centrale.store.bulk import insert_frame

    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO institutions (id, code, name) VALUES (1, 'REG', 'REG')")
        insert_frame(conn, "persons", features.select(id="person_id", cin_norm="cin"))
        insert_frame(
            conn,
            "borrower_records",
            features.select(
                id="borrower_record_id",
                institution_id=pl.lit(1),
                customer_ref=pl.col("borrower_record_id").cast(pl.String),
                cin=pl.col("cin").fill_null(""),
                cin_norm=pl.col("cin").fill_null(""),
                last_name="last_name",
                first_name="first_name",
                person_id="person_id",
            ),
        )
        with repo.identity_writes(conn, registry_size=0, adding=len(features)) as out:
            repo.write_features(out, features)
        repo.save_model(conn, model.to_json(), len(features))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["batch", "resolve"])
    parser.add_argument("--registry", type=int, default=1_000_000)
    parser.add_argument("--new", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2_000)
    args = parser.parse_args()
    if args.what == "batch":
        print(json.dumps(run_batch(args.registry, args.new)))
    else:
        print(json.dumps(run_resolve(args.registry, args.queries)))


if __name__ == "__main__":
    main()
