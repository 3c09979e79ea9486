"""How much waits in the outbox, for monitoring: read when scraped, never on the message path."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import OutboxMessage
from storage.outbox import UNSETTLED


async def waiting(session: AsyncSession) -> tuple[int, datetime | None]:
    """Messages not yet sent, failed or cancelled, and when the oldest of them was queued."""
    row = (
        await session.execute(
            select(func.count(), func.min(OutboxMessage.created_at)).where(
                OutboxMessage.state.in_(UNSETTLED)
            )
        )
    ).one()
    return int(row[0]), row[1]
