"""How each institution writes its clients' names, in Latin and Arabic script.

A clerk copies the spelling on the CIN card or writes the name by ear (`Mohamed` becomes
`Mhamed`), writes particles apart, joined or hyphenated (`El Amrani`, `Elamrani`,
`El-Amrani`), sometimes in capitals, now and then drops or doubles a letter or swaps first
and last name. Only some institutions keep the Arabic script, with the usual keyboard
variants (hamza dropped, taa marbuta typed as haa, `عبد ال...` joined).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import numpy as np
import polars as pl
from numpy.typing import NDArray

from centrale.synth.clientele import Clientele
from centrale.synth.names import NameTable, first_names, pick_in_runs, surnames

_PARTICLE = r"^(El|Al|Ben|Bel|Ait|Aït|Ou|Bou|Abou|Es|Et|Ez|En|Er|Ed|Ech)[ -](\S.*)$"
_ARABIC_FOLDS = {"أ": "ا", "إ": "ا", "آ": "ا", "ة$": "ه", "ى$": "ي", "عبد ال": "عبدال"}


def on_rows(
    values: pl.Series, rows: NDArray[np.bool_], change: Callable[[pl.DataFrame], pl.Series]
) -> pl.Series:
    """`values` with `change` applied to the chosen rows only (handed over as a frame with
    the values in column `v` and the row's position in `at`): cheap when few rows change."""
    at = np.flatnonzero(rows)
    if not len(at):
        return values
    changed = change(pl.DataFrame({"v": values.gather(at), "at": at}))
    return values.scatter(at, changed)


def written_names(clients: Clientele) -> pl.DataFrame:
    """`last_name, first_name, last_name_ar, first_name_ar` as each client's lender writes.

    >>> written_names(Clientele.sample(3)).columns
    ['last_name', 'first_name', 'last_name_ar', 'first_name_ar']
    """
    rng, persons, person, n = clients.rng, clients.persons, clients.person, len(clients)
    chance = clients.chance
    last = _spelling(clients, surnames(), persons.last[person], persons.last_spelling[person])
    first = _spelling(clients, first_names(), persons.first[person], persons.first_spelling[person])
    join = clients.pick("particle_joins")
    upper = chance("upper_case")
    # Every written form of every name is in a small table; a client's form is a gather.
    last_text = _surname_forms().gather((last * 3 + join) * 2 + upper)
    first_text = _first_name_forms().gather(first * 2 + upper)
    last_text = on_rows(last_text, chance("name_typo"), _typo(rng.random((n, 2))))
    first_text = on_rows(first_text, chance("name_typo"), _typo(rng.random((n, 2))))
    has_arabic, noisy = chance("arabic"), chance("arabic_noise")
    last_ar = _arabic_forms("surnames").gather(persons.last[person] * 2 + noisy)
    first_ar = _arabic_forms("first_names").gather(persons.first[person] * 2 + noisy)
    swap = pl.Series(chance("swapped_names"))
    frame = pl.DataFrame(
        {
            "last": last_text,
            "first": first_text,
            "last_ar": last_ar.set(pl.Series(~has_arabic), None),
            "first_ar": first_ar.set(pl.Series(~has_arabic), None),
            "swap": swap,
        }
    )
    swapped = pl.col("swap")
    return frame.select(
        pl.when(swapped).then("first").otherwise("last").alias("last_name"),
        pl.when(swapped).then("last").otherwise("first").alias("first_name"),
        pl.when(swapped).then("first_ar").otherwise("last_ar").alias("last_name_ar"),
        pl.when(swapped).then("last_ar").otherwise("first_ar").alias("first_name_ar"),
    )


def _spelling(
    clients: Clientele, table: NameTable, name: NDArray, official: NDArray
) -> NDArray[np.int64]:
    copied = clients.chance("official_spelling")
    by_ear = pick_in_runs(clients.rng, table.first_spelling[name], table.spelling_count[name])
    return np.where(copied, official, by_ear)


def _particle_forms(spelling: str) -> list[str]:
    # Apart, joined, hyphenated: `El Amrani`, `Elamrani`, `El-Amrani`.
    found = re.match(_PARTICLE, spelling)
    if found is None:
        return [spelling] * 3
    particle, rest = found.groups()
    return [f"{particle} {rest}", particle + rest.replace(" ", "").lower(), f"{particle}-{rest}"]


@cache
def _surname_forms() -> pl.Series:
    forms = [f for s in surnames().spellings for f in _particle_forms(str(s))]
    return pl.Series([w for f in forms for w in (f, f.upper())])


@cache
def _first_name_forms() -> pl.Series:
    return pl.Series([w for s in first_names().spellings for w in (str(s), str(s).upper())])


@cache
def _arabic_forms(kind: str) -> pl.Series:
    table = surnames() if kind == "surnames" else first_names()
    forms = []
    for name in table.arabic:
        folded = str(name)
        for pattern, replacement in _ARABIC_FOLDS.items():
            folded = re.sub(pattern, replacement, folded)
        forms += [str(name), folded]
    return pl.Series(forms)


def _typo(draws: NDArray[np.float64]) -> Callable[[pl.DataFrame], pl.Series]:
    # One letter dropped or doubled, never the first one (clerks rarely miss it).
    def change(rows: pl.DataFrame) -> pl.Series:
        name, u = pl.col("v"), draws[rows.get_column("at").to_numpy()]
        at = (1 + pl.lit(pl.Series(u[:, 0])) * (name.str.len_chars() - 2)).cast(pl.Int64)
        dropped = name.str.slice(0, at) + name.str.slice(at + 1)
        doubled = name.str.slice(0, at + 1) + name.str.slice(at)
        short = name.str.len_chars() < 4
        return rows.select(
            pl.when(short)
            .then(name)
            .when(pl.lit(pl.Series(u[:, 1])) < 0.5)
            .then(doubled)
            .otherwise(dropped)
        ).to_series()

    return change
