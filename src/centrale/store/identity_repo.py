"""The identity package's SQL: features, keys, links, changes and models.

Candidates for one record (or a small batch) come through the hashed keys of
`identity_keys` in one statement; a large batch reads the features in one pass (a
set-based read, cheaper than millions of index probes).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from functools import lru_cache, partial
from typing import Any

import polars as pl
from sqlalchemy import Connection, TextClause, func, insert, or_, select, text, update

from centrale.store.bulk import (
    IdBlock,
    create_temp_table,
    id_table,
    indexes_set_aside,
    insert_frame,
    is_empty,
    is_postgres,
    read_columns,
    read_frame,
)
from centrale.store.identity_keys import KEY_SCHEMA, key_runs, one_record_keys, record_keys
from centrale.store.identity_tables import (
    identity_changes,
    identity_features,
    identity_keys,
    identity_links,
    identity_models,
    identity_state,
)
from centrale.store.staging import Ahead, Appender, appending
from centrale.store.tables import borrower_records, institutions, persons

#: Columns of `identity_features`, as Polars types.
FEATURE_SCHEMA: dict[str, pl.DataType] = {
    "borrower_record_id": pl.Int64(),
    "person_id": pl.Int64(),
    "cin": pl.String(),
    "phone": pl.String(),
    **{c: pl.String() for c in ("ln", "fn", "ln_key", "fn_key", "ln_ar", "fn_ar")},
    **{c: pl.String() for c in ("ln_ark", "fn_ark")},
    "birth_date": pl.Date(),
    "gender": pl.String(),
    "region": pl.Int16(),
}
_CHUNK = 500


def all_features(conn: Connection) -> pl.DataFrame:
    """Every linked record's features (for a batch as large as a share of the registry)."""
    columns = ", ".join(FEATURE_SCHEMA)
    return read_columns(conn, f"SELECT {columns} FROM identity_features", FEATURE_SCHEMA)


def feature_slices(conn: Connection, rows: int) -> Iterator[pl.DataFrame]:
    """Every linked record's features, `rows` at a time in record order: a pass over a
    million-record registry that never holds it whole."""
    columns = ", ".join(FEATURE_SCHEMA)
    postgres = is_postgres(conn)
    last = 0
    while True:
        part = read_columns(
            conn,
            f"SELECT {columns} FROM identity_features WHERE borrower_record_id > {int(last)} "
            f"ORDER BY borrower_record_id LIMIT {int(rows)}",
            FEATURE_SCHEMA,
        )
        if not postgres:
            # The pages were read once and will not be again: SQLite's cache of a quarter
            # gigabyte would otherwise hold them through the link's peak.
            conn.exec_driver_sql("PRAGMA shrink_memory")
        if not part.is_empty():
            yield part
        if len(part) < rows:
            return
        last = part["borrower_record_id"][-1]


def features_sharing_keys(conn: Connection, features: pl.DataFrame) -> pl.DataFrame:
    """Feature rows sharing a key with any of `features` (its key columns and `k_cin`).

    The probe hashes go into a temporary table once, and one statement joins them to the
    keys' index: the planner probes it for a small batch and hashes for a large one.
    """
    probes = record_keys(features).select("key_hash").unique()
    if probes.is_empty():
        return pl.DataFrame(schema=FEATURE_SCHEMA)
    create_temp_table(conn, "probe_keys", {"key_hash": pl.Int64()})
    insert_frame(conn, "probe_keys", probes)
    if is_postgres(conn):
        conn.execute(text("ANALYZE probe_keys"))
    columns = ", ".join(FEATURE_SCHEMA)
    frame = read_columns(
        conn,
        f"SELECT {columns} FROM identity_features WHERE borrower_record_id IN "
        "(SELECT k.borrower_record_id FROM identity_keys k "
        "JOIN probe_keys p ON k.key_hash = p.key_hash)",
        FEATURE_SCHEMA,
    )
    conn.execute(text("DROP TABLE probe_keys"))
    return frame


#: Records whose keys are made at once: a load's peak was in making them 200,000 at a time
#: (1,998 MiB for 1M new records on SQLite); with 50,000 it is elsewhere.
_KEY_SLICE = 50_000


@lru_cache(maxsize=64)
def _one_record_sql(keys: int) -> TextClause:
    names = ", ".join(FEATURE_SCHEMA)
    marks = ", ".join(f":h{i}" for i in range(keys))
    return text(
        f"SELECT {names} FROM identity_features WHERE borrower_record_id IN "
        f"(SELECT borrower_record_id FROM identity_keys WHERE key_hash IN ({marks}))"
    )


