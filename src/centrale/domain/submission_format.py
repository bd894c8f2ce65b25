"""Submission format v1: the columns of a monthly portfolio file and their vocabularies."""

from __future__ import annotations

import re

from centrale.domain.loan import Activity, Frequency, LoanStatus, Product

#: Not a column of the format: where the reader puts a row's first value beyond the header's
#: columns (a comma left unquoted in a name shifts every later cell), for a rule to report.
EXTRA_CELLS = "extra_cells"
#: The reader's mark on the rows of a CSV block holding a NUL character (`\x00`), which no
#: value may carry: PostgreSQL refuses it in text.
HAS_NUL = "_has_nul"

#: A member's code, as registered and as every row of its files gives it (e.g. AMANA).
INSTITUTION_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,31}$")
#: How `INSTITUTION_CODE` is explained to a user.
INSTITUTION_CODE_RULE = "2 à 32 majuscules, chiffres ou _ (ex. AMANA)"

COLUMNS: tuple[str, ...] = (
    "institution_code",
    "period",
    "contract_ref",
    "customer_ref",
    "cin",
    "last_name",
    "first_name",
    "last_name_ar",
    "first_name_ar",
    "birth_date",
    "gender",
    "phone",
    "region",
    "milieu",
    "activity",
    "product",
    "group_ref",
    "disbursed_on",
    "maturity_on",
    "amount",
    "installment",
    "frequency",
    "outstanding",
    "arrears",
    "days_past_due",
    "status",
    "closed_on",
    "purpose",
)

REQUIRED: tuple[str, ...] = (
    "institution_code",
    "period",
    "contract_ref",
    "customer_ref",
    "cin",
    "last_name",
    "first_name",
    "product",
    "disbursed_on",
    "maturity_on",
    "amount",
    "outstanding",
    "arrears",
    "days_past_due",
    "status",
)

DATE_COLUMNS: tuple[str, ...] = ("birth_date", "disbursed_on", "maturity_on", "closed_on")

#: Whole-dirham and day-count columns; `amount` alone must be strictly positive.
INTEGER_COLUMNS: tuple[str, ...] = (
    "amount",
    "installment",
    "outstanding",
    "arrears",
    "days_past_due",
)

VOCABULARIES: dict[str, tuple[str, ...]] = {
    "gender": ("F", "M"),
    "milieu": ("U", "R"),
    "activity": tuple(a.value for a in Activity),
    "product": tuple(p.value for p in Product),
    "frequency": tuple(f.value for f in Frequency),
    "status": tuple(s.value for s in LoanStatus),
}

#: Longest accepted text per column: longer values would be cut by the database.
MAX_LENGTHS: dict[str, int] = {
    "contract_ref": 64,
    "customer_ref": 64,
    "group_ref": 64,
    "cin": 32,
    "last_name": 120,
    "first_name": 120,
    "last_name_ar": 120,
    "first_name_ar": 120,
    "purpose": 2000,
}

REGIONS = range(1, 13)
