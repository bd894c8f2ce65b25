"""Small, realistic format-v1 files built row by row for the tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from centrale.domain.submission_format import COLUMNS


def v1_row(n: int = 1, **overrides: Any) -> dict[str, str]:
    """A valid row of AMANA's January 2025 file; `n` varies the references and the CIN."""
    row = {
        "institution_code": "AMANA",
        "period": "2025-01",
        "contract_ref": f"C{n:05d}",
        "customer_ref": f"K{n:05d}",
        "cin": f"BE{100000 + n}",
        "last_name": "El Amrani",
        "first_name": "Mohamed",
        "last_name_ar": "العمراني",
        "first_name_ar": "محمد",
        "birth_date": "1980-04-12",
        "gender": "M",
        "phone": "0612345678",
        "region": "6",
        "milieu": "U",
        "activity": "commerce",
        "product": "individual",
        "group_ref": "",
        "disbursed_on": "2024-06-01",
        "maturity_on": "2025-06-01",
        "amount": "10000",
        "installment": "900",
        "frequency": "monthly",
        "outstanding": "5400",
        "arrears": "0",
        "days_past_due": "0",
        "status": "active",
        "closed_on": "",
        "purpose": "Achat de marchandises",
    }
    row.update({k: str(v) for k, v in overrides.items()})
    return row


def v1_text(rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return buffer.getvalue()


def write_v1(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8") -> Path:
    path.write_bytes(v1_text(rows).encode(encoding))
    return path