def features_for_one(conn: Connection, identity: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Feature rows (as dicts, birth dates as dates) sharing a key with one identity (a
    prepared record, as a dict): the inquiry path, where a statement built once per number
    of keys saves more than the query costs.
    """
    hashes = one_record_keys(identity)
    if not hashes:
        return []
    params = {f"h{i}": value for i, value in enumerate(hashes)}
    rows = conn.execute(_one_record_sql(len(hashes)), params).mappings().all()
    out = []
    for row in rows:
        record = dict(row)
        born = record["birth_date"]
        if isinstance(born, str):
            record["birth_date"] = date.fromisoformat(born[:10])
        out.append(record)
    return out


def linked_records(conn: Connection, fields: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Every record that has features, as the institution reported it (`fields`: columns of
    `borrower_records`, `borrower_record_id` for its id, `person_id` for its person)."""
    named = {"borrower_record_id": "b.id", "person_id": "f.person_id"}
    columns = ", ".join(named.get(c, f"b.{c}") for c in fields)
    return read_columns(
        conn,
        f"SELECT {columns} FROM borrower_records b "
        "JOIN identity_features f ON f.borrower_record_id = b.id ORDER BY b.id",
        fields,
    )


def replace_features(conn: Connection, features: pl.DataFrame) -> None:
    """Every record's features and keys written again (`write_features`' input): the old
    rows go, the new ones come in with the indexes set aside and built once after. On
    PostgreSQL the tables are locked until the transaction ends: inquiries wait for it."""
    conn.execute(text("DELETE FROM identity_keys"))
    conn.execute(text("DELETE FROM identity_features"))
    with identity_writes(conn, registry_size=0, adding=len(features)) as out:
        write_features(out, features)


def features_version(conn: Connection) -> int:
    """The version of the normalisers that computed the stored features."""
    found = conn.execute(select(identity_state.c.features_version)).scalar()
    return int(found) if found is not None else 1


def set_features_version(conn: Connection, version: int) -> None:
    conn.execute(update(identity_state).values(features_version=version))


def has_features(conn: Connection) -> bool:
    """Whether any record has features (one index probe, where a count reads them all)."""
    return not is_empty(conn, identity_features)


def count_features(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(identity_features)).scalar_one())


def last_featured_record(conn: Connection) -> int:
    """The largest borrower record id that has features (0 when none has): a record above it
    has no identity rows to forget. One step down the primary key."""
    found = conn.execute(select(func.max(identity_features.c.borrower_record_id))).scalar_one()
    return int(found or 0)


#: What a record's keys are made of (`centrale.identity.borrowers.with_keys`), as
#: `identity_features` keeps it.
KEY_SOURCES: dict[str, pl.DataType] = {
    c: FEATURE_SCHEMA[c]
    for c in ("borrower_record_id", "cin", "phone", "ln_key", "fn_key", "birth_date")
}


def key_sources(conn: Connection, record_ids: Sequence[int]) -> pl.DataFrame:
    """The stored fields (`KEY_SOURCES`) the records' keys were made of, so that the keys
    can be made again and deleted by their primary key."""
    if not record_ids:
        return pl.DataFrame(schema=KEY_SOURCES)
    id_table(conn, "key_source_ids", record_ids)
    columns = ", ".join(f"f.{c}" for c in KEY_SOURCES)
    frame = read_columns(
        conn,
        f"SELECT {columns} FROM identity_features f "
        "JOIN key_source_ids k ON k.id = f.borrower_record_id",
        KEY_SOURCES,
    )
    conn.execute(text("DROP TABLE key_source_ids"))
    return frame


