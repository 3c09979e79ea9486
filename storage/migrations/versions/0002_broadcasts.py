"""Announcements (broadcasts) and the outbox column and index that follow their messages.

Revision ID: 0002_broadcasts
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_broadcasts"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "broadcasts",
        sa.Column("id", ID, nullable=False),
        sa.Column("text_de", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=True),
        sa.Column("audience", sa.String(length=128), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("send_at", UTC_TIME, nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("released_at", UTC_TIME, nullable=True),
        sa.Column("cancelled_at", UTC_TIME, nullable=True),
        sa.Column("done_at", UTC_TIME, nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("counted_at", UTC_TIME, nullable=True),
        sa.Column("sent_count", sa.Integer(), nullable=False),
        sa.Column("failed_count", sa.Integer(), nullable=False),
        sa.Column("cancelled_count", sa.Integer(), nullable=False),
        sa.Column("final_rate", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcasts")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_broadcasts_state_send_at", "broadcasts", ["state", "send_at"])
    op.add_column("outbox", sa.Column("broadcast_id", ID, nullable=True))
    op.create_index("ix_outbox_broadcast_id", "outbox", ["broadcast_id"])
    op.create_index("ix_outbox_chat", "outbox", ["channel", "address", "state"])
    # the delivery worker walks due messages in (priority, time, id) order
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.create_index("ix_outbox_due", "outbox", ["state", "priority", "next_attempt_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.create_index("ix_outbox_due", "outbox", ["state", "priority", "next_attempt_at"])
    op.drop_index("ix_outbox_chat", table_name="outbox")
    op.drop_index("ix_outbox_broadcast_id", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("broadcast_id")
    op.drop_index("ix_broadcasts_state_send_at", table_name="broadcasts")
    op.drop_table("broadcasts")
