"""The sector's member institutions, their market shares and their clerical habits.

Shares follow DOMAIN.md section 5: Al Amana about 40 %, Attawfiq about 32 %, the top 3 about
95 % and the top 5 about 99 % (BAM 2022); the small AMCs share the rest. Each institution
writes its clients its own way (`WritingStyle`): that is what identity resolution has to see
through, so the habits differ from one institution to the next but stay fixed over months.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

#: (code, French name, market share) of each member, largest first; shares sum to 1.
SECTOR_INSTITUTIONS: list[tuple[str, str, float]] = [
    ("AMANA", "Association Al Amana pour la promotion des micro-entreprises", 0.400),
    ("ATTAWFIQ", "Attawfiq Micro-Finance", 0.320),
    ("ARDI", "Fondation ARDI pour le microcrédit", 0.230),
    ("FONDEP", "Fondation pour le développement local et le partenariat", 0.025),
    ("BARAKA", "Association Al Baraka pour le microcrédit", 0.015),
    ("INMAA", "Fondation INMAA pour le développement de la micro-entreprise", 0.004),
    ("AMOS", "Association marocaine Oued Srou pour le microcrédit", 0.003),
    ("ATIL", "Association tétouanaise des initiatives socio-économiques", 0.002),
    ("TAYSIR", "Association Taysir Microfinance", 0.001),
]


@dataclass(frozen=True)
class WritingStyle:
    """How one institution's clerks write identity fields and references.

    Rates are shares of the institution's clients (a client is written once, then the
    same way every month). Phone weights follow `PHONE_FORMS` in `written_ids`.
    """

    customer_prefix: str
    customer_width: int
    contract_prefix: str
    contract_width: int
    group_prefix: str
    #: Clients whose names are copied from the CIN card, the person's official spelling.
    official_spelling: float = 0.8
    upper_case: float = 0.3
    #: Particles (`El`, `Ben`, `Ait`...) written apart, joined, hyphenated.
    particle_joins: tuple[float, float, float] = (0.7, 0.2, 0.1)
    swapped_names: float = 0.02
    name_typo: float = 0.01
    arabic: float = 0.0
    arabic_noise: float = 0.2
    cin_lower: float = 0.03
    cin_spaced: float = 0.05
    cin_dashed: float = 0.03
    cin_typo: float = 0.01
    phone_missing: float = 0.08
    phone_old_number: float = 0.04
    phone_weights: tuple[float, ...] = (0.55, 0.12, 0.05, 0.12, 0.04, 0.05, 0.04, 0.03)
    birth_missing: float = 0.03
    birth_day_month_swapped: float = 0.01
    birth_year_off: float = 0.008
    gender_missing: float = 0.01
    region_missing: float = 0.02
    milieu_missing: float = 0.02
    activity_missing: float = 0.03
    purpose_missing: float = 0.1


_BASE = WritingStyle("C", 8, "P", 9, "G")

STYLES: dict[str, WritingStyle] = {
    "AMANA": replace(
        _BASE,
        customer_prefix="AM",
        contract_prefix="AMP",
        contract_width=10,
        group_prefix="AMG",
        upper_case=0.5,
        arabic=0.6,
        phone_weights=(0.6, 0.2, 0.0, 0.1, 0.0, 0.05, 0.05, 0.0),
    ),
    "ATTAWFIQ": replace(
        _BASE,
        customer_prefix="",
        customer_width=9,
        contract_prefix="ATF-",
        group_prefix="ATF-GS-",
        upper_case=0.9,
        particle_joins=(0.5, 0.4, 0.1),
        arabic=0.85,
        phone_weights=(0.3, 0.05, 0.05, 0.3, 0.1, 0.15, 0.05, 0.0),
        cin_spaced=0.12,
    ),
    "ARDI": replace(
        _BASE,
        customer_prefix="ARD",
        customer_width=7,
        contract_prefix="ARDI/",
        group_prefix="ARDI/G",
        upper_case=1.0,
        official_spelling=0.7,
        particle_joins=(0.55, 0.15, 0.3),
        swapped_names=0.04,
        phone_missing=0.15,
        birth_missing=0.1,
        cin_typo=0.015,
        phone_weights=(0.4, 0.3, 0.1, 0.05, 0.05, 0.0, 0.05, 0.05),
    ),
    "FONDEP": replace(
        _BASE, customer_prefix="FDP", contract_prefix="FDP-C", group_prefix="FDP-G", arabic=0.3
    ),
    "BARAKA": replace(
        _BASE,
        customer_prefix="BRK",
        contract_prefix="BRK",
        group_prefix="BRKG",
        arabic=0.5,
        upper_case=0.1,
    ),
    "INMAA": replace(
        _BASE, customer_prefix="IN", contract_prefix="IN-", group_prefix="IN-G", cin_lower=0.1
    ),
    "AMOS": replace(
        _BASE,
        customer_prefix="AMOS",
        contract_prefix="AMOS",
        group_prefix="AMOSG",
        arabic=0.9,
        official_spelling=0.65,
    ),
    "ATIL": replace(
        _BASE,
        customer_prefix="ATL",
        contract_prefix="ATL",
        group_prefix="ATLG",
        particle_joins=(0.3, 0.6, 0.1),
        phone_missing=0.2,
    ),
    "TAYSIR": replace(
        _BASE, customer_prefix="TAY", contract_prefix="TAY", group_prefix="TAYG", upper_case=0.7
    ),
}


def style_of(code: str) -> WritingStyle:
    """The writing style of an institution; unknown codes get the sector's usual habits.

    >>> style_of("ARDI").upper_case, style_of("NOUVELLE").contract_prefix
    (1.0, 'NOUVELLE-')
    """
    if code in STYLES:
        return STYLES[code]
    return replace(
        _BASE, customer_prefix=code + "-C", contract_prefix=code + "-", group_prefix=code + "-G"
    )
