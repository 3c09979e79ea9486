"""The demo town in a fresh database, and a clock the tests move."""

from __future__ import annotations

import pytest

from storage.seed import seed_demo
from tests.bot.civic.turns import NOW, Clock, Sessions


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def sessions(db_sessions: Sessions) -> Sessions:
    async with db_sessions() as session, session.begin():
        assert await seed_demo(session, NOW)
    return db_sessions
