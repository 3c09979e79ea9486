"""Figures for the staff dashboard: what waits, what runs, what is being delivered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.consultations import list_consultations
from storage.consultations.participations import participation_counts
from storage.models.civic import Consultation, Idea, Participation, Question
from storage.models.core import OutboxMessage


@dataclass(frozen=True)
class RunningConsultation:
    consultation: Consultation
    submitted: int
    started: int  # begun, sent off or not (as on the consultation's own page)


async def open_question_count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).where(Question.status == "open")) or 0)


async def oldest_pending_ideas(session: AsyncSession, limit: int = 5) -> list[Idea]:
    query = (
        select(Idea)
        .where(Idea.moderation == "pending", Idea.merged_into.is_(None))
        .order_by(Idea.created_at, Idea.id)
        .limit(limit)
    )
    return list((await session.scalars(query)).all())


async def oldest_open_questions(session: AsyncSession, limit: int = 5) -> list[Question]:
    query = (
        select(Question)
        .where(Question.status == "open")
        .order_by(Question.created_at, Question.id)
        .limit(limit)
    )
    return list((await session.scalars(query)).all())


async def pending_idea_count(session: AsyncSession) -> int:
    query = select(func.count()).where(Idea.moderation == "pending", Idea.merged_into.is_(None))
    return int(await session.scalar(query) or 0)


async def running_consultations(session: AsyncSession, now: datetime) -> list[RunningConsultation]:
    running = await list_consultations(session, now, "open")
    if not running:
        return []
    ids = [c.id for c in running]
    submitted = await participation_counts(session, submitted_only=True, consultation_ids=ids)
    begun = await participation_counts(session, consultation_ids=ids)
    return [RunningConsultation(c, submitted.get(c.id, 0), begun.get(c.id, 0)) for c in running]


async def outbox_counts(session: AsyncSession) -> dict[str, int]:
    """Messages by state: pending, sending, sent, failed, cancelled."""
    rows = (
        await session.execute(
            select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
        )
    ).all()
    return {str(state): int(count) for state, count in rows}


def _utc_hour(column: Any, dialect: str) -> Any:
    """The column's UTC hour as text "YYYY-MM-DD HH", computed by the database."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD HH24")
    return func.substr(column, 1, 13)  # SQLite keeps UTC times as "YYYY-MM-DD HH:MM:SS"


async def contributions_per_hour(
    session: AsyncSession, since: datetime
) -> dict[str, list[tuple[datetime, int]]]:
    """How many participations were sent off, ideas proposed and questions asked in each
    UTC hour since `since`. Counted by the database: a busy month has hundreds of
    thousands of rows, but only 720 hours; the caller turns hours into local days."""
    dialect = session.get_bind().dialect.name
    found: dict[str, list[tuple[datetime, int]]] = {}
    for name, column in (
        ("participations", Participation.submitted_at),
        ("ideas", Idea.created_at),
        ("questions", Question.created_at),
    ):
        hour = _utc_hour(column, dialect)
        rows = await session.execute(
            select(hour, func.count()).where(column >= since).group_by(hour)
        )
        found[name] = [
            (datetime.strptime(text, "%Y-%m-%d %H").replace(tzinfo=UTC), int(count))
            for text, count in rows.all()
            if text
        ]
    return found
