"""Finding the citizen behind a channel identity, and creating both when a turn needs them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import ChannelIdentity, Citizen
from storage.reachability import mark_unblocked

LAST_SEEN_PRECISION = timedelta(hours=1)


async def resolve_citizen(
    session: AsyncSession,
    channel: str,
    user_key: str,
    address: str | None,
    language: str,
    now: datetime,
) -> tuple[int, bool]:
    """The citizen's id for this identity and whether it was created just now."""
    found = await find_citizen(session, channel, user_key, address, now)
    if found is not None:
        return found, False
    return await create_citizen(session, channel, user_key, address, language, now), True


async def find_citizen(
    session: AsyncSession, channel: str, user_key: str, address: str | None, now: datetime
) -> int | None:
    """The citizen's id for this identity, None for a sender not (yet) a citizen; notes
    the visit and where the citizen's own messages now go.

    `address` is where the citizen's own messages go; None (a message in a group chat)
    keeps the one known.
    """
    identity = await session.scalar(_IDENTITY, {"channel": channel, "user_key": user_key})
    if identity is None:
        return None
    if address is not None and identity.address != address:
        identity.address = address
    if address is not None and identity.blocked_at is not None:
        # writing to the bot directly proves it may write back (Matrix has no unblock event)
        await mark_unblocked(session, channel, user_key, now)
    citizen = await session.get(Citizen, identity.citizen_id)
    # written at most hourly: an UPDATE per message would cost more than it tells
    if citizen is not None and now - citizen.last_seen_at > LAST_SEEN_PRECISION:
        citizen.last_seen_at = now
    return identity.citizen_id


async def create_citizen(
    session: AsyncSession,
    channel: str,
    user_key: str,
    address: str | None,
    language: str,
    now: datetime,
) -> int:
    """A new citizen with this channel identity; `address` None (a group chat) takes the
    user's id, which is the private chat on Telegram."""
    citizen = Citizen(language=language, created_at=now, last_seen_at=now)
    session.add(citizen)
    await session.flush()
    session.add(
        ChannelIdentity(
            citizen_id=citizen.id,
            channel=channel,
            user_key=user_key,
            address=address or user_key,
            created_at=now,
        )
    )
    await session.flush()
    return citizen.id


# built once: every message asks this, and building a statement costs more than running it
_IDENTITY = select(ChannelIdentity).where(
    ChannelIdentity.channel == bindparam("channel"),
    ChannelIdentity.user_key == bindparam("user_key"),
)


async def citizen_exists(session: AsyncSession, citizen_id: int) -> bool:
    found = await session.scalar(select(Citizen.id).where(Citizen.id == citizen_id))
    return found is not None


async def citizen_language(session: AsyncSession, citizen_id: int) -> str | None:
    return await session.scalar(select(Citizen.language).where(Citizen.id == citizen_id))


async def address_in_use(session: AsyncSession, channel: str, address: str) -> bool:
    """Whether any citizen's replies go to this chat (False once its citizen was erased)."""
    found = await session.scalar(
        select(ChannelIdentity.id)
        .where(ChannelIdentity.channel == channel, ChannelIdentity.address == address)
        .limit(1)
    )
    return found is not None
