"""The second half of the first release's tables: questions, subscriptions, consultation
questions, decision links, idea history and supporters, participations and their answers.

Part of revision 0001 (storage/migrations/versions/0001_every_table_of_the_first_release.py),
kept apart only for its length; like the revision, it never changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite autoincrements INTEGER only
JSON_ = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC_TIME = sa.DateTime(timezone=True)


def create_tables() -> None:
    op.create_table(
        "questions",
        sa.Column("id", ID, nullable=False),
        sa.Column("ref", sa.String(length=16), nullable=True),
        sa.Column("citizen_id", ID, nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answer_text", sa.Text(), nullable=True),
        sa.Column("answered_at", UTC_TIME, nullable=True),
        sa.Column("answered_by", sa.String(length=128), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["citizen_id"],
            ["citizens.id"],
            name=op.f("fk_questions_citizen_id_citizens"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
        sa.UniqueConstraint("ref", name=op.f("uq_questions_ref")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_questions_citizen_id", "questions", ["citizen_id"])

    op.create_table(
        "subscriptions",
        sa.Column("id", ID, nullable=False),
        sa.Column("citizen_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("paused_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["citizen_id"],
            ["citizens.id"],
            name=op.f("fk_subscriptions_citizen_id_citizens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
        sa.UniqueConstraint(
            "citizen_id", "kind", "target", name=op.f("uq_subscriptions_citizen_id_kind_target")
        ),
    )
    op.create_index("ix_subscriptions_kind_target", "subscriptions", ["kind", "target"])

    op.create_table(
        "consultation_questions",
        sa.Column("id", ID, nullable=False),
        sa.Column("consultation_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text_de", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("options", JSON_, nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("scale_labels", JSON_, nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_consultation_questions_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_questions")),
        sa.UniqueConstraint(
            "consultation_id", "key", name=op.f("uq_consultation_questions_consultation_id_key")
        ),
    )
    op.create_index(
        "ix_consultation_questions_consultation_id", "consultation_questions", ["consultation_id"]
    )

    op.create_table(
        "decision_consultations",
        sa.Column("decision_id", ID, nullable=False),
        sa.Column("consultation_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_decision_consultations_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_decision_consultations_decision_id_decisions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "decision_id", "consultation_id", name=op.f("pk_decision_consultations")
        ),
    )
    op.create_table(
        "decision_ideas",
        sa.Column("decision_id", ID, nullable=False),
        sa.Column("idea_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_decision_ideas_decision_id_decisions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"],
            ["ideas.id"],
            name=op.f("fk_decision_ideas_idea_id_ideas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("decision_id", "idea_id", name=op.f("pk_decision_ideas")),
    )
    op.create_table(
        "idea_status_changes",
        sa.Column("id", ID, nullable=False),
        sa.Column("idea_id", ID, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("by", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(
            ["idea_id"],
            ["ideas.id"],
            name=op.f("fk_idea_status_changes_idea_id_ideas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_status_changes")),
    )
    op.create_index("ix_idea_status_changes_idea_id", "idea_status_changes", ["idea_id"])

    op.create_table(
        "idea_supports",
        sa.Column("id", ID, nullable=False),
        sa.Column("idea_id", ID, nullable=False),
        sa.Column("citizen_id", ID, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["citizen_id"],
            ["citizens.id"],
            name=op.f("fk_idea_supports_citizen_id_citizens"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"],
            ["ideas.id"],
            name=op.f("fk_idea_supports_idea_id_ideas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_supports")),
        sa.UniqueConstraint(
            "idea_id", "citizen_id", name=op.f("uq_idea_supports_idea_id_citizen_id")
        ),
    )
    op.create_index("ix_idea_supports_citizen_id", "idea_supports", ["citizen_id"])
    op.create_index("ix_idea_supports_idea_id", "idea_supports", ["idea_id"])

    op.create_table(
        "participations",
        sa.Column("id", ID, nullable=False),
        sa.Column("consultation_id", ID, nullable=False),
        sa.Column("citizen_id", ID, nullable=True),
        sa.Column("started_at", UTC_TIME, nullable=False),
        sa.Column("submitted_at", UTC_TIME, nullable=True),
        sa.Column("receipt", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["citizen_id"],
            ["citizens.id"],
            name=op.f("fk_participations_citizen_id_citizens"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_participations_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participations")),
        sa.UniqueConstraint(
            "consultation_id",
            "citizen_id",
            name=op.f("uq_participations_consultation_id_citizen_id"),
        ),
        sa.UniqueConstraint("receipt", name=op.f("uq_participations_receipt")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_participations_citizen_id", "participations", ["citizen_id"])
    op.create_index("ix_participations_consultation_id", "participations", ["consultation_id"])

    op.create_table(
        "participation_answers",
        sa.Column("id", ID, nullable=False),
        sa.Column("participation_id", ID, nullable=False),
        sa.Column("question_key", sa.String(length=64), nullable=False),
        sa.Column("value", JSON_, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["participation_id"],
            ["participations.id"],
            name=op.f("fk_participation_answers_participation_id_participations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participation_answers")),
        sa.UniqueConstraint(
            "participation_id",
            "question_key",
            name=op.f("uq_participation_answers_participation_id_question_key"),
        ),
    )
    op.create_index(
        "ix_participation_answers_participation_id", "participation_answers", ["participation_id"]
    )
