"""A held-out generator of Moroccan borrower records with known persons.

Written apart from `centrale.synth` (its own name lists in `heldout_names.py`, its own noise
mix), so that the identity model is measured on data it was not shaped on. Hard cases are
built in on purpose: households sharing a surname, a phone and a region; namesakes (a son
named after his father); twins; siblings with consecutive CIN serials; and the slips that an
exact CIN join misses (transposed or mistyped digits, day and month swapped, year off by one,
names swapped, Arabic script, other transliterations).

`heldout_records(persons, seed)` returns one row per borrower record, in the identity seam's
columns (`centrale.identity.seam.RECORD_SCHEMA`) plus `person_id` (the truth) and
`institution_code`.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).parent))

from centrale.domain.cin import normalise_cin
from centrale.domain.phone import normalise_phone
from heldout_names import CIN_PREFIXES, FEMALE, MALE, SURNAMES

INSTITUTIONS = [f"H{i:02d}" for i in range(1, 13)]
ARABIC_DIACRITICS = ["\u064e", "\u064f", "\u0650", "\u0651", "\u0640"]


def _zipf(rng: np.random.Generator, n: int, size: int, a: float = 1.1) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** a
    return rng.choice(n, size=size, p=weights / weights.sum())


def _persons(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    gender = rng.choice(np.array(["M", "F"]), n)
    first = np.where(gender == "M", _zipf(rng, len(MALE), n), _zipf(rng, len(FEMALE), n))
    last = _zipf(rng, len(SURNAMES), n, 0.8)
    born = rng.integers(0, 55 * 365, n)
    prefix = rng.integers(0, len(CIN_PREFIXES), n)
    serial = rng.choice(900_000, n, replace=False) + 100_000
    phone = rng.integers(600_000_000, 800_000_000, n)
    has_phone = rng.random(n) < 0.85
    region = rng.choice(12, n, p=np.array([11, 7, 12, 13, 7, 19, 13, 5, 8, 1.3, 1, 0.5]) / 97.8)
    # Households: a share of persons join the previous person's household, sharing its
    # surname, phone, region and often its CIN office with a consecutive serial.
    joins = rng.random(n) < 0.22
    joins[0] = False
    for i in np.flatnonzero(joins):
        head = i - 1
        last[i], phone[i], region[i] = last[head], phone[head], region[head]
        has_phone[i] = has_phone[head]
        roll = rng.random()
        if roll > 0.9:
            prefix[i], serial[i] = prefix[head], (serial[head] + 1) % 1_000_000
        if roll < 0.12 and gender[i] == gender[head]:
            first[i] = first[head]  # a namesake: son named after his father
        elif roll > 0.95:
            born[i] = born[head]  # twins
    return {
        "gender": gender,
        "first": first,
        "last": last,
        "born": born,
        "cin": np.array([f"{CIN_PREFIXES[p]}{s}" for p, s in zip(prefix, serial, strict=True)]),
        "phone": np.where(has_phone, phone, -1),
        "region": region + 1,
    }


def _typo(rng: np.random.Generator, text: str) -> str:
    if len(text) < 3:
        return text
    i = int(rng.integers(1, len(text) - 1))
    kind = rng.random()
    if kind < 0.4:
        return text[:i] + text[i + 1 :]
    if kind < 0.7:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + "aeioun"[int(rng.integers(0, 6))] + text[i + 1 :]


def _write_cin(rng: np.random.Generator, cin: str) -> str:
    prefix = cin.rstrip("0123456789")
    serial = cin[len(prefix) :]
    roll = rng.random()
    if roll < 0.025:
        i = int(rng.integers(0, len(serial)))
        serial = (
            serial[:i] + str((int(serial[i]) + int(rng.integers(1, 10))) % 10) + serial[i + 1 :]
        )
    elif roll < 0.045:
        i = int(rng.integers(0, len(serial) - 1))
        serial = serial[:i] + serial[i + 1] + serial[i] + serial[i + 2 :]
    elif roll < 0.055:
        i = int(rng.integers(0, len(serial)))
        serial = serial[:i] + serial[i + 1 :]
    elif roll < 0.062:
        prefix = CIN_PREFIXES[int(rng.integers(0, len(CIN_PREFIXES)))]
    elif roll < 0.065:
        serial = str(int(rng.integers(100_000, 1_000_000)))
    look = rng.random()
    if look < 0.1:
        return f"{prefix.lower()}{serial}"
    if look < 0.2:
        return f"{prefix} {serial}"
    if look < 0.25:
        return f"{prefix}-{serial[:3]}-{serial[3:]}"
    return prefix + serial


def _write_phone(rng: np.random.Generator, number: int) -> str:
    digits = f"{number:09d}"
    forms = [
        f"0{digits}",
        f"+212{digits}",
        f"00212{digits}",
        f"0{digits[:1]} {digits[1:3]} {digits[3:5]} {digits[5:7]} {digits[7:]}",
        f"+212 {digits[:1]}-{digits[1:5]}-{digits[5:]}",
    ]
    return forms[int(rng.integers(0, len(forms)))]


def _write_arabic(rng: np.random.Generator, text: str) -> str:
    if rng.random() < 0.3:
        i = int(rng.integers(1, len(text)))
        text = text[:i] + ARABIC_DIACRITICS[int(rng.integers(0, 5))] + text[i:]
    if rng.random() < 0.2:
        text = text.replace("ة", "ه").replace("إ", "ا").replace("أ", "ا")
    return text


def _latin(rng: np.random.Generator, variants: list[str]) -> str:
    weights = np.array([3.0] + [1.0] * (len(variants) - 1))
    name = variants[int(rng.choice(len(variants), p=weights / weights.sum()))]
    roll = rng.random()
    if roll < 0.03:
        name = _typo(rng, name)
    elif roll < 0.08:
        name = name.upper()
    return name


def _birth(rng: np.random.Generator, born: int) -> date | None:
    day = date(1950, 1, 1) + timedelta(days=int(born))
    roll = rng.random()
    if roll < 0.05:
        return None
    if roll < 0.08 and day.day <= 12 and day.day != day.month:
        return date(day.year, day.day, day.month)
    if roll < 0.105 and not (day.month == 2 and day.day == 29):
        return day.replace(year=day.year + int(rng.choice([-1, 1])))
    if roll < 0.12:
        return day + timedelta(days=int(rng.choice([-10, 10, 1, -1])))
    return day


def heldout_records(persons: int, seed: int = 7) -> pl.DataFrame:
    """Borrower records of `persons` persons across 12 institutions, with the truth.

    >>> frame = heldout_records(100)  # doctest: +SKIP
    """
    rng = np.random.default_rng(seed)
    people = _persons(rng, persons)
    copies = np.minimum(rng.geometric(0.55, persons), len(INSTITUTIONS))
    rows: list[dict[str, object]] = []
    for pid in range(persons):
        male = people["gender"][pid] == "M"
        ar_first, first_variants = (MALE if male else FEMALE)[people["first"][pid]]
        ar_last, last_variants = SURNAMES[people["last"][pid]]
        for inst in rng.choice(len(INSTITUTIONS), copies[pid], replace=False):
            first, last = _latin(rng, first_variants), _latin(rng, last_variants)
            if rng.random() < 0.03:
                first, last = last, first
            arabic = rng.random() < 0.35
            phone_number = people["phone"][pid]
            phone_roll = rng.random()
            if phone_number < 0 or phone_roll < 0.25:
                phone = None
            elif phone_roll < 0.35:
                phone = _write_phone(rng, int(rng.integers(600_000_000, 800_000_000)))
            else:
                phone = _write_phone(rng, int(phone_number))
            gender_roll = rng.random()
            gender = None if gender_roll < 0.03 else str(people["gender"][pid])
            if gender_roll > 0.99:
                gender = "F" if male else "M"
            region = int(people["region"][pid])
            if rng.random() < 0.08:
                region = int(rng.integers(1, 13))
            rows.append(
                {
                    "person_id": pid,
                    "institution_code": INSTITUTIONS[inst],
                    "customer_ref": f"C{pid:07d}-{inst}",
                    "cin": _write_cin(rng, str(people["cin"][pid])),
                    "last_name": last,
                    "first_name": first,
                    "last_name_ar": _write_arabic(rng, ar_last) if arabic else None,
                    "first_name_ar": _write_arabic(rng, ar_first) if arabic else None,
                    "birth_date": _birth(rng, int(people["born"][pid])),
                    "gender": gender,
                    "phone_written": phone,
                    "region": region,
                }
            )
    frame = pl.DataFrame(rows, infer_schema_length=None)
    return as_seam_records(frame)


def as_seam_records(frame: pl.DataFrame) -> pl.DataFrame:
    """Normalise the written CIN and phone as ingestion does, and number the records."""
    return frame.with_columns(
        borrower_record_id=pl.int_range(1, pl.len() + 1, dtype=pl.Int64),
        institution_id=pl.col("institution_code").str.slice(1).cast(pl.Int64),
        cin_norm=pl.col("cin").map_elements(normalise_cin, return_dtype=pl.String),
        phone=pl.col("phone_written").map_elements(normalise_phone, return_dtype=pl.String),
        region=pl.col("region").cast(pl.Int16),
        birth_date=pl.col("birth_date").cast(pl.Date),
    )
