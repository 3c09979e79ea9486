"""Databases with many recipients for the delivery benchmarks: SQLite and PostgreSQL.

PostgreSQL is the server at 127.0.0.1:5432 (MITREDEN_TEST_POSTGRES_URL overrides); each
run gets a database of its own, dropped at the end.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage import outbox
from storage.migrate import upgrade_async
from storage.models import OutboxMessage
from tests.storage.postgres_cluster import create_database, drop_database

POSTGRES_URL = os.environ.get(
    "MITREDEN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


@asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    """A fresh migrated PostgreSQL database; yields its async URL."""
    name = f"mitreden_bench_{uuid.uuid4().hex[:10]}"
    await create_database(POSTGRES_URL, name)
    url = make_url(POSTGRES_URL).set(database=name, drivername="postgresql+asyncpg")
    rendered = url.render_as_string(hide_password=False)
    try:
        await upgrade_async(rendered)
        yield rendered
    finally:
        await drop_database(POSTGRES_URL, name)


@asynccontextmanager
async def sqlite_database(directory: Path) -> AsyncIterator[str]:
    url = f"sqlite:///{directory / 'bench.db'}"
    await upgrade_async(url)
    yield url


async def add_recipients(engine: AsyncEngine, count: int, first_chat: int = 500_000) -> None:
    """`count` consenting citizens with one Telegram chat each, written set-based."""
    now = datetime.now(UTC)
    numbers = (
        "SELECT generate_series(1, :count) AS n"
        if engine.dialect.name == "postgresql"
        else "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < :count)"
        " SELECT n FROM s"
    )
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO citizens (id, language, consent_at, created_at, last_seen_at)"
                f" SELECT n, CASE WHEN n % 5 = 0 THEN 'en' ELSE 'de' END, :now, :now, :now"
                f" FROM ({numbers}) AS numbers"
            ),
            {"count": count, "now": now},
        )
        await connection.execute(
            text(
                "INSERT INTO channel_identities"
                " (citizen_id, channel, user_key, address, created_at)"
                " SELECT id, 'telegram', CAST(id + :first AS VARCHAR(32)),"
                " CAST(id + :first AS VARCHAR(32)), :now FROM citizens"
            ),
            {"first": first_chat - 1, "now": now},
        )
        if engine.dialect.name == "postgresql":
            # ids were given explicitly: move the sequence past them
            await connection.execute(
                text("SELECT setval('citizens_id_seq', (SELECT max(id) FROM citizens))")
            )


async def sent_span(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, float]:
    """Messages sent and the seconds between the first and the last."""
    sent_at = OutboxMessage.sent_at
    query = select(func.count(), func.min(sent_at), func.max(sent_at)).where(
        OutboxMessage.state == outbox.SENT
    )
    async with sessions() as session:
        count, first, last = (await session.execute(query)).one()
    if first is None or last is None:
        return 0, 0.0
    return int(count), (last - first).total_seconds()
