"""Which `mitreden run` process runs the shared scheduled jobs.

On PostgreSQL the process holding a session-level advisory lock leads. The lock lives on a
connection of its own: when the process dies or loses that connection, PostgreSQL releases
the lock and the next process that asks takes it over. A SQLite file serves one process, so
that process always leads.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.database import is_sqlite, normalise_url, ping
from storage.leader_lock import close_quietly, lock_engine, try_lock

log = logging.getLogger(__name__)

# one number for the whole product: "mitreden" in ASCII, read as an integer
SCHEDULER_LOCK = 0x6D6974726564656E & 0x7FFFFFFFFFFFFFFF
# a leader whose database does not answer within this time is no longer trusted
PING_TIMEOUT_SECONDS = 10.0


class Leadership:
    """Takes, keeps and gives up the scheduler lock; `check()` before every shared job."""

    def __init__(self, url: str, key: int = SCHEDULER_LOCK) -> None:
        url = normalise_url(url)
        self._always = is_sqlite(url)
        self._engine: AsyncEngine | None = None if self._always else lock_engine(url)
        self._key = key
        self._held: AsyncConnection | None = None
        self._released = False  # after release() this process never leads again
        self._busy = asyncio.Lock()  # one statement at a time on the lock connection

    @property
    def leading(self) -> bool:
        """What the last check found; `check()` asks the database again."""
        return self._always or self._held is not None

    async def check(self) -> bool:
        """True when this process leads now: it still holds the lock, or just took it."""
        if self._always:
            return True
        async with self._busy:
            if self._released:
                return False
            if self._held is not None:
                if await self._still_connected(self._held):
                    return True
                log.warning("lost the connection that held the scheduler lock")
                await self._drop()
            return await self._try_take()

    async def release(self) -> None:
        """Give the lock up (on shutdown), so another process takes over at once."""
        async with self._busy:  # a check under way finishes first
            self._released = True
            await self._drop()
        if self._engine is not None:
            await self._engine.dispose()

    async def _still_connected(self, connection: AsyncConnection) -> bool:
        try:
            async with asyncio.timeout(PING_TIMEOUT_SECONDS):
                await ping(connection)
        except Exception:  # any failure means the session, and the lock, may be gone
            return False
        return True

    async def _try_take(self) -> bool:
        assert self._engine is not None
        try:
            connection = await self._engine.connect()
        except Exception as error:  # the database is away; ask again at the next check
            log.warning("cannot reach the database to take the scheduler lock: %s", error)
            return False
        try:
            taken = await try_lock(connection, self._key)
        except Exception as error:
            log.warning("cannot take the scheduler lock: %s", error)
            await close_quietly(connection)
            return False
        if not taken:
            await connection.close()
            return False
        self._held = connection
        log.info("this process now runs the scheduled jobs")
        return True

    async def _drop(self) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            await close_quietly(held)
