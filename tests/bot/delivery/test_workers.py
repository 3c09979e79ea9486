"""Several workers on one PostgreSQL database: each chat in order, every message once."""

from __future__ import annotations

import asyncio
import random
from collections import Counter, defaultdict

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import SendResult
from bot.delivery.worker import DeliveryWorker
from bot.messages import Outbound
from storage import outbox, sending
from storage.chat_locks import PostgresChatLocks
from tests.bot.delivery.people import START, RecordingChannel

PATIENCE = 60.0  # a guard against a hanging test; nothing is timed


class JitteryChannel(RecordingChannel):
    """Takes a random little while per send, so workers interleave as they would live."""

    def __init__(self, log: list[tuple[str, str, int]], worker: int) -> None:
        super().__init__("telegram")
        self.log = log
        self.worker = worker

    async def send(self, message: Outbound) -> SendResult:
        await asyncio.sleep(random.uniform(0, 0.004))
        self.log.append((message.address, message.reply.text, self.worker))
        return SendResult.sent()


async def test_two_workers_share_the_chats_keep_each_in_order_and_send_nothing_twice(
    postgres_sessions: async_sessionmaker[AsyncSession],
) -> None:
    chats, per_chat = 30, 6
    ids: list[int] = []
    async with postgres_sessions() as session, session.begin():
        # interleaved, as replies and notices arrive: chat order is the order of ids
        for n in range(per_chat):
            for chat in range(chats):
                queued = await outbox.enqueue_returning_id(
                    session,
                    channel="telegram",
                    address=f"chat-{chat}",
                    citizen_id=None,
                    payload={"text": f"{n}"},
                    now=START,
                )
                assert queued is not None
                ids.append(queued)
    log: list[tuple[str, str, int]] = []
    workers = [
        DeliveryWorker(
            postgres_sessions,
            {"telegram": JitteryChannel(log, number)},
            batch=8,
            parallel=8,
            idle_poll=0.05,
        )
        for number in (1, 2)
    ]
    running = [asyncio.create_task(worker.run()) for worker in workers]
    try:
        assert await workers[0].wait_until_delivered(ids, PATIENCE)
    finally:
        for worker in workers:
            worker.stop()
        await asyncio.gather(*running)

    assert len(log) == chats * per_chat
    assert Counter((address, text) for address, text, _ in log).most_common(1)[0][1] == 1
    received: dict[str, list[str]] = defaultdict(list)
    for address, text, _ in log:
        received[address].append(text)
    assert all(texts == [str(n) for n in range(per_chat)] for texts in received.values())
    assert {worker for _, _, worker in log} == {1, 2}


async def test_a_dead_workers_chats_are_taken_over_at_once_a_live_ones_never(
    postgres_url: str, postgres_sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with postgres_sessions() as session, session.begin():
        for text in ("eins", "zwei"):
            await outbox.enqueue(
                session,
                channel="telegram",
                address="chat-1",
                citizen_id=None,
                payload={"text": text},
                now=START,
            )
    first = PostgresChatLocks(postgres_url)
    async with postgres_sessions() as session, session.begin():
        claimed = await sending.claim_due(session, ["telegram"], START, 10, first)
    assert [message.payload["text"] for message in claimed] == ["eins", "zwei"]

    channel = RecordingChannel()
    second = DeliveryWorker(postgres_sessions, {"telegram": channel}, clock=lambda: START)
    assert await second.release_abandoned() == 0  # the first worker is alive: hands off
    assert await second.drain_once() == 0

    await first.close()  # the process died: PostgreSQL ends its session and frees its chats
    assert await second.release_abandoned() == 2
    assert await second.drain_once() == 2
    assert channel.sent == [("chat-1", "eins"), ("chat-1", "zwei")]


async def test_workers_on_one_database_know_how_many_share_the_pace(postgres_url: str) -> None:
    first, second = PostgresChatLocks(postgres_url), PostgresChatLocks(postgres_url)
    try:
        assert await first.workers() == 1
        assert await second.workers() == 2
        assert await first.workers() == 2
        await second.close()  # a process stopped or died
        assert await first.workers() == 1
    finally:
        await first.close()
        await second.close()
