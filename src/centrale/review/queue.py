"""The editor's queue: pending items ranked by relevance, accepted items in the editor's order;
accept, reject, tag and order them.

Only the primary item of a near-duplicate cluster is queued: deciding on it decides for the
cluster, whose other items become its "Voir aussi".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, func, insert, or_, select, update

from centrale.review.errors import InvalidReviewInput, UnknownItem, choice
from centrale.review.moments import as_utc
from centrale.review.wording import KINDS, LINK_LABELS, REGIONS
from centrale.store.review_tables import review_item_tags, review_items, review_sources

STATES = ("pending", "accepted", "rejected", "blocked")
# Stored codes stay in English; the editor reads (and may type) these words.
STATE_LABELS = {
    "pending": "en attente",
    "accepted": "retenu",
    "rejected": "rejeté",
    "blocked": "bloqué",
}
MAX_TAG = 60


@dataclass(frozen=True)
class QueueItem:
    id: int
    title: str
    headline: str
    source_name: str
    url: str
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
    tags: list[str]
    duplicates: int


def queue(engine: Engine, state: str = "pending", *, everything: bool = False) -> list[QueueItem]:
    """Items in one state: pending by relevance (off-topic ones left out unless `everything`
    or kept by a rule), accepted in the editor's order, the others newest first.

    >>> [item.headline for item in queue(engine)][:1]  # doctest: +SKIP
    ['Les associations de microcrédit renouent avec la croissance']
    """
    state = choice(state, STATES, "État")
    items = review_items.c
    query = (
        _select()
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
    with engine.connect() as conn:
        return _with_details(conn, conn.execute(query).all())


def get_item(engine: Engine, item_id: int) -> QueueItem:
    with engine.connect() as conn:
        rows = conn.execute(_select().where(review_items.c.id == item_id)).all()
        if not rows:
            raise UnknownItem(f"Article inconnu : {item_id} ; voyez `centrale review queue list`.")
        return _with_details(conn, rows)[0]


def accept(
    engine: Engine,
    item_id: int,
    *,
    region: str | None = None,
    kind: str | None = None,
    headline: str | None = None,
    label: str | None = None,
) -> None:
    """Accept an item into the selection, last in the editor's order unless already placed.

    >>> accept(engine, 12, kind="etude", label="en-savoir-plus")  # doctest: +SKIP
    """
    item = get_item(engine, item_id)
    values: dict[str, Any] = {"state": "accepted"}
    if region is not None:
        values["region"] = choice(region, REGIONS, "Région")
    if kind is not None:
        values["kind"] = choice(kind, KINDS, "Rubrique")
    if label is not None:
        values["link_label"] = choice(label, LINK_LABELS, "Libellé du lien")
    if headline is not None:
        if not headline.strip():
            raise InvalidReviewInput("Titre vide ; donnez le titre à afficher dans la revue.")
        values["headline"] = headline.strip()
    with engine.begin() as conn:
        if item.position is None or item.state != "accepted":
            values["position"] = _last_position(conn) + 1
        conn.execute(update(review_items).where(review_items.c.id == item_id).values(**values))


def reject(engine: Engine, item_id: int) -> None:
    """Reject an item; it leaves the queue and the selection."""
    get_item(engine, item_id)
    with engine.begin() as conn:
        conn.execute(
            update(review_items)
            .where(review_items.c.id == item_id)
            .values(state="rejected", position=None)
        )


def requeue(engine: Engine, item_id: int) -> None:
    """Return an accepted or rejected item to the queue: pending again, out of the selection.

    >>> requeue(engine, 12)  # doctest: +SKIP
    """
    item = get_item(engine, item_id)
    if item.state == "pending":
        return
    if item.state == "blocked":
        raise InvalidReviewInput(
            f"L'article {item_id} est bloqué par une règle ; retirez-la (`centrale review "
            "rules list`, puis `rules remove ID`) et reclassez avec `centrale review rank`."
        )
    with engine.begin() as conn:
        conn.execute(
            update(review_items)
            .where(review_items.c.id == item_id)
            .values(state="pending", position=None)
        )


def tag(engine: Engine, item_id: int, tags: list[str], *, remove: bool = False) -> list[str]:
    """Add (or remove) tags on an item; returns its tags."""
    get_item(engine, item_id)
    cleaned = sorted({t.strip().lower() for t in tags if t.strip()})
    for value in cleaned:
        if len(value) > MAX_TAG:
            raise InvalidReviewInput(
                f"Étiquette trop longue ({len(value)} caractères) : {value!r} ; {MAX_TAG} au plus."
            )
    with engine.begin() as conn:
        tags_c = review_item_tags.c
        present = set(conn.scalars(select(tags_c.tag).where(tags_c.item_id == item_id)))
        if remove:
            conn.execute(
                delete(review_item_tags).where(
                    and_(tags_c.item_id == item_id, tags_c.tag.in_(cleaned))
                )
            )
        else:
            for value in set(cleaned) - present:
                conn.execute(insert(review_item_tags).values(item_id=item_id, tag=value))
    return get_item(engine, item_id).tags


def order(engine: Engine, item_id: int, position: int) -> None:
    """Move an accepted item to `position` (1 = first) in the editor's order."""
    item = get_item(engine, item_id)
    if item.state != "accepted":
        raise InvalidReviewInput(
            f"L'article {item_id} n'est pas retenu ; acceptez-le avant de le placer."
        )
    ordered = [other.id for other in queue(engine, "accepted") if other.id != item_id]
    if not 1 <= position <= len(ordered) + 1:
        raise InvalidReviewInput(
            f"Position invalide : {position} ; donnez un rang de 1 à {len(ordered) + 1}."
        )
    ordered.insert(position - 1, item_id)
    with engine.begin() as conn:
        for rank, other in enumerate(ordered, start=1):
            conn.execute(
                update(review_items).where(review_items.c.id == other).values(position=rank)
            )


def _select() -> Any:
    return select(review_items, review_sources.c.name.label("source_name")).join(
        review_sources, review_sources.c.id == review_items.c.source_id
    )


def _with_details(conn: Connection, rows: Sequence[Any]) -> list[QueueItem]:
    ids = [row.id for row in rows]
    tags: dict[int, list[str]] = {}
    for item_id, value in conn.execute(
        select(review_item_tags.c.item_id, review_item_tags.c.tag)
        .where(review_item_tags.c.item_id.in_(ids))
        .order_by(review_item_tags.c.tag)
    ):
        tags.setdefault(item_id, []).append(value)
    members: dict[int, int] = dict(
        conn.execute(
            select(review_items.c.cluster_id, func.count())
            .where(review_items.c.cluster_id.in_(ids))
            .group_by(review_items.c.cluster_id)
        ).all()
    )
    return [
        QueueItem(
            id=row.id,
            title=row.title,
            headline=row.headline or row.title,
            source_name=row.source_name,
            url=row.url,
            language=row.language,
            region=row.region,
            kind=row.kind,
            score=float(row.score),
            state=row.state,
            kept=bool(row.kept),
            position=row.position,
            published_at=as_utc(row.published_at),
            excerpt=row.excerpt,
            link_label=row.link_label,
            text=row.text,
            tags=tags.get(row.id, []),
            duplicates=max(0, members.get(row.id, 1) - 1),
        )
        for row in rows
    ]


def _last_position(conn: Connection) -> int:
    return int(
        conn.scalar(
            select(func.coalesce(func.max(review_items.c.position), 0)).where(
                review_items.c.state == "accepted"
            )
        )
        or 0
    )
