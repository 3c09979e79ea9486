"""Messages the bot was unsure about: kept for staff, gone after their retention period and
with their author's erasure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.civic.retention import RetentionPolicy, apply_retention
from bot.config import Settings
from storage import unclear_messages
from storage.citizen_export import citizen_data
from storage.citizens import erase_citizen
from storage.identities import resolve_citizen

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


async def _note(session: AsyncSession, citizen_id: int, text: str, at: datetime) -> int:
    return await unclear_messages.record(
        session,
        citizen_id=citizen_id,
        text=text,
        language="de",
        guessed="propose_idea",
        ranking=[("propose_idea", 0.48), ("ask_question", 0.41)],
        outcome="asked",
        now=at,
    )


async def test_newest_first_without_the_assigned_and_never_who_wrote(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        citizen, _ = await resolve_citizen(session, "telegram", "u1", "u1", "de", NOW)
        older = await _note(session, citizen, "grünschnitt abgeben?", NOW - DAY)
        newer = await _note(session, citizen, "wann ist sperrmüll", NOW)
        done = await _note(session, citizen, "schon erledigt", NOW)
        await unclear_messages.note_choice(session, older, "ask_question", NOW)
        assert await unclear_messages.assign(session, done, "ask_question", "anna", NOW)
        assert not await unclear_messages.assign(session, done, "help", "anna", NOW)
    async with db_sessions() as session:
        rows, total = await unclear_messages.open_messages(session)
    assert total == 2
    assert [row.id for row in rows] == [newer, older]
    assert rows[1].chosen == "ask_question"
    assert rows[0].ranking == (("propose_idea", 0.48), ("ask_question", 0.41))
    assert not hasattr(rows[0], "citizen_id")


async def test_erasure_takes_the_citizens_messages_and_only_theirs(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        leaving, _ = await resolve_citizen(session, "telegram", "u1", "u1", "de", NOW)
        staying, _ = await resolve_citizen(session, "telegram", "u2", "u2", "de", NOW)
        await _note(session, leaving, "meine adresse ist ...", NOW)
        await _note(session, staying, "wann ist sperrmüll", NOW)
        assert await erase_citizen(session, leaving)
    async with db_sessions() as session:
        rows, _ = await unclear_messages.open_messages(session)
    assert [row.text for row in rows] == ["wann ist sperrmüll"]


async def test_retention_removes_messages_past_their_period(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    policy = RetentionPolicy(
        conversations=30 * DAY,
        outbox=30 * DAY,
        inbound=7 * DAY,
        inactive_citizens=None,
        unclear_messages=90 * DAY,
    )
    async with db_sessions() as session, session.begin():
        citizen, _ = await resolve_citizen(session, "telegram", "u1", "u1", "de", NOW)
        await _note(session, citizen, "alt", NOW - 91 * DAY)
        await _note(session, citizen, "noch da", NOW - 89 * DAY)
    report = await apply_retention(db_sessions, policy, NOW)
    assert report.unclear == 1
    async with db_sessions() as session:
        rows, _ = await unclear_messages.open_messages(session)
    assert [row.text for row in rows] == ["noch da"]


def test_the_period_is_a_setting() -> None:
    policy = RetentionPolicy.from_settings(Settings(retention_unclear_message_days=14))
    assert policy.unclear_messages == 14 * DAY


async def test_a_citizens_export_holds_their_messages_not_understood(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        citizen, _ = await resolve_citizen(session, "telegram", "u1", "u1", "de", NOW)
        await _note(session, citizen, "wann ist sperrmüll", NOW)
        data = await citizen_data(session, citizen, NOW)
    assert [m["text"] for m in data["messages_not_understood"]] == ["wann ist sperrmüll"]
