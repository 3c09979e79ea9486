"""Sends the outbox through the channel adapters, with retries, resuming after a crash.

A worker claims chats, not single messages: while it serves a chat no other worker
touches it (storage/chat_locks.py), so each chat's messages go out one after another, in
order. Many chats are served side by side, each waiting for its turn under the channel's
pace (bot/delivery/rate_limits.py). Every outcome is stored before the chat's next message is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import ChannelAdapter, SendResult
from bot.delivery.batched_writes import BatchedWrites
from bot.delivery.payloads import payload_to_reply
from bot.delivery.rate_limits import RateLimits
from bot.messages import Outbound
from bot.runtime import metrics
from storage import outbox, reachability, sending
from storage.chat_locks import Chat, ChatLocks, chat_locks_for

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# chats served at the same time: enough that slots taken ahead keep the channel's pace
# while the next chats are claimed
PARALLEL_CHATS = 32
# how often a worker looks for chats a dead worker left claimed
RELEASE_EVERY = timedelta(seconds=10)

Sleep = Callable[[float], Awaitable[None]]


def backoff(attempt: int) -> timedelta:
    """2 s, 4 s, 8 s … capped at ten minutes, for timeouts and server errors."""
    return timedelta(seconds=min(600, 2**attempt))


class DeliveryWorker:
    """Claims due chats and sends their messages. Woken at once when a commit adds rows."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        adapters: Mapping[str, ChannelAdapter],
        *,
        batch: int = 50,
        parallel: int = PARALLEL_CHATS,
        limits: RateLimits | None = None,
        idle_poll: float = 1.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Sleep | None = None,
        locks: ChatLocks | None = None,
    ) -> None:
        self._sessions = sessions
        self._adapters = adapters
        self._batch = batch
        self._parallel = max(1, parallel)
        self._limits = limits or RateLimits({})
        self._idle_poll = idle_poll
        self._clock = clock
        self._sleep = sleep or self._sleep_unless_stopped
        engine = sessions.kw["bind"]
        self._locks = locks or chat_locks_for(engine)
        self._wake = asyncio.Event()
        self._stopped = asyncio.Event()
        self._delivered = asyncio.Condition()
        self._stopping = False
        self._running = False
        self._workers = 1
        # under load one commit serves many chats: the check before a send, and "sent"
        self._permits = BatchedWrites[int](self._start_sending)
        self._sent = BatchedWrites[int](self._mark_sent)

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._stopped.set()
        self._wake.set()

    async def _sleep_unless_stopped(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopped.wait(), timeout=seconds)

    async def run(self) -> None:
        """Send until `stop` is called; chats a crashed run had claimed are released first."""
        self._running = True
        try:
            await self._share_pace()
            released = await self.release_abandoned()
            if released:
                log.info("resuming %d deliveries an earlier run had started", released)
            await self._serve_until_stopped()
        finally:
            self._running = False
            await self._locks.close()

    async def _serve_until_stopped(self) -> None:
        active: dict[asyncio.Task[int], Chat] = {}
        last_release = time.monotonic()
        try:
            while not self._stopping:
                self._wake.clear()  # before claiming: a commit from now on wakes the wait
                try:
                    if time.monotonic() - last_release > RELEASE_EVERY.total_seconds():
                        await self._share_pace()
                        await self.release_abandoned()
                        last_release = time.monotonic()
                    free = self._parallel - len(active)
                    # claim in rounds, not for every chat that is done: a claim costs a
                    # transaction, and half the chats in hand keep the pace meanwhile
                    if free >= max(1, self._parallel // 2) or not active:
                        claimed = await self._claim(min(free, self._batch))
                        for chat, messages in claimed.items():
                            active[asyncio.create_task(self._serve_chat(messages))] = chat
                except Exception:  # the database away for a moment: try again shortly
                    log.exception("claiming deliveries failed; trying again")
                    await self._sleep_unless_stopped(self._idle_poll)
                woken: asyncio.Future[Any] = asyncio.ensure_future(self._wake.wait())
                waiting: set[asyncio.Future[Any]] = {woken, *active}
                try:
                    done, _ = await asyncio.wait(
                        waiting,
                        timeout=self._idle_poll,
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                finally:
                    woken.cancel()
                finished = [task for task in active if task in done]
                if finished:
                    try:
                        await self._finish([active.pop(task) for task in finished], finished)
                    except Exception:  # the locks' connection failed: they are free anyway
                        log.exception("freeing served chats failed")
        finally:
            # chats still served see `_stopping` and put back what they did not send
            if active:
                await asyncio.wait(set(active))
                await self._finish(list(active.values()), list(active))

    async def _share_pace(self) -> None:
        """The platforms limit the bot, not a process: with several workers on one database
        each sends at its share of the pace (counted again every few seconds)."""
        workers = await self._locks.workers()
        if workers != self._workers:
            log.info("%d delivery workers share the channels' pace", workers)
            self._workers = workers
        self._limits.share_with(workers)

    async def _finish(self, chats: list[Chat], tasks: list[asyncio.Task[int]]) -> None:
        await self._locks.unlock(chats)
        for task in tasks:
            if not task.cancelled() and task.exception() is not None:
                log.error("serving a chat failed", exc_info=task.exception())
        async with self._delivered:
            self._delivered.notify_all()

    async def _claim(self, chats: int) -> dict[Chat, list[sending.ClaimedMessage]]:
        now = self._clock()
        before = self._locks.held()
        try:
            async with self._sessions() as session, session.begin():
                claimed = await sending.claim_due(
                    session, list(self._adapters), now, chats, self._locks
                )
        except BaseException:  # nothing was claimed: the chats taken for it are free again
            await self._locks.unlock(self._locks.held() - before)
            raise
        grouped: dict[Chat, list[sending.ClaimedMessage]] = defaultdict(list)
        for message in claimed:
            grouped[(message.channel, message.address)].append(message)
        return grouped

    async def release_abandoned(self) -> int:
        """Give back messages of chats no live worker holds (a crashed run's claims)."""
        try:
            async with self._sessions() as session:
                candidates = await sending.abandoned_chats(session, list(self._adapters))
            taken = await self._locks.try_lock(candidates)
            try:
                async with self._sessions() as session, session.begin():
                    return await sending.release_claims(session, taken)
            finally:
                await self._locks.unlock(taken)
        finally:
            if not self._running:  # called on its own: keep no database session for locks
                await self._locks.close()

    async def drain_once(self) -> int:
        """Claim one batch of chats, send their messages, wait; returns the messages handled.

        Chats are served side by side, so one slow or rate-limited chat does not hold up the
        others; within a chat messages go out one after another, in order.
        """
        grouped = await self._claim(self._batch)
        limit = asyncio.Semaphore(self._parallel)

        async def serve(messages: list[sending.ClaimedMessage]) -> int:
            async with limit:
                return await self._serve_chat(messages)

        try:
            await asyncio.gather(*(serve(messages) for messages in grouped.values()))
        finally:
            await self._locks.unlock(grouped)
            if not self._running:  # a one-off drain keeps no database session for locks
                await self._locks.close()
        if grouped:
            async with self._delivered:
                self._delivered.notify_all()
        return sum(len(messages) for messages in grouped.values())

    async def close(self) -> None:
        """Free the chats this worker holds (the database connection behind its locks)."""
        await self._locks.close()

    async def _serve_chat(self, messages: list[sending.ClaimedMessage]) -> int:
        """Send one chat's messages in order; after a failure the rest wait, so the order
        holds. Returns how many were sent."""
        sent = 0
        for position, message in enumerate(messages):
            later = [waiting.id for waiting in messages[position + 1 :]]
            await self._wait_for_turn(message)
            if self._stopping:  # not handed over yet: back to the queue for the next run
                await self._put_back([message.id, *later])
                return sent
            if not await self._may_send(message):
                continue  # withdrawn meanwhile (announcement cancelled, data erased)
            result = await self._send(message)
            retry_at = await self._record(message, result)
            if result.outcome == "sent":
                sent += 1
            if result.outcome in ("sent", "failed") or not later:
                continue  # a message the platform refused for good does not stop the next
            async with self._sessions() as session, session.begin():
                if result.outcome == "blocked":
                    for waiting in later:
                        await sending.mark_failed(session, waiting, "blocked: by the citizen")
                else:
                    await sending.unclaim(session, later, retry_at or self._clock())
            return sent
        return sent

    async def _wait_for_turn(self, message: sending.ClaimedMessage) -> None:
        """The chat's turn first, then a channel slot: a waiting chat holds no slot."""
        wait = self._limits.chat_turn(message.channel, message.address)
        if wait > 0:
            await self._sleep(wait)
        wait = self._limits.channel_turn(message.channel)
        if wait > 0 and not self._stopping:
            await self._sleep(wait)

    async def _put_back(self, ids: list[int]) -> None:
        async with self._sessions() as session, session.begin():
            await sending.unclaim(session, ids, self._clock())

    async def _may_send(self, message: sending.ClaimedMessage) -> bool:
        return await self._permits.submit(message.id)

    async def _start_sending(self, ids: list[int]) -> set[int]:
        async with self._sessions() as session, session.begin():
            return await sending.start_sending_many(session, ids, self._clock())

    async def _mark_sent(self, ids: list[int]) -> set[int]:
        async with self._sessions() as session, session.begin():
            await sending.mark_sent_many(session, ids, self._clock())
        return set(ids)

    async def _send(self, message: sending.ClaimedMessage) -> SendResult:
        adapter = self._adapters[message.channel]
        outbound = Outbound(
            message.id, message.channel, message.address, payload_to_reply(message.payload)
        )
        try:
            return await adapter.send(outbound)
        except Exception as error:  # an adapter bug must not stop every other delivery
            log.exception("channel %s failed to send message %d", message.channel, message.id)
            return SendResult("retry", f"{type(error).__name__}: {error}")

    async def _record(self, message: sending.ClaimedMessage, result: SendResult) -> datetime | None:
        """Store the outcome; returns when the message is due again, if it is."""
        if result.outcome == "sent":
            metrics.count_sent(message.channel)
            await self._sent.submit(message.id)
            return None
        metrics.count_delivery_failure(message.channel, result.outcome)
        now = self._clock()
        message_id, attempts = message.id, message.attempts
        channel, address = message.channel, message.address
        async with self._sessions() as session, session.begin():
            if result.outcome == "retry" and (
                result.retry_after is not None or attempts < MAX_ATTEMPTS
            ):
                # a platform's own "retry after" is always honoured, however often it comes
                if result.retry_after is not None:
                    wait = timedelta(seconds=result.retry_after)
                    if result.whole_channel:  # else the chat alone waits (retry_later)
                        self._limits.pause(channel, result.retry_after)
                else:
                    wait = backoff(attempts)
                await sending.retry_later(session, message_id, now + wait, result.detail or "retry")
                return now + wait
            else:
                await sending.mark_failed(session, message_id, f"{result.outcome}: {result.detail}")
                if result.outcome == "blocked":
                    # no further deliveries to this chat until the citizen unblocks the bot
                    await reachability.mark_address_blocked(session, channel, address, now)
        return None

    async def wait_until_delivered(self, ids: list[int], patience: float = 30.0) -> bool:
        """Wait until these messages were sent or gave up; False on timeout."""

        async def settled() -> bool:
            async with self._sessions() as session:
                return await outbox.undelivered(session, ids) == 0

        async def wait() -> None:
            while not await settled():
                async with self._delivered:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._delivered.wait(), timeout=self._idle_poll)

        try:
            await asyncio.wait_for(wait(), timeout=patience)
        except TimeoutError:
            return False
        return True
