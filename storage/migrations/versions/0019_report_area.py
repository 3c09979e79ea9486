"""An index on the reports' position alone, so the staff list narrowed to the map's view
reads the reports in that box without a category chosen.

Revision ID: 0019_report_area
Revises: 0018_report_settings
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0019_report_area"
down_revision = "0018_report_settings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_reports_position", "reports", ["latitude", "longitude"])


def downgrade() -> None:
    op.drop_index("ix_reports_position", table_name="reports")
