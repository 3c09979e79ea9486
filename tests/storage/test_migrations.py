"""The shipped migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, make_url

import storage.models  # noqa: F401
from storage.base import Base
from storage.database import create_engine
from storage.migrate import current_revisions, head_revisions, upgrade, upgrade_async
from tests.storage.postgres_cluster import blocking, create_database, drop_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    admin: str = request.getfixturevalue("postgres_admin_url")
    name = f"mitreden_empty_{uuid.uuid4().hex[:12]}"
    blocking(lambda: create_database(admin, name))
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        blocking(lambda: drop_database(admin, name))


def _schema_differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_upgrade_on_empty_database_matches_the_models(empty_db_url: str) -> None:
    await upgrade_async(empty_db_url)
    engine = create_engine(empty_db_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_schema_differences) == []
            assert await connection.run_sync(current_revisions) == head_revisions()
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    finally:
        await engine.dispose()
    assert set(Base.metadata.tables) <= tables


async def test_upgrading_twice_changes_nothing(empty_db_url: str) -> None:
    await upgrade_async(empty_db_url)
    await upgrade_async(empty_db_url)
    engine = create_engine(empty_db_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(current_revisions) == head_revisions()
    finally:
        await engine.dispose()


def test_command_line_upgrade_works_from_any_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    database = tmp_path / "nested" / "bot.db"
    upgrade(f"sqlite:///{database}")

    async def revision() -> frozenset[str]:
        engine = create_engine(f"sqlite:///{database}")
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(current_revisions)
        finally:
            await engine.dispose()

    assert blocking(revision) == head_revisions()
