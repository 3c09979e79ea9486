"""Telling a session that only read from one that wrote."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models.core import Citizen
from storage.session_writes import wrote
from storage.subscriptions import subscribe

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]


async def test_reading_is_not_writing(db_sessions: Sessions) -> None:
    async with db_sessions() as session:
        await session.scalars(select(Citizen).limit(3))
        assert session.in_transaction()
        assert not wrote(session)


async def test_changes_flushed_pending_or_plain_are_writing_until_the_commit(
    db_sessions: Sessions,
) -> None:
    async with db_sessions() as session:
        citizen = Citizen(language="de")
        session.add(citizen)
        assert wrote(session)  # not in the database yet, but the commit would write it
        await session.flush()
        assert wrote(session)
        await session.commit()
        assert not wrote(session)

        citizen.language = "en"  # a change the commit would write
        assert wrote(session)
        await session.commit()
        assert not wrote(session)

        assert await subscribe(session, citizen.id, "topic", "umwelt", NOW)
        assert wrote(session)
        await session.rollback()
        assert not wrote(session)
