"""Conversation tests' throw-away databases: migrated, and each one of its own."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.content.fresh_database import fresh_database_url
from storage.migrate import head_revisions


def _path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


async def test_each_copy_is_migrated_and_separate(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = _path(fresh_database_url(tmp_path / "a"))
    second = _path(fresh_database_url(tmp_path / "b"))
    with sqlite3.connect(first) as connection:
        revisions = {
            row[0] for row in connection.execute("SELECT version_num FROM alembic_version")
        }
        connection.execute("CREATE TABLE scribble (x INTEGER)")
    assert revisions == set(head_revisions())
    with sqlite3.connect(second) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert "scribble" not in tables
    assert "citizens" in tables
