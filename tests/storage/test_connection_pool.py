"""How many connections a bot process holds, whatever the load."""

from __future__ import annotations

import asyncio
from typing import cast

from sqlalchemy import text
from sqlalchemy.pool import QueuePool

from storage.database import create_engine, is_sqlite, session_factory


async def test_busy_moments_wait_for_the_processs_connections(db_url: str) -> None:
    size = 1 if is_sqlite(db_url) else 3
    engine = create_engine(db_url, pool_size=size)
    sessions = session_factory(engine)
    busiest = 0
    open_now = 0

    async def work() -> None:
        nonlocal busiest, open_now
        async with sessions() as session, session.begin():
            await session.execute(text("SELECT 1"))  # the connection is taken here
            open_now += 1
            busiest = max(busiest, open_now)
            await asyncio.sleep(0.01)  # others arrive while this one holds its connection
            open_now -= 1

    try:
        await asyncio.gather(*(work() for _ in range(30)))
        assert busiest == size  # thirty at once, never more connections than the pool
        assert cast(QueuePool, engine.pool).checkedin() == size  # kept, not closed
    finally:
        await engine.dispose()
