from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.updates import ChatMoved, ReachabilityChange
from bot.messages import InboundMessage
from tests.bot.channels.telegram.bot_api_double import BotApiDouble

PATIENCE = 15.0  # only a guard against a hanging test; nothing is timed


class Collected:
    """What the channel handed to the core: inbound messages and reachability changes."""

    def __init__(self) -> None:
        self.messages: asyncio.Queue[InboundMessage] = asyncio.Queue()
        self.changes: asyncio.Queue[ReachabilityChange | ChatMoved] = asyncio.Queue()

    async def sink(self, message: InboundMessage) -> None:
        await self.messages.put(message)

    async def reachability(self, change: ReachabilityChange | ChatMoved) -> None:
        await self.changes.put(change)

    async def next(self) -> InboundMessage:
        return await asyncio.wait_for(self.messages.get(), PATIENCE)

    async def next_change(self) -> ReachabilityChange | ChatMoved:
        return await asyncio.wait_for(self.changes.get(), PATIENCE)


class ManualClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def double() -> AsyncIterator[BotApiDouble]:
    server = BotApiDouble()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def collected() -> Collected:
    return Collected()


@pytest.fixture
async def channel(
    double: BotApiDouble, collected: Collected, clock: ManualClock
) -> AsyncIterator[TelegramChannel]:
    telegram = TelegramChannel(double.token, api_url=double.url, poll_timeout=1, clock=clock)
    telegram.watch_reachability(collected.reachability)
    await telegram.start(collected.sink)
    yield telegram
    await telegram.stop()
