"""Platform message ids already handled, so a redelivered message is answered only once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import ProcessedInbound


async def claim_inbound(
    session: AsyncSession, channel: str, platform_id: str, now: datetime
) -> bool:
    """Record the id; False when it was recorded before (a duplicate)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(ProcessedInbound)
        .values(channel=channel, platform_id=platform_id, processed_at=now)
        .on_conflict_do_nothing()
        .returning(ProcessedInbound.platform_id)
    )
    result = await session.execute(statement)
    return result.scalar_one_or_none() is not None


async def forget_processed_before(session: AsyncSession, now: datetime, keep: timedelta) -> int:
    """Platforms redeliver for a day at most; older ids need not be kept."""
    result = await session.execute(
        delete(ProcessedInbound).where(ProcessedInbound.processed_at < now - keep)
    )
    return int(getattr(result, "rowcount", 0) or 0)
