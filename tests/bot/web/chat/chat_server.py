"""A whole bot with its web server on a free loopback port, as `mitreden run` builds it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import select

from bot.app import App, build_app
from bot.channels.base import ChannelAdapter
from bot.channels.web import end_web_streams, web_channels
from bot.civic.questions.answers import answer_question
from bot.config import Settings
from bot.delivery.callback import callback_channels
from bot.web.server import WebServer, create_web_app
from nlu.types import IntentRecognizer
from storage.models.civic import Question
from storage.models.core import ChannelIdentity


@dataclass
class ChatServer:
    app: App
    url: str

    def client(self, **kwargs: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, timeout=30, **kwargs)

    async def web_senders(self) -> set[str]:
        """The web chats the store knows a citizen for."""
        async with self.app.sessions() as session:
            found = await session.scalars(
                select(ChannelIdentity.user_key).where(ChannelIdentity.channel == "web")
            )
            return set(found)

    async def answer_latest_question(self, answer: str) -> str:
        """A member of staff answers the newest question; returns its reference."""
        async with self.app.sessions() as session, session.begin():
            question = await session.scalar(select(Question).order_by(Question.id.desc()))
            assert question is not None, "nobody asked a question"
            ref = question.ref
            assert ref is not None
            await answer_question(session, ref, answer, False, "staff", _now())
        self.app.worker.wake()
        return ref


def _now() -> datetime:
    return datetime.now(UTC)


@asynccontextmanager
async def running_chat(
    database_url: str, recognizer: IntentRecognizer, **settings: Any
) -> AsyncIterator[ChatServer]:
    config = Settings(database_url=database_url, demo_data="true", nlu_cache_dir=None, **settings)
    adapters: dict[str, ChannelAdapter] = {**web_channels(), **callback_channels(config)}
    app = await build_app(config, adapters, recognizer)
    server = WebServer(create_web_app(app), "127.0.0.1", 0)
    await server.start()
    await app.start(app.dispatcher.handle_and_forget)
    try:
        yield ChatServer(app, f"http://127.0.0.1:{server.port}")
    finally:
        end_web_streams(adapters)
        await server.stop()
        await app.close()
