"""Small, realistic format-v1 files built row by row for the tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from centrale.domain.submission_format import COLUMNS

_LAST = [
    ("El Amrani", "العمراني"),
    ("Bennani", "بناني"),
    ("Tazi", "التازي"),
    ("Alaoui", "العلوي"),
    ("Idrissi", "الإدريسي"),
    ("Berrada", "برادة"),
    ("Filali", "الفيلالي"),
    ("Chraibi", "الشرايبي"),
]
_FIRST = [
    ("Mohamed", "محمد"),
    ("Fatima", "فاطمة"),
    ("Youssef", "يوسف"),
    ("Khadija", "خديجة"),
    ("Hassan", "حسن"),
    ("Nezha", "نزهة"),
    ("Driss", "إدريس"),
]


def v1_row(n: int = 1, **overrides: Any) -> dict[str, str]:
    """A valid row of AMANA's January 2025 file; `n` makes a different borrower and contract.

    Each `n` gets its own references, CIN, name, birth date and phone, so that the identity
    model sees distinct people, as in a real file.
    """
    last, last_ar = _LAST[n % len(_LAST)]
    first, first_ar = _FIRST[(n // len(_LAST)) % len(_FIRST)]
    row = {
        "institution_code": "AMANA",
        "period": "2025-01",
        "contract_ref": f"C{n:05d}",
        "customer_ref": f"K{n:05d}",
        "cin": f"BE{100000 + n}",
        "last_name": last,
        "first_name": first,
        "last_name_ar": last_ar,
        "first_name_ar": first_ar,
        "birth_date": f"{1950 + n % 45}-{1 + n % 12:02d}-{1 + n % 28:02d}",
        "gender": "M",
        "phone": f"06{10000000 + n * 7919 % 89999999:08d}",
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
