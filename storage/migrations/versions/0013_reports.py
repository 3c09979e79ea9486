"""Problem reports ("the street lamp is dark"): categories, reports, their history and
followers; the categories a German town typically uses are filled in.

Revision ID: 0013_reports
Revises: 0001
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0013_reports"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON_ = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC_TIME = sa.DateTime(timezone=True)

# written out here rather than imported: a migration must build the same rows forever
CATEGORIES = [
    (
        "road_damage",
        "Straßenschaden/Schlagloch",
        "Road damage/pothole",
        [
            "Schlagloch",
            "Loch",
            "Straßenschaden",
            "Fahrbahn",
            "Gehweg",
            "Radweg",
            "Pflaster",
            "Bordstein",
            "Riss",
            "Asphalt",
            "Gullydeckel",
            "Gully",
            "Kanaldeckel",
        ],
        [
            "pothole",
            "hole",
            "pavement",
            "sidewalk",
            "cycle path",
            "crack",
            "asphalt",
            "kerb",
            "curb",
            "manhole",
            "drain",
        ],
    ),
    (
        "street_lighting",
        "Straßenbeleuchtung",
        "Street lighting",
        [
            "Laterne",
            "Straßenlaterne",
            "Lampe",
            "Straßenlampe",
            "Licht",
            "Beleuchtung",
            "dunkel",
            "flackert",
            "Leuchte",
        ],
        [
            "street light",
            "streetlight",
            "lamp",
            "light",
            "lighting",
            "dark",
            "flickering",
            "lamppost",
        ],
    ),
    (
        "illegal_dumping",
        "Illegale Müllablagerung",
        "Illegal dumping",
        [
            "Müll",
            "Sperrmüll",
            "Abfall",
            "Dreck",
            "Müllsack",
            "Müllsäcke",
            "abgeladen",
            "Ablagerung",
            "Unrat",
            "Schrott",
            "Mülleimer",
            "Papierkorb",
            "Container",
        ],
        [
            "rubbish",
            "garbage",
            "trash",
            "litter",
            "waste",
            "dumped",
            "dumping",
            "fly-tipping",
            "fly tipping",
            "bin",
            "junk",
        ],
    ),
    (
        "playground",
        "Spielplatz",
        "Playground",
        ["Spielplatz", "Schaukel", "Rutsche", "Sandkasten", "Klettergerüst", "Wippe", "Spielgerät"],
        ["playground", "swing", "slide", "sandpit", "sandbox", "climbing frame", "seesaw"],
    ),
    (
        "graffiti",
        "Graffiti",
        "Graffiti",
        [
            "Graffiti",
            "Schmiererei",
            "Schmierereien",
            "besprüht",
            "beschmiert",
            "Tag",
            "Vandalismus",
        ],
        ["graffiti", "sprayed", "tag", "tags", "vandalism", "scribbled"],
    ),
    (
        "green_spaces",
        "Grünanlagen/Bäume",
        "Parks/trees",
        [
            "Baum",
            "Bäume",
            "Ast",
            "Äste",
            "Park",
            "Grünanlage",
            "Hecke",
            "Rasen",
            "Gebüsch",
            "umgestürzt",
            "Wiese",
            "Beet",
            "Bank",
            "Parkbank",
        ],
        [
            "tree",
            "trees",
            "branch",
            "park",
            "hedge",
            "lawn",
            "grass",
            "bush",
            "fallen",
            "bench",
            "flower bed",
        ],
    ),
    (
        "traffic_signs",
        "Verkehrszeichen/Ampel",
        "Traffic signs/lights",
        [
            "Ampel",
            "Verkehrszeichen",
            "Schild",
            "Straßenschild",
            "Verkehrsschild",
            "Zebrastreifen",
            "Markierung",
            "Fußgängerampel",
            "Poller",
        ],
        [
            "traffic light",
            "traffic lights",
            "sign",
            "road sign",
            "street sign",
            "crossing",
            "zebra crossing",
            "marking",
            "bollard",
        ],
    ),
    ("other", "Sonstiges", "Something else", [], []),
]


def upgrade() -> None:
    categories = op.create_table(
        "report_categories",
        sa.Column("id", ID, nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_de", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("keywords_de", JSON_, nullable=False),
        sa.Column("keywords_en", JSON_, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_categories")),
        sa.UniqueConstraint("code", name=op.f("uq_report_categories_code")),
    )
    op.create_table(
        "reports",
        sa.Column("id", ID, nullable=False),
        sa.Column("ref", sa.String(length=16), nullable=True),
        sa.Column("citizen_id", ID, nullable=True),
        sa.Column("category_code", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("photos", JSON_, nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("duplicate_of_id", ID, nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["citizen_id"],
            ["citizens.id"],
            name=op.f("fk_reports_citizen_id_citizens"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"],
            ["reports.id"],
            name=op.f("fk_reports_duplicate_of_id_reports"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("ref", name=op.f("uq_reports_ref")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_reports_citizen_id", "reports", ["citizen_id"])
    op.create_index("ix_reports_created_at", "reports", ["created_at"])
    op.create_index("ix_reports_category_code_status", "reports", ["category_code", "status"])
    op.create_table(
        "report_status_changes",
        sa.Column("id", ID, nullable=False),
        sa.Column("report_id", ID, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note_de", sa.Text(), nullable=False),
        sa.Column("note_en", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_report_status_changes_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_status_changes")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_report_status_changes_report_id", "report_status_changes", ["report_id"])
    op.create_table(
        "report_followers",
        sa.Column("report_id", ID, nullable=False),
        sa.Column("citizen_id", ID, nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_report_followers_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["citizen_id"],
            ["citizens.id"],
            name=op.f("fk_report_followers_citizen_id_citizens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", "citizen_id", name=op.f("pk_report_followers")),
    )
    op.create_index("ix_report_followers_citizen_id", "report_followers", ["citizen_id"])
    op.bulk_insert(
        categories,
        [
            {
                "code": code,
                "name_de": name_de,
                "name_en": name_en,
                "keywords_de": keywords_de,
                "keywords_en": keywords_en,
                "active": True,
                "position": position,
            }
            for position, (code, name_de, name_en, keywords_de, keywords_en) in enumerate(
                CATEGORIES
            )
        ],
    )


def downgrade() -> None:
    op.drop_table("report_followers")
    op.drop_table("report_status_changes")
    op.drop_table("reports")
    op.drop_table("report_categories")
