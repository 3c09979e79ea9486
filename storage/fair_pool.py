"""A connection pool that hands a returned connection to the task that waited longest.

SQLAlchemy's asyncio pool lets a task that asks for a connection take one that was just
returned even while others wait for it. A busy citizen's next message, whose turn reads
nothing before it asks, then keeps taking the connection ahead of newcomers: throughput
looked fine while a new citizen's first answer waited seconds. Here a returned
connection goes straight to the first waiter, and no one takes a connection past a queue.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry
from sqlalchemy.util.concurrency import await_
from sqlalchemy.util.queue import AsyncAdaptedQueue, Empty


class _FairQueue(AsyncAdaptedQueue[ConnectionPoolEntry]):
    def __init__(self, maxsize: int = 0, use_lifo: bool = False) -> None:
        super().__init__(maxsize, use_lifo)
        self._waiting: deque[asyncio.Future[ConnectionPoolEntry]] = deque()

    def _someone_waits(self) -> bool:
        while self._waiting and self._waiting[0].done():  # timed out meanwhile
            self._waiting.popleft()
        return bool(self._waiting)

    def get(self, block: bool = True, timeout: float | None = None) -> ConnectionPoolEntry:
        if not self._someone_waits():
            try:
                return self._queue.get_nowait()
            except asyncio.QueueEmpty:
                pass
        if not block:  # the pool may open another connection instead
            raise Empty()
        waiter: asyncio.Future[ConnectionPoolEntry] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        try:
            return await_(asyncio.wait_for(waiter, timeout))
        except TimeoutError as error:
            raise Empty() from error

    def put_nowait(self, item: ConnectionPoolEntry) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(item)
                return
        super().put_nowait(item)

    def put(
        self, item: ConnectionPoolEntry, block: bool = True, timeout: float | None = None
    ) -> None:
        self.put_nowait(item)  # the pool never holds more idle connections than its size


class FairAsyncPool(AsyncAdaptedQueuePool):
    _queue_class: Any = _FairQueue
