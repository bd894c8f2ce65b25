"""The editor's ranking rules: terms that boost, block or keep items (`centrale.review.ranking`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.exc import IntegrityError

from centrale.errors import Conflict
from centrale.store.review_tables import review_rules


@dataclass(frozen=True)
class Rule:
    id: int
    kind: str
    term: str
    weight: float


def add_rule(conn: Connection, kind: str, term: str, term_key: str, weight: float) -> int:
    """The new rule's id; a `Conflict` naming the rule of the same kind and key, if any."""
    try:
        with conn.begin_nested():
            new_id = conn.scalar(
                insert(review_rules)
                .returning(review_rules.c.id)
                .values(kind=kind, term=term, term_key=term_key, weight=weight)
            )
    except IntegrityError as error:
        rules = review_rules.c
        existing = conn.scalar(
            select(rules.term).where(rules.kind == kind, rules.term_key == term_key)
        )
        spelled = "" if existing in (None, term) else f" (écrite « {existing} »)"
        raise Conflict(
            f"La règle {kind} « {term} » existe déjà{spelled} ; voyez `centrale review rules list`."
        ) from error
    return int(new_id or 0)


def list_rules(conn: Connection) -> list[Rule]:
    rules = review_rules.c
    rows = conn.execute(
        select(rules.id, rules.kind, rules.term, rules.weight).order_by(rules.kind, rules.id)
    )
    return [Rule(*row) for row in rows]


def remove_rule(conn: Connection, rule_id: int) -> bool:
    """False when there is no such rule."""
    done = conn.execute(delete(review_rules).where(review_rules.c.id == rule_id))
    return done.rowcount == 1
