"""Announcements in the database: the row, who its audience is, when it is due, the tally
of its messages in the outbox, and how it ends (done or cancelled)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import outbox
from storage.models.civic import Participation, Subscription
from storage.models.core import ChannelIdentity, Citizen, OutboxMessage
from storage.models.delivery import Announcement

SCHEDULED, SENDING, DONE, CANCELLED = "scheduled", "sending", "done", "cancelled"


@dataclass(frozen=True)
class Audience:
    kind: str  # "all", "topic" or "consultation"
    target: str | None = None

    def __str__(self) -> str:
        return self.kind if self.target is None else f"{self.kind}:{self.target}"


@dataclass(frozen=True)
class AudienceSize:
    people: int
    chats: int


@dataclass(frozen=True)
class AnnouncementSummary:
    id: int
    state: str
    audience: str
    text_de: str
    send_at: datetime
    created_by: str | None
    created_at: datetime
    total: int


def audience_citizens(audience: Audience) -> Select[int]:
    """The ids of the citizens an audience means; only those who agreed to the privacy notice."""
    consented = select(Citizen.id).where(Citizen.consent_at.is_not(None))
    if audience.kind == "topic":
        return consented.where(
            Citizen.id.in_(
                select(Subscription.citizen_id).where(
                    Subscription.kind == "topic",
                    Subscription.target == audience.target,
                    Subscription.paused_at.is_(None),
                )
            )
        )
    if audience.kind == "consultation":
        return consented.where(
            Citizen.id.in_(
                select(Participation.citizen_id).where(
                    Participation.consultation_id == int(audience.target or 0)
                )
            )
        )
    return consented


async def audience_size(session: AsyncSession, audience: Audience) -> AudienceSize:
    """People in the audience, and the chats that will get a message (one per channel)."""
    citizens = audience_citizens(audience)
    people = await session.scalar(select(func.count()).select_from(citizens.subquery()))
    chats = await session.scalar(
        select(func.count(ChannelIdentity.id)).where(
            ChannelIdentity.citizen_id.in_(citizens), ChannelIdentity.blocked_at.is_(None)
        )
    )
    return AudienceSize(int(people or 0), int(chats or 0))


async def add_announcement(
    session: AsyncSession,
    *,
    text_de: str,
    text_en: str | None,
    audience: Audience,
    send_at: datetime,
    created_by: str | None,
    now: datetime,
) -> Announcement:
    """A scheduled announcement, flushed so it has its id. Does not commit."""
    announcement = Announcement(
        text_de=text_de,
        text_en=text_en,
        audience=str(audience),
        state=SCHEDULED,
        send_at=send_at,
        created_by=created_by,
        created_at=now,
        total=0,
    )
    session.add(announcement)
    await session.flush()
    return announcement


async def announcement_by_id(session: AsyncSession, announcement_id: int) -> Announcement | None:
    return await session.get(Announcement, announcement_id)


async def lock_announcement(session: AsyncSession, announcement_id: int) -> Announcement | None:
    """The row, held until the transaction ends: two processes never change it at once."""
    return await session.scalar(
        select(Announcement).where(Announcement.id == announcement_id).with_for_update()
    )


async def due_announcement_ids(session: AsyncSession, now: datetime) -> list[int]:
    """Scheduled announcements whose time has come, the earliest first."""
    query = (
        select(Announcement.id)
        .where(Announcement.state == SCHEDULED, Announcement.send_at <= now)
        .order_by(Announcement.send_at, Announcement.id)
    )
    return list((await session.scalars(query)).all())


def mark_released(announcement: Announcement, total: int, now: datetime) -> None:
    """Its `total` messages are queued: sending until they are settled, or done at once."""
    announcement.total = total
    announcement.released_at = now
    announcement.state = SENDING if total else DONE
    if not total:
        announcement.done_at = now


async def close_finished(session: AsyncSession, now: datetime) -> None:
    """Mark done the sending announcements whose last message was settled."""
    unsettled = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.broadcast_id == Announcement.id,
            OutboxMessage.state.in_(outbox.UNSETTLED),
        )
        .exists()
    )
    await session.execute(
        update(Announcement)
        .where(Announcement.state == SENDING, ~unsettled)
        .values(state=DONE, done_at=now)
    )


async def mark_cancelled(session: AsyncSession, announcement: Announcement, now: datetime) -> None:
    """Cancelled, and its messages not yet handed to a platform withdrawn. Does not commit."""
    announcement.state = CANCELLED
    announcement.cancelled_at = now
    await outbox.cancel_broadcast(session, announcement.id)


async def message_counts(session: AsyncSession, announcement_id: int) -> dict[str, int]:
    """The announcement's messages in the outbox, per state."""
    rows = await session.execute(
        select(OutboxMessage.state, func.count())
        .where(OutboxMessage.broadcast_id == announcement_id)
        .group_by(OutboxMessage.state)
    )
    return {state: int(count) for state, count in rows.all()}


