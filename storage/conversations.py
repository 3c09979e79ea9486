"""Conversation state between messages, one row per (channel, chat, user)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import Conversation


async def load_state(
    session: AsyncSession, channel: str, chat: str, user_key: str
) -> dict[str, Any] | None:
    row = await _find(session, channel, chat, user_key)
    return dict(row.state) if row is not None else None


async def save_state(
    session: AsyncSession,
    *,
    channel: str,
    chat: str,
    user_key: str,
    citizen_id: int,
    state: dict[str, Any],
    now: datetime,
) -> None:
    row = await _find(session, channel, chat, user_key)
    if row is None:
        row = Conversation(channel=channel, chat=chat, user_key=user_key, citizen_id=citizen_id)
        session.add(row)
    row.citizen_id = citizen_id
    row.state = state
    row.flow_id = state.get("flow_id")
    row.flow_version = state.get("flow_version")
    row.updated_at = now
    await session.flush()


async def _find(
    session: AsyncSession, channel: str, chat: str, user_key: str
) -> Conversation | None:
    return await session.scalar(
        select(Conversation).where(
            Conversation.channel == channel,
            Conversation.chat == chat,
            Conversation.user_key == user_key,
        )
    )
