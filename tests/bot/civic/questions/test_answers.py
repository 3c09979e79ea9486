"""A staff answer is stored and queued to every chat of the citizen, in their language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.civic.questions.answers import answer_question
from storage.citizens import erase_citizen, set_language
from storage.identities import resolve_citizen
from storage.models.core import OutboxMessage
from storage.questions import create_question, question_by_ref

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]


async def _asked(sessions: Sessions, language: str = "de") -> tuple[int, str]:
    async with sessions() as session, session.begin():
        citizen, _ = await resolve_citizen(session, "telegram", "42", "chat-42", language, NOW)
        await set_language(session, citizen, language)
        question = await create_question(session, citizen, "Wann öffnet das Freibad?", "de", NOW)
    return citizen, question.ref or ""


async def _queued(sessions: Sessions) -> list[OutboxMessage]:
    async with sessions() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def test_answer_reaches_the_citizen_with_options_to_go_on(db_sessions: Sessions) -> None:
    citizen, ref = await _asked(db_sessions)
    async with db_sessions() as session, session.begin():
        queued = await answer_question(session, ref, "Am 15. Mai.", True, "Frau Meier", NOW)
    async with db_sessions() as session:
        question = await question_by_ref(session, ref)
    (message,) = await _queued(db_sessions)
    assert queued == 1
    assert question is not None and question.status == "answered" and question.public
    assert (message.channel, message.address, message.citizen_id) == (
        "telegram",
        "chat-42",
        citizen,
    )
    assert message.payload["text"].startswith(f"Antwort auf Ihre Frage {ref}:")
    assert "Am 15. Mai." in message.payload["text"] and "Freibad" in message.payload["text"]
    assert [value for _, value in message.payload["options"]] == ["/frage", "/hilfe"]


async def test_every_chat_gets_it_in_english_and_repeating_sends_nothing_new(
    db_sessions: Sessions,
) -> None:
    citizen, ref = await _asked(db_sessions, "en")
    async with db_sessions() as session, session.begin():
        await resolve_citizen(session, "matrix", "@anna:example.org", "!room", "en", NOW)
        # link the Matrix identity to the same citizen, as an account link would
        from storage.models.core import ChannelIdentity

        matrix = await session.scalar(
            select(ChannelIdentity).where(ChannelIdentity.channel == "matrix")
        )
        assert matrix is not None
        matrix.citizen_id = citizen
    async with db_sessions() as session, session.begin():
        first = await answer_question(session, ref, "On 15 May.", False, "Ms Meier", NOW)
        again = await answer_question(session, ref, "On 15 May.", False, "Ms Meier", NOW)
        corrected = await answer_question(session, ref, "On 16 May.", False, "Ms Meier", NOW)
    messages = await _queued(db_sessions)
    assert (first, again, corrected) == (2, 0, 2)
    assert {m.channel for m in messages} == {"telegram", "matrix"}
    assert all(m.payload["text"].startswith("Answer to your question") for m in messages)


async def test_unknown_reference_empty_answer_and_erased_citizen(db_sessions: Sessions) -> None:
    citizen, ref = await _asked(db_sessions)
    async with db_sessions() as session, session.begin():
        with pytest.raises(LookupError):
            await answer_question(session, "Q-999", "Ja.", True, "Amt", NOW)
        with pytest.raises(ValueError):
            await answer_question(session, ref, "   ", True, "Amt", NOW)
        await erase_citizen(session, citizen)
    async with db_sessions() as session, session.begin():
        assert await answer_question(session, ref, "Am 15. Mai.", True, "Amt", NOW) == 0
    assert await _queued(db_sessions) == []
