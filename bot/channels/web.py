"""The web chat channel: replies go back in the HTTP answer, later messages to open pages.

Messages a citizen sends arrive over HTTP (`bot/web/chat/`), and the dispatcher's replies
travel back in the same response. What the town sends later (a staff answer, a decision,
an announcement) comes through the outbox like on every channel: the delivery worker hands
it here, and it is pushed to the citizen's open pages. While no page is open the message
stays in the outbox; a page that connects fetches it there (`storage/web_chat.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator, Mapping

from bot.channels.base import Capabilities, ChannelAdapter, InboundSink, SendResult
from bot.messages import Outbound

CHANNEL = "web"
MAX_REPLY_CHARS = 100_000  # a page shows any length; the data export is the longest reply
# A closed page cannot be reached: the row waits, and the page fetches it when it opens.
# The worker looks again now and then, for pages open in another process.
CLOSED_PAGE_RETRY_SECONDS = 600.0


class Wake:
    """Put in a stream when a message for its page waits in the outbox (queued by another
    process): the stream reads it from there."""


WAKE = Wake()
Stream = asyncio.Queue[Outbound | Wake | None]
# where several processes share the store: tells them all that a message waits for a page
Elsewhere = Callable[[str], Awaitable[None]]


class WebChannel:
    name = CHANNEL
    capabilities = Capabilities(buttons=True, max_length=MAX_REPLY_CHARS, files=True)

    def __init__(self) -> None:
        self._streams: dict[str, set[Stream]] = {}
        self.elsewhere: Elsewhere | None = None
        self._ending = False

    async def start(self, sink: InboundSink) -> None:
        """Messages come in through the web server's routes, not through a sink."""

    async def stop(self) -> None:
        self.end_streams()

    def end_streams(self) -> None:
        """Tell every open event stream to end, so the web server can shut down; one
        opened later (its request came in just before) ends at once."""
        self._ending = True
        for streams in self._streams.values():
            for stream in streams:
                stream.put_nowait(None)

    async def send(self, message: Outbound) -> SendResult:
        streams = self._streams.get(message.address)
        if not streams:
            if self.elsewhere is not None:  # a page may be open in another process
                await self.elsewhere(message.address)
            return SendResult("retry", "no page open", retry_after=CLOSED_PAGE_RETRY_SECONDS)
        for stream in streams:
            stream.put_nowait(message)
        return SendResult.sent()

    def wake(self, address: str) -> None:
        """A message for this address waits in the outbox: its open pages fetch it."""
        for stream in self._streams.get(address, ()):
            stream.put_nowait(WAKE)

    def open_count(self, address: str) -> int:
        return len(self._streams.get(address, ()))

    @contextlib.contextmanager
    def open_stream(self, address: str) -> Iterator[Stream]:
        """A queue that receives this address's messages while the page listens."""
        stream: Stream = asyncio.Queue()
        if self._ending:
            stream.put_nowait(None)
        self._streams.setdefault(address, set()).add(stream)
        try:
            yield stream
        finally:
            streams = self._streams.get(address)
            if streams is not None:
                streams.discard(stream)
                if not streams:
                    del self._streams[address]


def web_channels() -> dict[str, WebChannel]:
    """The web chat is always offered: it needs nothing but the web server."""
    return {CHANNEL: WebChannel()}


def end_web_streams(adapters: Mapping[str, ChannelAdapter]) -> None:
    """Before the web server stops: open pages' event streams would keep it waiting."""
    channel = adapters.get(CHANNEL)
    if isinstance(channel, WebChannel):
        channel.end_streams()
