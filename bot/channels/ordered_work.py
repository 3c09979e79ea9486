"""Work queued per key: one conversation's updates run in order, different ones side by side."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Hashable

log = logging.getLogger(__name__)

Work = Callable[[], Awaitable[None]]


class OrderedWork:
    """Runs each piece of work after the previous one of the same key has finished."""

    def __init__(self, what: str) -> None:
        self._what = what  # for the log, e.g. "a Telegram update"
        self._tails: dict[Hashable, asyncio.Task[None]] = {}
        self._running: set[asyncio.Task[None]] = set()

    def add(self, key: Hashable, work: Work) -> asyncio.Task[None]:
        previous = self._tails.get(key)
        task = asyncio.create_task(self._after(previous, work))
        self._tails[key] = task
        self._running.add(task)

        def done(finished: asyncio.Task[None]) -> None:
            self._running.discard(finished)
            if self._tails.get(key) is finished:
                del self._tails[key]

        task.add_done_callback(done)
        return task

    async def finish(self) -> None:
        """Wait until everything queued, including work queued meanwhile, has run."""
        while self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)

    async def _after(self, previous: asyncio.Task[None] | None, work: Work) -> None:
        if previous is not None:
            with contextlib.suppress(Exception):
                await asyncio.shield(previous)
        try:
            await work()
        except Exception:  # one failed message must not stop the conversation's next ones
            log.exception("handling %s failed", self._what)
