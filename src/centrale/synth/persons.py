"""The true persons behind the borrower records: who they are, before anyone writes them.

Regions are drawn by population (2014 census, DOMAIN.md section 6), 47 % women, ages 18 to
70, about 35 % rural. Some persons are relatives of another (`household` holds the other's
index): same surname, usually the same phone, the same region, sometimes a look-alike first
name and even a CIN serial a few numbers apart, yet distinct persons. They are the hard
negatives of identity resolution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from centrale.synth.names import first_names, pick_in_runs, similar_first_names, surnames

#: Population of regions 1 to 12 (RGPH 2014; Dakhla-Oued Ed-Dahab 142,955).
REGION_POPULATION = np.array(
    [3540012, 2302182, 4216957, 4552585, 2512375, 6826773, 4504767, 1627269, 2657906,
     414489, 340748, 142955], dtype=np.float64,
)  # fmt: skip
#: Share of microcredit clients living in rural areas, by region; about 35 % overall.
RURAL_SHARE = np.array([0.35, 0.3, 0.35, 0.28, 0.45, 0.2, 0.5, 0.55, 0.4, 0.3, 0.08, 0.15])
#: CIN letter prefixes by region (said to encode the issuing office; DOMAIN.md, [U]).
CIN_PREFIXES: list[list[str]] = [
    ["K", "KA", "KB", "L", "LA", "LC", "R"],
    ["F", "FA", "FB", "FC", "S", "SA"],
    ["C", "CB", "CD", "D", "DA", "Z"],
    ["A", "AA", "AB", "AD", "AE", "G", "GA", "GB"],
    ["I", "IA", "IB", "Q", "QA"],
    ["B", "BE", "BH", "BJ", "BK", "BL", "BM", "M", "W"],
    ["E", "EA", "EB", "EE", "H", "HA", "N"],
    ["U", "UA", "UB", "P", "PA"],
    ["J", "JA", "JB", "JC", "JE"],
    ["JF", "JH"],
    ["SH", "SJ"],
    ["VA", "VB"],
]
CIN_PREFIX_TABLE = [prefix for prefixes in CIN_PREFIXES for prefix in prefixes]
ACTIVITIES = ("commerce", "artisanat", "agriculture", "elevage", "services", "autre")
_ACTIVITY_URBAN = np.array([0.4, 0.18, 0.04, 0.04, 0.27, 0.07])
_ACTIVITY_RURAL = np.array([0.2, 0.12, 0.3, 0.24, 0.1, 0.04])
#: Monthly chance of missing an instalment, by repayment habit (good, fair, poor).
MISS_RATES = np.array([0.01, 0.06, 0.25])
_HABIT_SHARES = np.array([0.8, 0.15, 0.05])
RELATIVE_SHARE = 0.12


@dataclass(frozen=True)
class Persons:
    """One row per person, as NumPy arrays; `person_id` is the index plus one."""

    female: NDArray[np.int8]
    first: NDArray[np.int64]  # first-name index
    first_spelling: NDArray[np.int64]  # the spelling on the CIN card (flat index)
    last: NDArray[np.int64]
    last_spelling: NDArray[np.int64]
    birth: NDArray[np.datetime64]
    cin_prefix: NDArray[np.int64]  # index into CIN_PREFIX_TABLE
    cin_serial: NDArray[np.int64]
    cin_digits: NDArray[np.int64]  # 5 or 6
    phone: NDArray[np.int64]  # national significant number, 9 digits
    region: NDArray[np.int64]  # 1 to 12
    rural: NDArray[np.bool_]
    activity: NDArray[np.int64]  # index into ACTIVITIES
    miss_rate: NDArray[np.float64]
    household: NDArray[np.int64]  # index of the relative, -1 for none

    def __len__(self) -> int:
        return len(self.female)


def joined_persons(first: Persons, second: Persons) -> Persons:
    """The persons of `first`, then those of `second` (its relatives' indices shifted).

    >>> a = draw_persons(np.random.default_rng(0), 30, np.datetime64("2025-01-01"))
    >>> b = draw_persons(np.random.default_rng(1), 20, np.datetime64("2025-01-01"))
    >>> both = joined_persons(a, b)
    >>> shifted = np.where(b.household >= 0, b.household + 30, -1)
    >>> len(both), bool((both.household[30:] == shifted).all())
    (50, True)
    """
    fields = {}
    for name in Persons.__dataclass_fields__:
        left, right = getattr(first, name), getattr(second, name)
        if name == "household":
            right = np.where(right >= 0, right + len(first), -1)
        fields[name] = np.concatenate([left, right])
    return Persons(**fields)


def draw_persons(rng: np.random.Generator, count: int, start: np.datetime64) -> Persons:
    """`count` persons; ages are counted at `start`.

    >>> len(draw_persons(np.random.default_rng(0), 10, np.datetime64("2025-01-01")))
    10
    """
    firsts, lasts = first_names(), surnames()
    female = (rng.random(count) < 0.47).astype(np.int8)
    first = np.where(
        female == 1, firsts.draw(rng, count, female=1), firsts.draw(rng, count, female=0)
    )
    last = lasts.draw(rng, count)
    region = rng.choice(12, size=count, p=REGION_POPULATION / REGION_POPULATION.sum()) + 1
    rural = rng.random(count) < RURAL_SHARE[region - 1]
    age_days = ((18 + 52 * rng.beta(2.0, 2.6, count)) * 365.25).astype(np.int64)
    birth = start - age_days.astype("timedelta64[D]")
    household = _households(rng, count)
    rel = np.flatnonzero(household >= 0)
    head = household[rel]
    # A relative shares the surname as written on the card, the region and, mostly, a phone.
    last[rel] = last[head]
    region[rel] = region[head]
    rural[rel] = rural[head]
    alike = rng.random(len(rel)) < 0.35
    female[rel[alike]] = female[head[alike]]
    indexes, starts, counts = similar_first_names()
    first[rel[alike]] = indexes[
        pick_in_runs(rng, starts[first[head[alike]]], counts[first[head[alike]]])
    ]
    gap_years = rng.integers(2, 30, len(rel)) * rng.choice([-1, 1], len(rel))
    shifted = birth[head] + (gap_years * 365.25 + rng.integers(-150, 150, len(rel))).astype(
        "timedelta64[D]"
    )
    oldest, youngest = start - np.timedelta64(70 * 365, "D"), start - np.timedelta64(18 * 366, "D")
    birth[rel] = np.clip(shifted, oldest, youngest)
    phone = _phones(rng, count)
    shares_phone = rng.random(len(rel)) < 0.85
    phone[rel[shares_phone]] = phone[head[shares_phone]]
    prefix, serial, digits = _cins(rng, region, birth, start, household)
    return Persons(
        female=female,
        first=first,
        first_spelling=_official_spelling(rng, first, firsts.first_spelling, firsts.spelling_count),
        last=last,
        last_spelling=_official_spelling(rng, last, lasts.first_spelling, lasts.spelling_count),
        birth=birth,
        cin_prefix=prefix,
        cin_serial=serial,
        cin_digits=digits,
        phone=phone,
        region=region,
        rural=rural,
        activity=_activities(rng, rural),
        miss_rate=MISS_RATES[rng.choice(3, size=count, p=_HABIT_SHARES)],
        household=household,
    )


def _households(rng: np.random.Generator, count: int) -> NDArray[np.int64]:
    household = np.full(count, -1, dtype=np.int64)
    relatives = rng.random(count) < RELATIVE_SHARE
    heads = np.flatnonzero(~relatives)
    if len(heads):
        household[relatives] = rng.choice(heads, size=int(relatives.sum()))
    return household


def _official_spelling(
    rng: np.random.Generator, name: NDArray, first: NDArray, count: NDArray
) -> NDArray[np.int64]:
    # The card mostly carries the usual spelling, sometimes a rarer one.
    usual = rng.random(len(name)) < 0.7
    return np.where(usual, first[name], pick_in_runs(rng, first[name], count[name]))


def _phones(rng: np.random.Generator, count: int) -> NDArray[np.int64]:
    lead = np.where(rng.random(count) < 0.7, 6, 7)
    return lead * 100_000_000 + rng.integers(0, 100_000_000, count)


def _cins(
    rng: np.random.Generator,
    region: NDArray,
    birth: NDArray,
    start: np.datetime64,
    household: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    sizes = np.array([len(p) for p in CIN_PREFIXES])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    pick = offsets[region - 1] + np.floor(rng.random(len(region)) * sizes[region - 1]).astype(int)
    # Older persons kept a five-digit serial more often.
    old = birth < start - np.timedelta64(50 * 365, "D")
    digits = np.where(rng.random(len(region)) < np.where(old, 0.35, 0.05), 5, 6)
    serial = rng.integers(0, 10**digits)
    # Cards issued together at one office: a relative's serial a few numbers after the other's.
    rel = np.flatnonzero(household >= 0)
    close = rel[(rng.random(len(rel)) < 0.1) & (pick[rel] == pick[household[rel]])]
    head = household[close]
    digits[close] = digits[head]
    serial[close] = np.minimum(
        serial[head] + rng.integers(1, 9, len(close)), 10 ** digits[head] - 1
    )
    while True:  # redraw the rare duplicates; converges in one or two rounds
        key = (pick * 10 + digits) * 1_000_000 + serial
        order = np.argsort(key)
        clash = order[1:][key[order][1:] == key[order][:-1]]
        if not len(clash):
            return pick, serial, digits
        serial[clash] = rng.integers(0, 10 ** digits[clash])


def _activities(rng: np.random.Generator, rural: NDArray[np.bool_]) -> NDArray[np.int64]:
    urban_pick = rng.choice(len(ACTIVITIES), size=len(rural), p=_ACTIVITY_URBAN)
    rural_pick = rng.choice(len(ACTIVITIES), size=len(rural), p=_ACTIVITY_RURAL)
    return np.where(rural, rural_pick, urban_pick)
