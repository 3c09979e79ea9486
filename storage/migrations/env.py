"""Alembic environment: runs on a connection handed in by storage.migrate, or on its own.

storage.migrate passes an open connection in `config.attributes["connection"]`, so migrations
run inside the caller's event loop and transaction. Run from the alembic command line (to write
a new revision), it opens an async engine on `sqlalchemy.url` or MITREDEN_DATABASE_URL.
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection

import storage.models  # noqa: F401  (registers every table on Base.metadata)
from storage.base import Base
from storage.database import create_engine

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead
        render_as_batch=connection.dialect.name == "sqlite",
    )


def _run(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_standalone(url: str) -> None:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


def _standalone_url() -> str:
    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
    url = url or os.environ.get("MITREDEN_DATABASE_URL")
    if not url:
        raise RuntimeError("no database URL: set sqlalchemy.url or MITREDEN_DATABASE_URL")
    return str(url)


if context.is_offline_mode():
    context.configure(url=_standalone_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif (given := config.attributes.get("connection")) is not None:
    _run(given)
else:
    asyncio.run(_run_standalone(_standalone_url()))
