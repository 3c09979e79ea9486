from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import Capabilities, InboundSink, SendResult
from bot.delivery.worker import MAX_ATTEMPTS, DeliveryWorker
from bot.messages import Outbound
from storage import outbox, sending
from storage.models import OutboxMessage


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class ScriptedChannel:
    """Answers each send with the next scripted result; records what went out."""

    name = "scripted"
    capabilities = Capabilities(buttons=True, max_length=4096, files=False)

    def __init__(self, results: list[SendResult]) -> None:
        self.results = results
        self.delivered: list[str] = []

    async def start(self, sink: InboundSink) -> None:
        """Nothing comes in."""

    async def stop(self) -> None:
        """Nothing to release."""

    async def send(self, message: Outbound) -> SendResult:
        result = self.results.pop(0) if self.results else SendResult.sent()
        if result.outcome == "sent":
            self.delivered.append(message.reply.text)
        return result


START = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


async def queue(sessions: async_sessionmaker[AsyncSession], *texts: str, priority: int = 0) -> None:
    async with sessions() as session, session.begin():
        for text in texts:
            await outbox.enqueue(
                session,
                channel="scripted",
                address="chat-1",
                citizen_id=None,
                payload={"text": text, "options": []},
                priority=priority,
                now=START,
            )


async def states(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[str, int]]:
    async with sessions() as session:
        rows = await session.execute(
            select(OutboxMessage.state, OutboxMessage.attempts).order_by(OutboxMessage.id)
        )
        return [(state, attempts) for state, attempts in rows.all()]


