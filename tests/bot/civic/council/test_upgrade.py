"""A database from before the safer council sync: its `javascript:` links go, and decisions
made from council results learn which result they told, so a later change is noticed."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

from storage.database import create_engine
from storage.migrate import alembic_config, upgrade_async
from tests.storage.postgres_cluster import create_database, drop_database

ROWS = """
INSERT INTO decisions (id, title, text, link, status, source, external_id, created_at)
VALUES
  (1, 'Spielplatz', 'Ergebnis: beschlossen
Sitzung: Rat', 'javascript:alert(1)', 'published', 'oparl', 'https://x.example/top/1',
   '2026-11-01 10:00:00+00:00'),
  (2, 'Radweg', 'Der Rat hat entschieden.', 'HTTPS://ratsinfo.example/2', 'published', 'staff',
   NULL, '2026-11-01 10:00:00+00:00')
"""
PAPER = """
INSERT INTO council_papers (id, external_id, name, keywords, web_url, deleted, synced_at)
VALUES (1, 'https://x.example/paper/1', 'Spielplatz', '[]', ' javascript:void(0)', false,
        '2026-11-01 10:00:00+00:00')
"""


@pytest.fixture(params=["sqlite", "postgresql"])
async def old_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database at the council revision of the first release, with a few rows in it."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/old.db"
        name = None
    else:
        admin: str = request.getfixturevalue("postgres_admin_url")
        name = f"mitreden_old_{uuid.uuid4().hex[:12]}"
        await create_database(admin, name)
        url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade_to_council)
            await connection.execute(text(ROWS))
            await connection.execute(text(PAPER))
        yield url
    finally:
        await engine.dispose()
        if name is not None:
            await drop_database(request.getfixturevalue("postgres_admin_url"), name)


def _upgrade_to_council(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "0004_council")


async def test_upgrading_removes_script_links_and_notes_told_results(old_database: str) -> None:
    await upgrade_async(old_database)

    engine = create_engine(old_database)
    try:
        async with engine.connect() as connection:
            decisions = (
                await connection.execute(
                    text("SELECT id, link, council_result FROM decisions ORDER BY id")
                )
            ).all()
            paper_link = await connection.scalar(text("SELECT web_url FROM council_papers"))
    finally:
        await engine.dispose()
    assert [tuple(row) for row in decisions] == [
        (1, None, "beschlossen"),
        (2, "HTTPS://ratsinfo.example/2", None),
    ]
    assert paper_link is None
