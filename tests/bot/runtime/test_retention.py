"""Retention deletes exactly what is past its period, and nothing else."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.civic.retention import RetentionPolicy, apply_retention
from bot.config import Settings
from storage import inbound, outbox, sending
from storage.citizens import record_consent
from storage.ideas import add_support, create_idea
from storage.identities import resolve_citizen
from storage.models.civic import Idea
from storage.models.core import (
    ChannelIdentity,
    Citizen,
    Conversation,
    OutboxMessage,
    ProcessedInbound,
)
from storage.subscriptions import subscribe

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
POLICY = RetentionPolicy(
    conversations=30 * DAY, outbox=30 * DAY, inbound=7 * DAY, inactive_citizens=365 * DAY
)


async def _citizen(session: AsyncSession, user: str, last_seen: datetime) -> int:
    citizen_id, _ = await resolve_citizen(session, "telegram", user, user, "de", last_seen)
    return citizen_id


async def _conversation(session: AsyncSession, citizen_id: int, chat: str, at: datetime) -> None:
    session.add(
        Conversation(
            channel="telegram",
            chat=chat,
            user_key=chat,
            citizen_id=citizen_id,
            state={"flow": "consultations", "step": "pick"},
            updated_at=at,
        )
    )
    await session.flush()


async def _message(
    session: AsyncSession, citizen_id: int, key: str, state: str, created: datetime
) -> None:
    message_id = await outbox.enqueue_returning_id(
        session,
        channel="telegram",
        address="1",
        citizen_id=citizen_id,
        payload={"text": key},
        dedupe_key=key,
        now=created,
    )
    assert message_id is not None
    if state == outbox.SENT:
        await sending.mark_sent(session, message_id, created + timedelta(minutes=1))
    elif state == outbox.FAILED:
        await sending.mark_failed(session, message_id, "blocked")
    elif state == outbox.CANCELLED:
        row = await session.get(OutboxMessage, message_id)
        assert row is not None
        row.state = outbox.CANCELLED
        await session.flush()


async def test_retention_deletes_exactly_what_is_expired(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        active = await _citizen(session, "active", NOW - 10 * DAY)
        gone = await _citizen(session, "gone", NOW - 400 * DAY)
        await create_idea(
            session,
            citizen_id=gone,
            title="Mehr Bänke am See",
            description="Am Seeufer fehlen Bänke für ältere Menschen.",
            topic_id=None,
            place=None,
            language="de",
            now=NOW - 400 * DAY,
        )
        await _conversation(session, active, "fresh", NOW - 29 * DAY)
        await _conversation(session, active, "stale", NOW - 31 * DAY)
        await _message(session, active, "old-sent", outbox.SENT, NOW - 31 * DAY)
        await _message(session, active, "old-failed", outbox.FAILED, NOW - 31 * DAY)
        await _message(session, active, "old-cancelled", outbox.CANCELLED, NOW - 31 * DAY)
        await _message(session, active, "old-pending", outbox.PENDING, NOW - 40 * DAY)
        await _message(session, active, "new-sent", outbox.SENT, NOW - 10 * DAY)
        await inbound.claim_inbound(session, "telegram", "old", NOW - 8 * DAY)
        await inbound.claim_inbound(session, "telegram", "new", NOW - 6 * DAY)

    report = await apply_retention(db_sessions, POLICY, NOW)

    assert (report.conversations, report.outbox, report.inbound, report.citizens) == (1, 3, 1, 1)
    async with db_sessions() as session:
        chats = await session.scalars(select(Conversation.chat))
        assert set(chats) == {"fresh"}
        keys = await session.scalars(select(OutboxMessage.dedupe_key))
        assert set(keys) == {"old-pending", "new-sent"}
        ids = await session.scalars(select(ProcessedInbound.platform_id))
        assert set(ids) == {"new"}
        assert set(await session.scalars(select(Citizen.id))) == {active}
        # the erased citizen's idea stays, without the person
        idea = await session.scalar(select(Idea).where(Idea.title == "Mehr Bänke am See"))
        assert idea is not None and idea.citizen_id is None

    again = await apply_retention(db_sessions, POLICY, NOW)
    assert (again.conversations, again.outbox, again.inbound, again.citizens) == (0, 0, 0, 0)


async def test_citizens_are_kept_unless_a_period_for_inactive_ones_is_set(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        quiet = await _citizen(session, "quiet", NOW - 3000 * DAY)
        # one who never agreed to anything would go (docs/privacy.md); this one agreed
        await record_consent(session, quiet, "2026-01", "telegram", NOW - 3000 * DAY)
    policy = RetentionPolicy.from_settings(Settings())
    assert policy.inactive_citizens is None

    report = await apply_retention(db_sessions, policy, NOW)

    assert report.citizens == 0
    async with db_sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Citizen)) == 1


def test_the_periods_come_from_the_settings() -> None:
    settings = Settings(
        retention_conversation_days=14,
        retention_outbox_days=60,
        retention_inbound_days=2,
        retention_inactive_citizen_days=730,
    )
    assert RetentionPolicy.from_settings(settings) == RetentionPolicy(
        conversations=14 * DAY,
        outbox=60 * DAY,
        inbound=2 * DAY,
        inactive_citizens=730 * DAY,
        report_photo_dir=settings.report_photo_dir,
    )


async def test_idle_chat_partners_who_left_nothing_go_with_their_identity_and_conversation(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    old = NOW - 31 * DAY
    async with db_sessions() as session, session.begin():
        looked = await _citizen(session, "looked", old)  # only looked around
        await _conversation(session, looked, "looked", old)
        recent = await _citizen(session, "recent", NOW - 29 * DAY)
        agreed = await _citizen(session, "agreed", old)
        await record_consent(session, agreed, "2026-01", "telegram", old)
        author = await _citizen(session, "author", old)
        await create_idea(
            session,
            citizen_id=author,
            title="Bank am Weiher",
            description="Eine Bank zum Ausruhen am Weiher.",
            topic_id=None,
            place=None,
            language="de",
            now=old,
        )
        follower = await _citizen(session, "follower", old)
        await subscribe(session, follower, "topic", "verkehr", old)
        supporter = await _citizen(session, "supporter", old)
        idea = await session.scalar(select(Idea))
        assert idea is not None
        assert await add_support(session, idea, supporter, old) == "added"

    default = RetentionPolicy.from_settings(Settings())
    assert default.anonymous_citizens == 30 * DAY  # on without any setting
    # conversations kept longer here: the looker's goes because the looker goes
    policy = replace(default, conversations=90 * DAY)
    report = await apply_retention(db_sessions, policy, NOW)

    assert report.anonymous == 1
    async with db_sessions() as session:
        kept = set(await session.scalars(select(Citizen.id)))
        users = set(await session.scalars(select(ChannelIdentity.user_key)))
        chats = set(await session.scalars(select(Conversation.chat)))
    assert kept == {recent, agreed, author, follower, supporter}
    assert users == {"recent", "agreed", "author", "follower", "supporter"}
    assert chats == set()
