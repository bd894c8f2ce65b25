"""Member institutions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError

from centrale.errors import InstitutionExists
from centrale.store.tables import institutions


@dataclass(frozen=True)
class InstitutionRow:
    id: int
    code: str
    name: str


def add_institution(conn: Connection, code: str, name: str) -> InstitutionRow:
    try:
        with conn.begin_nested():
            new_id = conn.execute(
                insert(institutions).values(code=code, name=name).returning(institutions.c.id)
            ).scalar_one()
    except IntegrityError as error:
        raise InstitutionExists(
            f"l'institution « {code} » existe déjà ; choisissez un autre code"
        ) from error
    return InstitutionRow(int(new_id), code, name)


def list_institutions(conn: Connection) -> list[InstitutionRow]:
    rows = conn.execute(
        select(institutions.c.id, institutions.c.code, institutions.c.name).order_by(
            institutions.c.code
        )
    )
    return [InstitutionRow(int(r.id), r.code, r.name) for r in rows]


def get_institution(conn: Connection, code: str) -> InstitutionRow | None:
    row = conn.execute(
        select(institutions.c.id, institutions.c.code, institutions.c.name).where(
            institutions.c.code == code
        )
    ).first()
    return InstitutionRow(int(row.id), row.code, row.name) if row else None
