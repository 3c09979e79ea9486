"""Group commit: the conversation states of many concurrent turns in one transaction.

A turn that read or wrote nothing else has only its new state to store. Committing each
alone would cost a transaction per message; instead the writes that arrive while one
commit runs wait and go together in the next. Each caller returns only after its own
state is committed, so an answer is never sent for a state a crash could lose.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.lean_conversations import upsert_states

log = logging.getLogger(__name__)

Waiting = tuple[dict[str, Any], asyncio.Future[None]]


class StateWriter:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._waiting: list[Waiting] = []
        self._flushing: asyncio.Task[None] | None = None
        self.commits = 0  # how many transactions the writes took, for benchmarks

    async def write(self, row: dict[str, Any]) -> None:
        """Store one conversation's state; returns once it is committed, raises if it failed."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((row, done))
        if self._flushing is None:
            self._flushing = asyncio.create_task(self._flush())
        await done

    async def _flush(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                await self._commit(batch)
        finally:
            self._flushing = None

    async def _commit(self, batch: list[Waiting]) -> None:
        try:
            async with self._sessions() as session, session.begin():
                await upsert_states(session, [row for row, _ in batch])
            self.commits += 1
        except Exception as error:
            if len(batch) > 1:
                # one bad row (a citizen erased meanwhile) must not fail the others
                for single in batch:
                    await self._commit([single])
                return
            _, done = batch[0]
            if not done.done():
                done.set_exception(error)
            return
        for _, done in batch:
            if not done.done():  # the caller may have gone (a closed connection)
                done.set_result(None)
