"""Reports forwarded to the town's own Open311 system, and where forwarding started.

Revision ID: 0015_report_forwarding
Revises: 0013_reports
Create Date: 2026-12-14
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_report_forwarding"
down_revision = "0013_reports"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "report_forwardings",
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("system_url", sa.String(length=500), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("service_request_id", sa.String(length=128), nullable=True),
        sa.Column("token", sa.String(length=128), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC_TIME, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("refused_with", sa.String(length=64), nullable=False),
        sa.Column("remote_status", sa.String(length=16), nullable=False),
        sa.Column("remote_notes", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_report_forwardings_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_report_forwardings")),
    )
    op.create_index(
        "ix_report_forwardings_state_next",
        "report_forwardings",
        ["state", "next_attempt_at"],
        unique=False,
    )
    op.create_table(
        "report_forwarding_starts",
        sa.Column("system_url", sa.String(length=500), nullable=False),
        sa.Column("after_report_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("system_url", name=op.f("pk_report_forwarding_starts")),
    )


def downgrade() -> None:
    op.drop_table("report_forwarding_starts")
    op.drop_index("ix_report_forwardings_state_next", table_name="report_forwardings")
    op.drop_table("report_forwardings")
