"""What the council tests read back: drafts by agenda item, sync marks, citizens, messages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.council import SyncMark, all_sync_marks
from storage.models.civic import Decision, Subscription, Topic
from storage.models.core import ChannelIdentity, Citizen, OutboxMessage
from tests.bot.civic.council.conftest import NOW

Sessions = async_sessionmaker[AsyncSession]


async def drafts_by_item(sessions: Sessions) -> dict[str, tuple[Decision, str | None]]:
    """Decisions by the number of their agenda item's URL, with their topic's slug."""
    async with sessions() as session:
        rows = await session.execute(
            select(Decision, Topic.slug).outerjoin(Topic, Topic.id == Decision.topic_id)
        )
        return {
            decision.external_id.rsplit("/", 1)[-1]: (decision, slug)
            for decision, slug in rows
            if decision.external_id
        }


async def marks_by_name(sessions: Sessions) -> dict[str, SyncMark]:
    """Sync marks by the last part of their list's address ("paper", "meeting", "system")."""
    async with sessions() as session:
        return {mark.list_url.rsplit("/", 1)[-1]: mark for mark in await all_sync_marks(session)}


async def add_citizen(
    session: AsyncSession, name: str, language: str = "de", chats: int = 1, blocked: bool = False
) -> int:
    citizen = Citizen(language=language, created_at=NOW, last_seen_at=NOW)
    session.add(citizen)
    await session.flush()
    for number in range(chats):
        session.add(
            ChannelIdentity(
                citizen_id=citizen.id,
                channel="telegram" if number == 0 else "matrix",
                user_key=f"{name}-{number}",
                address=f"{name}-{number}",
                blocked_at=NOW if blocked else None,
                created_at=NOW,
            )
        )
    await session.flush()
    return citizen.id


def follow(citizen_id: int, kind: str, target: str, paused: bool = False) -> Subscription:
    return Subscription(
        citizen_id=citizen_id,
        kind=kind,
        target=target,
        created_at=NOW,
        paused_at=NOW if paused else None,
    )


async def queued_messages(sessions: Sessions) -> list[OutboxMessage]:
    async with sessions() as session:
        rows = await session.scalars(select(OutboxMessage).order_by(OutboxMessage.address))
        return list(rows)
