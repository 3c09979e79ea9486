"""Where conversations stand between messages: memory, group commit, and what a restart keeps."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, select

from bot.app import App, build_app
from bot.config import Settings
from bot.messages import ConversationKey, InboundMessage
from nlu.types import IntentRecognizer
from storage.identities import resolve_citizen
from storage.models.core import ChannelIdentity
from storage.models.newcomers import NewcomerState


async def say(app: App, sender: str, text: str) -> str:
    replies = await app.dispatcher.answer(
        InboundMessage(ConversationKey("web", sender, sender), text)
    )
    return "\n".join(reply.text for reply in replies)


async def test_concurrent_turns_share_commits_and_survive_a_restart(
    db_url: str, recognizer: IntentRecognizer
) -> None:
    settings = Settings(database_url=db_url, demo_data="true", nlu_cache_dir=None)
    senders = [f"w-citizen-{number}" for number in range(20)]

    async def propose(app: App, sender: str) -> str:
        await say(app, sender, "Hallo")
        await say(app, sender, "ich habe eine idee für die stadt")
        await say(app, sender, "ja")
        return await say(app, sender, f"Trinkbrunnen Nummer {sender}")

    app = await build_app(settings, {}, recognizer)
    try:
        asked = await asyncio.gather(*(propose(app, sender) for sender in senders))
        assert all("Beschreiben Sie Ihre Idee" in text for text in asked)
        # the titles touched nothing but the state: fewer transactions than messages
        assert 0 < app.dispatcher.conversations.commits < len(senders) * 2
    finally:
        await app.close()

    app = await build_app(settings, {}, recognizer)
    try:
        described = await asyncio.gather(
            *(say(app, sender, "Im Sommer fehlt am Markt frisches Wasser.") for sender in senders)
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
        async with app.sessions() as session, session.begin():
            for sender in senders:  # citizens already, though they never agreed to anything
                await resolve_citizen(session, "web", sender, sender, "de", datetime.now(UTC))
        await asyncio.gather(*(say(app, sender, "Hallo") for sender in senders))
        before = app.dispatcher.conversations.commits
        # proposing an idea first reads whether the citizen has consented, and writes nothing
        asked = await asyncio.gather(
            *(say(app, sender, "ich habe eine idee für die stadt") for sender in senders)
        )
        assert all("Datenschutz" in text for text in asked)
        assert 0 < app.dispatcher.conversations.commits - before < len(senders)
    finally:
        await app.close()

    app = await build_app(settings, {}, recognizer)
    try:
        agreed = await asyncio.gather(*(say(app, sender, "ja") for sender in senders))
        assert all("Danke!" in text for text in agreed)
    finally:
        await app.close()


def statements_of(app: App) -> tuple[list[str], Callable[[], None]]:
    """The SQL verbs the app sends from now on, and how to stop listening."""
    statements: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement.split()[0].upper())

    event.listen(app.engine.sync_engine, "before_cursor_execute", note)
    return statements, lambda: event.remove(app.engine.sync_engine, "before_cursor_execute", note)


async def test_a_remembered_messenger_conversation_reads_nothing_before_its_turn(
    db_url: str, recognizer: IntentRecognizer
) -> None:
    """Telegram and Matrix turns use the same memory as the web chat, on both stores: a
    process sharing PostgreSQL with others trusts its memory too (the write checks it)."""
    app = await build_app(
        Settings(database_url=db_url, demo_data="true", nlu_cache_dir=None), {}, recognizer
    )
    try:
        key = ConversationKey("telegram", "42", "42")
        # a list waits for a pick, so the sender becomes a citizen
        await app.dispatcher.handle(InboundMessage(key, "/umfragen", platform_id="1"))
        assert app.dispatcher.conversations.recall(key) is not None
        statements, stop = statements_of(app)
        await app.dispatcher.handle(InboundMessage(key, "danke", platform_id="2"))
        stop()
    finally:
        await app.close()
    assert "SELECT" not in statements  # no citizen, identity or conversation read
    assert statements.count("INSERT") >= 2  # the dedupe claim, the state and the replies


async def test_a_newcomer_on_a_shared_store_is_remembered_and_written_once_per_turn(
    postgres_url: str, recognizer: IntentRecognizer
) -> None:
    app = await build_app(
        Settings(database_url=postgres_url, demo_data="true", nlu_cache_dir=None), {}, recognizer
    )
    try:
        assert "Musterstadt" in await say(app, "new-1", "Hallo")
        statements, stop = statements_of(app)
        assert "Womit kann ich helfen" in await say(app, "new-1", "Hallo")
        stop()
    finally:
        await app.close()
    assert "SELECT" not in statements  # not the identity, not the stored position
    assert statements.count("UPDATE") == 1  # the position, at the version remembered


async def test_a_newcomer_another_process_enrolled_is_answered_as_the_citizen(
    postgres_url: str, recognizer: IntentRecognizer
) -> None:
    """Two processes on one PostgreSQL database: the one still remembering the sender as
    new must not bring their old position back."""
    settings = Settings(database_url=postgres_url, demo_data="true", nlu_cache_dir=None)
    first = await build_app(settings, {}, recognizer)
    second = await build_app(settings, {}, recognizer)
    try:
        await say(first, "new-2", "Hallo")
        await say(second, "new-2", "/idee")
        assert "Wie soll sie heißen" in await say(second, "new-2", "ja")  # a citizen now
        # the first process remembers a newcomer at the menu
        assert "Beschreiben Sie" in await say(first, "new-2", "Bank am Weiher")
        async with first.sessions() as session:
            positions = await session.scalar(select(func.count()).select_from(NewcomerState))
        assert positions == 0
    finally:
        await first.close()
        await second.close()


async def test_a_chat_spread_over_two_processes_is_read_from_the_store_not_run_twice(
    postgres_url: str, recognizer: IntentRecognizer, caplog: pytest.LogCaptureFixture
) -> None:
    """A proxy without stickiness sends a chat's messages to processes in turn: after the
    first turn found its memory out of date, each process reads that chat from the store
    instead of running every turn twice."""
    settings = Settings(database_url=postgres_url, demo_data="true", nlu_cache_dir=None)
    apps = [await build_app(settings, {}, recognizer) for _ in range(2)]
    try:
        await say(apps[0], "spread", "/idee")
        await say(apps[1], "spread", "ja")
        caplog.set_level(logging.INFO, logger="bot.dispatcher")
        answers = []
        for number, text in enumerate(["Bank am Weiher", "Eine Bank zum Ausruhen.", "Umwelt"]):
            answers.append(await say(apps[number % 2], "spread", text))
        for number in range(6):
            await say(apps[number % 2], "spread", "hilfe")
    finally:
        for app in apps:
            await app.close()
    assert "Beschreiben Sie" in answers[0] and "Zu welchem Thema" in answers[1]
    reruns = [r for r in caplog.records if "again from the store" in r.getMessage()]
    assert len(reruns) <= 2  # once per process at most, not once per turn
