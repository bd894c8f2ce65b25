"""Reading a past Flash-back issue from its plain text (as extracted from the archived PDFs):
its introduction, its disclaimer, and each item's headline, quote and link label.

The demo rebuilds the seed issue from it, and the tests check that a rendered issue carries
the same headlines, quotes and labels as the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LABELS = {
    "lire l'entretien": "entretien",
    "lire l'article": "article",
    "lire la suite": "suite",
    "en savoir plus": "en-savoir-plus",
    "lire plus": "plus",
}
LABEL = re.compile(
    r"(Lire l[’']entretien|Lire l[’']article|Lire la suite|En savoir plus|Lire plus)\s*\."
)
DISCLAIMER = re.compile(r"S[’']agissant d[’']une sélection.*?par la source\.")


@dataclass(frozen=True)
class PastItem:
    headline: str
    quote: str
    label: str


@dataclass(frozen=True)
class PastIssue:
    intro: str
    disclaimer: str
    items: list[PastItem]


def unwrap(text: str) -> str:
    """One line of text from PDF-extracted lines; a line ending in a hyphen joins the next.

    >>> unwrap("les micro-\\n\\npaiements et la\\n micro-épargne")
    'les micro-paiements et la micro-épargne'
    """
    joined = ""
    for line in (line.strip() for line in text.splitlines()):
        if not line:
            continue
        joined += line if joined.endswith("-") or not joined else " " + line
    return joined


def read_past_issue(text: str) -> PastIssue:
    """Split a past issue's text into introduction, disclaimer and items.

    >>> from pathlib import Path
    >>> seed = Path(__file__).parent / "demo_data" / "flashback-seed.txt"
    >>> read_past_issue(seed.read_text(encoding="utf-8")).items[0].label
    'entretien'
    """
    flat = unwrap(text)
    disclaimer = DISCLAIMER.search(flat)
    if disclaimer is None:
        raise ValueError("no Flash-back disclaimer in this text")
    items = []
    rest = flat[disclaimer.end() :]
    cursor = 0
    for match in LABEL.finditer(rest):
        chunk = rest[cursor : match.start()].strip()
        cursor = match.end()
        start = _quote_start(chunk)
        key = LABELS[match.group(1).replace("’", "'").lower()]
        items.append(PastItem(chunk[:start].strip(), chunk[start:].strip(), key))
    return PastIssue(flat[: disclaimer.start()].strip(), disclaimer.group(0), items)


def _quote_start(chunk: str) -> int:
    # The quote is the last «…» group; quotes nest inside it («cooking bags»), so walk back.
    depth = 0
    for index in range(len(chunk) - 1, -1, -1):
        if chunk[index] == "»":
            depth += 1
        elif chunk[index] == "«":
            depth -= 1
            if depth == 0:
                return index
    raise ValueError(f"no quote in item: {chunk[:60]!r}")
