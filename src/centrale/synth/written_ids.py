"""How each institution writes its clients' CIN, phone, birth date and the short fields.

CINs get formatting noise (lower case, a space or a dash after the letters) and, at a small
rate, a real typing slip: one digit changed or two adjacent digits swapped. Phones come in
every usual form or not at all, sometimes an old number. Birth dates go missing, have day
and month swapped or the year off by one. Every value stays valid under format v1: the noise
is what identity resolution must see through, not what validation must reject.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl
from numpy.typing import NDArray

from centrale.synth.calendar import day_in_month
from centrale.synth.clientele import Clientele
from centrale.synth.persons import ACTIVITIES, CIN_PREFIX_TABLE
from centrale.synth.written_names import on_rows

#: Written forms of a mobile number, as (pieces of the 9-digit national number, separator).
PHONE_FORMS: list[tuple[str, list[tuple[int, int]], str]] = [
    ("0", [(0, 9)], ""),  # 0612345678
    ("0", [(0, 1), (1, 3), (3, 5), (5, 7), (7, 9)], " "),  # 06 12 34 56 78
    ("0", [(0, 1), (1, 3), (3, 5), (5, 7), (7, 9)], "-"),  # 06-12-34-56-78
    ("+212", [(0, 9)], ""),  # +212612345678
    ("+212 ", [(0, 1), (1, 3), (3, 5), (5, 7), (7, 9)], " "),  # +212 6 12 34 56 78
    ("00212", [(0, 9)], ""),  # 00212612345678
    ("212 ", [(0, 9)], ""),  # 212 612345678
    ("0", [(0, 1), (1, 3), (3, 5), (5, 7), (7, 9)], "."),  # 06.12.34.56.78
]


def written_ids(clients: Clientele) -> pl.DataFrame:
    """`cin, birth_date, gender, phone, region, milieu, activity` as each lender writes them.

    >>> written_ids(Clientele.sample(3)).columns
    ['cin', 'birth_date', 'gender', 'phone', 'region', 'milieu', 'activity']
    """
    persons, person, chance = clients.persons, clients.person, clients.chance

    def unless(missing: NDArray[np.bool_], values: pl.Series) -> pl.Series:
        return values.set(pl.Series(missing), None)

    def words(vocabulary: list[str], index: NDArray) -> pl.Series:
        return pl.Series(vocabulary).gather(index)

    return pl.DataFrame(
        {
            "cin": _cins(clients),
            "birth_date": unless(chance("birth_missing"), pl.Series(_birth_dates(clients))),
            "gender": unless(chance("gender_missing"), words(["M", "F"], persons.female[person])),
            "phone": _phones(clients),
            "region": unless(
                chance("region_missing"), pl.Series(persons.region[person]).cast(pl.String)
            ),
            "milieu": unless(chance("milieu_missing"), words(["U", "R"], persons.rural[person])),
            "activity": unless(
                chance("activity_missing"), words(list(ACTIVITIES), persons.activity[person])
            ),
        }
    )


def _cins(clients: Clientele) -> pl.Series:
    persons, person, chance = clients.persons, clients.person, clients.chance
    serial, digits = persons.cin_serial[person].copy(), persons.cin_digits[person]
    slip = np.flatnonzero(chance("cin_typo"))
    serial[slip] = _slipped(clients.rng, serial[slip], digits[slip])
    spaced, dashed, lower = chance("cin_spaced"), chance("cin_dashed"), chance("cin_lower")
    # Prefix as written (upper or lower case) and separator, from a small table.
    table = [p + sep for p in CIN_PREFIX_TABLE for p in (p, p.lower()) for sep in ("", " ", "-")]
    written = (persons.cin_prefix[person] * 2 + lower) * 3 + np.where(spaced, 1, dashed * 2)
    frame = pl.DataFrame({"head": pl.Series(table).gather(written), "serial": serial,
                          "digits": digits})  # fmt: skip
    serial_text = pl.col("serial").cast(pl.String).str.zfill(pl.col("digits"))
    return frame.select(pl.col("head") + serial_text).to_series()


def _slipped(rng: np.random.Generator, serial: NDArray, digits: NDArray) -> NDArray[np.int64]:
    # Change one digit, or swap two adjacent different digits (else change one).
    place = np.floor(rng.random(len(serial)) * (digits - 1)).astype(np.int64)
    low, high = 10**place, 10 ** (place + 1)
    d_low, d_high = (serial // low) % 10, (serial // high) % 10
    swap = (rng.random(len(serial)) < 0.4) & (d_low != d_high)
    swapped = serial + (d_high - d_low) * low + (d_low - d_high) * high
    other = (d_low + rng.integers(1, 10, len(serial))) % 10
    return np.where(swap, swapped, serial + (other - d_low) * low)


def _birth_dates(clients: Clientele) -> NDArray[np.datetime64]:
    birth = clients.persons.birth[clients.person]
    year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    month = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (birth - birth.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    swap = clients.chance("birth_day_month_swapped") & (day <= 12) & (day != month)
    shift = clients.chance("birth_year_off") * clients.rng.choice([-1, 1], len(clients))
    new_month = np.where(swap, day, month)
    new_day = np.where(swap, month, day)
    return day_in_month((year + shift) * 12 + new_month - 1, new_day)


def _phones(clients: Clientele) -> pl.Series:
    rng = clients.rng
    number = clients.persons.phone[clients.person].copy()
    old = clients.chance("phone_old_number")
    lead = np.where(rng.random(old.sum()) < 0.7, 6, 7)
    number[old] = lead * 10**8 + rng.integers(0, 10**8, old.sum())
    form = clients.pick("phone_weights")
    phones = pl.Series(number).cast(pl.String)
    for index, (lead_text, pieces, sep) in enumerate(PHONE_FORMS):
        parts = [pl.col("v").str.slice(a, b - a) for a, b in pieces]
        text = pl.lit(lead_text) + pl.concat_str(parts, separator=sep)
        phones = on_rows(phones, form == index, _select(text))
    return phones.set(pl.Series(clients.chance("phone_missing")), None)


def _select(expr: pl.Expr) -> Callable[[pl.DataFrame], pl.Series]:
    def change(rows: pl.DataFrame) -> pl.Series:
        return rows.select(expr).to_series()

    return change
