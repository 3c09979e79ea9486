"""Which delivery worker serves a chat: one at a time, so a chat's messages stay in order.

A worker holds a chat from claiming its messages until their outcome is stored. On SQLite
there is one worker per database, so a set in memory is enough. On PostgreSQL several
`mitreden run` processes share the outbox: each holds a session-level advisory lock per
chat on a connection of its own. When a process dies, PostgreSQL ends its session and
frees its chats at once, which is also how the others tell an abandoned claim from a live
one.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterable
from typing import Protocol

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import NullPool
from sqlalchemy.types import BigInteger

from storage.database import create_engine

Chat = tuple[str, str]  # (channel, address)


class ChatLocks(Protocol):
    async def try_lock(self, chats: Iterable[Chat]) -> set[Chat]:
        """Take the chats no one serves; returns those taken."""
        ...

    async def unlock(self, chats: Iterable[Chat]) -> None: ...

    def held(self) -> frozenset[Chat]: ...

    async def workers(self) -> int:
        """How many delivery workers share this database now, this one included."""
        ...

    async def close(self) -> None: ...


class LocalChatLocks:
    """For the single worker of a SQLite database."""

    def __init__(self) -> None:
        self._held: set[Chat] = set()

    async def try_lock(self, chats: Iterable[Chat]) -> set[Chat]:
        taken = set(chats) - self._held
        self._held |= taken
        return taken

    async def unlock(self, chats: Iterable[Chat]) -> None:
        self._held -= set(chats)

    def held(self) -> frozenset[Chat]:
        return frozenset(self._held)

    async def workers(self) -> int:
        return 1

    async def close(self) -> None:
        self._held.clear()


def chat_key(chat: Chat) -> int:
    """A signed 64-bit number for the chat; a rare collision only makes two chats take turns."""
    digest = hashlib.blake2b(f"{chat[0]}\0{chat[1]}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


_TRY = text(
    "SELECT k, pg_try_advisory_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k"
).bindparams(bindparam("keys", type_=ARRAY(BigInteger())))
# workers announce themselves with a two-number advisory lock (this number, a free slot);
# chats use the one-number form, so the two never meet
WORKER_CLASS = 7_262_016
WORKER_SLOTS = 1024
_TAKE_SLOT = text(
    "SELECT s FROM generate_series(0, :slots - 1) AS s"
    " WHERE pg_try_advisory_lock(:class, s) LIMIT 1"
)
_COUNT_WORKERS = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND classid = :class AND objsubid = 2"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)
_UNLOCK = text("SELECT pg_advisory_unlock(k) FROM unnest(CAST(:keys AS bigint[])) AS k").bindparams(
    bindparam("keys", type_=ARRAY(BigInteger()))
)


class PostgresChatLocks:
    """Advisory locks on one connection this worker keeps open while it runs."""

    def __init__(self, url: str) -> None:
        # NullPool: closing the connection ends the database session and frees every lock;
        # a pooled connection would keep the session, and the locks, alive
        self._engine: AsyncEngine = create_engine(url, poolclass=NullPool)
        self._connection: AsyncConnection | None = None
        self._busy = asyncio.Lock()  # one statement at a time on the connection
        self._held: set[Chat] = set()
        self._slot: int | None = None  # this worker's place among the live ones

    async def _connected(self) -> AsyncConnection:
        if self._connection is None:
            connection = await self._engine.connect()
            # autocommit: no transaction stays open on this long-lived connection
            self._connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        return self._connection

    async def try_lock(self, chats: Iterable[Chat]) -> set[Chat]:
        # a session lock is re-entrant: asking again for a chat this worker holds would
        # succeed, so those are never asked for
        wanted = {chat_key(chat): chat for chat in set(chats) - self._held}
        if not wanted:
            return set()
        async with self._busy:
            connection = await self._connected()
            try:
                rows = (await connection.execute(_TRY, {"keys": list(wanted)})).all()
            except Exception:
                await self._lost()
                raise
            taken = {wanted[key] for key, ok in rows if ok}
        self._held |= taken
        return taken

    async def unlock(self, chats: Iterable[Chat]) -> None:
        mine = set(chats) & self._held
        if not mine:
            return
        async with self._busy:
            connection = await self._connected()
            try:
                await connection.execute(_UNLOCK, {"keys": [chat_key(chat) for chat in mine]})
            except Exception:
                await self._lost()
                raise
        self._held -= mine

    async def workers(self) -> int:
        async with self._busy:
            connection = await self._connected()
            try:
                if self._slot is None:
                    self._slot = await connection.scalar(
                        _TAKE_SLOT, {"slots": WORKER_SLOTS, "class": WORKER_CLASS}
                    )
                count = await connection.scalar(_COUNT_WORKERS, {"class": WORKER_CLASS})
            except Exception:
                await self._lost()
                raise
        return max(1, int(count or 0))

    async def _lost(self) -> None:
        """The lock connection failed: end its session for sure, so every lock is free and
        nothing is held by a session no one uses; the next call connects anew."""
        if self._connection is not None:
            connection, self._connection = self._connection, None
            await connection.invalidate()
        self._held.clear()
        self._slot = None

    def held(self) -> frozenset[Chat]:
        return frozenset(self._held)

    async def close(self) -> None:
        """Free every chat by ending the session; the next use opens a new one."""
        async with self._busy:
            if self._connection is not None:
                connection, self._connection = self._connection, None
                try:
                    await connection.close()
                except Exception:  # a dead connection cannot be closed cleanly
                    await connection.invalidate()
            self._held.clear()
            self._slot = None
        await self._engine.dispose()


def chat_locks_for(engine: AsyncEngine) -> ChatLocks:
    if engine.dialect.name == "postgresql":
        return PostgresChatLocks(engine.url.render_as_string(hide_password=False))
    return LocalChatLocks()
