"""Citizens with chats, written straight into the store for delivery tests."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Capabilities, InboundSink, SendResult
from bot.messages import Outbound
from storage.models import ChannelIdentity, Citizen

START = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


async def add_citizen(
    session: AsyncSession,
    name: str,
    *,
    language: str = "de",
    channels: tuple[str, ...] = ("telegram",),
    blocked: bool = False,
    consented: bool = True,
) -> int:
    """A citizen reachable in one chat per channel; the chat's address is f"{channel}:{name}"."""
    citizen = Citizen(
        language=language,
        created_at=START,
        last_seen_at=START,
        consent_at=START if consented else None,
    )
    session.add(citizen)
    await session.flush()
    for channel in channels:
        session.add(
            ChannelIdentity(
                citizen_id=citizen.id,
                channel=channel,
                user_key=name,
                address=f"{channel}:{name}",
                blocked_at=START if blocked else None,
                created_at=START,
            )
        )
    await session.flush()
    return citizen.id


class RecordingChannel:
    """A channel double that records every message it is handed, in order."""

    capabilities = Capabilities(buttons=True, max_length=4096, files=False)

    def __init__(self, name: str = "telegram") -> None:
        self.name = name
        self.sent: list[tuple[str, str]] = []  # (address, text)

    async def start(self, sink: InboundSink) -> None:
        """Nothing comes in."""

    async def stop(self) -> None:
        """Nothing to release."""

    async def send(self, message: Outbound) -> SendResult:
        self.sent.append((message.address, message.reply.text))
        return SendResult.sent()
