from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import App
from bot.config import Settings
from nlu.types import TeachableRecognizer
from storage.seed import seed_demo
from tests.bot.civic.council.oparl_server import OParlServer, serving
from tests.bot.web.support import StaffClient, app_with_staff

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
async def oparl() -> AsyncIterator[OParlServer]:
    async with serving("v11") as server:
        yield server


@pytest.fixture
async def oparl_v10() -> AsyncIterator[OParlServer]:
    async with serving("v10", relative_next=True) as server:
        yield server


@pytest.fixture
async def oparl_edge() -> AsyncIterator[OParlServer]:
    """A council with the edge cases of real servers: closed sessions, cancelled meetings,
    deletions written as strings, `javascript:` links (fixtures/edge.json)."""
    async with serving("edge") as server:
        yield server


@pytest.fixture
async def staff_app(
    sqlite_url: str, recognizer: TeachableRecognizer
) -> AsyncIterator[tuple[App, StaffClient]]:
    """A running bot with its staff app, and a logged-in staff member's client."""
    async with app_with_staff(sqlite_url, recognizer, "clara") as running:
        yield running


@pytest.fixture
async def town(db_sessions: async_sessionmaker[AsyncSession]) -> async_sessionmaker[AsyncSession]:
    """The demo town's topics (with their keywords), consultations and ideas."""
    async with db_sessions() as session, session.begin():
        await seed_demo(session, NOW)
    return db_sessions


# the test server answers on loopback, which the sync refuses unless the operator allows it
LOOPBACK_ALLOWED = "127.0.0.1"


def council_settings(server: OParlServer, **changes: object) -> Settings:
    values: dict[str, object] = {
        "oparl_system_url": server.system_url,
        "oparl_timeout": 2.0,
        "oparl_allowed_networks": LOOPBACK_ALLOWED,
        **changes,
    }
    return Settings.model_validate(values)
