"""Identity resolution benchmark: quality and time on labelled data, then scale.

    uv run python bench/identity.py            # full run (several minutes)
    uv run python bench/identity.py --smoke    # a few seconds' worth, for CI

Prints pairwise precision, recall, F1 and wall time at the default threshold on FEBRL 4
(A against B, beside Splink's own tutorial model in the same run), Splink's fake_1000, the
project's synthetic sector and the held-out Moroccan generator (`bench/heldout.py`); then
batch linking against a registry and one-record resolution latency. Figures are written to
docs/benchmarks.md between `<!-- bench:identity -->` markers.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).parent))

from centrale.identity.linkage import score, train
from centrale.settings import Settings
from centrale.synth import sector_borrowers
from heldout import heldout_records
from identity_eval import Quality, dedupe, moroccan_quality, pair_quality, seam_records
from identity_public import (
    DATA,
    Fake1000Spec,
    FebrlSpec,
    public_data_present,
    read_fake_1000,
    read_febrl,
)
from identity_splink import splink_febrl
from report import machine, write_section

ROOT = Path(__file__).resolve().parents[1]
THRESHOLD = Settings(database_url="sqlite://").identity_threshold


def febrl() -> tuple[Quality, tuple[float, float, float, float]]:
    spec = FebrlSpec()
    a_raw, b_raw = read_febrl("dataset4a.csv"), read_febrl("dataset4b.csv")
    started = time.perf_counter()
    a, b = spec.prepare(a_raw), spec.prepare(b_raw)
    model = train(spec, a, b)
    found = score(spec, model, a, b).above(THRESHOLD).pairs
    seconds = time.perf_counter() - started
    left = a["rec_id"].str.extract(r"rec-(\d+)-").gather(found["left"]).to_numpy()
    right = b["rec_id"].str.extract(r"rec-(\d+)-").gather(found["right"]).to_numpy()
    hits = int(np.sum(left == right))
    precision, recall = hits / max(len(found), 1), hits / 5000
    ours = Quality(
        precision, recall, 2 * precision * recall / (precision + recall), seconds, 10_000
    )
    return ours, splink_febrl(a_raw, b_raw, THRESHOLD)


def exact_cin(records: pl.DataFrame) -> Quality:
    """The baseline: one person per normalised CIN."""
    started = time.perf_counter()
    labels = records["cin_norm"].rank("dense").fill_null(-1).to_numpy()
    return pair_quality(labels, records["person_id"].to_numpy(), time.perf_counter() - started)


def scale(what: str, **sizes: int) -> dict[str, float]:
    """Run `bench/identity_scale.py` in its own process (its peak memory is its own)."""
    args = [sys.executable, str(Path(__file__).parent / "identity_scale.py"), what]
    for name, value in sizes.items():
        args += [f"--{name}", str(value)]
    done = subprocess.run(args, capture_output=True, text=True, check=True, cwd=ROOT)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="small sizes, a few seconds")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    persons = 3_000 if args.smoke else 50_000
    registry = 20_000 if args.smoke else 1_000_000
    queries = 200 if args.smoke else 2_000
    lines = [
        f"Threshold {THRESHOLD} (the default `identity_threshold`); pairwise figures "
        "over records grouped into persons (FEBRL 4: over A-B links, recall over its "
        "5,000 true pairs).",
        "",
        "| data | records | precision | recall | F1 | time |",
        "|---|---|---|---|---|---|",
    ]

    if public_data_present():
        ours, splink = febrl()
        lines.append(ours.row("FEBRL 4, A against B: centrale (train + link)"))
        lines.append(
            Quality(*splink[:3], splink[3], 10_000).row(
                "FEBRL 4: Splink 5 tutorial model, same run (train + predict, in process)"
            )
        )
        labels, seconds = dedupe(Fake1000Spec(), read_fake_1000(), THRESHOLD)
        truth = read_fake_1000()["cluster"].cast(pl.Int64).to_numpy()
        lines.append(pair_quality(labels, truth, seconds).row("Splink fake_1000 (dedupe)"))
    elif args.smoke:
        print(f"FEBRL 4 and fake_1000 not found under {DATA}: not run in this smoke run")
    else:
        sys.exit(
            f"FEBRL 4 and fake_1000 not found under {DATA}; set CENTRALE_PUBLIC_DATA to the "
            "folder holding febrl4/ and splink/ (../shared/data beside the project)"
        )
    synthetic = seam_records(sector_borrowers(persons, seed=1))
    lines.append(exact_cin(synthetic).row(f"synthetic sector, {persons:,} persons: exact CIN"))
    lines.append(
        moroccan_quality(synthetic, THRESHOLD).row(
            f"synthetic sector, {persons:,} persons: centrale"
        )
    )
    held = heldout_records(persons, seed=7)
    lines.append(
        exact_cin(held).row(f"held-out Moroccan generator, {persons:,} persons: exact CIN")
    )
    lines.append(
        moroccan_quality(held, THRESHOLD).row(
            f"held-out Moroccan generator, {persons:,} persons: centrale"
        )
    )
    for line in lines[4:]:
        print(line)

    batch = scale("batch", registry=registry, new=registry)
    resolve = scale("resolve", registry=registry, queries=queries)
    lines += [
        "",
        "| scale | figure |",
        "|---|---|",
        f"| batch: {int(batch['new']):,} new records against a registry of "
        f"{int(batch['registry']):,} persons | link {batch['link_seconds']:.0f} s "
        f"(of which features {batch['prepare_seconds']:.0f} s), peak memory "
        f"{batch['peak_gib']:.2f} GiB, {int(batch['candidate_pairs']):,} candidate pairs; "
        f"model trained beforehand in {batch['train_seconds']:.0f} s on "
        f"{int(min(500_000, 2 * registry)):,} records |",
        f"| batch quality | {batch['found_known']:.4f} of records of registry persons "
        f"joined to them; {batch['joined_right']:.4f} of joins right; "
        f"{int(batch['conflicts'])} conflicts flagged |",
        f"| one-record resolution, SQLite registry of {int(resolve['registry']):,} persons "
        f"({int(resolve['queries']):,} inquiries) | p50 {resolve['p50_ms']:.1f} ms, "
        f"p99 {resolve['p99_ms']:.1f} ms; right person first at >= {THRESHOLD}: "
        f"{resolve['found']:.4f} |",
    ]
    for line in lines[-5:]:
        print(line)
    lines += [
        "",
        f"Machine load average (1 min) at the start and end of the run: "
        f"{load_before:.1f} and {os.getloadavg()[0]:.1f}; above 2 means other work shared "
        "the 2 cores during the figures.",
    ]
    if args.smoke:
        return  # a smoke run keeps CI exercising the code; its figures are not the record
    heading = [
        "## Identity resolution",
        "",
        f"Command: `uv run python bench/identity.py` ({machine()}).",
        "",
    ]
    write_section("identity", "\n".join(heading + lines))


if __name__ == "__main__":
    main()
