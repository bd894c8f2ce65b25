"""The registry's tables: institutions, persons, borrower records, contracts, snapshots,
submissions and their problems.

Money is whole dirhams in 64-bit integers (BigInteger). A contract's monthly state lives in
`snapshots`, one row per contract per reporting month: payment grids and PAR come from there.

The three bulk tables (borrower records, contracts, snapshots) carry no foreign keys: their
rows are only ever written by the set-based loader, whose joins produce existing ids by
construction, and a foreign key costs a lookup per row, which at a million rows a month
was most of a load's time on PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    Text,
    func,
)

from centrale.store.metadata import metadata

institutions = Table(
    "institutions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

persons = Table(
    "persons",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    # The key the interim CIN resolver links on; the identity model keeps it for retrieval.
    Column("cin_norm", String(32), index=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

borrower_records = Table(
    "borrower_records",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("institution_id", Integer, nullable=False),
    Column("customer_ref", String(64), nullable=False),
    Column("cin", String(32), nullable=False),
    Column("cin_norm", String(32), nullable=False),
    Column("last_name", String(120), nullable=False),
    Column("first_name", String(120), nullable=False),
    Column("last_name_ar", String(120)),
    Column("first_name_ar", String(120)),
    Column("birth_date", Date),
    Column("gender", String(1)),
    Column("phone", String(16)),
    Column("region", SmallInteger),
    Column("milieu", String(1)),
    Column("activity", String(16)),
    Column("person_id", BigInteger, index=True),
    Column("match_score", Float),
    # Fingerprints of the identity fields and of the whole record (migration 0007).
    Column("identity_hash", BigInteger),
    Column("record_hash", BigInteger),
    # The months a record was reported are its snapshots' periods (migration 0006).
    # Unique by an index, which a first load can drop and build again (migration 0016).
    Index(
        "uq_borrower_records_institution_id_customer_ref",
        "institution_id",
        "customer_ref",
        unique=True,
    ),
)

contracts = Table(
    "contracts",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("institution_id", Integer, nullable=False),
    Column("contract_ref", String(64), nullable=False),
    Column("customer_ref", String(64), nullable=False),
    Column("product", String(20), nullable=False),
    Column("group_ref", String(64)),
    Column("disbursed_on", Date, nullable=False),
    Column("maturity_on", Date, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("installment", BigInteger),
    Column("frequency", String(10)),
    Column("purpose", Text),
    Column("terms_hash", BigInteger),  # fingerprint of the fields above (migration 0007)
    Index(
        "uq_contracts_institution_id_contract_ref", "institution_id", "contract_ref", unique=True
    ),
)

submissions = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("institution_id", Integer, ForeignKey("institutions.id")),
    Column("institution_code", String(32)),
    Column("period", String(7)),
    Column("file_name", String(255), nullable=False),
    Column("file_sha256", String(64), nullable=False, index=True),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("status", String(10), nullable=False),
    Column("rows", Integer, nullable=False, default=0),
    Column("accepted", Integer, nullable=False, default=0),
    Column("rejected", Integer, nullable=False, default=0),
    Column("reason", Text),
    # The submission whose rows stand for its institution and month; replaced by a correction.
    Column("is_current", Boolean, nullable=False, default=False),
    Index("ix_submissions_institution_period", "institution_id", "period"),
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("contract_id", BigInteger, primary_key=True),
    Column("period", String(7), primary_key=True),
    Column("institution_id", Integer, nullable=False),
    Column("submission_id", Integer, nullable=False),
    Column("borrower_record_id", BigInteger, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("outstanding", BigInteger, nullable=False),
    Column("arrears", BigInteger, nullable=False),
    Column("days_past_due", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("closed_on", Date),
    Index("ix_snapshots_period_institution", "period", "institution_id"),
)

# What the registry holds of each institution's records and contracts (their ids and
# fingerprints, as Arrow IPC), left by its latest load for the next (`store.held_states`).
held_states = Table(
    "held_states",
    metadata,
    Column("institution_id", Integer, primary_key=True),
    Column("records", LargeBinary, nullable=False),
    Column("contracts", LargeBinary, nullable=False),
)

problems = Table(
    "problems",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column(
        "submission_id",
        Integer,
        ForeignKey("submissions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("row", Integer),
    Column("column", String(40)),
    Column("code", String(40), nullable=False),
    Column("message", Text, nullable=False),
    Column("value", Text),
)
