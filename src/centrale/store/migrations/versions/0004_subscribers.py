"""subscriber and delivery tables

Revision ID: 0004
Revises: 0003

Creates the subscribers, consent ledger, suppression and send tables; seeds the Flash-back
list, the four audience segments and the first consent wording; makes the consent ledger
append-only with triggers on both backends.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NOW = sa.func.now()

FIRST_WORDING = (
    "J'accepte de recevoir par e-mail Flash-back, la revue hebdomadaire du secteur de la "
    "microfinance, selon les préférences que j'ai choisies. Mon adresse sert uniquement à cet "
    "envoi. Je peux me désabonner à tout moment en un clic, et télécharger ou supprimer mes "
    "données depuis la page de mes préférences."
)

SEGMENTS = [
    ("institutions", "Institutions de microfinance (AMC, FNAM)"),
    ("funders", "Bailleurs de fonds et partenaires"),
    ("press", "Presse"),
    ("researchers", "Chercheurs et universitaires"),
]


def upgrade() -> None:
    mailing_lists = op.create_table(
        "mailing_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailing_lists")),
        sa.UniqueConstraint("code", name=op.f("uq_mailing_lists_code")),
    )
    segments = op.create_table(
        "segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segments")),
        sa.UniqueConstraint("code", name=op.f("uq_segments_code")),
    )
    op.create_table(
        "subscribers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("organisation", sa.String(length=200), server_default="", nullable=False),
        sa.Column("language", sa.String(length=2), server_default="fr", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscribers")),
        sa.UniqueConstraint("email", name=op.f("uq_subscribers_email")),
    )
    op.create_table(
        "subscriptions",
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"], ["mailing_lists.id"], name=op.f("fk_subscriptions_list_id_mailing_lists")
        ),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["subscribers.id"],
            name=op.f("fk_subscriptions_subscriber_id_subscribers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("subscriber_id", "list_id", name=op.f("pk_subscriptions")),
    )
    op.create_index("ix_subscriptions_list_status", "subscriptions", ["list_id", "status"])
    op.create_table(
        "subscriber_segments",
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["segment_id"], ["segments.id"], name=op.f("fk_subscriber_segments_segment_id_segments")
        ),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["subscribers.id"],
            name=op.f("fk_subscriber_segments_subscriber_id_subscribers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("subscriber_id", "segment_id", name=op.f("pk_subscriber_segments")),
    )
    wordings = op.create_table(
        "consent_wordings",
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_consent_wordings")),
    )
    op.create_table(
        "consent_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=True),
        sa.Column("email_sha256", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=24), nullable=False),
        sa.Column("list_code", sa.String(length=40), nullable=True),
        sa.Column("wording_version", sa.String(length=40), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("origin", sa.String(length=40), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.ForeignKeyConstraint(
            ["wording_version"],
            ["consent_wordings.version"],
            name=op.f("fk_consent_events_wording_version_consent_wordings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_events")),
    )
    op.create_index(op.f("ix_consent_events_email_sha256"), "consent_events", ["email_sha256"])
    op.create_index(op.f("ix_consent_events_subscriber_id"), "consent_events", ["subscriber_id"])
    op.create_table(
        "suppressions",
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("detail", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("email", name=op.f("pk_suppressions")),
    )
    op.create_table(
        "bounces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("diagnostic", sa.Text(), server_default="", nullable=False),
        sa.Column("report_id", sa.String(length=255), nullable=False),
        sa.Column("source", sa.String(length=500), server_default="", nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("released", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bounces")),
        sa.UniqueConstraint("report_id", "email", name=op.f("uq_bounces_report_id_email")),
    )
    op.create_index(op.f("ix_bounces_email"), "bounces", ["email"])
    op.create_table(
        "sends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("segments", sa.String(length=400), server_default="", nullable=False),
        sa.Column("subject", sa.Text(), server_default="", nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        *[
            sa.Column(name, sa.Integer(), server_default="0", nullable=False)
            for name in (
                "sent",
                "failed",
                "skipped_unconfirmed",
                "skipped_suppressed",
                "skipped_unsubscribed",
            )
        ],
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"], ["mailing_lists.id"], name=op.f("fk_sends_list_id_mailing_lists")
        ),
        sa.ForeignKeyConstraint(
            ["issue_id"], ["review_issues.id"], name=op.f("fk_sends_issue_id_review_issues")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sends")),
        sa.UniqueConstraint("issue_id", "list_id", name=op.f("uq_sends_issue_id_list_id")),
    )
    op.create_index("ix_sends_status_scheduled_at", "sends", ["status", "scheduled_at"])
    op.create_table(
        "send_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("send_id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("message_id", sa.String(length=255), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["send_id"],
            ["sends.id"],
            name=op.f("fk_send_recipients_send_id_sends"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["subscribers.id"],
            name=op.f("fk_send_recipients_subscriber_id_subscribers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_send_recipients")),
        sa.UniqueConstraint(
            "send_id", "subscriber_id", name=op.f("uq_send_recipients_send_id_subscriber_id")
        ),
    )
    op.create_index("ix_send_recipients_send_status", "send_recipients", ["send_id", "status"])

    op.bulk_insert(
        mailing_lists,
        [
            {
                "code": "flash-back",
                "name": "Flash-back",
                "description": "La revue hebdomadaire du secteur de la microfinance.",
            }
        ],
    )
    op.bulk_insert(segments, [{"code": code, "name": name} for code, name in SEGMENTS])
    op.bulk_insert(wordings, [{"version": "fr-1", "language": "fr", "text": FIRST_WORDING}])
    _make_ledger_append_only()


def _make_ledger_append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'consent_events is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER consent_events_no_change BEFORE UPDATE OR DELETE ON consent_events "
            "FOR EACH ROW EXECUTE FUNCTION consent_events_append_only()"
        )
        op.execute(
            "CREATE TRIGGER consent_events_no_truncate BEFORE TRUNCATE ON consent_events "
            "FOR EACH STATEMENT EXECUTE FUNCTION consent_events_append_only()"
        )
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER consent_events_no_{verb.lower()} BEFORE {verb} ON consent_events "
            "BEGIN SELECT RAISE(ABORT, 'consent_events is append-only'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS consent_events_no_truncate ON consent_events")
        op.execute("DROP TRIGGER IF EXISTS consent_events_no_change ON consent_events")
        op.execute("DROP FUNCTION IF EXISTS consent_events_append_only()")
    for table in (
        "send_recipients",
        "sends",
        "bounces",
        "suppressions",
        "consent_events",
        "consent_wordings",
        "subscriber_segments",
        "subscriptions",
        "subscribers",
        "segments",
        "mailing_lists",
    ):
        op.drop_table(table)
