"""Citizens with chats, written straight into the store for delivery tests."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChannelIdentity, Citizen

START = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


async def add_citizen(
    session: AsyncSession,
    name: str,
    *,
    language: str = "de",
    channels: tuple[str, ...] = ("telegram",),
    blocked: bool = False,
) -> int:
    """A citizen reachable in one chat per channel; the chat's address is f"{channel}:{name}"."""
    citizen = Citizen(language=language, created_at=START, last_seen_at=START)
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
