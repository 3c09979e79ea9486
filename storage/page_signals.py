"""Signals between the processes sharing one PostgreSQL database: "a message waits for this
web chat page" (LISTEN/NOTIFY, no broker of its own).

A page's event stream lives in the process its browser reached. A staff answer, a delayed
delivery or a reply queued by another process is sent by whichever process's delivery
worker claims it; where that process has no page of the chat open, it signals here, and
the process that has one reads the message from the outbox at once. Signals carry only
the chat's address and may be lost (a dropped connection): the streams still look in the
outbox every few seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

CHANNEL = "mitreden_web_pages"
RECONNECT_SECONDS = 2.0

OnSignal = Callable[[str], None]


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class PageSignals:
    """One connection that listens for and sends signals; reconnects when it is lost."""

    def __init__(self, url: str, on_signal: OnSignal) -> None:
        self._dsn = _asyncpg_dsn(url)
        self._on_signal = on_signal
        self._connection: Any = None
        self._reconnecting: asyncio.Task[None] | None = None
        self._closed = False

    async def start(self) -> None:
        self._connection = await self._connect()

    async def _connect(self) -> Any:
        connection = await asyncpg.connect(self._dsn)
        await connection.add_listener(CHANNEL, self._heard)
        connection.add_termination_listener(self._lost)
        return connection

    def _heard(self, connection: object, pid: int, channel: str, payload: str) -> None:
        self._on_signal(payload)

    def _lost(self, connection: object) -> None:
        self._connection = None
        if not self._closed and self._reconnecting is None:
            self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        try:
            while not self._closed and self._connection is None:
                await asyncio.sleep(RECONNECT_SECONDS)
                try:
                    self._connection = await self._connect()
                except (OSError, asyncpg.PostgresError) as error:
                    log.warning("cannot listen for web chat signals yet: %s", error)
        finally:
            self._reconnecting = None

    async def notify(self, address: str) -> None:
        """Tell every process (this one too) that a message for `address` waits."""
        connection = self._connection
        if connection is None:
            return  # the streams' own look into the outbox finds it a little later
        try:
            await connection.execute("SELECT pg_notify($1, $2)", CHANNEL, address)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            log.warning("could not signal a waiting web chat message: %s", error)

    async def close(self) -> None:
        self._closed = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconnecting
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.close(timeout=5)
            except Exception:  # a dead connection cannot be closed cleanly
                connection.terminate()
