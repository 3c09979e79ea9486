from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from bot.channels.matrix.channel import MatrixChannel
from bot.channels.matrix.login import MatrixAccount
from bot.messages import InboundMessage
from nlu.factory import create_recognizer
from nlu.types import IntentRecognizer
from tests.bot.channels.matrix.bot_under_test import Chat, RunningBot, bot_settings
from tests.bot.channels.matrix.citizen import PATIENCE, Citizen
from tests.bot.channels.matrix.synapse_server import Account, Synapse, running_synapse

CitizenFactory = Callable[[str], Awaitable[Citizen]]


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synapse]:
    """One homeserver for the whole test session; every test uses its own accounts."""
    with running_synapse(tmp_path_factory.mktemp("synapse")) as server:
        yield server


@pytest.fixture(scope="session")
def recognizer(nlu_cache: Path) -> IntentRecognizer:
    """One trained model for every bot in the session; training it is the slow part."""
    return create_recognizer(cache_dir=nlu_cache)


@pytest.fixture
async def citizens(synapse: Synapse, tmp_path: Path) -> AsyncIterator[CitizenFactory]:
    """Citizens with their own accounts and E2EE devices, logged out after the test."""
    made: list[Citizen] = []

    async def make(name: str) -> Citizen:
        account = await asyncio.to_thread(synapse.account, name)
        citizen = Citizen(synapse.url, account, tmp_path / "citizens" / account.user_id)
        await citizen.login()
        made.append(citizen)
        return citizen

    yield make
    for citizen in made:
        await citizen.close()


@pytest.fixture
async def bot_account(synapse: Synapse) -> Account:
    return await asyncio.to_thread(synapse.account, "bot")


class Collected:
    """What the channel handed to the core."""

    def __init__(self) -> None:
        self.messages: asyncio.Queue[InboundMessage] = asyncio.Queue()

    async def sink(self, message: InboundMessage) -> None:
        await self.messages.put(message)

    async def next(self) -> InboundMessage:
        return await asyncio.wait_for(self.messages.get(), PATIENCE)


def channel_for(
    synapse: Synapse, account: Account, store: Path, *, max_photo_bytes: int = 10_000_000
) -> MatrixChannel:
    return MatrixChannel(
        MatrixAccount(synapse.url, account.user_id, store, password=account.password),
        sync_timeout_ms=5_000,
        max_photo_bytes=max_photo_bytes,
    )


@pytest.fixture
async def collected() -> Collected:
    return Collected()


@pytest.fixture
async def channel(
    synapse: Synapse, bot_account: Account, collected: Collected, tmp_path: Path
) -> AsyncIterator[MatrixChannel]:
    matrix = channel_for(synapse, bot_account, tmp_path / "bot-store")
    await matrix.start(collected.sink)
    yield matrix
    await matrix.stop()


async def greeted_chat(
    citizens: CitizenFactory, bot_user: str, collected: Collected
) -> tuple[Citizen, str]:
    """Anna in an encrypted direct chat with the bot, after her "Hallo" reached the core
    (the bot answers those who wrote to it)."""
    anna = await citizens("anna")
    room = await anna.open_direct_chat(bot_user)
    await anna.write("Hallo")
    await collected.next()
    return anna, room


@pytest.fixture
async def bot(
    synapse: Synapse, bot_account: Account, tmp_path: Path, recognizer: IntentRecognizer
) -> AsyncIterator[RunningBot]:
    running = RunningBot(bot_settings(synapse, bot_account, tmp_path), recognizer)
    await running.start()
    yield running
    if running.running:
        await running.stop()


async def open_chat(citizens: CitizenFactory, bot: RunningBot, name: str) -> Chat:
    citizen = await citizens(name)
    await citizen.open_direct_chat(bot.settings.matrix_user_id or "")
    return Chat(citizen, bot)
