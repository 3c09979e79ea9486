"""An index on the reports' category and position, so looking for open reports at the
same spot reads the few in a small box instead of every open report of the category.

Revision ID: 0016_report_positions
Revises: 0013_reports
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0016_report_positions"
down_revision = "0013_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_reports_category_code_position", "reports", ["category_code", "latitude", "longitude"]
    )


def downgrade() -> None:
    op.drop_index("ix_reports_category_code_position", table_name="reports")
