"""A citizen's consent, language and erasure (GDPR Art. 17); see docs/privacy.md."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.civic import (
    ConsentRecord,
    Idea,
    IdeaSupport,
    Participation,
    Question,
    Subscription,
)
from storage.models.core import ChannelIdentity, Citizen, Conversation, OutboxMessage


async def get_citizen(session: AsyncSession, citizen_id: int) -> Citizen | None:
    return await session.get(Citizen, citizen_id)


async def record_consent(
    session: AsyncSession, citizen_id: int, notice_version: str, channel: str, now: datetime
) -> None:
    """Keeps proof of the consent and marks the citizen as having given it."""
    citizen = await _existing(session, citizen_id)
    citizen.consent_at = now
    citizen.consent_version = notice_version
    citizen.consent_channel = channel
    session.add(
        ConsentRecord(
            citizen_id=citizen_id, notice_version=notice_version, channel=channel, given_at=now
        )
    )
    await session.flush()


async def set_language(session: AsyncSession, citizen_id: int, language: str) -> None:
    citizen = await _existing(session, citizen_id)
    citizen.language = language
    await session.flush()


async def erase_citizen(session: AsyncSession, citizen_id: int) -> bool:
    """Deletes the person and everything that points to them; keeps contributions anonymised.

    Gone: the citizen row, channel identities, conversations, subscriptions, consent records
    and every outbox message to them (pending or sent). Unlinked: ideas, questions,
    participations with their answers, and supports (so support counts stay right).
    False when there was no such citizen.
    """
    if await session.get(Citizen, citizen_id) is None:
        return False
    # explicit statements rather than ON DELETE rules, so the outcome does not depend on
    # SQLite's foreign_keys pragma being switched on for this connection
    for model in (Idea, Question, Participation, IdeaSupport):
        await session.execute(
            update(model).where(model.citizen_id == citizen_id).values(citizen_id=None)
        )
    for owned in (OutboxMessage, Conversation, Subscription, ConsentRecord, ChannelIdentity):
        await session.execute(delete(owned).where(owned.citizen_id == citizen_id))
    # the ORM statements also update or forget objects this session loaded earlier, so none
    # is written back over the erasure
    await session.execute(delete(Citizen).where(Citizen.id == citizen_id))
    return True


async def _existing(session: AsyncSession, citizen_id: int) -> Citizen:
    citizen = await session.get(Citizen, citizen_id)
    if citizen is None:
        raise LookupError(f"no citizen {citizen_id}")
    return citizen
