"""The review's mailing lists and subscriber segments: creating them and reading them back.

Migration 0004 seeds one list (`flash-back`) and four segments (institutions, funders, press,
researchers); editors add others here. A code travels in commands, forms, unsubscribe links
and the List-Id header (`<code.domain>`, RFC 2919), so it is kept to lower-case letters,
digits and inner hyphens; a name shows in List-Id and on the subscription pages.

Errors, under the project's tree (see `centrale.review.delivery_errors`)::

    Conflict
    ├── ListExists
    └── SegmentExists
    InvalidInput
    └── InvalidCode       a code or name that cannot be used
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from centrale.errors import Conflict, InvalidInput
from centrale.store import mailing_lists as store
from centrale.store.mailing_lists import MailingList, Segment

if TYPE_CHECKING:
    from sqlalchemy import Engine

CODE = re.compile(r"[a-z](?:[a-z0-9-]{0,38}[a-z0-9])?")
NAME_MAX = 200
NAME_FORBIDDEN = re.compile(r"[<>\"\r\n]")


class ListExists(Conflict):
    code = "list_exists"


class SegmentExists(Conflict):
    code = "segment_exists"


class InvalidCode(InvalidInput):
    code = "invalid_code"


def checked_code(raw: str, what: str) -> str:
    """A list or segment code in lower case, or a French error naming it and the rule.

    >>> checked_code(" Bailleurs-UE ", "liste")
    'bailleurs-ue'
    """
    code = raw.strip().lower()
    if not CODE.fullmatch(code):
        raise InvalidCode(
            f"Code de {what} invalide : « {raw} ». Donnez de 1 à 40 caractères : lettres "
            "minuscules sans accents, chiffres ou tirets, le premier une lettre et le dernier "
            "pas un tiret, par exemple « bailleurs-ue »."
        )
    return code


def checked_name(raw: str, code: str, what: str) -> str:
    name = " ".join(raw.split()) or code
    if len(name) > NAME_MAX or NAME_FORBIDDEN.search(name):
        raise InvalidCode(
            f"Nom de {what} invalide : « {raw} ». Donnez au plus {NAME_MAX} caractères, sans "
            "guillemets droits ni chevrons (< >)."
        )
    return name


def add_list(engine: Engine, code: str, name: str = "", description: str = "") -> MailingList:
    """Create a mailing list; subscribers join it by `--list CODE` or the preference page.

    >>> add_list(engine, "bailleurs-ue", "Flash-back – bailleurs européens")  # doctest: +SKIP
    MailingList(code='bailleurs-ue', name='Flash-back – bailleurs européens', ...)
    """
    code = checked_code(code, "liste")
    name = checked_name(name, code, "liste")
    try:
        with engine.begin() as conn:
            return store.add_list(conn, code, name, description.strip())
    except Conflict as error:
        raise _list_exists(code, _existing_name(engine, "lists", code)) from error


def all_lists(engine: Engine) -> list[MailingList]:
    """Every mailing list, oldest first, with its active and pending subscriptions."""
    with engine.connect() as conn:
        return store.all_lists(conn)


def add_segment(engine: Engine, code: str, name: str = "") -> Segment:
    """Create a segment; sign-up forms and `--segment CODE` offer it at once.

    >>> add_segment(engine, "ong", "Associations et ONG")  # doctest: +SKIP
    Segment(code='ong', name='Associations et ONG', subscribers=0)
    """
    code = checked_code(code, "segment")
    name = checked_name(name, code, "segment")
    try:
        with engine.begin() as conn:
            return store.add_segment(conn, code, name)
    except Conflict as error:
        raise _segment_exists(code, _existing_name(engine, "segments", code)) from error


def all_segments(engine: Engine) -> list[Segment]:
    """Every segment, oldest first, with how many subscribers are in it."""
    with engine.connect() as conn:
        return store.all_segments(conn)


def _existing_name(engine: Engine, kind: str, code: str) -> str | None:
    with engine.connect() as conn:
        return store.name_of(conn, kind, code)


def _named(name: str | None) -> str:
    return f" (« {name} »)" if name is not None else ""


def _list_exists(code: str, name: str | None) -> ListExists:
    return ListExists(
        f"La liste « {code} » existe déjà{_named(name)} ; choisissez un autre code. "
        "`centrale review lists list` affiche les listes."
    )


def _segment_exists(code: str, name: str | None) -> SegmentExists:
    return SegmentExists(
        f"Le segment « {code} » existe déjà{_named(name)} ; choisissez un autre code. "
        "`centrale review segments list` affiche les segments."
    )
