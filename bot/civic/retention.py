"""Deleting what is kept no longer than needed (docs/privacy.md): a scheduled job.

- conversation state (the flow a chat is in) idle longer than `retention_conversation_days`;
  the citizen's contributions are not part of it and stay;
- outbox messages sent, failed or cancelled longer ago than `retention_outbox_days`;
- platform message ids older than `retention_inbound_days` (only there to drop redeliveries);
- with `retention_inactive_citizen_days` set: citizens not heard from for that long, erased
  exactly as if they had asked for it (storage/citizens.py);
- chat partners who never consented and own nothing, idle `retention_anonymous_citizen_days`;
- messages the bot asked about or did not understand, after
  `retention_unclear_message_days`;
- description, place, position and photos of problem reports closed longer ago than
  `retention_report_details_days` (category, status and dates stay for the figures);
- report photo files no report (or conversation about to make one) names, an hour after
  they were written: a turn that failed after storing its photo, or a crash, left them;
- web chat messages no page fetched within `web_chat_delivery_days` are given up first
  (failed, "not reachable"), so announcements finish and retention can remove them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from storage import inbound, unclear_messages
from storage.citizens import erase_citizen
from storage.photo_store import PhotoStore, photo_store
from storage.reports.orphan_photos import sweep_orphan_photos
from storage.reports.privacy import forget_closed_report_details
from storage.retention import (
    forget_finished_deliveries,
    forget_idle_conversations,
    idle_anonymous_citizens,
    inactive_citizens,
)
from storage.web_chat import give_up_unfetched

log = logging.getLogger(__name__)

# erasing a citizen touches a dozen tables; batches keep each transaction short, so
# citizens who write meanwhile are not held up for long
ERASE_BATCH = 200

FindCitizens = Callable[[AsyncSession, datetime, int], Awaitable[list[int]]]


@dataclass(frozen=True)
class RetentionPolicy:
    conversations: timedelta
    outbox: timedelta
    inbound: timedelta
    inactive_citizens: timedelta | None
    anonymous_citizens: timedelta = timedelta(days=30)
    web_chat_deliveries: timedelta = timedelta(days=14)
    unclear_messages: timedelta = timedelta(days=90)
    report_details: timedelta = timedelta(days=365)
    report_photo_dir: Path | None = None  # where the files of report photos are
    report_photo_store: str = "disk"  # or "database": the photos are rows, not files

    @classmethod
    def from_settings(cls, settings: Settings) -> RetentionPolicy:
        inactive = settings.retention_inactive_citizen_days
        return cls(
            conversations=timedelta(days=settings.retention_conversation_days),
            outbox=timedelta(days=settings.retention_outbox_days),
            inbound=timedelta(days=settings.retention_inbound_days),
            inactive_citizens=timedelta(days=inactive) if inactive else None,
            anonymous_citizens=timedelta(days=settings.retention_anonymous_citizen_days),
            web_chat_deliveries=timedelta(days=settings.web_chat_delivery_days),
            unclear_messages=timedelta(days=settings.retention_unclear_message_days),
            report_details=timedelta(days=settings.retention_report_details_days),
            report_photo_dir=settings.report_photo_dir,
            report_photo_store=settings.report_photo_store,
        )

    def photos(self) -> PhotoStore | None:
        """Where retention removes report photos; None: it leaves them alone."""
        if self.report_photo_dir is None:
            return None
        return photo_store(self.report_photo_store, self.report_photo_dir)


@dataclass(frozen=True)
class RetentionReport:
    conversations: int = 0
    outbox: int = 0
    inbound: int = 0
    citizens: int = 0
    anonymous: int = 0  # chat partners who never consented and left nothing
    unreachable: int = 0  # web chat messages given up
    unclear: int = 0  # messages the bot asked about or did not understand
    report_details: int = 0  # closed reports whose description and place were removed
    orphan_photos: int = 0  # photo files no report named


async def apply_retention(
    sessions: async_sessionmaker[AsyncSession], policy: RetentionPolicy, now: datetime
) -> RetentionReport:
    """One pass over everything with a retention period; each kind in its own transaction."""
    async with sessions() as session, session.begin():
        unreachable = await give_up_unfetched(session, now - policy.web_chat_deliveries)
    async with sessions() as session, session.begin():
        conversations = await forget_idle_conversations(session, now - policy.conversations)
    async with sessions() as session, session.begin():
        deliveries = await forget_finished_deliveries(session, now - policy.outbox)
    async with sessions() as session, session.begin():
        ids = await inbound.forget_processed_before(session, now, policy.inbound)
    photos = policy.photos()
    erased = 0
    if policy.inactive_citizens is not None:
        erased = await _erase_all(
            sessions, inactive_citizens, now - policy.inactive_citizens, photos
        )
    anonymous = await _erase_all(
        sessions, idle_anonymous_citizens, now - policy.anonymous_citizens, photos
    )
    async with sessions() as session, session.begin():
        unclear = await unclear_messages.forget_before(session, now - policy.unclear_messages)
    async with sessions() as session, session.begin():
        details = await forget_closed_report_details(session, now - policy.report_details, photos)
    orphans = 0
    if photos is not None:
        async with sessions() as session, session.begin():
            orphans = await sweep_orphan_photos(session, photos, now)
    report = RetentionReport(
        conversations,
        deliveries,
        ids,
        erased,
        anonymous,
        unreachable,
        unclear=unclear,
        report_details=details,
        orphan_photos=orphans,
    )
    if orphans:
        log.info("retention: removed %d report photo files no report named", orphans)
    if any((conversations, deliveries, ids, erased, anonymous, unreachable)):
        log.info(
            "retention: deleted %d conversations, %d delivered messages, %d message ids, "
            "%d inactive citizens, %d anonymous chat partners; %d web chat messages not "
            "reachable",
            conversations,
            deliveries,
            ids,
            erased,
            anonymous,
            unreachable,
        )
    return report


async def _erase_all(
    sessions: async_sessionmaker[AsyncSession],
    find: FindCitizens,
    before: datetime,
    photo_dir: PhotoStore | None,
) -> int:
    """Erase everyone `find` names, in batches; returns how many."""
    erased = 0
    while True:
        async with sessions() as session, session.begin():
            batch = await find(session, before, ERASE_BATCH)
            for citizen_id in batch:
                erased += await erase_citizen(session, citizen_id, photo_dir)
        if len(batch) < ERASE_BATCH:
            return erased
