"""Tables of identity resolution (owned by the identity package).

- `identity_features`: each linked borrower record's normalised identity (its blocking keys
  are made from it again when it is read: `centrale.identity.borrowers.with_keys`).
- `identity_keys`: the 64-bit hash of every key each record is found by (CIN, phone, names
  with birth date, CIN deletion keys), in one clustered index: one-record resolution finds
  candidates through it, never a scan (`centrale.store.identity_keys`).
- `identity_links`: why each record belongs to its person: the record it matched, the
  match probability and weight, and each field's comparison level.
- `identity_changes`: the audit of decisions on persons: conflicts flagged by the model (a
  record that would join two persons), splits and joins made by analysts.
- `identity_models`: trained models (m, u, priors as JSON), the newest in use.

The bulk tables (features, keys, links) carry no foreign keys: the resolver writes them
in the load's transaction from records and persons it has just read or created, and a check
per row would cost more than the rest of the write (migration 0005).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    func,
)

from centrale.store.metadata import metadata

_ID = BigInteger().with_variant(Integer, "sqlite")

identity_features = Table(
    "identity_features",
    metadata,
    Column("borrower_record_id", _ID, primary_key=True),
    Column("person_id", BigInteger, nullable=False, index=True),
    Column("cin", String(32)),
    Column("phone", String(16)),
    Column("ln", String(120)),
    Column("fn", String(120)),
    Column("ln_key", String(120)),
    Column("fn_key", String(120)),
    Column("ln_ar", String(120)),
    Column("fn_ar", String(120)),
    Column("ln_ark", String(120)),
    Column("fn_ark", String(120)),
    Column("birth_date", Date),
    Column("gender", String(1)),
    Column("region", SmallInteger),
)

identity_keys = Table(
    "identity_keys",
    metadata,
    # `centrale.store.identity_keys.key_hash` of each key the record is found by.
    Column("key_hash", BigInteger, primary_key=True, autoincrement=False),
    Column("borrower_record_id", _ID, primary_key=True, autoincrement=False),
    # Kept once, in hash order, on SQLite: the table is its primary key.
    sqlite_with_rowid=False,
)

identity_links = Table(
    "identity_links",
    metadata,
    Column("borrower_record_id", _ID, primary_key=True),
    Column("person_id", BigInteger, nullable=False, index=True),
    # The record whose match attached this one; null when the record founded its person.
    Column("matched_record_id", BigInteger),
    Column("probability", Float, nullable=False),
    Column("weight", Float),
    # JSON object: comparison name -> level label (e.g. {"cin": "one_slip", ...}).
    Column("levels", Text),
    # `model`, `new_person`, or `analyst` (after a split or join).
    Column("decided_by", String(16), nullable=False),
    Column("model_id", Integer),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

identity_changes = Table(
    "identity_changes",
    metadata,
    Column("id", _ID, primary_key=True),
    # `conflict` (flagged by the model), `split` or `join` (made by an analyst).
    Column("action", String(16), nullable=False),
    Column("person_id", BigInteger, nullable=False, index=True),
    Column("other_person_id", BigInteger, index=True),
    # JSON array of the borrower record ids concerned.
    Column("record_ids", Text, nullable=False),
    Column("analyst", String(120)),
    Column("reason", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

identity_models = Table(
    "identity_models",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("parameters", Text, nullable=False),
    Column("records", BigInteger, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

#: One row: the version of the normalisers and keys that computed the stored features
#: (`centrale.identity.borrowers.FEATURES_VERSION`); `centrale persons rekey` brings them up.
identity_state = Table(
    "identity_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("features_version", Integer, nullable=False),
)
