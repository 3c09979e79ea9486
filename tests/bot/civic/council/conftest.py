from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from storage.seed import seed_demo
from tests.bot.civic.council.oparl_server import OParlServer

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
async def oparl() -> AsyncIterator[OParlServer]:
    server = OParlServer("v11")
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def oparl_v10() -> AsyncIterator[OParlServer]:
    server = OParlServer("v10", relative_next=True)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def town(db_sessions: async_sessionmaker[AsyncSession]) -> async_sessionmaker[AsyncSession]:
    """The demo town's topics (with their keywords), consultations and ideas."""
    async with db_sessions() as session, session.begin():
        await seed_demo(session, NOW)
    return db_sessions


def council_settings(server: OParlServer, **changes: object) -> Settings:
    values: dict[str, object] = {
        "oparl_system_url": server.system_url,
        "oparl_timeout": 2.0,
        **changes,
    }
    return Settings.model_validate(values)
