"""Which consultations are due an opening or closing message, and who receives which.

The recipients are SELECTs of citizen ids, handed to the outbox's set-based fan-out; the
record that a message went out is written in the same transaction as the messages.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import Select, and_, exists, func, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import UtcDateTime
from storage.models.civic import (
    Consultation,
    Participation,
    ParticipationAnswer,
    Subscription,
    Topic,
)
from storage.models.core import Citizen
from storage.models.lifecycle import ConsultationNotice, ParticipationReminder

NoticeKind = Literal["opened", "closed"]
OPENED: NoticeKind = "opened"
CLOSED: NoticeKind = "closed"


async def due_for_notice(
    session: AsyncSession, kind: NoticeKind, now: datetime
) -> list[Consultation]:
    """Consultations that opened (and are still open) or closed, not yet handled."""
    handled = exists().where(
        ConsultationNotice.consultation_id == Consultation.id, ConsultationNotice.kind == kind
    )
    query = select(Consultation).where(~handled)
    if kind == OPENED:
        query = query.where(Consultation.opens_at <= now, Consultation.closes_at > now)
    else:
        query = query.where(Consultation.closes_at <= now)
    return list((await session.scalars(query.order_by(Consultation.id))).all())


async def record_notice(
    session: AsyncSession,
    consultation_id: int,
    kind: NoticeKind,
    now: datetime,
    *,
    recipients: int,
    skipped: bool = False,
) -> None:
    session.add(
        ConsultationNotice(
            consultation_id=consultation_id,
            kind=kind,
            done_at=now,
            recipients=recipients,
            skipped=skipped,
        )
    )
    await session.flush()


async def opening_audience(session: AsyncSession, consultation: Consultation) -> Select[int]:
    """Subscribers of the consultation's topic or of the consultation itself (people who
    asked to hear when it starts), except those who have already started it."""
    wanted = [
        and_(Subscription.kind == "consultation", Subscription.target == str(consultation.id))
    ]
    if consultation.topic_id is not None:
        slug = await session.scalar(select(Topic.slug).where(Topic.id == consultation.topic_id))
        if slug is not None:
            wanted.append(and_(Subscription.kind == "topic", Subscription.target == slug))
    started = exists().where(
        Participation.consultation_id == consultation.id,
        Participation.citizen_id == Subscription.citizen_id,
    )
    # NOT EXISTS rather than NOT IN: PostgreSQL turns it into an anti-join
    return select(Subscription.citizen_id).where(
        Subscription.paused_at.is_(None), or_(*wanted), ~started
    )


async def notice_audience(
    session: AsyncSession, consultation: Consultation, kind: NoticeKind
) -> Select[int]:
    """Who hears of an opening (its subscribers) or a closing (its participants)."""
    if kind == OPENED:
        return await opening_audience(session, consultation)
    return participants(consultation.id)


def participants(consultation_id: int) -> Select[int]:
    """Citizens who submitted their answers."""
    return (
        select(Citizen.id)
        .join(Participation, Participation.citizen_id == Citizen.id)
        .where(
            Participation.consultation_id == consultation_id,
            Participation.submitted_at.is_not(None),
        )
    )


async def closing_soon(
    session: AsyncSession, now: datetime, before: timedelta
) -> list[Consultation]:
    """Open consultations whose deadline is less than `before` away."""
    query = select(Consultation).where(
        Consultation.opens_at <= now,
        Consultation.closes_at > now,
        Consultation.closes_at <= now + before,
    )
    return list((await session.scalars(query.order_by(Consultation.id))).all())


async def record_reminders_due(
    session: AsyncSession, consultation_id: int, idle_since: datetime, now: datetime
) -> int:
    """Record a reminder, sent at `now`, for every participation that is due one: started
    but not submitted, not reminded yet, and untouched since `idle_since` (so nobody is
    reminded while answering). One INSERT ... SELECT, however many there are."""
    last_answer = (
        select(func.max(ParticipationAnswer.updated_at))
        .where(ParticipationAnswer.participation_id == Participation.id)
        .scalar_subquery()
    )
    due = select(Participation.id, literal(now, UtcDateTime)).where(
        Participation.consultation_id == consultation_id,
        Participation.citizen_id.is_not(None),
        Participation.submitted_at.is_(None),
        Participation.started_at <= idle_since,
        or_(last_answer.is_(None), last_answer <= idle_since),
    )
    # those reminded before are skipped by their primary key; a NOT EXISTS on the table
    # being filled would make PostgreSQL rescan its new rows for every row (quadratic)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    result = await session.execute(
        insert(ParticipationReminder)
        .from_select(["participation_id", "sent_at"], due)
        .on_conflict_do_nothing()
    )
    return int(getattr(result, "rowcount", 0) or 0)


def reminded_at(consultation_id: int, now: datetime) -> Select[int]:
    """Citizens whose reminder for this consultation was recorded at `now`."""
    return (
        select(Citizen.id)
        .join(Participation, Participation.citizen_id == Citizen.id)
        .join(ParticipationReminder, ParticipationReminder.participation_id == Participation.id)
        .where(
            Participation.consultation_id == consultation_id,
            ParticipationReminder.sent_at == now,
        )
    )
