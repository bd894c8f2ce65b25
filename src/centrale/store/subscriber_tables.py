"""Tables of the review's subscribers, consent ledger and delivery (owned by review delivery).

A subscriber proves their address once (`confirmed_at`, double opt-in) and holds one
subscription per mailing list. `consent_events` is the append-only proof of consent: database
triggers refuse UPDATE and DELETE on it, and it keeps only a hash of the address so that a
subscriber's deletion leaves the proof but not the address. A send is one issue to one list;
`send_recipients` records the outcome per recipient, so a re-run never sends twice.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
)

from centrale.store.metadata import metadata

mailing_lists = Table(
    "mailing_lists",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
)

segments = Table(
    "segments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
)

subscribers = Table(
    "subscribers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("name", String(200), nullable=False, server_default=""),
    Column("organisation", String(200), nullable=False, server_default=""),
    Column("language", String(2), nullable=False, server_default="fr"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("confirmed_at", DateTime(timezone=True)),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column(
        "subscriber_id",
        Integer,
        ForeignKey("subscribers.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("list_id", Integer, ForeignKey("mailing_lists.id"), primary_key=True),
    # pending (waiting for the confirmation click), active, unsubscribed
    Column("status", String(16), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_subscriptions_list_status", "list_id", "status"),
)

subscriber_segments = Table(
    "subscriber_segments",
    metadata,
    Column(
        "subscriber_id",
        Integer,
        ForeignKey("subscribers.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("segment_id", Integer, ForeignKey("segments.id"), primary_key=True),
)

consent_wordings = Table(
    "consent_wordings",
    metadata,
    Column("version", String(40), primary_key=True),
    Column("language", String(2), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

consent_events = Table(
    "consent_events",
    metadata,
    Column("id", Integer, primary_key=True),
    # No foreign key: the proof outlives the subscriber's row.
    Column("subscriber_id", Integer, index=True),
    Column("email_sha256", String(64), nullable=False, index=True),
    Column("event", String(24), nullable=False),
    Column("list_code", String(40)),
    Column("wording_version", String(40), ForeignKey("consent_wordings.version")),
    Column("language", String(2)),
    Column("origin", String(40), nullable=False),
    Column("ip", String(45)),
    Column("detail", Text),
    Column("occurred_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

suppressions = Table(
    "suppressions",
    metadata,
    Column("email", String(320), primary_key=True),
    # hard_bounce, soft_bounces, complaint, smtp_refused, manual
    Column("reason", String(24), nullable=False),
    Column("detail", Text, nullable=False, server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

bounces = Table(
    "bounces",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(320), nullable=False, index=True),
    Column("kind", String(8), nullable=False),  # hard or soft
    Column("status", String(16), nullable=False),  # RFC 3463 code, e.g. 5.1.1
    Column("action", String(16), nullable=False),
    Column("diagnostic", Text, nullable=False, server_default=""),
    # Message-ID of the report (or a hash of it): processing a report twice changes nothing.
    Column("report_id", String(255), nullable=False),
    Column("source", String(500), nullable=False, server_default=""),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # Set when an editor releases the address: older soft bounces stop counting.
    Column("released", Boolean, nullable=False, server_default=false()),
    UniqueConstraint("report_id", "email"),
)

sends = Table(
    "sends",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("issue_id", Integer, ForeignKey("review_issues.id"), nullable=False),
    Column("list_id", Integer, ForeignKey("mailing_lists.id"), nullable=False),
    Column("segments", String(400), nullable=False, server_default=""),
    Column("subject", Text, nullable=False, server_default=""),
    # scheduled, sending, done (everyone reached), partial (some failed; run it again)
    Column("status", String(12), nullable=False),
    Column("scheduled_at", DateTime(timezone=True)),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Column("sent", Integer, nullable=False, server_default="0"),
    Column("failed", Integer, nullable=False, server_default="0"),
    Column("skipped_unconfirmed", Integer, nullable=False, server_default="0"),
    Column("skipped_suppressed", Integer, nullable=False, server_default="0"),
    Column("skipped_unsubscribed", Integer, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("issue_id", "list_id"),
    Index("ix_sends_status_scheduled_at", "status", "scheduled_at"),
)

send_recipients = Table(
    "send_recipients",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("send_id", Integer, ForeignKey("sends.id", ondelete="CASCADE"), nullable=False),
    Column(
        "subscriber_id",
        Integer,
        ForeignKey("subscribers.id", ondelete="CASCADE"),
        nullable=False,
    ),
    # pending, sent, failed, unconfirmed, suppressed, unsubscribed
    Column("status", String(12), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("error", Text),
    Column("message_id", String(255)),
    Column("sent_at", DateTime(timezone=True)),
    UniqueConstraint("send_id", "subscriber_id"),
    Index("ix_send_recipients_send_status", "send_id", "status"),
)
