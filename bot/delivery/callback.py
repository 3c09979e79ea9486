"""The callback channel's sender: each reply is POSTed to the operator's address.

Rasa's callback channel POSTs every bot message, as JSON in the REST channel's format, to
a configured endpoint. Here the replies go through the outbox like on every channel, so
the delivery worker (bot/delivery/worker.py) sends them after a restart too and retries
what the endpoint could not take: a timeout, a connection that failed, 408, 429 (after its
Retry-After) and 5xx are tried again with backoff; any other answer fails the message.
"""

from __future__ import annotations

import aiohttp

from bot.channels.base import Capabilities, ChannelAdapter, InboundSink, SendResult
from bot.config import Settings
from bot.messages import Outbound
from bot.web.chat.rasa_format import rasa_message

CHANNEL = "callback"
TIMEOUT_SECONDS = 10.0  # a whole request; a slow endpoint must not hold the worker's chat
MAX_REPLY_CHARS = 100_000  # as the web chat: the receiving server shows what it likes
_RETRY_STATUS = frozenset({408, 425, 429})


class CallbackChannel:
    name = CHANNEL
    capabilities = Capabilities(buttons=True, max_length=MAX_REPLY_CHARS, files=True)

    def __init__(self, url: str, timeout: float = TIMEOUT_SECONDS) -> None:
        self.url = url
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def start(self, sink: InboundSink) -> None:
        """Messages come in through the web server's route, not through a sink."""

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, message: Outbound) -> SendResult:
        if self._session is None:  # made here: it belongs to the running event loop
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        body = rasa_message(message.address, message.reply)
        try:
            async with self._session.post(self.url, json=body, allow_redirects=False) as answer:
                status = answer.status
                wait = answer.headers.get("Retry-After", "")
        except (TimeoutError, aiohttp.ClientError) as error:
            return SendResult("retry", f"callback endpoint: {type(error).__name__} {error}")
        if 200 <= status < 300:
            return SendResult.sent()
        detail = f"callback endpoint answered {status}"
        if status in _RETRY_STATUS or status >= 500:
            seconds = float(wait) if status == 429 and wait.isdecimal() else None
            return SendResult("retry", detail, retry_after=seconds)
        return SendResult("failed", detail)


def callback_channels(settings: Settings) -> dict[str, ChannelAdapter]:
    """The callback channel where the operator set its address; none otherwise."""
    url = (settings.callback_url or "").strip()
    return {CHANNEL: CallbackChannel(url)} if url else {}
