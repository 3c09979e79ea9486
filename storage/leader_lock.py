"""The PostgreSQL advisory lock that makes one `mitreden run` process the leader.

The lock belongs to a database session, so it lives on a connection of its own: when the
holder dies or loses that connection, PostgreSQL releases the lock. When to ask for it is
bot/runtime/leader.py's business.
"""

from __future__ import annotations

import contextlib

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

# the server probes the lock connection, so a leader that vanished without closing it (power
# cut, lost network) frees the lock after about a minute, not after the system's two hours
SERVER_KEEPALIVES = {
    "tcp_keepalives_idle": "30",
    "tcp_keepalives_interval": "10",
    "tcp_keepalives_count": "3",
}


def lock_engine(url: str) -> AsyncEngine:
    """Connections for holding the lock, to an already normalised PostgreSQL URL."""
    # NullPool: closing the connection really ends the database session, and with it
    # the lock; a pooled connection would keep the session, and the lock, alive
    return create_async_engine(
        url, poolclass=NullPool, connect_args={"server_settings": SERVER_KEEPALIVES}
    )


async def try_lock(connection: AsyncConnection, key: int) -> bool:
    """Take the lock for this connection's session; False when another session holds it."""
    # autocommit: no transaction stays open on this long-lived connection
    connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
    return bool(await connection.scalar(select(func.pg_try_advisory_lock(key))))


async def close_quietly(connection: AsyncConnection) -> None:
    """Close it, which frees the lock; a dead connection is dropped instead."""
    try:
        await connection.close()
    except Exception:  # a dead connection cannot be closed cleanly; drop it from the pool
        with contextlib.suppress(Exception):
            await connection.invalidate()
