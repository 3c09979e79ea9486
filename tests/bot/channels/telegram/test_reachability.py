"""A blocked bot: queued deliveries stop, subscriptions pause; unblocking resumes them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.telegram.updates import ReachabilityChange
from bot.delivery.reachability import reachability_recorder
from storage import outbox, reachability, subscriptions
from storage.identities import resolve_citizen
from storage.models.core import ChannelIdentity, OutboxMessage

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]


async def _citizen_with_news(sessions: Sessions, user_key: str) -> int:
    async with sessions() as session, session.begin():
        citizen_id, _ = await resolve_citizen(session, "telegram", user_key, user_key, "de", NOW)
        await subscriptions.subscribe(session, citizen_id, "topic", "verkehr", NOW)
        await outbox.enqueue(
            session,
            channel="telegram",
            address=user_key,
            citizen_id=citizen_id,
            payload={"text": "Neuigkeiten zum Radweg", "options": []},
            priority=5,
            cause="broadcast",
        )
    return citizen_id


async def _news_recipients(sessions: Sessions) -> list[int]:
    async with sessions() as session:
        return await subscriptions.subscribers(session, "topic", "verkehr")


async def _queued_states(sessions: Sessions) -> list[str]:
    async with sessions() as session:
        return list((await session.scalars(select(OutboxMessage.state))).all())


async def test_blocking_pauses_news_and_withdraws_queued_messages(db_sessions: Sessions) -> None:
    anna = await _citizen_with_news(db_sessions, "1001")
    ben = await _citizen_with_news(db_sessions, "1002")
    record = reachability_recorder(db_sessions)

    await record(ReachabilityChange("telegram", "1001", blocked=True, at=NOW))
    assert await _news_recipients(db_sessions) == [ben]
    assert sorted(await _queued_states(db_sessions)) == ["cancelled", "pending"]
    async with db_sessions() as session:
        assert await reachability.is_blocked(session, "telegram", "1001")

    await record(ReachabilityChange("telegram", "1001", blocked=False, at=NOW))
    assert await _news_recipients(db_sessions) == [anna, ben]
    async with db_sessions() as session:
        assert not await reachability.is_blocked(session, "telegram", "1001")


async def test_a_refused_address_blocks_the_identity_behind_it(db_sessions: Sessions) -> None:
    await _citizen_with_news(db_sessions, "1001")
    async with db_sessions() as session, session.begin():
        await reachability.mark_address_blocked(session, "telegram", "1001", NOW)
    assert await _news_recipients(db_sessions) == []
    async with db_sessions() as session:
        assert await reachability.is_blocked(session, "telegram", "1001")


async def test_news_go_on_while_the_citizen_is_reachable_on_another_channel(
    db_sessions: Sessions,
) -> None:
    anna = await _citizen_with_news(db_sessions, "1001")
    async with db_sessions() as session, session.begin():
        # the same citizen also talks to the bot on Matrix (identities linked by the store)
        session.add(
            ChannelIdentity(
                citizen_id=anna,
                channel="matrix",
                user_key="@anna:example.org",
                address="!room:example.org",
                created_at=NOW,
            )
        )
    async with db_sessions() as session, session.begin():
        await reachability.mark_blocked(session, "telegram", "1001", NOW)
    assert await _news_recipients(db_sessions) == [anna]


async def test_an_unknown_citizen_blocking_the_bot_changes_nothing(db_sessions: Sessions) -> None:
    async with db_sessions() as session, session.begin():
        await reachability.mark_blocked(session, "telegram", "999", NOW)
        await reachability.mark_unblocked(session, "telegram", "999", NOW)
        assert not await reachability.is_blocked(session, "telegram", "999")