async def test_a_flood_wait_is_honoured_and_the_message_goes_out_afterwards(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    clock = Clock()
    channel = ScriptedChannel([SendResult("retry", "429 Too Many Requests", retry_after=30)])
    worker = DeliveryWorker(db_sessions, {"scripted": channel}, clock=clock)
    await queue(db_sessions, "Ihre Antwort ist da")

    await worker.drain_once()
    assert channel.delivered == []
    clock.advance(29)
    assert await worker.drain_once() == 0  # not due yet
    clock.advance(2)
    await worker.drain_once()
    assert channel.delivered == ["Ihre Antwort ist da"]
    assert await states(db_sessions) == [("sent", 2)]


async def test_a_blocked_recipient_is_not_tried_again(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    clock = Clock()
    channel = ScriptedChannel([SendResult("blocked", "403 Forbidden: bot was blocked by the user")])
    worker = DeliveryWorker(db_sessions, {"scripted": channel}, clock=clock)
    await queue(db_sessions, "Neuigkeiten")
    await worker.drain_once()
    clock.advance(3600)
    assert await worker.drain_once() == 0
    assert await states(db_sessions) == [("failed", 1)]


async def test_timeouts_are_retried_with_growing_pauses_then_given_up(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    clock = Clock()
    channel = ScriptedChannel([SendResult("retry", "timed out")] * MAX_ATTEMPTS)
    worker = DeliveryWorker(db_sessions, {"scripted": channel}, clock=clock)
    await queue(db_sessions, "Erinnerung")
    for _ in range(MAX_ATTEMPTS):
        await worker.drain_once()
        clock.advance(601)
    assert channel.delivered == []
    assert await states(db_sessions) == [("failed", MAX_ATTEMPTS)]


async def test_replies_to_waiting_citizens_go_before_bulk_sends(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    channel = ScriptedChannel([])
    worker = DeliveryWorker(db_sessions, {"scripted": channel}, batch=1, clock=Clock())
    await queue(db_sessions, "Ankündigung 1", "Ankündigung 2", priority=5)
    await queue(db_sessions, "Antwort an Anna", priority=0)
    for _ in range(3):
        await worker.drain_once()
    assert channel.delivered == ["Antwort an Anna", "Ankündigung 1", "Ankündigung 2"]


async def test_messages_a_crashed_worker_had_claimed_are_sent_after_the_restart(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    clock = Clock()
    await queue(db_sessions, "eins", "zwei")
    async with db_sessions() as session, session.begin():
        claimed = await sending.claim_due(session, ["scripted"], clock(), 10)
    assert len(claimed) == 2  # the worker died before it could send or record them

    channel = ScriptedChannel([])
    worker = DeliveryWorker(db_sessions, {"scripted": channel}, clock=clock)
    assert await worker.drain_once() == 0
    assert await worker.release_abandoned() == 2
    await worker.drain_once()
    assert sorted(channel.delivered) == ["eins", "zwei"]
    assert [state for state, _ in await states(db_sessions)] == ["sent", "sent"]


async def test_the_same_cause_is_queued_only_once(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        first = await outbox.enqueue(
            session,
            channel="scripted",
            address="chat-1",
            citizen_id=None,
            payload={"text": "Entscheidung"},
            dedupe_key="decision-4:citizen-9",
        )
        again = await outbox.enqueue(
            session,
            channel="scripted",
            address="chat-1",
            citizen_id=None,
            payload={"text": "Entscheidung"},
            dedupe_key="decision-4:citizen-9",
        )
    assert (first, again) == (True, False)
    assert len(await states(db_sessions)) == 1


async def test_a_blocked_chat_gets_no_further_news(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    from storage.identities import resolve_citizen
    from storage.models import ChannelIdentity

    clock = Clock()
    async with db_sessions() as session, session.begin():
        citizen, _ = await resolve_citizen(session, "scripted", "u-1", "chat-1", "de", START)
        for text in ("Neuigkeit 1", "Neuigkeit 2"):
            await outbox.enqueue(
                session,
                channel="scripted",
                address="chat-1",
                citizen_id=citizen,
                payload={"text": text},
                now=START,
            )
    channel = ScriptedChannel([SendResult("blocked", "403 Forbidden: bot was blocked by the user")])
    worker = DeliveryWorker(db_sessions, {"scripted": channel}, batch=1, clock=clock)
    await worker.drain_once()
    await worker.drain_once()
    async with db_sessions() as session:
        identity = await session.scalar(
            select(ChannelIdentity).where(ChannelIdentity.citizen_id == citizen)
        )
    assert identity is not None and identity.blocked_at is not None
    assert channel.delivered == []


class GatedChannel(ScriptedChannel):
    """Holds every send to chat-slow until the test opens the gate."""

    def __init__(self) -> None:
        super().__init__([])
        self.gate = asyncio.Event()
        self.fast_done = asyncio.Event()

    async def send(self, message: Outbound) -> SendResult:
        if message.address == "chat-slow":
            await self.gate.wait()
        self.delivered.append(message.reply.text)
        if message.address == "chat-fast":
            self.fast_done.set()
        return SendResult.sent()


async def test_a_slow_chat_does_not_hold_up_the_others(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        for address, text in [("chat-slow", "langsam"), ("chat-fast", "schnell")]:
            await outbox.enqueue(
                session,
                channel="scripted",
                address=address,
                citizen_id=None,
                payload={"text": text},
                now=START,
            )
    channel = GatedChannel()
    worker = DeliveryWorker(db_sessions, {"scripted": channel}, clock=Clock())
    draining = asyncio.create_task(worker.drain_once())
    await asyncio.wait_for(channel.fast_done.wait(), timeout=10)
    assert channel.delivered == ["schnell"]
    channel.gate.set()
    assert await draining == 2
    assert channel.delivered == ["schnell", "langsam"]


async def test_after_a_flood_wait_a_chat_gets_its_messages_in_order(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    clock = Clock()
    channel = ScriptedChannel([SendResult("retry", "429", retry_after=10)])
    worker = DeliveryWorker(db_sessions, {"scripted": channel}, clock=clock)
    await queue(db_sessions, "erste", "zweite", "dritte")
    await worker.drain_once()
    assert channel.delivered == []
    clock.advance(11)
    await worker.drain_once()
    assert channel.delivered == ["erste", "zweite", "dritte"]
    assert await states(db_sessions) == [("sent", 2), ("sent", 1), ("sent", 1)]


async def test_ids_of_deleted_messages_are_never_handed_out_again(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Matrix takes the outbox id as transaction id: a reused id would swallow a reply."""
    from sqlalchemy import delete

    await queue(db_sessions, "alt")
    async with db_sessions() as session, session.begin():
        (first,) = (await session.scalars(select(OutboxMessage.id))).all()
        await session.execute(delete(OutboxMessage))
    await queue(db_sessions, "neu")
    async with db_sessions() as session:
        (second,) = (await session.scalars(select(OutboxMessage.id))).all()
    assert second > first
