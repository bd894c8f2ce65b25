"""The interim CIN resolver through the seam's in-memory `link`, on both backends (ingestion
uses its in-database twin, tested in test_delta.py)."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine, func, select

from centrale.identity.cin_resolver import CinResolver
from centrale.identity.seam import LINK_SCHEMA, RECORD_SCHEMA
from centrale.store.tables import persons


def records(*cins: str | None) -> pl.DataFrame:
    rows = [
        {"borrower_record_id": n, "institution_id": 1, "customer_ref": f"K{n}", "cin_norm": cin}
        for n, cin in enumerate(cins, start=1)
    ]
    return pl.DataFrame(rows, schema=RECORD_SCHEMA)


def test_one_person_per_cin_found_or_created(db: Engine) -> None:
    resolver = CinResolver()
    with db.begin() as conn:
        first = resolver.link(conn, records("BE100001", "BE100001", "AB200002"))
        assert first.schema == pl.Schema(LINK_SCHEMA)
        person = dict(zip(first["borrower_record_id"], first["person_id"], strict=True))
        assert person[1] == person[2] != person[3]
        assert first["match_score"].to_list() == [1.0, 1.0, 1.0]
        again = resolver.link(conn, records("AB200002", "CD300003"))
        assert again["person_id"][0] == person[3]  # the person the CIN already has
        assert conn.execute(select(func.count()).select_from(persons)).scalar_one() == 3
        assert resolver.link(conn, records()).is_empty()
