"""Administrators' edits of conversation tests: drafts with a flow's draft, and published.

Revision ID: 0011_conversation_test_edits
Revises: 0006_admin_content
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_conversation_test_edits"
down_revision = "0006_admin_content"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "conversation_test_edits",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("flow_id", sa.String(length=64), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.Column("updated_by", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("name", "state", name=op.f("pk_conversation_test_edits")),
    )


def downgrade() -> None:
    op.drop_table("conversation_test_edits")
