"""Writing what a platform tells about a chat into the store: the citizen blocked the bot
(or allowed it again), a group moved to a new address, a citizen deleted a message."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import ChannelAdapter
from bot.channels.matrix.channel import MatrixChannel
from bot.channels.matrix.events import CHANNEL as MATRIX
from bot.channels.matrix.store_link import MessageDeleted, StoreLink
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.updates import ChatMoved, ReachabilityChange, ReachabilitySink
from storage import reachability
from storage.chat_moves import move_chat
from storage.deleted_messages import forget_text
from storage.identities import address_in_use


def reachability_recorder(sessions: async_sessionmaker[AsyncSession]) -> ReachabilitySink:
    """A sink for ReachabilityChange and ChatMoved: one short transaction per change."""

    async def record(change: ReachabilityChange | ChatMoved) -> None:
        async with sessions() as session, session.begin():
            if isinstance(change, ChatMoved):
                await move_chat(session, change.channel, change.old_address, change.new_address)
            elif change.blocked:
                await reachability.mark_blocked(session, change.channel, change.user_key, change.at)
            else:
                await reachability.mark_unblocked(
                    session, change.channel, change.user_key, change.at
                )

    return record


def matrix_store_link(sessions: async_sessionmaker[AsyncSession]) -> StoreLink:
    """What the Matrix channel asks of the store: one short transaction per question."""

    async def forget_message(deleted: MessageDeleted) -> bool:
        async with sessions() as session, session.begin():
            return await forget_text(
                session, deleted.channel, deleted.chat, deleted.user_key, deleted.text
            )

    async def room_in_use(room_id: str) -> bool:
        async with sessions() as session:
            return await address_in_use(session, MATRIX, room_id)

    return StoreLink(forget_message, room_in_use)


def watch_reachability(
    adapters: Mapping[str, ChannelAdapter], sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Connect every adapter that reports what happens to its chats to the store (called
    once after build_app)."""
    sink = reachability_recorder(sessions)
    for adapter in adapters.values():
        if isinstance(adapter, TelegramChannel):  # blocking, unblocking, moved groups
            adapter.watch_reachability(sink)
        elif isinstance(adapter, MatrixChannel):  # deleted messages, erased citizens' rooms
            adapter.link_store(matrix_store_link(sessions))
