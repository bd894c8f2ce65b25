"""The CIN (carte d'identité nationale) as written by institutions."""

from __future__ import annotations

import re

_NOISE = re.compile(r"[\s\-_./]+")
#: Loose shape of a CIN: 1 to 2 letters then 4 to 8 digits (DOMAIN.md section 6, [U]).
CIN_SHAPE = re.compile(r"^[A-Z]{1,3}[0-9]{3,8}$")


def normalise_cin(raw: str | None) -> str | None:
    """Upper case without spaces, dashes, dots or underscores; None when empty.

    >>> normalise_cin(" be-123 456 ")
    'BE123456'
    """
    if raw is None:
        return None
    value = _NOISE.sub("", raw).upper()
    return value or None


def looks_like_cin(value: str) -> bool:
    return bool(CIN_SHAPE.match(value))
