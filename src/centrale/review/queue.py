"""The editor's queue: pending items ranked by relevance, accepted items in the editor's order;
accept, reject, tag and order them.

Only the primary item of a near-duplicate cluster is queued: deciding on it decides for the
cluster, whose other items become its "Voir aussi".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from centrale.review.analysis import without_controls
from centrale.review.errors import InvalidReviewInput, UnknownItem, choice
from centrale.review.moments import as_utc
from centrale.review.wording import KINDS, LINK_LABELS, REGIONS
from centrale.store import review_items as store

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

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
    with engine.connect() as conn:
        return _with_details(conn, store.queued_items(conn, state, everything=everything))


def get_item(engine: Engine, item_id: int) -> QueueItem:
    with engine.connect() as conn:
        row = store.item_by_id(conn, item_id)
        if row is None:
            raise UnknownItem(f"Article inconnu : {item_id} ; voyez `centrale review queue list`.")
        return _with_details(conn, [row])[0]


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
    if region is not None:
        region = choice(region, REGIONS, "Région")
    if kind is not None:
        kind = choice(kind, KINDS, "Rubrique")
    if label is not None:
        label = choice(label, LINK_LABELS, "Libellé du lien")
    if headline is not None:
        headline = without_controls(headline).strip()
        if not headline:
            raise InvalidReviewInput("Titre vide ; donnez le titre à afficher dans la revue.")
    with engine.begin() as conn:
        position = None
        if item.position is None or item.state != "accepted":
            position = store.last_position(conn) + 1
        store.accept_item(
            conn,
            item_id,
            position=position,
            region=region,
            kind=kind,
            headline=headline,
            link_label=label,
        )


def reject(engine: Engine, item_id: int) -> None:
    """Reject an item; it leaves the queue and the selection."""
    get_item(engine, item_id)
    with engine.begin() as conn:
        store.set_state(conn, item_id, "rejected")


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
        store.set_state(conn, item_id, "pending")


def tag(engine: Engine, item_id: int, tags: list[str], *, remove: bool = False) -> list[str]:
    """Add (or remove) tags on an item; returns its tags."""
    get_item(engine, item_id)
    cleaned = sorted({without_controls(t).strip().lower() for t in tags} - {""})
    for value in cleaned:
        if len(value) > MAX_TAG:
            raise InvalidReviewInput(
                f"Étiquette trop longue ({len(value)} caractères) : « {value} » ; {MAX_TAG} au "
                "plus."
            )
    with engine.begin() as conn:
        if remove:
            store.remove_tags(conn, item_id, cleaned)
        else:
            store.add_tags(conn, item_id, set(cleaned) - store.item_tags(conn, item_id))
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
        store.set_positions(conn, ordered)


def _with_details(conn: Connection, rows: list[store.ItemRow]) -> list[QueueItem]:
    ids = [row.id for row in rows]
    tags = store.tags_by_item(conn, ids)
    members = store.cluster_sizes(conn, ids)
    return [
        QueueItem(
            **vars(row)
            | {
                "headline": row.headline or row.title,
                "published_at": as_utc(row.published_at),
                "tags": tags.get(row.id, []),
                "duplicates": max(0, members.get(row.id, 1) - 1),
            }
        )
        for row in rows
    ]
