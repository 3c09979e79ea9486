"""Messages the bot was unsure about: recorded in a turn, listed and assigned by staff,
deleted after their retention period and with their author's erasure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.understanding import UnclearMessage


@dataclass(frozen=True)
class UnclearView:
    """What staff see of one message: never who wrote it."""

    id: int
    text: str
    language: str
    guessed: str
    ranking: tuple[tuple[str, float], ...]
    outcome: str
    chosen: str | None
    created_at: datetime


async def record(
    session: AsyncSession,
    *,
    citizen_id: int | None,
    text: str,
    language: str,
    guessed: str,
    ranking: Sequence[tuple[str, float]],
    outcome: str,
    now: datetime,
) -> int:
    row = UnclearMessage(
        citizen_id=citizen_id,
        text=text,
        language=language,
        guessed=guessed,
        ranking=[[name, score] for name, score in ranking],
        outcome=outcome,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row.id


async def note_choice(
    session: AsyncSession, record_id: int, intent: str | None, now: datetime
) -> None:
    """The citizen's answer to the clarifying question (None: "something else")."""
    await session.execute(
        update(UnclearMessage)
        .where(UnclearMessage.id == record_id)
        .values(chosen=intent, answered_at=now)
    )


def _view(row: UnclearMessage) -> UnclearView:
    ranking = tuple(
        (str(item[0]), float(item[1]))
        for item in row.ranking or []
        if isinstance(item, list) and len(item) == 2
    )
    return UnclearView(
        row.id,
        row.text,
        row.language,
        row.guessed,
        ranking,
        row.outcome,
        row.chosen,
        row.created_at,
    )


async def open_messages(session: AsyncSession, limit: int = 200) -> tuple[list[UnclearView], int]:
    """Messages no one has assigned an intent to yet, newest first, and how many there are."""
    waiting = UnclearMessage.assigned.is_(None)
    rows = await session.scalars(
        select(UnclearMessage)
        .where(waiting)
        .order_by(UnclearMessage.created_at.desc(), UnclearMessage.id.desc())
        .limit(limit)
    )
    total = await session.scalar(select(func.count()).select_from(UnclearMessage).where(waiting))
    return [_view(row) for row in rows], int(total or 0)


async def get(session: AsyncSession, record_id: int) -> UnclearView | None:
    row = await session.get(UnclearMessage, record_id)
    return None if row is None else _view(row)


async def assign(
    session: AsyncSession, record_id: int, intent: str, by: str, now: datetime
) -> bool:
    """Mark the message as taught (it leaves the list); False when it is gone or done."""
    result = await session.execute(
        update(UnclearMessage)
        .where(UnclearMessage.id == record_id, UnclearMessage.assigned.is_(None))
        .values(assigned=intent, assigned_by=by, assigned_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


async def forget_before(session: AsyncSession, before: datetime) -> int:
    """Retention: every message recorded before `before`, assigned or not."""
    result = await session.execute(delete(UnclearMessage).where(UnclearMessage.created_at < before))
    return int(getattr(result, "rowcount", 0) or 0)


async def forget_citizen(session: AsyncSession, citizen_id: int) -> None:
    """Erasure: the citizen's messages go with them."""
    await session.execute(delete(UnclearMessage).where(UnclearMessage.citizen_id == citizen_id))
