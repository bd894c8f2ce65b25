"""The review's mailing lists and subscriber segments, and the codes that name them.

`kind` is "lists" for the mailing lists and "segments" for the segments: the two tables have
the same shape (a unique code, a name) and are looked up the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, Table, func, insert, select
from sqlalchemy.exc import IntegrityError

from centrale.errors import Conflict
from centrale.store.subscriber_tables import (
    mailing_lists,
    segments,
    subscriber_segments,
    subscriptions,
)


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


def _table(kind: str) -> Table:
    return mailing_lists if kind == "lists" else segments


def ids_by_code(conn: Connection, kind: str, codes: Iterable[str]) -> dict[str, int]:
    """The ids of those `codes` that exist; the unknown ones are left out."""
    table = _table(kind)
    query = select(table.c.code, table.c.id).where(table.c.code.in_(list(codes)))
    return {row.code: row.id for row in conn.execute(query)}


def known_codes(conn: Connection, kind: str) -> list[str]:
    """Every code, oldest first: what a French error offers instead of an unknown one."""
    table = _table(kind)
    return list(conn.execute(select(table.c.code).order_by(table.c.id)).scalars())


def names_by_code(conn: Connection, kind: str) -> dict[str, str]:
    table = _table(kind)
    return dict(conn.execute(select(table.c.code, table.c.name).order_by(table.c.id)).all())


def segment_ids(conn: Connection) -> dict[str, int]:
    """Every segment's id by code, oldest first."""
    return dict(conn.execute(select(segments.c.code, segments.c.id).order_by(segments.c.id)).all())


def name_of(conn: Connection, kind: str, code: str) -> str | None:
    table = _table(kind)
    return conn.execute(select(table.c.name).where(table.c.code == code)).scalar()


def list_name(conn: Connection, list_id: int) -> str:
    return str(
        conn.execute(select(mailing_lists.c.name).where(mailing_lists.c.id == list_id)).scalar_one()
    )


def add_list(conn: Connection, code: str, name: str, description: str) -> MailingList:
    try:
        with conn.begin_nested():
            conn.execute(
                insert(mailing_lists).values(code=code, name=name, description=description)
            )
    except IntegrityError as error:
        raise Conflict(f"la liste « {code} » existe déjà ; choisissez un autre code") from error
    return MailingList(code, name, description)


def add_segment(conn: Connection, code: str, name: str) -> Segment:
    try:
        with conn.begin_nested():
            conn.execute(insert(segments).values(code=code, name=name))
    except IntegrityError as error:
        raise Conflict(f"le segment « {code} » existe déjà ; choisissez un autre code") from error
    return Segment(code, name)


def all_lists(conn: Connection) -> list[MailingList]:
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
    return [MailingList(*row) for row in conn.execute(query)]


def all_segments(conn: Connection) -> list[Segment]:
    """Every segment, oldest first, with how many subscribers are in it."""
    query = (
        select(segments.c.code, segments.c.name, func.count(subscriber_segments.c.subscriber_id))
        .outerjoin(subscriber_segments, subscriber_segments.c.segment_id == segments.c.id)
        .group_by(segments.c.id, segments.c.code, segments.c.name)
        .order_by(segments.c.id)
    )
    return [Segment(*row) for row in conn.execute(query)]
