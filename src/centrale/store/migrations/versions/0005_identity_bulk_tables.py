"""identity bulk tables without per-row foreign keys

Revision ID: 0005
Revises: 0004

The identity tables take about eight rows per borrower record at a first load (features, CIN
keys, link evidence). Their foreign keys cost a lookup per row (a trigger per row on
PostgreSQL) for references that the resolver writes itself, in the load's own transaction,
from rows it has just read or created. The registry's own bulk tables dropped theirs in 0001
for the same reason.
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

#: (table, constraint, column, referred table, on delete)
FOREIGN_KEYS = [
    (
        "identity_features",
        "fk_identity_features_borrower_record_id_borrower_records",
        "borrower_record_id",
        "borrower_records",
        "CASCADE",
    ),
    (
        "identity_features",
        "fk_identity_features_person_id_persons",
        "person_id",
        "persons",
        None,
    ),
    (
        "identity_cin_keys",
        "fk_identity_cin_keys_borrower_record_id_borrower_records",
        "borrower_record_id",
        "borrower_records",
        "CASCADE",
    ),
    (
        "identity_links",
        "fk_identity_links_borrower_record_id_borrower_records",
        "borrower_record_id",
        "borrower_records",
        "CASCADE",
    ),
    ("identity_links", "fk_identity_links_person_id_persons", "person_id", "persons", None),
]


def _tables() -> list[str]:
    return list(dict.fromkeys(table for table, *_ in FOREIGN_KEYS))


def upgrade() -> None:
    for table in _tables():
        # Batch mode: SQLite cannot drop a constraint in place, so the table is rebuilt.
        with op.batch_alter_table(table, schema=None) as batch_op:
            for owner, name, *_ in FOREIGN_KEYS:
                if owner == table:
                    batch_op.drop_constraint(name, type_="foreignkey")


def downgrade() -> None:
    for table in _tables():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for owner, name, column, referred, on_delete in FOREIGN_KEYS:
                if owner == table:
                    batch_op.create_foreign_key(
                        name, referred, [column], ["id"], ondelete=on_delete
                    )
