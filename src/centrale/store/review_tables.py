"""Tables of the weekly review (owned by the review package).

The flow they hold: sources -> fetch log -> items (one per canonical URL, clustered with their
near-duplicates, ranked, curated by the editor) -> issues and the items they carry.
An item's `cluster_id` is the id of its cluster's primary item (its own id when it is one).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)

from centrale.store.metadata import metadata

review_sources = Table(
    "review_sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("url", String(2000), nullable=False, unique=True),
    Column("kind", String(8), nullable=False),
    Column("language", String(8), nullable=False),
    Column("region", String(8), nullable=False),
    Column("priority", SmallInteger, nullable=False, default=3),
    Column("active", Boolean, nullable=False, default=True),
    # Validators from the last successful response, sent back as If-None-Match/If-Modified-Since.
    Column("etag", String(400)),
    Column("last_modified", String(100)),
    Column("feed_format", String(16)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

review_fetch_log = Table(
    "review_fetch_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "source_id",
        Integer,
        ForeignKey("review_sources.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("http_status", Integer),
    Column("duration_ms", Integer, nullable=False),
    Column("entries", Integer, nullable=False, default=0),
    Column("new_items", Integer, nullable=False, default=0),
    Column("message", Text),
)

review_items = Table(
    "review_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "source_id",
        Integer,
        ForeignKey("review_sources.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("url", String(2000), nullable=False),
    Column("canonical_url", String(2000), nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("author", String(300)),
    Column("published_at", DateTime(timezone=True)),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
    Column("language", String(8), nullable=False),
    Column("region", String(8), nullable=False),
    Column("summary", Text),
    Column("text", Text),
    Column("score", Float, nullable=False, default=0.0),
    Column("state", String(10), nullable=False, default="pending"),
    Column("kept", Boolean, nullable=False, default=False),
    Column("cluster_id", Integer, index=True),
    Column("position", Integer),
    # The editor's choices for the issue: headline (defaults to the title), kind, quote, label.
    Column("headline", Text),
    Column("kind", String(10), nullable=False, default="article"),
    Column("excerpt", Text),
    Column("link_label", String(40)),
    Index("ix_review_items_state_score", "state", "score"),
)

review_item_tags = Table(
    "review_item_tags",
    metadata,
    Column(
        "item_id",
        Integer,
        ForeignKey("review_items.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("tag", String(60), primary_key=True),
)

review_rules = Table(
    "review_rules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(8), nullable=False),
    Column("term", String(200), nullable=False),
    # The term as rules match it (`centrale.review.ranking.rule_key`): one rule per key.
    Column("term_key", String(200), nullable=False),
    Column("weight", Float, nullable=False, default=1.0),
    UniqueConstraint("kind", "term_key"),
)

review_issues = Table(
    "review_issues",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", Integer, nullable=False, unique=True),
    Column("date_from", Date, nullable=False),
    Column("date_to", Date, nullable=False),
    Column("language", String(8), nullable=False, default="fr"),
    Column("intro", Text, nullable=False),
    Column("disclaimer", Text, nullable=False),
    Column("status", String(10), nullable=False, default="draft"),
    Column("published_at", DateTime(timezone=True)),
    # The barometer's figures frozen at publication (JSON), so the archive never shifts.
    Column("barometer", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

review_issue_items = Table(
    "review_issue_items",
    metadata,
    Column(
        "issue_id",
        Integer,
        ForeignKey("review_issues.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "item_id",
        Integer,
        ForeignKey("review_items.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("position", Integer, nullable=False),
)

#: The people who curate the review in the editor's pages: a login and an Argon2 hash of
#: their password (never the password), written by `centrale review editors`.
review_editors = Table(
    "review_editors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("login", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("password_hash", String(255), nullable=False),
    # Raised when the editor signs out: every session opened before is closed.
    Column("session_generation", Integer, nullable=False, server_default="0"),
    # Sign-ins in a row that did not (yet) succeed, and until when the account takes no
    # password: longer after each failure past the first few.
    Column("failed_sign_ins", Integer, nullable=False, server_default="0"),
    Column("locked_until", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
