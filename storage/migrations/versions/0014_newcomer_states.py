"""Newcomers' conversation positions, shared by the processes of one database.

Revision ID: 0014_newcomer_states
Revises: 0001
Create Date: 2026-12-12
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0014_newcomer_states"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "newcomer_states",
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("chat", sa.String(length=255), nullable=False),
        sa.Column("user_key", sa.String(length=255), nullable=False),
        sa.Column(
            "state", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("channel", "chat", "user_key", name=op.f("pk_newcomer_states")),
    )
    op.create_index(
        op.f("ix_newcomer_states_updated_at"), "newcomer_states", ["updated_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_newcomer_states_updated_at"), table_name="newcomer_states")
    op.drop_table("newcomer_states")
