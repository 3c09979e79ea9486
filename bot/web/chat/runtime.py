"""What the chat routes share per server: the signing key, the limits, the channel and the
dispatcher's direct route. Built once by the composition root (bot/app.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request

from bot.channels.web import WebChannel
from bot.messages import InboundMessage
from bot.web.chat.limits import RateLimiter, StreamSlots
from flows.types import Reply

Answer = Callable[[InboundMessage], Awaitable[list[Reply]]]
Queue = Callable[[InboundMessage], Awaitable[list[int]]]


@dataclass(frozen=True)
class ChatRuntime:
    key: str
    origins: frozenset[str]
    per_session: RateLimiter
    per_address: RateLimiter
    max_chars: int
    default_language: str
    answer: Answer  # the dispatcher's direct route: replies once the turn is committed
    sessions: async_sessionmaker[AsyncSession]
    channel: WebChannel | None  # None when the app was built without the web channel
    new_sessions: RateLimiter  # sessions started per network address
    streams: StreamSlots
    frontend_secret: str | None = None  # a trusted front end's stand-in for every token
    # the dispatcher's outbox route, for the callback channel; None when it is not configured
    queue: Queue | None = None
    # the largest photo the upload route takes (MITREDEN_REPORT_PHOTO_MAX_BYTES)
    max_photo_bytes: int = 10_000_000


def chat_runtime(request: Request) -> ChatRuntime:
    runtime: ChatRuntime = request.app.state.chat
    return runtime
