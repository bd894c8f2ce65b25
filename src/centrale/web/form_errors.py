"""A form body that cannot be read: what is wrong with it, and what to do, in French.

Starlette refuses such a body with an `HTTPException(400)` whose detail is its parser's English
message (`starlette.formparsers.MultiPartException`); FastAPI, for any other failure while
reading it, with "There was an error parsing the body". The reason is told by the message's
opening; an unknown one still gets the general advice.
"""

from __future__ import annotations

import re

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
MALFORMED, REFUSED = "est mal formé", "est refusé"
RESEND = "rechargez la page et envoyez-le à nouveau"

#: Openings of Starlette's messages → (the form's state, what is wrong, what to do). `{limit}`
#: takes the limit the message names.
REASONS: tuple[tuple[tuple[str, ...], str, str, str], ...] = (
    (
        ("Missing boundary",),
        MALFORMED,
        "son en-tête Content-Type n'indique pas la limite (boundary) qui sépare ses champs",
        RESEND,
    ),
    (("Invalid multipart data",), MALFORMED, "ses parties sont illisibles", RESEND),
    (
        ("The Content-Disposition header",),
        MALFORMED,
        "l'une de ses parties ne nomme pas son champ",
        RESEND,
    ),
    (
        ("Field exceeded", "Part exceeded"),
        REFUSED,
        "un champ dépasse la taille permise ({limit} Ko au plus)",
        "raccourcissez-le, puis envoyez le formulaire à nouveau",
    ),
    (("Too many fields",), REFUSED, "il compte trop de champs ({limit} au plus)", RESEND),
    (
        ("Too many files",),
        REFUSED,
        "il joint trop de fichiers ({limit} au plus)",
        "retirez-en, puis envoyez-le à nouveau",
    ),
)


def sends_a_form(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() in FORM_TYPES


def unreadable_form(detail: str) -> str:
    """The message for a form body the parser refused with `detail`.

    >>> unreadable_form("Too many fields. Maximum number of fields is 1000.")
    'le formulaire reçu est refusé : il compte trop de champs (1000 au plus) ; rechargez la page et envoyez-le à nouveau'
    >>> unreadable_form("There was an error parsing the body")
    "le formulaire reçu n'a pas pu être lu ; rechargez la page et envoyez-le à nouveau"
    """  # noqa: E501
    for openings, state, reason, fix in REASONS:
        if detail.startswith(openings):
            limit = re.search(r"(\d+)\D*$", detail)
            reason = reason.format(limit=limit.group(1) if limit else "?")
            return f"le formulaire reçu {state} : {reason} ; {fix}"
    return f"le formulaire reçu n'a pas pu être lu ; {RESEND}"
