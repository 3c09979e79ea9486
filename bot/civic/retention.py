"""Deleting what is kept no longer than needed (docs/privacy.md): a scheduled job.

- conversation state (the flow a chat is in) idle longer than `retention_conversation_days`;
  the citizen's contributions are not part of it and stay;
- outbox messages sent, failed or cancelled longer ago than `retention_outbox_days`;
- platform message ids older than `retention_inbound_days` (only there to drop redeliveries);
- with `retention_inactive_citizen_days` set: citizens not heard from for that long, erased
  exactly as if they had asked for it (storage/citizens.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from storage import inbound
from storage.citizens import erase_citizen
from storage.retention import (
    forget_finished_deliveries,
    forget_idle_conversations,
    inactive_citizens,
)

log = logging.getLogger(__name__)

# erasing a citizen touches a dozen tables; batches keep each transaction short, so
# citizens who write meanwhile are not held up for long
ERASE_BATCH = 200


@dataclass(frozen=True)
class RetentionPolicy:
    conversations: timedelta
    outbox: timedelta
    inbound: timedelta
    inactive_citizens: timedelta | None

    @classmethod
    def from_settings(cls, settings: Settings) -> RetentionPolicy:
        inactive = settings.retention_inactive_citizen_days
        return cls(
            conversations=timedelta(days=settings.retention_conversation_days),
            outbox=timedelta(days=settings.retention_outbox_days),
            inbound=timedelta(days=settings.retention_inbound_days),
            inactive_citizens=timedelta(days=inactive) if inactive else None,
        )


@dataclass(frozen=True)
class RetentionReport:
    conversations: int = 0
    outbox: int = 0
    inbound: int = 0
    citizens: int = 0


async def apply_retention(
    sessions: async_sessionmaker[AsyncSession], policy: RetentionPolicy, now: datetime
) -> RetentionReport:
    """One pass over everything with a retention period; each kind in its own transaction."""
    async with sessions() as session, session.begin():
        conversations = await forget_idle_conversations(session, now - policy.conversations)
    async with sessions() as session, session.begin():
        deliveries = await forget_finished_deliveries(session, now - policy.outbox)
    async with sessions() as session, session.begin():
        ids = await inbound.forget_processed_before(session, now, policy.inbound)
    erased = 0
    if policy.inactive_citizens is not None:
        while True:
            async with sessions() as session, session.begin():
                batch = await inactive_citizens(
                    session, now - policy.inactive_citizens, ERASE_BATCH
                )
                for citizen_id in batch:
                    erased += await erase_citizen(session, citizen_id)
            if len(batch) < ERASE_BATCH:
                break
    report = RetentionReport(conversations, deliveries, ids, erased)
    if any((conversations, deliveries, ids, erased)):
        log.info(
            "retention: deleted %d conversations, %d delivered messages, %d message ids, "
            "%d inactive citizens",
            conversations,
            deliveries,
            ids,
            erased,
        )
    return report
