"""Every table of the first release: citizens and conversations, the outbox, topics,
questions, consultations and participations, ideas, subscriptions, decisions and consent.

Revision ID: 0001
Revises:
Create Date: 2026-11-26

Written out by hand (types spelled without importing the models), so this revision keeps
creating the same schema however the models change later.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.migrations.first_release_tables import ID, JSON_, UTC_TIME, create_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "citizens",
        sa.Column("id", ID, nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("consent_at", UTC_TIME, nullable=True),
        sa.Column("consent_version", sa.String(length=32), nullable=True),
        sa.Column("consent_channel", sa.String(length=32), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("last_seen_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizens")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "flow_versions",
        sa.Column("id", ID, nullable=False),
        sa.Column("flow_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_versions")),
        sa.UniqueConstraint("flow_id", "version", name=op.f("uq_flow_versions_flow_id_version")),
    )
    op.create_table(
        "processed_inbound",
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("platform_id", sa.String(length=255), nullable=False),
        sa.Column("processed_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("channel", "platform_id", name=op.f("pk_processed_inbound")),
    )
    op.create_index("ix_processed_inbound_processed_at", "processed_inbound", ["processed_at"])

    op.create_table(
        "topics",
        sa.Column("id", ID, nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name_de", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("keywords", JSON_, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topics")),
        sa.UniqueConstraint("slug", name=op.f("uq_topics_slug")),
    )
    op.create_table(
        "channel_identities",
        sa.Column("id", ID, nullable=False),
        sa.Column("citizen_id", ID, nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("user_key", sa.String(length=255), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("blocked_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["citizen_id"],
            ["citizens.id"],
            name=op.f("fk_channel_identities_citizen_id_citizens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_identities")),
        sa.UniqueConstraint(
            "channel", "user_key", name=op.f("uq_channel_identities_channel_user_key")
        ),
    )
    op.create_index("ix_channel_identities_citizen_id", "channel_identities", ["citizen_id"])

    op.create_table(
        "consent_records",
        sa.Column("id", ID, nullable=False),
        sa.Column("citizen_id", ID, nullable=False),
        sa.Column("notice_version", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("given_at", UTC_TIME, nullable=False),
        sa.Column("withdrawn_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["citizen_id"],
            ["citizens.id"],
            name=op.f("fk_consent_records_citizen_id_citizens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_records")),
    )
    op.create_index("ix_consent_records_citizen_id", "consent_records", ["citizen_id"])

    op.create_table(
        "consultations",
        sa.Column("id", ID, nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("title_de", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("description_de", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("topic_id", ID, nullable=True),
        sa.Column("opens_at", UTC_TIME, nullable=False),
        sa.Column("closes_at", UTC_TIME, nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topics.id"],
            name=op.f("fk_consultations_topic_id_topics"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultations")),
        sa.UniqueConstraint("slug", name=op.f("uq_consultations_slug")),
    )
    op.create_index("ix_consultations_topic_id", "consultations", ["topic_id"])

    op.create_table(
        "conversations",
        sa.Column("id", ID, nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("chat", sa.String(length=255), nullable=False),
        sa.Column("user_key", sa.String(length=255), nullable=False),
        sa.Column("citizen_id", ID, nullable=False),
        sa.Column("state", JSON_, nullable=False),
        sa.Column("flow_id", sa.String(length=64), nullable=True),
        sa.Column("flow_version", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["citizen_id"],
            ["citizens.id"],
            name=op.f("fk_conversations_citizen_id_citizens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
        sa.UniqueConstraint(
            "channel", "chat", "user_key", name=op.f("uq_conversations_channel_chat_user_key")
        ),
    )
    op.create_index("ix_conversations_citizen_id", "conversations", ["citizen_id"])

    op.create_table(
        "decisions",
        sa.Column("id", ID, nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=1000), nullable=True),
        sa.Column("topic_id", ID, nullable=True),
        sa.Column("published_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topics.id"],
            name=op.f("fk_decisions_topic_id_topics"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    op.create_index("ix_decisions_topic_id", "decisions", ["topic_id"])

    op.create_table(
        "ideas",
        sa.Column("id", ID, nullable=False),
        sa.Column("ref", sa.String(length=16), nullable=True),
        sa.Column("citizen_id", ID, nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("topic_id", ID, nullable=True),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("moderation", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("support_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["citizen_id"],
            ["citizens.id"],
            name=op.f("fk_ideas_citizen_id_citizens"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topics.id"], name=op.f("fk_ideas_topic_id_topics"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ideas")),
        sa.UniqueConstraint("ref", name=op.f("uq_ideas_ref")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_ideas_citizen_id", "ideas", ["citizen_id"])
    op.create_index("ix_ideas_moderation_created_at", "ideas", ["moderation", "created_at"])
    op.create_index("ix_ideas_topic_id", "ideas", ["topic_id"])

    op.create_table(
        "outbox",
        sa.Column("id", ID, nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("citizen_id", ID, nullable=True),
        sa.Column("payload", JSON_, nullable=False),
        sa.Column("dedupe_key", sa.String(length=255), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC_TIME, nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("cause", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("sent_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["citizen_id"],
            ["citizens.id"],
            name=op.f("fk_outbox_citizen_id_citizens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_dedupe_key")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_outbox_citizen_id", "outbox", ["citizen_id"])
    op.create_index("ix_outbox_due", "outbox", ["state", "priority", "next_attempt_at"])
    create_tables()


def downgrade() -> None:
    op.drop_table("participation_answers")
    op.drop_table("participations")
    op.drop_table("idea_supports")
    op.drop_table("idea_status_changes")
    op.drop_table("decision_ideas")
    op.drop_table("decision_consultations")
    op.drop_table("consultation_questions")
    op.drop_table("subscriptions")
    op.drop_table("questions")
    op.drop_table("outbox")
    op.drop_table("ideas")
    op.drop_table("decisions")
    op.drop_table("conversations")
    op.drop_table("consultations")
    op.drop_table("consent_records")
    op.drop_table("channel_identities")
    op.drop_table("topics")
    op.drop_table("processed_inbound")
    op.drop_table("flow_versions")
    op.drop_table("citizens")
