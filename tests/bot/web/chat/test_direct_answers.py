"""The web chat's lean path: group commit, memory of conversations, and what a restart keeps."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import func, select

from bot.app import App, build_app
from bot.config import Settings
from bot.direct_answers import DirectAnswers
from bot.messages import ConversationKey, InboundMessage
from nlu.types import IntentRecognizer
from storage.citizens import erase_citizen
from storage.database import is_sqlite
from storage.models.core import ChannelIdentity, Citizen


def answers_for(app: App) -> DirectAnswers:
    return DirectAnswers(
        app.sessions,
        app.recognizer,
        lambda: app.library,
        app.services,
        app.dispatcher_settings,
        remember=is_sqlite(app.settings.database_url),
    )


async def say(answers: DirectAnswers, sender: str, text: str) -> str:
    replies = await answers.answer(
        InboundMessage(ConversationKey("web", sender, sender), text, payload_choices=True)
    )
    return "\n".join(reply.text for reply in replies)


async def test_concurrent_turns_share_commits_and_survive_a_restart(
    db_url: str, recognizer: IntentRecognizer
) -> None:
    settings = Settings(database_url=db_url, demo_data="true", nlu_cache_dir=None)
    senders = [f"w-citizen-{number}" for number in range(20)]

    async def propose(answers: DirectAnswers, sender: str) -> str:
        await say(answers, sender, "Hallo")
        await say(answers, sender, "ich habe eine idee für die stadt")
        await say(answers, sender, "ja")
        return await say(answers, sender, f"Trinkbrunnen Nummer {sender}")

    app = await build_app(settings, {}, recognizer)
    try:
        answers = answers_for(app)
        asked = await asyncio.gather(*(propose(answers, sender) for sender in senders))
        assert all("Beschreiben Sie Ihre Idee" in text for text in asked)
        # the titles touched nothing but the state: fewer transactions than messages
        assert 0 < answers.writer.commits < len(senders) * 2
    finally:
        await app.close()

    app = await build_app(settings, {}, recognizer)
    try:
        answers = answers_for(app)
        described = await asyncio.gather(
            *(
                say(answers, sender, "Im Sommer fehlt am Markt frisches Wasser.")
                for sender in senders
            )
        )
        assert all("Zu welchem Thema" in text for text in described)
        async with app.sessions() as session:
            identities = await session.scalar(
                select(func.count())
                .select_from(ChannelIdentity)
                .where(ChannelIdentity.channel == "web")
            )
        assert identities == len(senders)
    finally:
        await app.close()


async def test_turns_that_only_read_leave_their_state_to_the_group_commit(
    db_url: str, recognizer: IntentRecognizer
) -> None:
    settings = Settings(database_url=db_url, demo_data="true", nlu_cache_dir=None)
    senders = [f"r-citizen-{number}" for number in range(20)]
    app = await build_app(settings, {}, recognizer)
    try:
        answers = answers_for(app)
        await asyncio.gather(*(say(answers, sender, "Hallo") for sender in senders))
        before = answers.writer.commits
        # proposing an idea first reads whether the citizen has consented, and writes nothing
        asked = await asyncio.gather(
            *(say(answers, sender, "ich habe eine idee für die stadt") for sender in senders)
        )
        assert all("Datenschutz" in text for text in asked)
        assert 0 < answers.writer.commits - before < len(senders)
    finally:
        await app.close()

    app = await build_app(settings, {}, recognizer)
    try:
        answers = answers_for(app)
        agreed = await asyncio.gather(*(say(answers, sender, "ja") for sender in senders))
        assert all("Danke!" in text for text in agreed)
    finally:
        await app.close()


async def test_a_citizen_erased_elsewhere_is_greeted_anew_not_apologised_to(
    sqlite_url: str, recognizer: IntentRecognizer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.direct_answers")
    settings = Settings(database_url=sqlite_url, demo_data="true", nlu_cache_dir=None)
    app = await build_app(settings, {}, recognizer)
    try:
        answers = answers_for(app)
        await say(answers, "w-forgotten", "Hallo")
        await say(answers, "w-forgotten", "ich habe eine idee")
        async with app.sessions() as session, session.begin():
            citizen_id = await session.scalar(
                select(ChannelIdentity.citizen_id).where(ChannelIdentity.user_key == "w-forgotten")
            )
            assert citizen_id is not None
            assert await erase_citizen(session, citizen_id)
        answer = await say(answers, "w-forgotten", "Trinkbrunnen am Markt")
        assert "schiefgegangen" not in answer
        assert "retrying a web chat turn from the store" in caplog.text  # memory was stale
        async with app.sessions() as session:
            new_id = await session.scalar(
                select(ChannelIdentity.citizen_id).where(ChannelIdentity.user_key == "w-forgotten")
            )
            assert new_id is not None and new_id != citizen_id
            assert await session.get(Citizen, new_id) is not None
    finally:
        await app.close()
