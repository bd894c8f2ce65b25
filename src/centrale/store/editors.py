"""The review's editors: who may open the editor's pages (`centrale.review.editors`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from centrale.errors import Conflict
from centrale.store.review_tables import review_editors


@dataclass(frozen=True)
class EditorRow:
    id: int
    login: str
    name: str
    password_hash: str
    session_generation: int
    failed_sign_ins: int = 0
    locked_until: datetime | None = None


_COLUMNS = (
    review_editors.c.id,
    review_editors.c.login,
    review_editors.c.name,
    review_editors.c.password_hash,
    review_editors.c.session_generation,
    review_editors.c.failed_sign_ins,
    review_editors.c.locked_until,
)


def add_editor(conn: Connection, login: str, name: str, password_hash: str) -> EditorRow:
    try:
        with conn.begin_nested():
            new_id = conn.execute(
                insert(review_editors)
                .values(login=login, name=name, password_hash=password_hash)
                .returning(review_editors.c.id)
            ).scalar_one()
    except IntegrityError as error:
        raise Conflict(
            f"l'éditeur « {login} » existe déjà ; choisissez un autre identifiant, ou changez "
            f"son mot de passe (centrale review editors password {login})"
        ) from error
    return EditorRow(int(new_id), login, name, password_hash, 0)


def editor_by_login(conn: Connection, login: str) -> EditorRow | None:
    row = conn.execute(select(*_COLUMNS).where(review_editors.c.login == login)).first()
    return EditorRow(*row) if row else None


def editor_by_id(conn: Connection, editor_id: int) -> EditorRow | None:
    row = conn.execute(select(*_COLUMNS).where(review_editors.c.id == editor_id)).first()
    return EditorRow(*row) if row else None


def list_editors(conn: Connection) -> list[EditorRow]:
    rows = conn.execute(select(*_COLUMNS).order_by(review_editors.c.login))
    return [EditorRow(*row) for row in rows]


def set_password_hash(conn: Connection, login: str, password_hash: str) -> bool:
    """Replace an editor's hash; False when there is no such editor."""
    done = conn.execute(
        update(review_editors)
        .where(review_editors.c.login == login)
        # A new password, given by whoever may give it, lifts any wait on the account.
        .values(password_hash=password_hash, failed_sign_ins=0, locked_until=None)
    )
    return done.rowcount == 1


def close_sessions(conn: Connection, editor_id: int) -> None:
    """Close every session the editor has open (they carry the generation they began in)."""
    generation = review_editors.c.session_generation
    conn.execute(
        update(review_editors)
        .where(review_editors.c.id == editor_id)
        .values(session_generation=generation + 1)
    )


def claim_sign_in(
    conn: Connection, editor_id: int, seen: int, failures: int, locked_until: datetime | None
) -> bool:
    """Count a sign-in before its password is checked: `failures` (with the account taking
    no password until `locked_until`) if the count is still the `seen` one. False when a
    concurrent sign-in counted first: the caller reads the row again."""
    done = conn.execute(
        update(review_editors)
        .where(review_editors.c.id == editor_id, review_editors.c.failed_sign_ins == seen)
        .values(failed_sign_ins=failures, locked_until=locked_until)
    )
    return done.rowcount == 1


def clear_failed_sign_ins(conn: Connection, editor_id: int) -> None:
    conn.execute(
        update(review_editors)
        .where(review_editors.c.id == editor_id)
        .values(failed_sign_ins=0, locked_until=None)
    )


def remove_editor(conn: Connection, login: str) -> bool:
    """False when there is no such editor."""
    done = conn.execute(delete(review_editors).where(review_editors.c.login == login))
    return done.rowcount == 1
