"""Writing "the citizen blocked the bot" (or allowed it again) into the store."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import ChannelAdapter
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.updates import ReachabilityChange, ReachabilitySink
from storage import reachability


def reachability_recorder(sessions: async_sessionmaker[AsyncSession]) -> ReachabilitySink:
    """A sink for ReachabilityChange: one short transaction per change."""

    async def record(change: ReachabilityChange) -> None:
        async with sessions() as session, session.begin():
            if change.blocked:
                await reachability.mark_blocked(session, change.channel, change.user_key, change.at)
            else:
                await reachability.mark_unblocked(
                    session, change.channel, change.user_key, change.at
                )

    return record


def watch_reachability(
    adapters: Mapping[str, ChannelAdapter], sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Connect every adapter that reports blocking to the store (called once after build_app)."""
    sink = reachability_recorder(sessions)
    for adapter in adapters.values():
        if isinstance(adapter, TelegramChannel):  # the one platform that reports blocking
            adapter.watch_reachability(sink)
