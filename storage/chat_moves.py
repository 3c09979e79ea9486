"""A chat that got a new address on its platform (a Telegram group became a supergroup).

Whatever was kept under the old address moves to the new one: the conversations held
there, the messages still waiting to go out, and identities whose replies went there.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import ChannelIdentity, Conversation, OutboxMessage

PENDING = "pending"


async def move_chat(session: AsyncSession, channel: str, old: str, new: str) -> None:
    """Move everything stored under `old` to `new`; a repeated move changes nothing."""
    if old == new:
        return
    await session.execute(
        update(ChannelIdentity)
        .where(ChannelIdentity.channel == channel, ChannelIdentity.address == old)
        .values(address=new)
    )
    # messages being sent right now stay where they are: the channel follows the move itself
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.channel == channel,
            OutboxMessage.address == old,
            OutboxMessage.state == PENDING,
        )
        .values(address=new)
    )
    await _move_conversations(session, channel, old, new)


async def _move_conversations(session: AsyncSession, channel: str, old: str, new: str) -> None:
    # a member who already wrote in the new chat goes on there; their old state is dropped
    started = select(Conversation.user_key).where(
        Conversation.channel == channel, Conversation.chat == new
    )
    await session.execute(
        delete(Conversation).where(
            Conversation.channel == channel,
            Conversation.chat == old,
            Conversation.user_key.in_(started),
        )
    )
    # the row version moves on, so a turn that read the old row runs again from the store
    await session.execute(
        update(Conversation)
        .where(Conversation.channel == channel, Conversation.chat == old)
        .values(chat=new, row_version=Conversation.row_version + 1)
        .execution_options(synchronize_session=False)
    )
