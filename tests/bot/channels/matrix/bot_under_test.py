"""mitreden wired as `mitreden run` wires it, against the test Synapse; and a citizen's chat."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from pathlib import Path

from bot.app import App, build_app
from bot.channels.matrix.channel import MatrixChannel
from bot.config import Settings
from bot.delivery.reachability import watch_reachability
from bot.messages import InboundMessage
from bot.runtime.runner import configured_channels
from nlu.types import IntentRecognizer
from tests.bot.channels.matrix.citizen import PATIENCE, Citizen, Received
from tests.bot.channels.matrix.synapse_server import Account, Synapse


def bot_settings(synapse: Synapse, account: Account, directory: Path) -> Settings:
    return Settings.model_validate(
        {
            "database_url": f"sqlite:///{directory / 'mitreden.db'}",
            "matrix_homeserver": synapse.url,
            "matrix_user_id": account.user_id,
            "matrix_password": account.password,
            "matrix_store_dir": directory / "matrix-store",
            "nlu_cache_dir": directory / "nlu-cache",
            "report_photo_dir": directory / "report-photos",
        }
    )


class RunningBot:
    """One bot process: the channels from the settings, the dispatcher and the delivery worker."""

    def __init__(self, settings: Settings, recognizer: IntentRecognizer | None = None) -> None:
        self.settings = settings
        self._recognizer = recognizer
        self._app: App | None = None
        # per room and sender: the outbox ids each handled message queued, in order
        self.handled: defaultdict[tuple[str, str], asyncio.Queue[list[int]]] = defaultdict(
            asyncio.Queue
        )
        self.handling_seconds: list[float] = []  # time inside the dispatcher, per message

    @property
    def app(self) -> App:
        assert self._app is not None, "the bot is not running"
        return self._app

    @property
    def channel(self) -> MatrixChannel:
        channel = self.app.adapters["matrix"]
        assert isinstance(channel, MatrixChannel)
        return channel

    @property
    def running(self) -> bool:
        return self._app is not None

    async def _sink(self, message: InboundMessage) -> None:
        started = time.perf_counter()
        ids = await self.app.dispatcher.handle(message)
        self.handling_seconds.append(time.perf_counter() - started)
        await self.handled[(message.key.chat, message.key.user)].put(ids)

    async def start(self) -> None:
        adapters = configured_channels(self.settings)
        assert list(adapters) == ["matrix"]
        self._app = await build_app(self.settings, adapters, recognizer=self._recognizer)
        watch_reachability(adapters, self._app.sessions)  # as `mitreden run` does
        await self._app.start(self._sink)

    async def stop(self) -> None:
        await self.app.close()
        self._app = None

    async def turn_for(self, room_id: str, user_id: str) -> list[int]:
        """Wait until the bot handled the next message there and sent every reply to it."""
        ids = await asyncio.wait_for(self.handled[(room_id, user_id)].get(), PATIENCE)
        assert await self.app.worker.wait_until_delivered(ids, PATIENCE)
        return ids


class Chat:
    """A citizen talking to the running bot: write, pick options by number, read replies."""

    def __init__(self, citizen: Citizen, bot: RunningBot) -> None:
        self.citizen = citizen
        self.bot = bot

    async def turn(self) -> list[Received]:
        ids = await self.bot.turn_for(self.citizen.room_id, self.citizen.account.user_id)
        return await self.citizen.collect(len(ids))

    async def say(self, text: str) -> list[Received]:
        await self.citizen.write(text)
        return await self.turn()

    async def choose(self, label: str) -> list[Received]:
        """Type the number of the option whose label contains `label`."""
        return await self.say(self.citizen.number_of(label))

    def texts(self) -> str:
        return self.citizen.texts()

    def options(self) -> list[str]:
        return self.citizen.options()
