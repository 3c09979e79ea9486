"""Messages the bot asked about or did not understand, for the staff page "Not understood".

Revision ID: 0012_unclear_messages
Revises: 0001
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0012_unclear_messages"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON_ = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "unclear_messages",
        sa.Column("id", ID, nullable=False),
        sa.Column("citizen_id", ID, nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("guessed", sa.String(length=64), nullable=False),
        sa.Column("ranking", JSON_, nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("chosen", sa.String(length=64), nullable=True),
        sa.Column("answered_at", UTC_TIME, nullable=True),
        sa.Column("assigned", sa.String(length=64), nullable=True),
        sa.Column("assigned_by", sa.String(length=128), nullable=True),
        sa.Column("assigned_at", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["citizen_id"],
            ["citizens.id"],
            name=op.f("fk_unclear_messages_citizen_id_citizens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unclear_messages")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_unclear_messages_citizen_id", "unclear_messages", ["citizen_id"])
    op.create_index("ix_unclear_messages_created_at", "unclear_messages", ["created_at"])


def downgrade() -> None:
    op.drop_table("unclear_messages")
