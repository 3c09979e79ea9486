"""Report settings administrators edit in the web app, such as the duplicate radius.

Chained after 0017_report_photo_releases, the newest step of the reports branch.

Revision ID: 0018_report_settings
Revises: 0017_report_photo_releases
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_report_settings"
down_revision = "0017_report_photo_releases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("updated_by", sa.String(length=128), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_report_settings")),
    )


def downgrade() -> None:
    op.drop_table("report_settings")
