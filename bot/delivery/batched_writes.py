"""Writes many concurrent callers need, gathered into one transaction each round.

While one round is written, new requests queue up and go together in the next. Under load
one commit serves many messages; alone, a request is written at once, without waiting.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)


class BatchedWrites(Generic[Key]):
    """`write(keys)` stores a round and returns the keys it succeeded for."""

    def __init__(self, write: Callable[[list[Key]], Awaitable[set[Key]]]) -> None:
        self._write = write
        self._waiting: list[tuple[Key, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def submit(self, key: Key) -> bool:
        """True once the write for `key` is committed and succeeded."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((key, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_rounds())
        return await future

    async def _write_rounds(self) -> None:
        while self._waiting:
            round_, self._waiting = self._waiting, []
            try:
                done = await self._write([key for key, _ in round_])
            except Exception as error:  # every caller of the round learns it failed
                for _, future in round_:
                    if not future.done():
                        future.set_exception(error)
                continue
            for key, future in round_:
                if not future.done():
                    future.set_result(key in done)
