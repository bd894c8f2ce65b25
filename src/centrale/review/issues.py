"""Issues of the review: create one over any date range, fill it, publish it.

An issue takes the editor's accepted items (primaries of their clusters) whose publication
date falls in its range, in the queue's order; items can then be added or removed one by one.
Publishing freezes the barometer's figures so that the archive never shifts.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

from centrale.review.barometer import barometer_figures
from centrale.review.errors import InvalidReviewInput, IssueExists, UnknownIssue, UnknownItem
from centrale.review.wording import EDITIONS, wording
from centrale.store import review_issues as store
from centrale.store.review_issues import IssueSummary
from centrale.store.review_items import item_exists

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine


def create_issue(
    engine: Engine,
    number: int,
    date_from: date,
    date_to: date,
    *,
    language: str = "fr",
    intro: str | None = None,
    disclaimer: str | None = None,
    take_accepted: bool = True,
) -> int:
    """Create a draft issue and return its id; it takes the accepted items of its range.

    >>> create_issue(engine, 118, date(2015, 2, 2), date(2015, 4, 5))  # doctest: +SKIP
    1
    """
    if number <= 0:
        raise InvalidReviewInput(f"Numéro de revue invalide : {number} ; donnez un entier positif.")
    if date_from > date_to:
        raise InvalidReviewInput(
            f"Période invalide : du {date_from:%d/%m/%Y} au {date_to:%d/%m/%Y} ; "
            "la date de début doit précéder la date de fin."
        )
    language = language.strip().lower()  # as sources take it: FR is fr
    if language not in EDITIONS:
        raise InvalidReviewInput(
            f"Langue d'édition inconnue : « {language} » ; éditions possibles : "
            + ", ".join(EDITIONS)
            + "."
        )
    words = wording(language)
    with engine.begin() as conn:
        if store.issue_id_by_number(conn, number) is not None:
            last = store.highest_number(conn)
            raise IssueExists(
                f"Le numéro {number} existe déjà ; choisissez-en un autre "
                f"(le plus grand numéro actuel est {last})."
            )
        issue_id = store.add_issue(
            conn,
            number=number,
            date_from=date_from,
            date_to=date_to,
            language=language,
            intro=intro or words.intro,
            disclaimer=disclaimer or words.disclaimer,
        )
    if take_accepted:
        add_items(engine, number, _accepted_in_range(engine, date_from, date_to))
    return issue_id


def add_items(engine: Engine, number: int, item_ids: list[int]) -> int:
    """Append items to a draft issue, after those it has; an item already in it stays in
    place. Returns how many were added."""
    issue_id = issue_id_of(engine, number)
    with engine.begin() as conn:
        _check_draft(conn, issue_id, number)
        present = store.item_ids_of_issue(conn, issue_id)
        # After the last position, not after the count: a removal leaves a gap.
        position = store.last_issue_position(conn, issue_id)
        added = 0
        for item_id in item_ids:
            if not item_exists(conn, item_id):
                raise UnknownItem(
                    f"Article inconnu : {item_id} ; voyez `centrale review queue list`."
                )
            if item_id in present:
                continue
            position += 1
            added += 1
            present.add(item_id)
            store.add_issue_item(conn, issue_id, item_id, position)
    return added


def remove_item(engine: Engine, number: int, item_id: int) -> None:
    """Take an item out of a draft issue."""
    issue_id = issue_id_of(engine, number)
    with engine.begin() as conn:
        _check_draft(conn, issue_id, number)
        if not store.remove_issue_item(conn, issue_id, item_id):
            raise UnknownItem(
                f"Le numéro {number} ne contient pas l'article {item_id} ; voyez `centrale "
                f"review issue show {number}`."
            )


def _check_draft(conn: Connection, issue_id: int, number: int) -> None:
    """Issue `number` must still be a draft: what was sent stays as sent. Checked inside
    the change's transaction, so that a publication cannot slip in between."""
    issue = store.issue_by_id(conn, issue_id)
    if issue is not None and issue.status == "published":
        raise InvalidReviewInput(
            f"Le numéro {number} est publié : ses articles ne changent plus. Composez le "
            "suivant (`centrale review issue create`)."
        )


def publish_issue(engine: Engine, number: int, *, now: datetime | None = None) -> None:
    """Mark an issue published and freeze its barometer; publishing twice changes nothing."""
    issue_id = issue_id_of(engine, number)
    with engine.connect() as conn:
        issue = store.issue_by_id(conn, issue_id)
    if issue is None:
        raise UnknownIssue(f"Revue inconnue : identifiant {issue_id}.")
    if issue.status == "published":
        return
    figures = barometer_figures(engine, issue.date_to)
    with engine.begin() as conn:
        store.mark_published(
            conn,
            issue_id,
            published_at=now or datetime.now(UTC),
            barometer=json.dumps(figures),
        )


def list_issues(engine: Engine, *, published_only: bool = False) -> list[IssueSummary]:
    """Issues, newest number first, with how many items each carries."""
    with engine.connect() as conn:
        return store.list_issues(conn, published_only=published_only)


def issue_id_of(engine: Engine, number: int) -> int:
    """The database id of issue N°`number`, or a French error naming the number."""
    with engine.connect() as conn:
        issue_id = store.issue_id_by_number(conn, number)
    if issue_id is None:
        raise UnknownIssue(
            f"Numéro de revue inconnu : {number} ; voyez `centrale review issue list`."
        )
    return issue_id


def _accepted_in_range(engine: Engine, date_from: date, date_to: date) -> list[int]:
    start = datetime.combine(date_from, time.min, tzinfo=UTC)
    end = datetime.combine(date_to, time.max, tzinfo=UTC)
    with engine.connect() as conn:
        return store.accepted_items_untaken(conn, start, end)
