"""mitreden wired as `mitreden run` wires it, against the Bot API double; and a citizen's chat."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from pathlib import Path

from bot.app import App, build_app
from bot.channels.telegram.updates import ChatMoved, ReachabilityChange
from bot.config import Settings
from bot.delivery.reachability import reachability_recorder
from bot.messages import InboundMessage
from bot.runtime.runner import configured_channels
from nlu.types import IntentRecognizer
from tests.bot.channels.telegram.bot_api_double import BotApiDouble, BotMessage
from tests.bot.channels.telegram.bot_api_updates import Citizen

PATIENCE = 30.0  # a guard against a hanging test, not a timing assertion


def bot_settings(double: BotApiDouble, directory: Path) -> Settings:
    return Settings.model_validate(
        {
            "database_url": f"sqlite:///{directory / 'mitreden.db'}",
            "telegram_token": double.token,
            "telegram_api_url": double.url,
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
        # per chat: the outbox ids each handled message queued, in the order handled
        self.handled: defaultdict[str, asyncio.Queue[list[int]]] = defaultdict(asyncio.Queue)
        self.handling_seconds: list[float] = []  # time inside the dispatcher, per message
        self._reachability: asyncio.Queue[ReachabilityChange | ChatMoved] = asyncio.Queue()

    @property
    def app(self) -> App:
        assert self._app is not None, "the bot is not running"
        return self._app

    @property
    def running(self) -> bool:
        return self._app is not None

    async def _sink(self, message: InboundMessage) -> None:
        started = time.perf_counter()
        ids = await self.app.dispatcher.handle(message)
        self.handling_seconds.append(time.perf_counter() - started)
        await self.handled[message.key.chat].put(ids)

    async def start(self) -> None:
        adapters = configured_channels(self.settings)
        assert list(adapters) == ["telegram"]
        self._app = await build_app(self.settings, adapters, recognizer=self._recognizer)
        record = reachability_recorder(self._app.sessions)

        async def recorded(change: ReachabilityChange | ChatMoved) -> None:
            await record(change)
            await self._reachability.put(change)

        for adapter in adapters.values():
            adapter.watch_reachability(recorded)  # type: ignore[attr-defined]
        await self._app.start(self._sink)

    async def stop(self) -> None:
        await self.app.close()
        self._app = None

    async def reachability_changed(self) -> ReachabilityChange | ChatMoved:
        """Wait until a block, an unblock or a chat's move was written to the store."""
        return await asyncio.wait_for(self._reachability.get(), PATIENCE)

    async def turn_for(self, chat: int) -> list[int]:
        """Wait until the bot handled the next message from `chat` and sent every reply to it."""
        ids = await asyncio.wait_for(self.handled[str(chat)].get(), PATIENCE)
        assert await self.app.worker.wait_until_delivered(ids, PATIENCE)
        return ids


class Chat:
    """A citizen's Telegram app: write, press buttons, read what the bot answered."""

    def __init__(self, double: BotApiDouble, bot: RunningBot, citizen: Citizen) -> None:
        self.double = double
        self.bot = bot
        self.citizen = citizen
        self.last: list[BotMessage] = []

    async def _turn(self) -> list[BotMessage]:
        await self.bot.turn_for(self.citizen.id)
        self.last = self.double.take(self.citizen.id)
        return self.last

    async def say(self, text: str) -> list[BotMessage]:
        self.double.say(self.citizen, text)
        return await self._turn()

    async def press(self, label: str) -> list[BotMessage]:
        """Press the button whose label contains `label`, under the latest message with buttons."""
        message = next((m for m in reversed(self.last) if m.keyboard), None)
        assert message is not None, f"no buttons in {self.texts()}"
        exact = next((b for b in message.buttons if label.lower() in b.lower()), None)
        assert exact is not None, f"no button like {label!r} in {message.buttons}"
        self.double.press(self.citizen, message, exact)
        return await self._turn()

    def texts(self) -> str:
        return "\n---\n".join(m.text for m in self.last)

    def buttons(self) -> list[str]:
        return [label for m in self.last for label in m.buttons]
