"""The pace per channel and per chat, driven by a clock the test controls (nothing sleeps)."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import SendResult
from bot.civic.announcements import create_announcement
from bot.config import Settings
from bot.delivery.rate_limits import Pace, RateLimits, paces_from_settings
from bot.delivery.worker import DeliveryWorker
from bot.messages import Outbound
from storage import outbox
from tests.bot.delivery.people import START, RecordingChannel, add_citizen


class VirtualTime:
    """One clock for the worker (datetimes) and the limits (seconds); sleeping moves it on."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def monotonic(self) -> float:
        return self.seconds

    def now(self) -> datetime:
        return START + timedelta(seconds=self.seconds)

    async def sleep(self, seconds: float) -> None:
        self.seconds += seconds


class TimedChannel(RecordingChannel):
    def __init__(self, time: VirtualTime, name: str = "telegram") -> None:
        super().__init__(name)
        self.time = time
        self.at: list[float] = []

    async def send(self, message: Outbound) -> SendResult:
        self.at.append(self.time.seconds)
        return await super().send(message)


def test_the_channel_pace_spaces_sends_evenly_after_the_burst() -> None:
    time = VirtualTime()
    limits = RateLimits({"telegram": Pace(rate=30, burst=1)}, time.monotonic)
    waits = [limits.channel_turn("telegram") for _ in range(4)]
    assert waits == pytest.approx([0, 1 / 30, 2 / 30, 3 / 30])
    time.seconds = 10  # a quiet while refills only up to the burst
    assert [limits.channel_turn("telegram") for _ in range(2)] == pytest.approx([0, 1 / 30])


def test_a_chat_waits_for_its_own_turn_before_it_takes_a_channel_slot() -> None:
    time = VirtualTime()
    limits = RateLimits({"telegram": Pace(rate=30, burst=1, per_chat=1.0)}, time.monotonic)
    assert limits.chat_turn("telegram", "anna") == 0
    assert limits.channel_turn("telegram") == 0
    assert limits.chat_turn("telegram", "anna") == pytest.approx(1.0)
    # anna waits for her turn without a channel slot; the next slot goes to ben
    assert limits.chat_turn("telegram", "ben") == 0
    assert limits.channel_turn("telegram") == pytest.approx(1 / 30)


def test_a_flood_wait_holds_the_whole_channel_and_other_channels_run_free() -> None:
    time = VirtualTime()
    limits = RateLimits({"telegram": Pace(rate=30, burst=1)}, time.monotonic)
    limits.pause("telegram", 5.0)
    assert limits.channel_turn("telegram") == pytest.approx(5.0)
    assert limits.channel_turn("web") == 0
    assert limits.chat_turn("web", "anna") == 0


def test_the_settings_give_telegram_and_matrix_their_paces() -> None:
    paces = paces_from_settings(Settings(telegram_rate=25, matrix_rate=0))
    assert paces["telegram"] == Pace(rate=25, burst=3, per_chat=1.0, per_chat_burst=3)
    assert paces["matrix"].rate is None  # 0 switches the limit off
    assert Settings().matrix_rate == 0.2  # Synapse's default for an ordinary account


async def test_a_broadcast_goes_out_at_the_telegram_pace_and_a_chat_at_one_per_second(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    time = VirtualTime()
    async with db_sessions() as session, session.begin():
        for n in range(60):
            await add_citizen(session, f"citizen-{n}")
        await create_announcement(
            session,
            text_de="Hitzewarnung: Trinkwasserbrunnen sind geöffnet.",
            text_en=None,
            audience="all",
            send_at=None,
            created_by=None,
            now=START,
        )
        for text in ("eins", "zwei", "drei"):
            await outbox.enqueue(
                session,
                channel="telegram",
                address="telegram:citizen-0",
                citizen_id=None,
                payload={"text": text},
                priority=0,
                now=START,
            )
    channel = TimedChannel(time)
    limits = RateLimits(
        {"telegram": Pace(rate=30, burst=1, per_chat=1.0, per_chat_burst=1)}, time.monotonic
    )
    worker = DeliveryWorker(
        db_sessions,
        {"telegram": channel},
        parallel=1,  # one chat at a time: the virtual clock moves by each wait exactly
        limits=limits,
        clock=time.now,
        sleep=time.sleep,
    )
    while await worker.drain_once():
        pass

    assert len(channel.sent) == 63
    gaps = [later - earlier for earlier, later in pairwise(channel.at)]
    assert min(gaps) >= 1 / 30 - 1e-9
    assert channel.at[-1] - channel.at[0] >= 62 / 30 - 1e-9
    citizen_0 = [
        at
        for (address, _), at in zip(channel.sent, channel.at, strict=True)
        if address == "telegram:citizen-0"
    ]
    assert len(citizen_0) == 4  # three replies and the announcement
    assert all(b - a >= 1.0 - 1e-9 for a, b in pairwise(citizen_0))


async def test_a_flood_wait_from_telegram_pauses_every_chat(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    time = VirtualTime()
    async with db_sessions() as session, session.begin():
        for n in range(3):
            await add_citizen(session, f"citizen-{n}")
        await create_announcement(
            session,
            text_de="Neuigkeit",
            text_en=None,
            audience="all",
            send_at=None,
            created_by=None,
            now=START,
        )

    class FloodOnce(TimedChannel):
        async def send(self, message: Outbound) -> SendResult:
            if not self.at and not getattr(self, "flooded", False):
                self.flooded = True
                return SendResult("retry", "429 Too Many Requests", retry_after=7)
            return await super().send(message)

    channel = FloodOnce(time)
    limits = RateLimits({"telegram": Pace(rate=30, burst=1)}, time.monotonic)
    worker = DeliveryWorker(
        db_sessions,
        {"telegram": channel},
        parallel=1,
        limits=limits,
        clock=time.now,
        sleep=time.sleep,
    )
    await worker.drain_once()
    # the other two chats waited out the flood wait before their first send
    assert len(channel.at) == 2 and min(channel.at) >= 7.0


def test_two_processes_each_send_at_half_the_channels_pace() -> None:
    time = VirtualTime()
    limits = RateLimits({"telegram": Pace(rate=30, burst=1, per_chat=1.0)}, time.monotonic)
    limits.share_with(2)
    assert [limits.channel_turn("telegram") for _ in range(3)] == pytest.approx([0, 1 / 15, 2 / 15])
    assert limits.chat_turn("telegram", "anna") == 0  # a chat's own pace stays as it is
    assert limits.chat_turn("telegram", "anna") == pytest.approx(1.0)
