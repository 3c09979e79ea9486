"""Council data read safely: non-public items and cancelled meetings, warnings, corrections.

Revision ID: 0010_council_safety
Revises: 0004_council
Create Date: 2026-12-02

Agenda items remember whether they are public and whether their meeting was cancelled; a
list's sync state keeps its last warning; decisions remember the council result they state
and which published decision they correct. Stored links that are not http(s) (a
`javascript:` address from a council server) are removed, and decisions made from council
results learn their result from their text ("Ergebnis: …" on the first line).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_council_safety"
down_revision = "0004_council"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
RESULT_PREFIX = "Ergebnis: "


def upgrade() -> None:
    with op.batch_alter_table("council_agenda_items") as batch:
        batch.add_column(
            sa.Column("meeting_cancelled", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(
            sa.Column("public", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    with op.batch_alter_table("council_sync_state") as batch:
        batch.add_column(sa.Column("last_warning", sa.Text(), nullable=True))
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("council_result", sa.String(length=1000), nullable=True))
        batch.add_column(sa.Column("corrects_id", ID, nullable=True))
        batch.create_foreign_key(
            op.f("fk_decisions_corrects_id_decisions"),
            "decisions",
            ["corrects_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index("ix_decisions_corrects_id", ["corrects_id"])
    for table, column in (
        ("decisions", "link"),
        ("council_papers", "web_url"),
        ("council_agenda_items", "web_url"),
    ):
        op.execute(
            f"UPDATE {table} SET {column} = NULL WHERE {column} IS NOT NULL "
            f"AND lower({column}) NOT LIKE 'http://%' AND lower({column}) NOT LIKE 'https://%'"
        )
    _results_from_text()


def _results_from_text() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, text FROM decisions WHERE source = 'oparl' AND council_result IS NULL")
    )
    for decision_id, text in rows.all():
        first = (text or "").split("\n", 1)[0]
        if first.startswith(RESULT_PREFIX) and first[len(RESULT_PREFIX) :].strip():
            connection.execute(
                sa.text("UPDATE decisions SET council_result = :result WHERE id = :id"),
                {"result": first[len(RESULT_PREFIX) :].strip()[:1000], "id": decision_id},
            )


def downgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.drop_index("ix_decisions_corrects_id")
        batch.drop_constraint(op.f("fk_decisions_corrects_id_decisions"), type_="foreignkey")
        batch.drop_column("corrects_id")
        batch.drop_column("council_result")
    with op.batch_alter_table("council_sync_state") as batch:
        batch.drop_column("last_warning")
    with op.batch_alter_table("council_agenda_items") as batch:
        batch.drop_column("public")
        batch.drop_column("meeting_cancelled")
