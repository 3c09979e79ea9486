"""A channel that keeps what it is sent: for conversation tests and the flow simulator."""

from __future__ import annotations

from collections import defaultdict

from bot.channels.base import Capabilities, InboundSink, SendResult
from bot.messages import Outbound
from flows.types import Reply


class RecordingChannel:
    name: str
    capabilities: Capabilities

    def __init__(self, name: str = "test", buttons: bool = True) -> None:
        """`buttons=False` stands for a channel that lists options with numbers."""
        self.name = name
        self.capabilities = Capabilities(buttons=buttons, max_length=1_000_000, files=True)
        self.sent: dict[str, list[Reply]] = defaultdict(list)

    async def start(self, sink: InboundSink) -> None:
        """Messages come in through the dispatcher directly."""

    async def stop(self) -> None:
        """Nothing to release."""

    async def send(self, message: Outbound) -> SendResult:
        self.sent[message.address].append(message.reply)
        return SendResult.sent()

    def take(self, address: str) -> list[Reply]:
        """The replies sent to `address` since the last take."""
        replies = self.sent.pop(address, [])
        return replies
