"""What the web server needs of the running bot, as the composition root hands it over.

The pages find it as `request.app.state.mitreden`. A Protocol rather than the app itself,
so the web package depends on nothing but these names and the composition root stays
the one module that knows how the parts are built.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.content.conversation_tests import BuildBot
from bot.content.intent_data import Trainer
from bot.content.simulator import Simulators
from bot.dispatcher import DispatchSettings
from bot.web.chat.runtime import ChatRuntime
from flows.library import FlowLibrary
from nlu.types import IntentRecognizer


class Wakeable(Protocol):
    def wake(self) -> None: ...


class Running(Protocol):
    @property
    def settings(self) -> Settings: ...

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]: ...

    @property
    def recognizer(self) -> IntentRecognizer: ...

    @property
    def dispatcher_settings(self) -> DispatchSettings: ...

    @property
    def chat(self) -> ChatRuntime: ...

    @property
    def build_bot(self) -> BuildBot:
        """A throw-away bot for conversation tests and the flow simulator."""
        ...

    @property
    def simulators(self) -> Simulators:
        """Staff's chats with draft flows."""
        ...

    @property
    def trainer(self) -> Trainer:
        """Trainings of intent data, one at a time, in worker threads."""
        ...

    @property
    def worker(self) -> Wakeable: ...

    @property
    def library(self) -> FlowLibrary: ...

    async def reload_flows(self) -> None: ...

    async def refresh_content(self) -> None: ...
