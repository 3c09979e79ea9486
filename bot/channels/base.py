"""The contract every channel adapter fulfils."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from bot.messages import InboundMessage, Outbound

InboundSink = Callable[[InboundMessage], Awaitable[None]]


@dataclass(frozen=True)
class Capabilities:
    buttons: bool  # False: options are shown as a numbered list and "2" maps back
    max_length: int
    files: bool


@dataclass(frozen=True)
class SendResult:
    """How a send went. `retry_after` is the platform's wish in seconds (429); it holds the
    whole channel unless `whole_channel` is False (the platform asked only this chat to wait)."""

    outcome: Literal["sent", "retry", "blocked", "failed"]
    detail: str = ""
    retry_after: float | None = None
    whole_channel: bool = True

    @classmethod
    def sent(cls) -> SendResult:
        return cls("sent")


class ChannelAdapter(Protocol):
    name: str
    capabilities: Capabilities

    async def start(self, sink: InboundSink) -> None: ...
    async def stop(self) -> None: ...
    async def send(self, message: Outbound) -> SendResult: ...
