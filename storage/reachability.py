"""Whether a citizen can be reached on a channel: a blocked bot stops deliveries and pauses news."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.civic import Subscription
from storage.models.core import ChannelIdentity, OutboxMessage

PENDING, CANCELLED = "pending", "cancelled"


async def _identity(session: AsyncSession, channel: str, user_key: str) -> ChannelIdentity | None:
    return await session.scalar(
        select(ChannelIdentity).where(
            ChannelIdentity.channel == channel, ChannelIdentity.user_key == user_key
        )
    )


async def _reachable_elsewhere(session: AsyncSession, citizen_id: int) -> bool:
    found = await session.scalar(
        select(ChannelIdentity.id).where(
            ChannelIdentity.citizen_id == citizen_id, ChannelIdentity.blocked_at.is_(None)
        )
    )
    return found is not None


async def reachable_identities(session: AsyncSession, citizen_id: int) -> list[ChannelIdentity]:
    """The citizen's chats the bot may write to, the first one made first."""
    query = (
        select(ChannelIdentity)
        .where(ChannelIdentity.citizen_id == citizen_id, ChannelIdentity.blocked_at.is_(None))
        .order_by(ChannelIdentity.id)
    )
    return list((await session.scalars(query)).all())


async def _block(session: AsyncSession, identity: ChannelIdentity, now: datetime) -> None:
    if identity.blocked_at is None:
        identity.blocked_at = now
    await session.flush()
    # queued messages would only fail with "blocked"; they are withdrawn, not kept for later
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.channel == identity.channel,
            OutboxMessage.address == identity.address,
            OutboxMessage.citizen_id == identity.citizen_id,
            OutboxMessage.state == PENDING,
        )
        .values(state=CANCELLED, last_error="blocked by the citizen")
    )
    # a citizen may still be reachable on another channel; news pause only when on none
    if not await _reachable_elsewhere(session, identity.citizen_id):
        await session.execute(
            update(Subscription)
            .where(Subscription.citizen_id == identity.citizen_id, Subscription.paused_at.is_(None))
            .values(paused_at=now)
        )


async def mark_blocked(session: AsyncSession, channel: str, user_key: str, now: datetime) -> None:
    """The citizen blocked the bot: pending deliveries stop, subscriptions pause."""
    identity = await _identity(session, channel, user_key)
    if identity is not None:
        await _block(session, identity, now)


async def mark_address_blocked(
    session: AsyncSession, channel: str, address: str, now: datetime
) -> None:
    """A send to `address` was refused for good (the delivery worker knows addresses only)."""
    identities = await session.scalars(
        select(ChannelIdentity).where(
            ChannelIdentity.channel == channel, ChannelIdentity.address == address
        )
    )
    for identity in list(identities):
        await _block(session, identity, now)


async def mark_unblocked(session: AsyncSession, channel: str, user_key: str, now: datetime) -> None:
    """The citizen allowed the bot again: it may write to them, paused subscriptions resume."""
    identity = await _identity(session, channel, user_key)
    if identity is None:
        return
    identity.blocked_at = None
    await session.execute(
        update(Subscription)
        .where(Subscription.citizen_id == identity.citizen_id, Subscription.paused_at.is_not(None))
        .values(paused_at=None)
    )


async def is_blocked(session: AsyncSession, channel: str, user_key: str) -> bool:
    identity = await _identity(session, channel, user_key)
    return identity is not None and identity.blocked_at is not None


async def unblock_on_contact(session: AsyncSession, channel: str, user_key: str) -> bool:
    """The citizen wrote to the bot directly, so it may write back: lift a block noted
    earlier. One statement that changes nothing in the common case; True if it lifted one."""
    lifted = await session.execute(_UNBLOCK, {"in_channel": channel, "in_user_key": user_key})
    citizen_id = lifted.scalar_one_or_none()
    if citizen_id is None:
        return False
    await session.execute(
        update(Subscription)
        .where(Subscription.citizen_id == citizen_id, Subscription.paused_at.is_not(None))
        .values(paused_at=None)
    )
    return True


# built once: it runs with every message a remembered citizen sends on a messenger
_UNBLOCK = (
    update(ChannelIdentity)
    .where(
        ChannelIdentity.channel == bindparam("in_channel"),
        ChannelIdentity.user_key == bindparam("in_user_key"),
        ChannelIdentity.blocked_at.is_not(None),
    )
    .values(blocked_at=None)
    .returning(ChannelIdentity.citizen_id)
)
