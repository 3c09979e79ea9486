"""Telegram's 429 holds back what it names: the chat, or every chat when the bot is limited.

The delivery worker, the Telegram channel and the Bot API double run on one virtual clock:
waiting moves the clock on instead of taking time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.telegram.channel import TelegramChannel
from bot.config import Settings
from bot.delivery.rate_limits import RateLimits
from bot.delivery.worker import DeliveryWorker
from storage import outbox
from storage.models.core import OutboxMessage
from tests.bot.channels.telegram.bot_api_double import BotApiDouble
from tests.bot.channels.telegram.bot_api_updates import Citizen
from tests.bot.channels.telegram.conftest import Collected
from tests.bot.delivery.test_rate_limits import VirtualTime

ANNA, BEN, CEM, DORA = (Citizen(1001 + n, name) for n, name in enumerate(("A", "B", "C", "D")))
Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
def time() -> VirtualTime:
    return VirtualTime()


@pytest.fixture
async def telegram(
    double: BotApiDouble, collected: Collected, time: VirtualTime
) -> AsyncIterator[TelegramChannel]:
    channel = TelegramChannel(
        double.token, api_url=double.url, poll_timeout=1, clock=time.monotonic
    )
    await channel.start(collected.sink)
    for citizen in (ANNA, BEN, CEM, DORA):  # a bot can only write to those who wrote first
        double.say(citizen, "Hallo")
        await collected.next()
    yield channel
    await channel.stop()


def worker(sessions: Sessions, channel: TelegramChannel, time: VirtualTime) -> DeliveryWorker:
    return DeliveryWorker(
        sessions,
        {"telegram": channel},
        parallel=1,  # one chat after the other: the order of the 429s is the order queued
        limits=RateLimits.from_settings(Settings(), time.monotonic),
        clock=time.now,
        sleep=time.sleep,
    )


async def queue(sessions: Sessions, time: VirtualTime, *citizens: Citizen) -> None:
    async with sessions() as session, session.begin():
        for citizen in citizens:
            await outbox.enqueue(
                session,
                channel="telegram",
                address=str(citizen.id),
                citizen_id=None,
                payload={"text": f"Neuigkeiten für {citizen.first_name}", "options": []},
                now=time.now(),
            )


async def sent_to(sessions: Sessions) -> list[str]:
    async with sessions() as session:
        query = select(OutboxMessage.address).where(OutboxMessage.state == "sent")
        return list((await session.scalars(query.order_by(OutboxMessage.id))).all())


async def test_a_flood_wait_for_one_chat_does_not_hold_back_the_others(
    db_sessions: Sessions, double: BotApiDouble, telegram: TelegramChannel, time: VirtualTime
) -> None:
    delivery = worker(db_sessions, telegram, time)
    double.fail_next(1, 429, retry_after=30)
    await queue(db_sessions, time, ANNA)
    await delivery.drain_once()
    assert await sent_to(db_sessions) == []

    await queue(db_sessions, time, BEN)
    await delivery.drain_once()
    assert await sent_to(db_sessions) == [str(BEN.id)]
    assert time.seconds < 30, "Ben waited for Anna's flood wait"

    time.seconds = 31
    await delivery.drain_once()
    assert await sent_to(db_sessions) == [str(ANNA.id), str(BEN.id)]


async def test_flood_waits_in_several_chats_at_once_hold_back_every_chat(
    db_sessions: Sessions, double: BotApiDouble, telegram: TelegramChannel, time: VirtualTime
) -> None:
    delivery = worker(db_sessions, telegram, time)
    double.fail_next(3, 429, retry_after=30)
    await queue(db_sessions, time, ANNA, BEN, CEM, DORA)
    await delivery.drain_once()
    # three chats refused at once: the bot's own limit, so Dora waited for it as well
    assert await sent_to(db_sessions) == [str(DORA.id)]
    assert time.seconds >= 30
