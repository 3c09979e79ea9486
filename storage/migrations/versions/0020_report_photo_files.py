"""Report photos kept in the database (MITREDEN_REPORT_PHOTO_STORE=database): the picture
and its thumbnail under the photo's random name, for processes that share no folder.

Revision ID: 0020_report_photo_files
Revises: 0019_report_area
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_report_photo_files"
down_revision = "0019_report_area"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_photo_files",
        sa.Column("photo_id", sa.String(length=32), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("thumbnail", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("photo_id", name=op.f("pk_report_photo_files")),
    )
    op.create_index(op.f("ix_report_photo_files_created_at"), "report_photo_files", ["created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_report_photo_files_created_at"), table_name="report_photo_files")
    op.drop_table("report_photo_files")
