"""The deletions behind the retention periods (bot/civic/retention.py, docs/privacy.md):
idle conversation state, settled outbox messages, citizens not heard from for long, and
chat partners who never consented and left nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.civic import (
    ConsentRecord,
    Idea,
    IdeaSupport,
    Participation,
    Question,
    Subscription,
)
from storage.models.core import Citizen, Conversation, OutboxMessage
from storage.models.delivery import Announcement
from storage.models.reports import Report, ReportFollower
from storage.outbox import CANCELLED, FAILED, SENT


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def forget_idle_conversations(session: AsyncSession, before: datetime) -> int:
    result = await session.execute(delete(Conversation).where(Conversation.updated_at < before))
    return _count(result)


async def forget_finished_deliveries(session: AsyncSession, before: datetime) -> int:
    """Sent, failed and cancelled messages; pending ones are never touched, nor those of an
    announcement whose final tally is not written down yet."""
    finished_at = func.coalesce(OutboxMessage.sent_at, OutboxMessage.created_at)
    counted = select(Announcement.id).where(Announcement.counted_at.is_not(None))
    result = await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.state.in_([SENT, FAILED, CANCELLED]),
            finished_at < before,
            or_(OutboxMessage.broadcast_id.is_(None), OutboxMessage.broadcast_id.in_(counted)),
        )
    )
    return _count(result)


async def inactive_citizens(session: AsyncSession, before: datetime, limit: int) -> list[int]:
    """Ids of citizens last seen before `before`, the longest silent first."""
    query = (
        select(Citizen.id)
        .where(Citizen.last_seen_at < before)
        .order_by(Citizen.last_seen_at, Citizen.id)
        .limit(limit)
    )
    return list((await session.scalars(query)).all())


async def idle_anonymous_citizens(session: AsyncSession, before: datetime, limit: int) -> list[int]:
    """Ids of citizens last seen before `before` who never consented and own nothing: no
    contribution, subscription or consent record (a visitor who only looked around)."""
    owns_something = [
        exists().where(model.citizen_id == Citizen.id)
        for model in (
            Idea,
            Question,
            Participation,
            IdeaSupport,
            Subscription,
            ConsentRecord,
            Report,
            ReportFollower,
        )
    ]
    query = (
        select(Citizen.id)
        .where(
            Citizen.last_seen_at < before,
            Citizen.consent_at.is_(None),
            *(~owned for owned in owns_something),
        )
        .order_by(Citizen.last_seen_at, Citizen.id)
        .limit(limit)
    )
    return list((await session.scalars(query)).all())
