"""Login throttling counts the locks in a row, so each lock lasts longer than the one before.

Revision ID: 0009_login_lockouts
Revises: 0005_staff
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_login_lockouts"
down_revision = "0005_staff"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("login_throttle") as batch:
        batch.add_column(sa.Column("lockouts", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("login_throttle") as batch:
        batch.drop_column("lockouts")