def forget_records(
    conn: Connection, record_ids: Sequence[int], held: pl.DataFrame | None = None
) -> None:
    """Drop the identity rows of records about to be linked again: one statement per table.

    `held` are the records' keys, made again from their stored features (key columns and
    `k_cin`: `with_keys` of `key_sources`), whose hashes are deleted through the keys'
    primary key. Without them the keys are found by
    `borrower_record_id`, which no index leads to: a scan of every key of the registry, kept
    for the rare records a corrected month drops.
    """
    if not record_ids:
        return
    id_table(conn, "forget_ids", record_ids)
    for table in ("identity_features", "identity_links"):
        conn.execute(
            text(f"DELETE FROM {table} WHERE borrower_record_id IN (SELECT id FROM forget_ids)")
        )
    if held is None:
        conn.execute(
            text(
                "DELETE FROM identity_keys WHERE borrower_record_id IN (SELECT id FROM forget_ids)"
            )
        )
    elif not held.is_empty():
        create_temp_table(conn, "forget_keys", KEY_SCHEMA)
        insert_frame(conn, "forget_keys", record_keys(held))
        if is_postgres(conn):
            conn.execute(text("ANALYZE forget_keys"))
        conn.execute(
            text(
                "DELETE FROM identity_keys WHERE (key_hash, borrower_record_id) IN "
                "(SELECT key_hash, borrower_record_id FROM forget_keys)"
            )
        )
        conn.execute(text("DROP TABLE forget_keys"))
    conn.execute(text("DROP TABLE forget_ids"))


def new_persons(
    conn: Connection, cins: Sequence[str | None], into: Appender | None = None
) -> list[int]:
    """Insert one person per CIN given (their first record's), returning ids in order;
    through `into` when given (the rows are then in `persons` when its block ends).

    Ids are reserved in one statement (a block of the sequence on PostgreSQL; on SQLite,
    whose writers are serialised, the ids after the largest), then the rows go in as a set.
    """
    if not cins:
        return []
    ids = IdBlock(conn, "persons").take(len(cins))
    frame = pl.DataFrame(
        {"id": ids, "cin_norm": list(cins)}, schema={"id": pl.Int64, "cin_norm": pl.String}
    )
    if into is None:
        insert_frame(conn, "persons", frame)
    else:
        into.append("persons", frame)
    return frame["id"].to_list()


@contextmanager
def identity_writes(conn: Connection, registry_size: int, adding: int) -> Iterator[Appender]:
    """The block in which a batch's persons, features, keys and links are appended (to
    a registry that held `registry_size` feature rows, `adding` more)."""
    # The first load builds the indexes and the keys' primary key afresh rather than row by
    # row: nothing can be reading an empty registry, so the lock that dropping them takes
    # on PostgreSQL costs no inquiry.
    # The rows reach their tables as `appending` ends, inside: while the indexes are away.
    first = registry_size == 0
    with (
        indexes_set_aside(conn, identity_features, when=first),
        indexes_set_aside(conn, identity_keys, when=first, primary_key=True),
        indexes_set_aside(conn, persons, when=first),
        appending(conn) as out,
    ):
        yield out
    if is_postgres(conn) and adding > registry_size // 4:
        # Autovacuum analyses a grown table only later: until then the planner sees a
        # registry as empty as it was and scans it whole for a few hundred probe keys.
        for table in ("identity_features", "identity_keys"):
            conn.execute(text(f"ANALYZE {table}"))


def keys_ahead(conn: Connection, features: pl.DataFrame, *, hold: bool = True) -> Ahead | None:
    """The hashes of `features`' keys (as `write_features` makes them), made (and on SQLite
    staged) by a worker thread from now on, for `write_features` to move in; None where
    they cannot be made ahead (then `write_features` makes them itself).

    A first load of a million records has thirteen million keys: making them takes about
    3 s, staging them on SQLite about 4 s more, which the worker spends while the model is
    trained and scores. On PostgreSQL they are held until written (200 MB for a million
    records), and only if `hold`.
    """
    return Ahead.start(conn, "identity_keys", partial(key_runs, features, _KEY_SLICE), hold=hold)


def write_features(out: Appender, features: pl.DataFrame, keys: Ahead | None = None) -> None:
    """Append feature rows (`FEATURE_SCHEMA`) and the hashes of their keys (the key
    columns, and `k_cin`: each record's list of CIN keys), or move in `keys`, those of the
    same features made ahead (`keys_ahead`)."""
    rows = features.select(list(FEATURE_SCHEMA))
    # A load's new records come in id order: no sorted copy of a million rows then.
    if not rows.get_column("borrower_record_id").is_sorted():
        rows = rows.sort("borrower_record_id")
    out.append("identity_features", rows)
    if keys is not None:
        keys.flush()
        return
    # All of a load's keys reach the clustered index as one sorted run: a million records'
    # thirteen million keys went into SQLite's index in 3 s as one run, in 7 s as twenty
    # runs of 50,000 records each. Their texts are made a slice at a time; only the hashes
    # are held.
    for run in key_runs(features, _KEY_SLICE):
        out.append("identity_keys", run)