def _messages(announcement_id: int, state: str) -> tuple[ColumnElement[bool], ...]:
    return (OutboxMessage.broadcast_id == announcement_id, OutboxMessage.state == state)


async def sent_since(session: AsyncSession, announcement_id: int, since: datetime) -> int:
    """Messages of the announcement sent after `since`."""
    count = await session.scalar(
        select(func.count()).where(
            *_messages(announcement_id, outbox.SENT), OutboxMessage.sent_at > since
        )
    )
    return int(count or 0)


async def overall_rate(session: AsyncSession, announcement: Announcement) -> float | None:
    """Messages per second from its release to its last message sent; None before any."""
    if announcement.released_at is None:
        return None
    count, last = (
        await session.execute(
            select(func.count(), func.max(OutboxMessage.sent_at)).where(
                *_messages(announcement.id, outbox.SENT)
            )
        )
    ).one()
    if not count or last is None:
        return None
    seconds = (last - announcement.released_at).total_seconds()
    return int(count) / seconds if seconds > 0 else None


async def keep_final_counts(session: AsyncSession, now: datetime) -> int:
    """Write down the tally of every finished announcement that has none yet.

    Retention deletes delivered messages after a while; from then on the announcement's own
    row is the only record of how many were sent, failed or withdrawn.
    """
    finished = await session.scalars(
        select(Announcement)
        .where(Announcement.state.in_([DONE, CANCELLED]), Announcement.counted_at.is_(None))
        .with_for_update()
    )
    counted = 0
    for announcement in finished:
        counts = await message_counts(session, announcement.id)
        if any(counts.get(state, 0) for state in outbox.UNSETTLED):
            continue  # a message already on its way when it was cancelled; next run
        announcement.final_rate = await overall_rate(session, announcement)
        announcement.sent_count = counts.get(outbox.SENT, 0)
        announcement.failed_count = counts.get(outbox.FAILED, 0)
        announcement.cancelled_count = counts.get(outbox.CANCELLED, 0)
        announcement.counted_at = now
        counted += 1
    return counted


async def in_flight(session: AsyncSession, announcement_id: int) -> int:
    """Messages of this announcement a worker is handing to a platform right now."""
    count = await session.scalar(
        select(func.count()).where(*_messages(announcement_id, outbox.SENDING))
    )
    return int(count or 0)


async def list_announcements(session: AsyncSession, limit: int = 50) -> list[AnnouncementSummary]:
    """The newest announcements first."""
    rows = await session.scalars(
        select(Announcement)
        .order_by(Announcement.created_at.desc(), Announcement.id.desc())
        .limit(limit)
    )
    return [
        AnnouncementSummary(
            id=row.id,
            state=row.state,
            audience=row.audience,
            text_de=row.text_de,
            send_at=row.send_at,
            created_by=row.created_by,
            created_at=row.created_at,
            total=row.total,
        )
        for row in rows
    ]
