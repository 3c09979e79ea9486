"""Timed housekeeping jobs that run beside the channels in `mitreden run`."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import teach_recognizer
from nlu.types import IntentRecognizer
from storage import inbound

log = logging.getLogger(__name__)

# platforms redeliver an update for a day at most; a week is a generous margin
KEEP_PROCESSED_IDS = timedelta(days=7)


async def forget_old_inbound_ids(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session, session.begin():
        removed = await inbound.forget_processed_before(
            session, datetime.now(UTC), KEEP_PROCESSED_IDS
        )
    if removed:
        log.info("forgot %d old message ids", removed)
    return removed


def create_scheduler(
    sessions: async_sessionmaker[AsyncSession], recognizer: IntentRecognizer
) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=UTC)
    # consultations imported meanwhile (another process) become known by name
    scheduler.add_job(
        teach_recognizer,
        "interval",
        minutes=5,
        args=[recognizer, sessions],
        id="teach-recognizer",
        coalesce=True,
        max_instances=1,
    )
    scheduler.add_job(
        forget_old_inbound_ids,
        "interval",
        hours=1,
        args=[sessions],
        id="forget-old-inbound-ids",
        coalesce=True,
        max_instances=1,
    )
    return scheduler