def write_links(out: Appender, links: pl.DataFrame) -> None:
    """Append link evidence: borrower_record_id, person_id, matched_record_id, probability,
    weight, levels (JSON text), decided_by, model_id."""
    out.append("identity_links", links.sort("borrower_record_id"))


def latest_model(conn: Connection) -> tuple[int, str, int] | None:
    """(id, parameters JSON, the registry's records when it was trained) of the newest model,
    if any."""
    row = conn.execute(
        select(identity_models.c.id, identity_models.c.parameters, identity_models.c.records)
        .order_by(identity_models.c.id.desc())
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1], row[2])


def save_model(conn: Connection, parameters: str, records: int) -> int:
    result = conn.execute(insert(identity_models).values(parameters=parameters, records=records))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def record_change(
    conn: Connection,
    action: str,
    person_id: int,
    other_person_id: int | None,
    record_ids: Iterable[int],
    analyst: str | None = None,
    reason: str | None = None,
) -> None:
    conn.execute(
        insert(identity_changes).values(
            action=action,
            person_id=person_id,
            other_person_id=other_person_id,
            record_ids=json.dumps(sorted(int(r) for r in record_ids)),
            analyst=analyst,
            reason=reason,
        )
    )


def changes_of(conn: Connection, person_id: int) -> pl.DataFrame:
    c = identity_changes.c
    rows = conn.execute(
        select(c.action, c.person_id, c.other_person_id, c.record_ids, c.analyst, c.reason)
        .where(or_(c.person_id == person_id, c.other_person_id == person_id))
        .order_by(c.id)
    ).fetchall()
    names = ["action", "person_id", "other_person_id", "record_ids", "analyst", "reason"]
    return pl.DataFrame(rows, schema=names, orient="row")


def person_exists(conn: Connection, person_id: int) -> bool:
    if not 0 < person_id < 2**63:  # the ids are 64-bit: a larger number names no one
        return False
    found = conn.execute(select(persons.c.id).where(persons.c.id == person_id)).first()
    return found is not None


def records_of(conn: Connection, person_id: int) -> pl.DataFrame:
    """The person's borrower records with the evidence of their links."""
    b, i, link = borrower_records.c, institutions.c, identity_links.c
    query = (
        select(
            b.id.label("borrower_record_id"),
            i.code.label("institution_code"),
            b.customer_ref,
            b.cin_norm,
            b.last_name,
            b.first_name,
            b.birth_date,
            b.phone,
            b.match_score,
            link.matched_record_id,
            link.probability,
            link.weight,
            link.levels,
            link.decided_by,
        )
        .join_from(borrower_records, institutions, b.institution_id == i.id)
        .join(identity_links, link.borrower_record_id == b.id, isouter=True)
        .where(b.person_id == person_id)
        .order_by(b.id)
    )
    rows = conn.execute(query).fetchall()
    return pl.DataFrame(
        [tuple(r) for r in rows],
        schema=list(query.selected_columns.keys()),
        orient="row",
        infer_schema_length=None,
    )


def move_records(conn: Connection, record_ids: Sequence[int], person_id: int) -> None:
    """Attach records to `person_id` by an analyst's decision."""
    for i in range(0, len(record_ids), _CHUNK):
        ids = list(record_ids[i : i + _CHUNK])
        conn.execute(
            update(borrower_records)
            .where(borrower_records.c.id.in_(ids))
            .values(person_id=person_id, match_score=1.0)
        )
        conn.execute(
            update(identity_features)
            .where(identity_features.c.borrower_record_id.in_(ids))
            .values(person_id=person_id)
        )
        conn.execute(
            update(identity_links)
            .where(identity_links.c.borrower_record_id.in_(ids))
            .values(person_id=person_id, decided_by="analyst", probability=1.0)
        )


def record_ids_of(conn: Connection, person_id: int) -> list[int]:
    rows = conn.execute(
        select(borrower_records.c.id).where(borrower_records.c.person_id == person_id)
    )
    return [int(r[0]) for r in rows]


def export_links(conn: Connection) -> pl.DataFrame:
    """One row per borrower record: institution_code, customer_ref, person_id, match_score."""
    return read_frame(
        conn,
        "SELECT i.code AS institution_code, b.customer_ref, b.person_id, b.match_score "
        "FROM borrower_records b JOIN institutions i ON i.id = b.institution_id "
        "ORDER BY i.code, b.customer_ref",
        schema={
            "institution_code": pl.String(),
            "customer_ref": pl.String(),
            "person_id": pl.Int64(),
            "match_score": pl.Float64(),
        },
    )
