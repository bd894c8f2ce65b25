"""Errors of the review, under the project's tree (see `centrale.errors`)::

NotFound
├── UnknownSource
├── UnknownItem
└── UnknownIssue
Conflict
├── SourceExists
└── IssueExists
InvalidInput
└── InvalidReviewInput      a bad option or value given by the editor
"""

from __future__ import annotations

from centrale.errors import Conflict, InvalidInput, NotFound


class UnknownSource(NotFound):
    code = "unknown_source"


class UnknownItem(NotFound):
    code = "unknown_item"


class UnknownIssue(NotFound):
    code = "unknown_issue"


class SourceExists(Conflict):
    code = "source_exists"


class IssueExists(Conflict):
    code = "issue_exists"


class InvalidReviewInput(InvalidInput):
    code = "invalid_review_input"


def choice(value: str, allowed: dict[str, str] | tuple[str, ...], what: str) -> str:
    """Return `value` if it is one of `allowed`, else raise a French message listing them.

    >>> choice("maroc", ("maroc", "monde"), "Région")
    'maroc'
    """
    normalised = value.strip().lower()
    if normalised not in allowed:
        options = ", ".join(allowed)
        raise InvalidReviewInput(
            f"{what} : valeur inconnue « {value} » ; valeurs possibles : {options}."
        )
    return normalised
