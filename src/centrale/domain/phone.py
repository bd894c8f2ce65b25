"""Moroccan phone numbers, stored in E.164 form (+212XXXXXXXXX)."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\D+")


def normalise_phone(raw: str | None) -> str | None:
    """E.164 form of a Moroccan number written in any usual way, else None.

    >>> normalise_phone("06 12-34 56 78"), normalise_phone("00212612345678")
    ('+212612345678', '+212612345678')
    """
    if raw is None:
        return None
    digits = _DIGITS.sub("", raw)
    if digits.startswith("00212"):
        digits = digits[5:]
    elif digits.startswith("212") and len(digits) == 12:
        digits = digits[3:]
    elif digits.startswith("0") and len(digits) == 10:
        digits = digits[1:]
    if len(digits) == 9 and digits[0] in "5678":
        return "+212" + digits
    return None
