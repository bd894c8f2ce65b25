"""The CIN (carte d'identité nationale) as written by institutions.

A CIN is a letter prefix (1 to 2 letters, the issuing office) and a serial of digits
(DOMAIN.md section 6). Institutions add spaces, dashes and dots, mix case, and type the
letter O for the digit 0 in the serial.
"""

from __future__ import annotations

import re

_NOISE = re.compile(r"[\s\-_./]+")
_PARTS = re.compile(r"^([A-Z]*)([0-9A-Z]*)$")
#: Letters typed for look-alike digits inside the serial.
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "Q": "0", "I": "1", "L": "1"})
#: Loose shape of a CIN: 1 to 3 letters then 3 to 8 digits (DOMAIN.md section 6, [U]).
CIN_SHAPE = re.compile(r"^[A-Z]{1,3}[0-9]{3,8}$")


def normalise_cin(raw: str | None) -> str | None:
    """Upper case without spaces, dashes, dots or underscores, look-alike letters in the
    serial read as digits; None when empty.

    >>> normalise_cin(" be-123 456 "), normalise_cin("bk 12O45")
    ('BE123456', 'BK12045')
    """
    if raw is None:
        return None
    value = _NOISE.sub("", raw).upper()
    if not value:
        return None
    prefix, serial = cin_parts(value)
    return prefix + serial.translate(_DIGIT_LOOKALIKES)


def cin_parts(value: str) -> tuple[str, str]:
    """Split a CIN into its letter prefix and its serial (what follows the first digit).

    >>> cin_parts("BE123456"), cin_parts("123456")
    (('BE', '123456'), ('', '123456'))
    """
    for i, ch in enumerate(value):
        if ch.isdigit():
            return value[:i], value[i:]
    return value, ""


def looks_like_cin(value: str) -> bool:
    """True for a normalised CIN of the usual shape.

    >>> looks_like_cin("BE123456"), looks_like_cin("123")
    (True, False)
    """
    return bool(CIN_SHAPE.match(value))


def cin_neighbours(value: str) -> list[str]:
    """The CINs one typing slip away from `value`: one serial digit changed, two adjacent
    serial digits swapped, one serial digit dropped. Used to retrieve candidates through the
    CIN index when the CIN was mistyped, without scanning.

    >>> len(cin_neighbours("A12345")), "A12354" in cin_neighbours("A12345")
    (54, True)
    """
    prefix, serial = cin_parts(value)
    out: set[str] = set()
    for i, digit in enumerate(serial):
        for other in "0123456789":
            if other != digit:
                out.add(prefix + serial[:i] + other + serial[i + 1 :])
        out.add(prefix + serial[:i] + serial[i + 1 :])
        if i + 1 < len(serial) and serial[i + 1] != digit:
            out.add(prefix + serial[:i] + serial[i + 1] + digit + serial[i + 2 :])
    out.discard(value)
    return sorted(out)


def cin_deletion_keys(value: str) -> list[str]:
    """The CIN itself and its serial with each digit dropped in turn: two CINs one
    substitution, transposition, insertion or deletion apart share at least one key
    (symmetric-deletion blocking).

    >>> sorted(set(cin_deletion_keys("A123")) & set(cin_deletion_keys("A124")))
    ['A12']
    """
    prefix, serial = cin_parts(value)
    return [value] + [prefix + serial[:i] + serial[i + 1 :] for i in range(len(serial))]
