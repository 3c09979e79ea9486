"""Conversation state between messages, one row per (channel, chat, user)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import Conversation


async def find(
    session: AsyncSession, channel: str, chat: str, user_key: str
) -> Conversation | None:
    return await session.scalar(
        select(Conversation).where(
            Conversation.channel == channel,
            Conversation.chat == chat,
            Conversation.user_key == user_key,
        )
    )


def store_state(
    session: AsyncSession,
    row: Conversation | None,
    *,
    channel: str,
    chat: str,
    user_key: str,
    citizen_id: int,
    state: dict[str, Any],
    now: datetime,
) -> None:
    """Write the state into the row found earlier in this transaction, or a new one.

    The row carries a version counter, so two processes saving the same conversation
    concurrently make the second commit fail instead of losing the first one's answer.
    """
    if row is None:
        row = Conversation(channel=channel, chat=chat, user_key=user_key, citizen_id=citizen_id)
        session.add(row)
    row.citizen_id = citizen_id
    row.state = state
    row.flow_id = state.get("flow_id")
    row.flow_version = state.get("flow_version")
    row.updated_at = now
