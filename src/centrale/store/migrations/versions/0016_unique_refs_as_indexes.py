"""an institution's customer and contract refs are unique by index, not by constraint

Revision ID: 0016
Revises: 0015

`borrower_records` and `contracts` were unique on (institution_id, ref) by a table
constraint. SQLite cannot drop a constraint: the first load of an empty registry inserted a
million records and a million contracts into their unique B-trees one ref at a time, in
random order (2.6 s of the 4 s that writing the records took). A unique index of the same
name and columns enforces the same, and a first load drops and builds it again, one sort
(`centrale.store.bulk.indexes_set_aside`). On SQLite the tables are rebuilt to lose the
constraint, and their triggers of 0015 are made again.
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

#: Each table, its ref column, and the name its uniqueness keeps.
REFS = {
    "borrower_records": ("customer_ref", "uq_borrower_records_institution_id_customer_ref"),
    "contracts": ("contract_ref", "uq_contracts_institution_id_contract_ref"),
}


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, (ref, name) in REFS.items():
        if sqlite:
            with op.batch_alter_table(table, recreate="always") as batch:
                batch.drop_constraint(name, type_="unique")
        else:
            op.drop_constraint(name, table, type_="unique")
        op.create_index(name, table, ["institution_id", ref], unique=True)
    if sqlite:
        _sqlite_triggers()


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, (ref, name) in REFS.items():
        op.drop_index(name, table_name=table)
        if sqlite:
            with op.batch_alter_table(table, recreate="always") as batch:
                batch.create_unique_constraint(name, ["institution_id", ref])
        else:
            op.create_unique_constraint(name, table, ["institution_id", ref])
    if sqlite:
        _sqlite_triggers()


def _sqlite_triggers() -> None:
    """0015's triggers, as it made them on SQLite: a table rebuilt drops its triggers."""
    for table in REFS:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_{verb.lower()}_forgets_held")
            op.execute(
                f"CREATE TRIGGER {table}_{verb.lower()}_forgets_held AFTER {verb} ON {table} "
                "BEGIN DELETE FROM held_states WHERE institution_id = OLD.institution_id; END"
            )
