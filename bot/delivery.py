"""Sends the outbox through the channel adapters, with retries, resuming after a crash."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import ChannelAdapter, SendResult
from bot.messages import Outbound
from bot.payloads import payload_to_reply
from storage import outbox, reachability

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
PARALLEL_CHATS = 16  # chats served at the same time; the platforms' limits are per chat
STALE_CLAIM = timedelta(minutes=2)


def backoff(attempt: int) -> timedelta:
    """2 s, 4 s, 8 s … capped at ten minutes, for timeouts and server errors."""
    return timedelta(seconds=min(600, 2**attempt))


class DeliveryWorker:
    """Claims due outbox rows and sends them. Woken at once when a commit adds rows."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        adapters: Mapping[str, ChannelAdapter],
        *,
        batch: int = 50,
        idle_poll: float = 1.0,
        release_after: timedelta = timedelta(0),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = sessions
        self._adapters = adapters
        self._batch = batch
        self._idle_poll = idle_poll
        self._clock = clock
        # how old another worker's claim must be before it counts as abandoned: zero where
        # this is the only worker (SQLite), a few minutes where several share PostgreSQL
        self._release_after = release_after
        self._wake = asyncio.Event()
        self._delivered = asyncio.Condition()
        self._stopping = False

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Send until `stop` is called; messages a crashed run had claimed are released first."""
        released = await self.release_abandoned()
        if released:
            log.info("resuming %d deliveries an earlier run had started", released)
        last_release = self._clock()
        while not self._stopping:
            if self._clock() - last_release > STALE_CLAIM:
                await self.release_abandoned()
                last_release = self._clock()
            sent = await self.drain_once()
            if sent == 0:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self._idle_poll)

    async def release_abandoned(self) -> int:
        async with self._sessions() as session, session.begin():
            return await outbox.release_stale_claims(session, self._release_after, self._clock())

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def drain_once(self) -> int:
        """Claim one batch and send it; returns how many rows were handled.

        Chats are served side by side, so one slow or rate-limited chat does not hold up the
        others; within a chat messages go out one after another, in order.
        """
        now = self._clock()
        async with self._sessions() as session, session.begin():
            claimed = await outbox.claim_due(session, list(self._adapters), now, self._batch)
        chats: dict[tuple[str, str], list[outbox.ClaimedMessage]] = defaultdict(list)
        for message in claimed:
            chats[(message.channel, message.address)].append(message)
        limit = asyncio.Semaphore(PARALLEL_CHATS)

        async def serve(messages: list[outbox.ClaimedMessage]) -> None:
            async with limit:
                await self._send_in_order(messages)

        await asyncio.gather(*(serve(messages) for messages in chats.values()))
        if claimed:
            async with self._delivered:
                self._delivered.notify_all()
        return len(claimed)

    async def _send_in_order(self, messages: list[outbox.ClaimedMessage]) -> None:
        """Send one chat's messages; after a failure the rest wait, so the order holds."""
        for position, message in enumerate(messages):
            result = await self._send(message)
            retry_at = await self._record(message, result)
            later = [waiting.id for waiting in messages[position + 1 :]]
            if result.outcome in ("sent", "failed") or not later:
                continue  # a message the platform refused for good does not stop the next
            async with self._sessions() as session, session.begin():
                if result.outcome == "blocked":
                    for waiting in later:
                        await outbox.mark_failed(session, waiting, "blocked: by the citizen")
                else:
                    await outbox.unclaim(session, later, retry_at or self._clock())
            return

    async def _send(self, message: outbox.ClaimedMessage) -> SendResult:
        adapter = self._adapters[message.channel]
        outbound = Outbound(
            message.id, message.channel, message.address, payload_to_reply(message.payload)
        )
        try:
            return await adapter.send(outbound)
        except Exception as error:  # an adapter bug must not stop every other delivery
            log.exception("channel %s failed to send message %d", message.channel, message.id)
            return SendResult("retry", f"{type(error).__name__}: {error}")

    async def _record(self, message: outbox.ClaimedMessage, result: SendResult) -> datetime | None:
        """Store the outcome; returns when the message is due again, if it is."""
        now = self._clock()
        message_id, attempts = message.id, message.attempts
        channel, address = message.channel, message.address
        async with self._sessions() as session, session.begin():
            if result.outcome == "sent":
                await outbox.mark_sent(session, message_id, now)
            elif result.outcome == "retry" and (
                result.retry_after is not None or attempts < MAX_ATTEMPTS
            ):
                # a platform's own "retry after" is always honoured, however often it comes
                wait = (
                    timedelta(seconds=result.retry_after)
                    if result.retry_after is not None
                    else backoff(attempts)
                )
                await outbox.retry_later(session, message_id, now + wait, result.detail or "retry")
                return now + wait
            else:
                await outbox.mark_failed(session, message_id, f"{result.outcome}: {result.detail}")
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
