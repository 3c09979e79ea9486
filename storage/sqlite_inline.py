"""SQLite statements run right where they are awaited, not in a helper thread.

aiosqlite hands every statement to a thread of its own and the result back through the
event loop: two thread switches per statement. On a busy machine each switch waits for
the operating system to schedule a thread, which made a message's few statements take
longer than all the work around them (measured: three times fewer web chat messages per
second). SQLite on a local file answers in microseconds, and a process holds one
connection (storage/database.py), so the statement may as well run in the loop's thread.

The price: while another process holds the database's write lock (a `mitreden` command
writing at that moment), the event loop waits for it, at most the busy timeout. The helper
thread still exists; it opens and closes the connection.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import aiosqlite


class InlineConnection(aiosqlite.Connection):
    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)


def inline_connector(database: str, timeout: float) -> Callable[[], Awaitable[InlineConnection]]:
    """For create_async_engine(async_creator=...): a connection usable from any thread,
    since the helper thread opens it and the event loop's thread uses it."""

    async def connect() -> InlineConnection:
        connection = InlineConnection(
            partial(sqlite3.connect, database, timeout=timeout, check_same_thread=False),
            iter_chunk_size=64,
        )
        connection._thread.daemon = True  # as SQLAlchemy does: never hold up the exit
        await connection
        return connection

    return connect
