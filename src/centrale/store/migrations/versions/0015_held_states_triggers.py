"""the database forgets a kept state when the rows it describes change

Revision ID: 0015
Revises: 0014

`held_states` (0014) was trusted only when SQL aggregates of the institution's rows equalled
the same aggregates of the kept frames: 1.2 s of a 10 s settled month of a million rows on
SQLite. Now triggers drop an institution's kept state as soon as one of its records or
contracts is updated or deleted, whoever does it, and `held_states.held` only compares the
counts, which an insert changes (`centrale.store.held_states`). On PostgreSQL the triggers
fire once per statement, with the changed rows as a transition table.
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TABLES = ("borrower_records", "contracts")


def upgrade() -> None:
    # A state kept before the triggers may have gone stale unseen: the next load reads the
    # tables once.
    op.execute("DELETE FROM held_states")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION held_states_forget() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN "
            "IF TG_OP = 'TRUNCATE' THEN DELETE FROM held_states; "
            "ELSE DELETE FROM held_states WHERE institution_id IN "
            "(SELECT DISTINCT institution_id FROM changed_rows); "
            "END IF; RETURN NULL; END $$"
        )
        for table in TABLES:
            # The old rows name the institutions whose state changed; a row moved to another
            # institution raises that one's count, which `held` compares.
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_{verb.lower()}_forgets_held AFTER {verb} ON {table} "
                    "REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT "
                    "EXECUTE FUNCTION held_states_forget()"
                )
            op.execute(
                f"CREATE TRIGGER {table}_truncate_forgets_held AFTER TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION held_states_forget()"
            )
        return
    for table in TABLES:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_{verb.lower()}_forgets_held AFTER {verb} ON {table} "
                "BEGIN DELETE FROM held_states WHERE institution_id = OLD.institution_id; END"
            )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        for verb in ("update", "delete", "truncate") if postgres else ("update", "delete"):
            on = f" ON {table}" if postgres else ""
            op.execute(f"DROP TRIGGER IF EXISTS {table}_{verb}_forgets_held{on}")
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS held_states_forget()")
