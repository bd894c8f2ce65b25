"""the review's rules are unique whatever their case and accents

Revision ID: 0011
Revises: 0010

A rule matches items ignoring case and accents, so « Maroc », « maroc » and « MAROC » are one
rule: counted twice, a boost squared its weight. The unique key moves from the term as typed
to `term_key`, the term as the matcher sees it (`centrale.review.ranking.rule_key`, cut to
the column's 200 characters). Of rules that already repeat one another only the first one
added is kept; the others, and their weights, are dropped, as they only repeated it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_rules = sa.table(
    "review_rules",
    sa.column("id", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("term", sa.String()),
    sa.column("term_key", sa.String()),
)


def upgrade() -> None:
    # Imported here: Alembic loads every revision at each command's start, and the ranking
    # (BM25, stemmers) took 0.5 s of it.
    from centrale.review.ranking import rule_key

    with op.batch_alter_table("review_rules") as batch:
        batch.add_column(sa.Column("term_key", sa.String(length=200), nullable=True))
    conn = op.get_bind()
    seen: set[tuple[str, str]] = set()
    repeats: list[int] = []
    for rule_id, kind, term in conn.execute(
        sa.select(_rules.c.id, _rules.c.kind, _rules.c.term).order_by(_rules.c.id)
    ):
        key = rule_key(term)[:200]
        if (kind, key) in seen:
            repeats.append(rule_id)
            continue
        seen.add((kind, key))
        conn.execute(_rules.update().where(_rules.c.id == rule_id).values(term_key=key))
    if repeats:
        conn.execute(_rules.delete().where(_rules.c.id.in_(repeats)))
    with op.batch_alter_table("review_rules") as batch:
        batch.alter_column("term_key", existing_type=sa.String(length=200), nullable=False)
        batch.drop_constraint("uq_review_rules_kind_term", type_="unique")
        batch.create_unique_constraint(op.f("uq_review_rules_kind_term_key"), ["kind", "term_key"])


def downgrade() -> None:
    with op.batch_alter_table("review_rules") as batch:
        batch.drop_constraint("uq_review_rules_kind_term_key", type_="unique")
        batch.create_unique_constraint(op.f("uq_review_rules_kind_term"), ["kind", "term"])
        batch.drop_column("term_key")
