"""Train the identity model that centrale ships (`centrale/identity/reference_model.json`).

    uv run python bench/reference_model.py

A registry's first files can hold too few repeated persons for the model to learn anything
from them (three records, none repeated, teach nothing). Until its own data shows enough
likely matches (`identity_min_model_matches`), a registry links with this model, trained
here on a synthetic sector. Run this again whenever `BorrowerSpec`'s comparisons change:
`tests/unit/test_reference_model.py` fails until then.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from centrale.identity.borrowers import BorrowerSpec
from centrale.identity.linkage import train
from centrale.identity.reference import REFERENCE_MODEL
from centrale.synth import sector_borrowers
from identity_eval import seam_records

PERSONS = 20_000
SEED = 2026


def main() -> None:
    spec = BorrowerSpec()
    features = spec.prepare(seam_records(sector_borrowers(PERSONS, seed=SEED)))
    model = train(spec, features)
    REFERENCE_MODEL.write_text(model.to_json() + "\n", encoding="utf-8")
    seen = model.trained_on["candidate_pairs"] * model.trained_on["matching_share"]
    print(f"{REFERENCE_MODEL}: trained on {len(features):,} records, {seen:,.0f} likely matches")


if __name__ == "__main__":
    main()
