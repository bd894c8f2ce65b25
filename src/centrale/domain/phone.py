"""Moroccan phone numbers, stored in E.164 form (+212XXXXXXXXX).

ANRT's closed plan has 10 digits nationally (`0` then 9), 9 after the country code 212;
fixed lines start 05, mobiles 06 and 07, special services 08 (DOMAIN.md section 6).
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\D+")


def normalise_phone(raw: str | None) -> str | None:
    """E.164 form of a Moroccan number written in any usual way, else None.

    Accepts `06…`, `6…` (leading zero lost by a spreadsheet), `+2126…`, `2126…`,
    `002126…` and the `+212 (0)6…` form, with any spaces, dots, dashes or brackets.

    >>> normalise_phone("06 12-34 56 78"), normalise_phone("+212 (0)6.12.34.56.78")
    ('+212612345678', '+212612345678')
    >>> normalise_phone("12345") is None
    True
    """
    if raw is None:
        return None
    digits = _DIGITS.sub("", raw)
    for country in ("00212", "212"):
        if digits.startswith(country) and len(digits) in (len(country) + 9, len(country) + 10):
            digits = digits[len(country) :]
            break
    if len(digits) == 10 and digits.startswith("0"):
        digits = digits[1:]
    if len(digits) == 9 and digits[0] in "5678":
        return "+212" + digits
    return None


def national_form(e164: str) -> str:
    """The 10-digit national form of an E.164 Moroccan number.

    >>> national_form("+212612345678")
    '0612345678'
    """
    return "0" + e164.removeprefix("+212")
