"""Which `mitreden run` process runs the shared scheduled jobs.

On PostgreSQL the process holding a session-level advisory lock leads. The lock lives on a
connection of its own: when the process dies or loses that connection, PostgreSQL releases
the lock and the next process that asks takes it over. A SQLite file serves one process, so
that process always leads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from storage.database import is_sqlite, normalise_url

log = logging.getLogger(__name__)

# one number for the whole product: "mitreden" in ASCII, read as an integer
SCHEDULER_LOCK = 0x6D6974726564656E & 0x7FFFFFFFFFFFFFFF
# a leader whose database does not answer within this time is no longer trusted
PING_TIMEOUT_SECONDS = 10.0
# the server probes the lock connection, so a leader that vanished without closing it (power
# cut, lost network) frees the lock after about a minute, not after the system's two hours
SERVER_KEEPALIVES = {
    "tcp_keepalives_idle": "30",
    "tcp_keepalives_interval": "10",
    "tcp_keepalives_count": "3",
}


class Leadership:
    """Takes, keeps and gives up the scheduler lock; `check()` before every shared job."""

    def __init__(self, url: str, key: int = SCHEDULER_LOCK) -> None:
        url = normalise_url(url)
        self._always = is_sqlite(url)
        # NullPool: closing the connection really ends the database session, and with it
        # the lock; a pooled connection would keep the session, and the lock, alive
        self._engine: AsyncEngine | None = (
            None
            if self._always
            else create_async_engine(
                url, poolclass=NullPool, connect_args={"server_settings": SERVER_KEEPALIVES}
            )
        )
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
                await connection.execute(select(1))
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
            # autocommit: no transaction stays open on this long-lived connection
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            taken = bool(await connection.scalar(select(func.pg_try_advisory_lock(self._key))))
        except Exception as error:
            log.warning("cannot take the scheduler lock: %s", error)
            await _close_quietly(connection)
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
            await _close_quietly(held)


async def _close_quietly(connection: AsyncConnection) -> None:
    try:
        await connection.close()
    except Exception:  # a dead connection cannot be closed cleanly; drop it from the pool
        with contextlib.suppress(Exception):
            await connection.invalidate()
