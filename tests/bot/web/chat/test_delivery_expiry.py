"""Messages to a web chat whose page stays closed: given up after a while, so an
announcement finishes and retention removes them; time is driven by hand."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.web import WebChannel
from bot.civic.announcements import (
    announcement_progress,
    create_announcement,
    release_due_announcements,
)
from bot.civic.retention import RetentionPolicy, apply_retention
from bot.config import Settings
from bot.delivery.worker import DeliveryWorker
from storage import outbox
from storage.models import OutboxMessage
from storage.web_chat import NOT_REACHABLE
from tests.bot.delivery.people import START, add_citizen

DAY = timedelta(days=1)
POLICY = RetentionPolicy.from_settings(Settings())  # 14 days for web chat messages


async def test_an_announcement_to_closed_pages_finishes_and_its_messages_go(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        for name in ("closed-1", "closed-2", "closed-3", "open"):
            await add_citizen(session, name, channels=("web",))
        # a Telegram message waiting as long is the platform's business, not this rule's
        await outbox.enqueue(
            session,
            channel="telegram",
            address="telegram:someone",
            citizen_id=None,
            payload={"text": "Hallo"},
            now=START,
        )
        announcement = await create_announcement(
            session,
            text_de="Am Samstag ist Markttag.",
            text_en=None,
            audience="all",
            send_at=None,
            created_by="presse",
            now=START,
        )
    channel = WebChannel()
    now = START
    worker = DeliveryWorker(db_sessions, {"web": channel}, clock=lambda: now)
    try:
        with channel.open_stream("web:open") as page:
            assert await worker.drain_once() == 4
            assert page.get_nowait() is not None
        now = START + 13 * DAY  # the closed pages were tried now and then all along
        await worker.drain_once()
    finally:
        await worker.close()

    async def progress() -> tuple[str, int, int, int]:
        await release_due_announcements(db_sessions, now)
        async with db_sessions() as session:
            found = await announcement_progress(session, announcement, now)
        return found.state, found.sent, found.failed, found.remaining

    await apply_retention(db_sessions, POLICY, now)
    assert await progress() == ("sending", 1, 0, 3)

    now = START + 14 * DAY + timedelta(hours=1)
    report = await apply_retention(db_sessions, POLICY, now)
    assert await progress() == ("done", 1, 3, 0)
    assert report.unreachable == 3
    async with db_sessions() as session:
        reasons = set(
            await session.scalars(
                select(OutboxMessage.last_error).where(OutboxMessage.state == outbox.FAILED)
            )
        )
        telegram = await session.scalar(
            select(OutboxMessage.state).where(OutboxMessage.channel == "telegram")
        )
    assert reasons == {NOT_REACHABLE}
    assert telegram == outbox.PENDING

    now = START + 45 * DAY  # past the outbox's retention: removed like every finished delivery
    assert (await apply_retention(db_sessions, POLICY, now)).outbox == 4
    async with db_sessions() as session:
        left = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.channel == "web")
        )
    assert left == 0
    assert await progress() == ("done", 1, 3, 0)  # the tally stays with the announcement
