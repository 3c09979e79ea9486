"""Messages to a citizen that are not replies: queued to every chat the citizen uses."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage import outbox
from storage.reachability import reachable_identities

# after replies to citizens who wait (0), before bulk sends such as broadcasts
NOTICE_PRIORITY = 1


async def notify_citizen(
    session: AsyncSession,
    citizen_id: int,
    payload: dict[str, Any],
    *,
    dedupe_key: str,
    cause: str,
) -> int:
    """Queue `payload` to each reachable identity of the citizen, once per dedupe key."""
    queued = 0
    for identity in await reachable_identities(session, citizen_id):
        queued += await outbox.enqueue(
            session,
            channel=identity.channel,
            address=identity.address,
            citizen_id=citizen_id,
            payload=payload,
            priority=NOTICE_PRIORITY,
            dedupe_key=f"{dedupe_key}:{identity.id}",
            cause=cause,
        )
    return queued
