"""Bringing a database to the newest schema with the shipped Alembic migrations."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from storage.database import create_engine

MIGRATIONS = Path(__file__).parent / "migrations"
# any fixed number; PostgreSQL serialises bot processes that start at the same moment
_UPGRADE_LOCK_ID = 7_262_015


# seeding and publishing the shipped flows at start: one process at a time, for the same reason
_START_LOCK_ID = 7_262_017


async def serialise_start(session: AsyncSession) -> None:
    """Inside the start-up transaction: processes starting at the same moment seed and
    publish one after the other, each seeing what the one before stored."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _START_LOCK_ID})


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration built in code, independent of the working directory."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        # passed as an attribute: a main option would treat '%' in a password as interpolation
        config.attributes["url"] = url
    return config


def head_revisions() -> frozenset[str]:
    """The newest revisions the shipped migrations know (one per independent branch)."""
    heads = frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())
    if not heads:
        raise RuntimeError(f"no migrations found in {MIGRATIONS}")
    return heads


def current_revisions(connection: Connection) -> frozenset[str]:
    """The revisions a database is at, empty when it was never migrated."""
    return frozenset(MigrationContext.configure(connection).get_current_heads())


def _upgrade_on(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _UPGRADE_LOCK_ID})
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "heads")


async def upgrade_async(url: str) -> None:
    """Migrates the database at `url` to the newest schema in one transaction."""
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade_on)
    finally:
        await engine.dispose()


def upgrade(url: str) -> None:
    """Synchronous form of `upgrade_async`, for the command line."""
    asyncio.run(upgrade_async(url))
