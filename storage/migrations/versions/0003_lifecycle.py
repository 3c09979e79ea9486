"""What the scheduler told citizens about consultations: openings, closings, reminders.

Revision ID: 0003_lifecycle
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_lifecycle"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "consultation_notices",
        sa.Column("consultation_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("done_at", UTC_TIME, nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_consultation_notices_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("consultation_id", "kind", name=op.f("pk_consultation_notices")),
    )
    op.create_table(
        "participation_reminders",
        sa.Column("participation_id", ID, nullable=False),
        sa.Column("sent_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["participation_id"],
            ["participations.id"],
            name=op.f("fk_participation_reminders_participation_id_participations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("participation_id", name=op.f("pk_participation_reminders")),
    )


def downgrade() -> None:
    op.drop_table("participation_reminders")
    op.drop_table("consultation_notices")
