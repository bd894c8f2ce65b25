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
from dataclasses import dataclass

from sqlalchemy import Engine, Table, func, insert, select
from sqlalchemy.exc import IntegrityError

from centrale.errors import Conflict, InvalidInput
from centrale.store.subscriber_tables import (
    mailing_lists,
    segments,
    subscriber_segments,
    subscriptions,
)

CODE = re.compile(r"[a-z](?:[a-z0-9-]{0,38}[a-z0-9])?")
NAME_MAX = 200
NAME_FORBIDDEN = re.compile(r"[<>\"\r\n]")


class ListExists(Conflict):
    code = "list_exists"


class SegmentExists(Conflict):
    code = "segment_exists"


class InvalidCode(InvalidInput):
    code = "invalid_code"


@dataclass(frozen=True)
class MailingList:
    code: str
    name: str
    description: str
    active: int = 0
    pending: int = 0


@dataclass(frozen=True)
class Segment:
    code: str
    name: str
    subscribers: int = 0


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
    values = {
        "code": code,
        "name": checked_name(name, code, "liste"),
        "description": description.strip(),
    }
    try:
        with engine.begin() as conn:
            conn.execute(insert(mailing_lists).values(values))
    except IntegrityError as error:
        raise _list_exists(code, _existing_name(engine, mailing_lists, code)) from error
    return MailingList(code, values["name"], values["description"])


def all_lists(engine: Engine) -> list[MailingList]:
    """Every mailing list, oldest first, with its active and pending subscriptions."""
    active = func.count().filter(subscriptions.c.status == "active")
    pending = func.count().filter(subscriptions.c.status == "pending")
    query = (
        select(
            mailing_lists.c.code,
            mailing_lists.c.name,
            mailing_lists.c.description,
            active.label("active"),
            pending.label("pending"),
        )
        .outerjoin(subscriptions, subscriptions.c.list_id == mailing_lists.c.id)
        .group_by(mailing_lists.c.id, mailing_lists.c.code, mailing_lists.c.name)
        .group_by(mailing_lists.c.description)
        .order_by(mailing_lists.c.id)
    )
    with engine.connect() as conn:
        return [MailingList(*row) for row in conn.execute(query)]


def add_segment(engine: Engine, code: str, name: str = "") -> Segment:
    """Create a segment; sign-up forms and `--segment CODE` offer it at once.

    >>> add_segment(engine, "ong", "Associations et ONG")  # doctest: +SKIP
    Segment(code='ong', name='Associations et ONG', subscribers=0)
    """
    code = checked_code(code, "segment")
    name = checked_name(name, code, "segment")
    try:
        with engine.begin() as conn:
            conn.execute(insert(segments).values(code=code, name=name))
    except IntegrityError as error:
        raise _segment_exists(code, _existing_name(engine, segments, code)) from error
    return Segment(code, name)


def all_segments(engine: Engine) -> list[Segment]:
    """Every segment, oldest first, with how many subscribers are in it."""
    query = (
        select(segments.c.code, segments.c.name, func.count(subscriber_segments.c.subscriber_id))
        .outerjoin(subscriber_segments, subscriber_segments.c.segment_id == segments.c.id)
        .group_by(segments.c.id, segments.c.code, segments.c.name)
        .order_by(segments.c.id)
    )
    with engine.connect() as conn:
        return [Segment(*row) for row in conn.execute(query)]


def _existing_name(engine: Engine, table: Table, code: str) -> str | None:
    with engine.connect() as conn:
        return conn.execute(select(table.c.name).where(table.c.code == code)).scalar()


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
