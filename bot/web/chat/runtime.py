"""What the chat routes share per server: the signing key, the limits, the channel."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.requests import Request

from bot.app import App
from bot.channels.web import CHANNEL, WebChannel
from bot.direct_answers import DirectAnswers
from bot.web.chat.cors import parse_origins
from bot.web.chat.limits import RateLimiter
from storage.database import is_sqlite
from storage.web_chat import signing_key


@dataclass(frozen=True)
class ChatRuntime:
    app: App
    key: str
    origins: frozenset[str]
    per_session: RateLimiter
    per_address: RateLimiter
    max_chars: int
    answers: DirectAnswers
    channel: WebChannel | None  # None when the app was built without the web channel

    @property
    def default_language(self) -> str:
        return self.app.settings.default_language


async def chat_runtime(request: Request) -> ChatRuntime:
    """Built on the first chat request; the key comes from the settings or the store."""
    found: ChatRuntime | None = getattr(request.app.state, "web_chat", None)
    if found is not None:
        return found
    state = request.app.state
    creating: asyncio.Lock | None = getattr(state, "web_chat_creating", None)
    if creating is None:  # no await since the check: no other request can be here
        creating = state.web_chat_creating = asyncio.Lock()
    async with creating:
        found = getattr(state, "web_chat", None)
        if found is None:
            found = state.web_chat = await _create(state.mitreden)
    return found


async def _create(app: App) -> ChatRuntime:
    settings = app.settings
    if settings.web_chat_secret is not None and settings.web_chat_secret.get_secret_value():
        key = settings.web_chat_secret.get_secret_value()
    else:
        async with app.sessions() as session, session.begin():
            key = await signing_key(session, datetime.now(UTC))
    channel = app.adapters.get(CHANNEL)
    return ChatRuntime(
        app=app,
        key=key,
        origins=parse_origins(settings.web_chat_origins),
        per_session=RateLimiter(settings.web_chat_rate_per_session),
        per_address=RateLimiter(settings.web_chat_rate_per_address),
        max_chars=settings.web_chat_max_chars,
        answers=DirectAnswers(
            app.sessions,
            app.recognizer,
            lambda: app.library,
            app.services,
            app.dispatcher_settings,
            # one process owns a SQLite file; with PostgreSQL others may change a conversation
            remember=is_sqlite(settings.database_url),
        ),
        channel=channel if isinstance(channel, WebChannel) else None,
    )
