"""What the chat routes share per server: the signing key, the limits, the channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.requests import Request

from bot.app import App
from bot.channels.web import CHANNEL, WebChannel
from bot.web.chat.cors import parse_origins
from bot.web.chat.limits import RateLimiter
from storage.web_chat import signing_key


@dataclass(frozen=True)
class ChatRuntime:
    app: App
    key: str
    origins: frozenset[str]
    per_session: RateLimiter
    per_address: RateLimiter
    max_chars: int
    channel: WebChannel | None  # None when the app was built without the web channel

    @property
    def default_language(self) -> str:
        return self.app.settings.default_language


async def chat_runtime(request: Request) -> ChatRuntime:
    """Built on the first chat request; the key comes from the settings or the store."""
    found: ChatRuntime | None = getattr(request.app.state, "web_chat", None)
    if found is not None:
        return found
    # two first requests at once both build one; the stored key is the same for both
    found = await _create(request.app.state.mitreden)
    request.app.state.web_chat = found
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
        channel=channel if isinstance(channel, WebChannel) else None,
    )
