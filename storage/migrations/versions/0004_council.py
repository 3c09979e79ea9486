"""Council data from OParl (papers, agenda items, sync marks) and decision drafts.

Revision ID: 0004_council
Revises: 0001
Create Date: 2026-12-01

Decisions get a status (draft or published), their source (staff or OParl), the OParl id
and the council paper's reference. Decisions published before this revision stay published.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004_council"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON_ = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "council_papers",
        sa.Column("id", ID, nullable=False),
        sa.Column("external_id", sa.String(length=1000), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("reference_key", sa.String(length=100), nullable=True),
        sa.Column("name", sa.String(length=1000), nullable=False),
        sa.Column("paper_type", sa.String(length=200), nullable=True),
        sa.Column("paper_date", sa.String(length=10), nullable=True),
        sa.Column("keywords", JSON_, nullable=False),
        sa.Column("web_url", sa.String(length=1000), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("modified", UTC_TIME, nullable=True),
        sa.Column("synced_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_papers")),
        sa.UniqueConstraint("external_id", name=op.f("uq_council_papers_external_id")),
    )
    op.create_index("ix_council_papers_reference_key", "council_papers", ["reference_key"])
    op.create_table(
        "council_agenda_items",
        sa.Column("id", ID, nullable=False),
        sa.Column("external_id", sa.String(length=1000), nullable=False),
        sa.Column("meeting_external_id", sa.String(length=1000), nullable=True),
        sa.Column("meeting_name", sa.String(length=1000), nullable=True),
        sa.Column("meeting_start", UTC_TIME, nullable=True),
        sa.Column("number", sa.String(length=50), nullable=True),
        sa.Column("name", sa.String(length=1000), nullable=False),
        sa.Column("result", sa.String(length=1000), nullable=True),
        sa.Column("resolution_text", sa.Text(), nullable=True),
        sa.Column("consultation_external_id", sa.String(length=1000), nullable=True),
        sa.Column("web_url", sa.String(length=1000), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("modified", UTC_TIME, nullable=True),
        sa.Column("synced_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_agenda_items")),
        sa.UniqueConstraint("external_id", name=op.f("uq_council_agenda_items_external_id")),
    )
    op.create_index(
        "ix_council_agenda_items_consultation_external_id",
        "council_agenda_items",
        ["consultation_external_id"],
    )
    op.create_table(
        "council_consultations",
        sa.Column("id", ID, nullable=False),
        sa.Column("external_id", sa.String(length=1000), nullable=False),
        sa.Column("paper_external_id", sa.String(length=1000), nullable=True),
        sa.Column("agenda_item_external_id", sa.String(length=1000), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_consultations")),
        sa.UniqueConstraint("external_id", name=op.f("uq_council_consultations_external_id")),
    )
    op.create_index(
        "ix_council_consultations_paper_external_id",
        "council_consultations",
        ["paper_external_id"],
    )
    op.create_index(
        "ix_council_consultations_agenda_item_external_id",
        "council_consultations",
        ["agenda_item_external_id"],
    )
    op.create_table(
        "council_sync_state",
        sa.Column("list_url", sa.String(length=1000), nullable=False),
        sa.Column("synced_until", UTC_TIME, nullable=True),
        sa.Column("last_attempt_at", UTC_TIME, nullable=True),
        sa.Column("last_success_at", UTC_TIME, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("list_url", name=op.f("pk_council_sync_state")),
    )
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(
            sa.Column("status", sa.String(length=16), server_default="draft", nullable=False)
        )
        batch.add_column(
            sa.Column("source", sa.String(length=16), server_default="staff", nullable=False)
        )
        batch.add_column(sa.Column("external_id", sa.String(length=1000), nullable=True))
        batch.add_column(sa.Column("paper_reference", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("created_by", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("published_by", sa.String(length=128), nullable=True))
        batch.create_unique_constraint(op.f("uq_decisions_external_id"), ["external_id"])
        batch.create_index("ix_decisions_paper_reference", ["paper_reference"])
    op.execute("UPDATE decisions SET status = 'published' WHERE published_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.drop_index("ix_decisions_paper_reference")
        batch.drop_constraint(op.f("uq_decisions_external_id"), type_="unique")
        for column in (
            "published_by",
            "created_by",
            "paper_reference",
            "external_id",
            "source",
            "status",
        ):
            batch.drop_column(column)
    op.drop_table("council_sync_state")
    op.drop_index("ix_council_consultations_agenda_item_external_id", "council_consultations")
    op.drop_index("ix_council_consultations_paper_external_id", "council_consultations")
    op.drop_table("council_consultations")
    op.drop_index("ix_council_agenda_items_consultation_external_id", "council_agenda_items")
    op.drop_table("council_agenda_items")
    op.drop_index("ix_council_papers_reference_key", "council_papers")
    op.drop_table("council_papers")
