"""Trying flows before publishing them: the real bot over a throw-away database.

Each administrator's simulator runs the real dispatcher, flows and NLU with the flow set
being edited (the published flows with a draft in place of its flow) on a temporary SQLite
file seeded with the demo town, so nothing a test chat does reaches real citizens' data.
The simulators run on an event loop of their own, in one worker thread: starting one
(migrations, checks, demo data) takes the CPU for a while, and the bot serving citizens
must not wait for that.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bot.config import Settings
from bot.content.conversation_tests import BuildBot, Conversation
from bot.content.intent_data import private_copy
from flows.types import Reply
from nlu.types import IntentRecognizer

T = TypeVar("T")

USER = "simulator"
MAX_SIMULATORS = 8  # each holds a small database and an app; the oldest is closed first
IDLE_SECONDS = 30 * 60


@dataclass(frozen=True)
class Line:
    """One message in the simulated chat; `options` are (label, value) buttons."""

    sender: str  # "citizen" or "bot"
    text: str
    options: tuple[tuple[str, str], ...] = ()


@dataclass
class Simulator:
    """One simulated chat; `lines` is its transcript so far."""

    conversation: Conversation
    folder: tempfile.TemporaryDirectory[str]
    flows: tuple[tuple[str, str], ...]
    lines: list[Line] = field(default_factory=list)
    used_at: float = field(default_factory=time.monotonic)

    async def converse(self, text: str, choice: str | None = None) -> list[Reply]:
        """One message; runs on the loop the simulator was started on (Simulators.send)."""
        self.used_at = time.monotonic()
        self.lines.append(Line("citizen", text))
        replies = await self.conversation.send(USER, text, choice)
        for reply in replies:
            options = tuple((option.label, option.value) for option in reply.options)
            self.lines.append(Line("bot", reply.text, options))
        return replies

    @property
    def options(self) -> tuple[tuple[str, str], ...]:
        """The buttons of the bot's last message."""
        for line in reversed(self.lines):
            if line.sender == "citizen":
                return ()
            if line.options:
                return line.options
        return ()

    async def close(self) -> None:
        try:
            await self.conversation.stop()
        finally:
            self.folder.cleanup()


async def start_simulator(
    settings: Settings,
    recognizer: IntentRecognizer,
    build: BuildBot,
    flows: Sequence[tuple[str, str]],
    language: str | None = None,
) -> Simulator:
    """A fresh simulated chat with this flow set (flow id, source)."""
    folder = tempfile.TemporaryDirectory(prefix="mitreden-simulator-")
    local = settings.model_copy(
        update={"database_url": f"sqlite:///{folder.name}/bot.db", "demo_data": "true"}
    )
    conversation = Conversation(local, recognizer, build, language, flows)
    try:
        await conversation.start()
    except BaseException:
        folder.cleanup()
        raise
    return Simulator(conversation, folder, tuple(flows))


class _LoopThread:
    """An event loop in a daemon thread; `run` awaits a coroutine executed there."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def _start(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(
                target=self._loop.run_forever, name="flow-simulators", daemon=True
            )
            self._thread.start()
        return self._loop

    async def run(self, work: Coroutine[Any, Any, T]) -> T:
        future = asyncio.run_coroutine_threadsafe(work, self._start())
        return await asyncio.wrap_future(future)

    async def stop(self) -> None:
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        await asyncio.to_thread(thread.join)
        loop.close()


class Simulators:
    """The open simulated chats, by a key such as (login session, flow id)."""

    def __init__(self) -> None:
        self._open: OrderedDict[tuple[str, str], Simulator] = OrderedDict()
        self._thread = _LoopThread()

    def get(self, key: tuple[str, str]) -> Simulator | None:
        simulator = self._open.get(key)
        if simulator is not None:
            self._open.move_to_end(key)
        return simulator

    async def open(
        self,
        key: tuple[str, str],
        settings: Settings,
        recognizer: IntentRecognizer,
        build: BuildBot,
        flows: Sequence[tuple[str, str]],
    ) -> Simulator:
        """A new chat for `key` (closing the one it had) with the given flow set."""
        await self.close(key)
        await self._tidy()
        simulator = await self._thread.run(
            start_simulator(settings, private_copy(recognizer), build, flows)
        )
        self._open[key] = simulator
        return simulator

    async def send(self, simulator: Simulator, text: str, choice: str | None = None) -> list[Reply]:
        """One message to a simulated chat of this pool (on the simulators' own loop)."""
        return await self._thread.run(simulator.converse(text, choice))

    async def close(self, key: tuple[str, str]) -> None:
        simulator = self._open.pop(key, None)
        if simulator is not None:
            await self._thread.run(simulator.close())

    async def close_all(self) -> None:
        while self._open:
            _, simulator = self._open.popitem()
            with contextlib.suppress(Exception):
                await self._thread.run(simulator.close())
        await self._thread.stop()

    async def _tidy(self) -> None:
        now = time.monotonic()
        for key in [k for k, s in self._open.items() if now - s.used_at > IDLE_SECONDS]:
            await self.close(key)
        while len(self._open) >= MAX_SIMULATORS:
            _, oldest = self._open.popitem(last=False)
            await self._thread.run(oldest.close())
