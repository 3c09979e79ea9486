"""Senders who leave nothing worth keeping leave no rows; the turn that needs the citizen
creates them, on both reply routes and both databases."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.config import Settings
from bot.messages import ConversationKey, InboundMessage
from nlu.types import TeachableRecognizer
from storage.models import Citizen, OutboxMessage
from storage.models.civic import Question
from storage.models.core import ChannelIdentity, Conversation
from tests.bot.test_dispatcher import Bot, Route, said, start_bot


async def rows(app: App) -> tuple[int, int, int]:
    """Citizens, channel identities and conversations in the store."""
    async with app.sessions() as session:
        counts = [
            await session.scalar(select(func.count()).select_from(model))
            for model in (Citizen, ChannelIdentity, Conversation)
        ]
    return (counts[0] or 0, counts[1] or 0, counts[2] or 0)


@pytest.fixture(params=["outbox", "direct"])
def route(request: pytest.FixtureRequest) -> Route:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
async def bot(
    route: Route,
    db_url: str,
    settings_for: Callable[[str], Settings],
    recognizer: TeachableRecognizer,
) -> AsyncIterator[Bot]:
    started = await start_bot(settings_for(db_url), recognizer, route)
    try:
        yield started
    finally:
        await started.app.close()


async def test_a_thousand_senders_saying_hello_leave_no_rows(
    db_url: str, settings_for: Callable[[str], Settings], recognizer: TeachableRecognizer
) -> None:
    # the web chat's REST channel: made-up sender ids, one message each
    app = (await start_bot(settings_for(db_url), recognizer, "direct")).app
    try:
        for batch in range(10):
            answers = await asyncio.gather(
                *(
                    app.dispatcher.answer(
                        InboundMessage(ConversationKey("web", sender, sender), "hallo")
                    )
                    for sender in (f"fuzz-{batch}-{number}" for number in range(100))
                )
            )
            assert all("Musterstadt" in said(answer) for answer in answers)
        assert await rows(app) == (0, 0, 0)
    finally:
        await app.close()


async def test_messenger_senders_saying_hello_get_their_answer_and_leave_no_rows(
    bot: Bot,
) -> None:
    for number in range(20):
        user = f"m-{number}"
        assert "Musterstadt" in said(await bot.say(user, "Hallo", platform_id=f"u-{number}"))
        # a redelivery is still recognised as one
        assert await bot.say(user, "Hallo", platform_id=f"u-{number}") == []
    assert await rows(bot.app) == (0, 0, 0)
    async with bot.app.sessions() as session:
        linked = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.citizen_id.is_not(None))
        )
    assert linked == 0


async def test_talking_after_hello_continues_the_conversation_without_rows(bot: Bot) -> None:
    assert "willkommen" in said(await bot.say("anna", "Hallo")).lower()
    helped = said(await bot.say("anna", "was kann ich hier machen?"))
    assert "Das kann ich" in helped and "willkommen" not in helped.lower()
    assert await rows(bot.app) == (0, 0, 0)


async def test_a_step_that_waits_creates_the_citizen_and_survives_a_restart(
    route: Route,
    db_url: str,
    settings_for: Callable[[str], Settings],
    recognizer: TeachableRecognizer,
) -> None:
    settings = settings_for(db_url)
    bot = await start_bot(settings, recognizer, route)
    try:
        await bot.say("anna", "Hallo")
        assert await rows(bot.app) == (0, 0, 0)
        asked = said(await bot.say("anna", "Ich habe eine Idee für den Park"))
        assert "Datenschutz" in asked and "willkommen" not in asked.lower()
        assert await rows(bot.app) == (1, 1, 1)
    finally:
        await bot.app.close()

    bot = await start_bot(settings, recognizer, route)
    try:
        assert "Wie soll sie heißen" in said(await bot.say("anna", "ja"))
        assert "Beschreiben Sie" in said(await bot.say("anna", "Bücherschrank am Weiher"))
        assert await rows(bot.app) == (1, 1, 1)
    finally:
        await bot.app.close()


async def test_a_first_message_with_a_whole_question_is_stored_once_agreed(bot: Bot) -> None:
    text = "Wann wird die Straßenbeleuchtung in der Lindenallee repariert?"
    assert "So abschicken" in said(await bot.say("bert", text))
    assert await rows(bot.app) == (1, 1, 1)
    assert "Datenschutz" in said(await bot.say("bert", "ja"))
    assert "angekommen" in said(await bot.say("bert", "ja"))
    async with bot.app.sessions() as session:
        stored = list(
            await session.scalars(select(Question.text).where(Question.citizen_id.is_not(None)))
        )
    assert stored == [text]


async def test_choosing_a_language_creates_the_citizen_in_that_language(bot: Bot) -> None:
    assert "English" in said(await bot.say("carl", "/sprache en"))
    async with bot.app.sessions() as session:
        languages = list(await session.scalars(select(Citizen.language)))
    assert languages == ["en"]


async def test_asking_for_ones_data_works_without_any_rows_before(bot: Bot) -> None:
    replies = await bot.say("dora", "/daten")
    assert any(reply.attachment is not None for reply in replies)
