"""The review's items as the editor curates them: the queue, their state, tags and order
(`centrale.review.queue`, `.excerpts`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, Select, and_, delete, func, insert, or_, select, update

from centrale.store.review_tables import review_item_tags, review_items, review_sources


@dataclass(frozen=True)
class ItemRow:
    id: int
    source_name: str
    url: str
    title: str
    headline: str | None
    language: str
    region: str
    kind: str
    score: float
    state: str
    kept: bool
    position: int | None
    published_at: datetime | None
    excerpt: str | None
    link_label: str | None
    text: str | None


def item_selection() -> Select[Any]:
    """Items with the name of their source, for `item_row`."""
    return select(review_items, review_sources.c.name.label("source_name")).join(
        review_sources, review_sources.c.id == review_items.c.source_id
    )


def item_row(row: Row[Any]) -> ItemRow:
    values = row._mapping
    shaped = {name: values[name] for name in _ITEM_FIELDS}
    # SQLite hands back its own number and boolean types for these two.
    return ItemRow(**shaped | {"score": float(values["score"]), "kept": bool(values["kept"])})


_ITEM_FIELDS = tuple(field.name for field in fields(ItemRow))


def queued_items(conn: Connection, state: str, *, everything: bool = False) -> list[ItemRow]:
    """The primaries of their clusters in `state`: pending by relevance (those scored zero
    left out unless `everything` or kept), accepted in the editor's order, others newest first.
    """
    items = review_items.c
    query = (
        item_selection()
        .where(items.state == state)
        .where(or_(items.cluster_id.is_(None), items.cluster_id == items.id))
    )
    if state == "pending":
        if not everything:
            query = query.where(or_(items.score > 0, items.kept.is_(True)))
        query = query.order_by(items.kept.desc(), items.score.desc(), items.id)
    elif state == "accepted":
        query = query.order_by(items.position.is_(None), items.position, items.id)
    else:
        query = query.order_by(items.fetched_at.desc(), items.id.desc())
    return [item_row(row) for row in conn.execute(query)]


def item_by_id(conn: Connection, item_id: int) -> ItemRow | None:
    row = conn.execute(item_selection().where(review_items.c.id == item_id)).first()
    return item_row(row) if row else None


def item_exists(conn: Connection, item_id: int) -> bool:
    found = conn.scalar(select(review_items.c.id).where(review_items.c.id == item_id))
    return found is not None


def tags_by_item(conn: Connection, item_ids: list[int]) -> dict[int, list[str]]:
    """The tags of each item, in alphabetical order; items without tags left out."""
    tags_c = review_item_tags.c
    tags: dict[int, list[str]] = {}
    for item_id, value in conn.execute(
        select(tags_c.item_id, tags_c.tag).where(tags_c.item_id.in_(item_ids)).order_by(tags_c.tag)
    ):
        tags.setdefault(item_id, []).append(value)
    return tags


def cluster_sizes(conn: Connection, primary_ids: list[int]) -> dict[int, int]:
    """How many items each cluster holds, its primary included, by the primary's id."""
    rows = conn.execute(
        select(review_items.c.cluster_id, func.count())
        .where(review_items.c.cluster_id.in_(primary_ids))
        .group_by(review_items.c.cluster_id)
    )
    return {int(cluster_id): int(size) for cluster_id, size in rows}


def last_position(conn: Connection) -> int:
    """The last place taken in the editor's order, 0 when nothing is placed."""
    return int(
        conn.scalar(
            select(func.coalesce(func.max(review_items.c.position), 0)).where(
                review_items.c.state == "accepted"
            )
        )
        or 0
    )


def accept_item(
    conn: Connection,
    item_id: int,
    *,
    position: int | None = None,
    region: str | None = None,
    kind: str | None = None,
    headline: str | None = None,
    link_label: str | None = None,
) -> None:
    """Mark an item accepted; the choices left at None keep their value."""
    choices = {
        "position": position,
        "region": region,
        "kind": kind,
        "headline": headline,
        "link_label": link_label,
    }
    values = {key: value for key, value in choices.items() if value is not None}
    conn.execute(
        update(review_items).where(review_items.c.id == item_id).values(state="accepted", **values)
    )


def set_state(conn: Connection, item_id: int, state: str) -> None:
    """Give an item another state; it leaves the editor's order."""
    conn.execute(
        update(review_items).where(review_items.c.id == item_id).values(state=state, position=None)
    )


def set_positions(conn: Connection, item_ids: Iterable[int]) -> None:
    """Place items in the editor's order, the first given at position 1."""
    for rank, item_id in enumerate(item_ids, start=1):
        conn.execute(update(review_items).where(review_items.c.id == item_id).values(position=rank))


def set_excerpt(
    conn: Connection, item_id: int, excerpt: str, *, link_label: str | None = None
) -> None:
    """Set an item's quote, and its link label unless None."""
    values = {"excerpt": excerpt}
    if link_label is not None:
        values["link_label"] = link_label
    conn.execute(update(review_items).where(review_items.c.id == item_id).values(**values))


def item_tags(conn: Connection, item_id: int) -> set[str]:
    tags_c = review_item_tags.c
    return set(conn.scalars(select(tags_c.tag).where(tags_c.item_id == item_id)))


def add_tags(conn: Connection, item_id: int, tags: Iterable[str]) -> None:
    for value in tags:
        conn.execute(insert(review_item_tags).values(item_id=item_id, tag=value))


def remove_tags(conn: Connection, item_id: int, tags: list[str]) -> None:
    tags_c = review_item_tags.c
    conn.execute(
        delete(review_item_tags).where(and_(tags_c.item_id == item_id, tags_c.tag.in_(tags)))
    )
