"""Staff publish or reject a citizen's idea; the author hears about it in their language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.civic.ideas.moderation import moderate_idea
from bot.civic.services import StoreServices
from storage.citizens import set_language
from storage.ideas import find_idea
from storage.identities import resolve_citizen
from storage.models.core import OutboxMessage

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]


async def _proposed(sessions: Sessions, language: str) -> str:
    async with sessions() as session, session.begin():
        citizen, _ = await resolve_citizen(session, "telegram", "7", "chat-7", language, NOW)
        await set_language(session, citizen, language)
        return await StoreServices(session, "telegram").ideas.create(
            citizen, "Trinkbrunnen am Markt", "Im Sommer fehlt Wasser.", None, None, language
        )


async def _visible_to_others(sessions: Sessions) -> list[str]:
    async with sessions() as session:
        return [idea.ref for idea in await StoreServices(session).ideas.published("de", limit=50)]


async def _notices(sessions: Sessions) -> list[str]:
    async with sessions() as session:
        rows = await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [str(row.payload["text"]) for row in rows]


async def test_a_published_idea_becomes_visible_and_the_author_is_told(
    db_sessions: Sessions,
) -> None:
    ref = await _proposed(db_sessions, "de")
    assert ref not in await _visible_to_others(db_sessions)
    async with db_sessions() as session, session.begin():
        queued = await moderate_idea(session, ref, "publish", "", "Frau Meier", NOW)
    assert queued == 1
    assert ref in await _visible_to_others(db_sessions)
    (notice,) = await _notices(db_sessions)
    assert ref in notice and "sichtbar" in notice


async def test_a_rejection_needs_a_reason_and_the_author_reads_it(db_sessions: Sessions) -> None:
    ref = await _proposed(db_sessions, "en")
    async with db_sessions() as session, session.begin():
        with pytest.raises(ValueError, match="reason"):
            await moderate_idea(session, ref, "reject", "  ", "Frau Meier", NOW)
    async with db_sessions() as session, session.begin():
        await moderate_idea(session, ref, "reject", "Already planned for 2027.", "Frau Meier", NOW)
    async with db_sessions() as session:
        idea = await find_idea(session, ref)
        assert idea is not None and idea.status == "rejected"
    (notice,) = await _notices(db_sessions)
    assert "will not be published" in notice and "Already planned for 2027." in notice
    assert ref not in await _visible_to_others(db_sessions)


async def test_an_unknown_idea_is_named_in_the_error(db_sessions: Sessions) -> None:
    async with db_sessions() as session, session.begin():
        with pytest.raises(LookupError, match="I-999"):
            await moderate_idea(session, "I-999", "publish", "", "Frau Meier", NOW)
