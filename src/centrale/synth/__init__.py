"""The synthetic sector generator: a realistic Moroccan microcredit sector, seeded.

Persons with Moroccan names (Latin and Arabic scripts), CINs, phones and regions borrow from
the sector's institutions by market share, some from several at once; each institution
writes them its own way; their loans are disbursed, repaid, fall late, cure, are
restructured, written off or closed month after month. The output is one submission file of
format v1 per institution and month, and the truth: which person each client is.

>>> from pathlib import Path
>>> files = generate_sector(Path("synth"), persons=50_000, months=12)  # doctest: +SKIP
>>> generate_month_file(Path("big.csv"), rows=1_000_000)  # doctest: +SKIP
>>> sector_borrowers(5_000, seed=3)  # identity records with person_id  # doctest: +SKIP
"""

from centrale.synth.institutions import SECTOR_INSTITUTIONS
from centrale.synth.month_file import (
    generate_month_file,
    generate_month_files,
    generate_onboarding_file,
)
from centrale.synth.sector import SectorFiles, generate_sector, sector_borrowers

__all__ = [
    "SECTOR_INSTITUTIONS",
    "SectorFiles",
    "generate_month_file",
    "generate_month_files",
    "generate_onboarding_file",
    "generate_sector",
    "sector_borrowers",
]
