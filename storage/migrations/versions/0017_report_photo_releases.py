"""The report photos staff released for the public, one row per photo.

Chained after 0016_report_positions, the newest step of the reports branch (0013): this
table refers to reports and needs nothing of the other branches, which stay independent.

Revision ID: 0017_report_photo_releases
Revises: 0016_report_positions
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_report_photo_releases"
down_revision = "0016_report_positions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_photo_releases",
        sa.Column("photo_id", sa.String(length=32), nullable=False),
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("released_by", sa.String(length=128), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_report_photo_releases_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("photo_id", name=op.f("pk_report_photo_releases")),
    )
    op.create_index(
        op.f("ix_report_photo_releases_report_id"), "report_photo_releases", ["report_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_report_photo_releases_report_id"), table_name="report_photo_releases")
    op.drop_table("report_photo_releases")
