"""Where conversations stand between messages: memory, group commit, and what a restart keeps."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import event, func, select

from bot.app import App, build_app
from bot.config import Settings
from bot.messages import ConversationKey, InboundMessage
from nlu.types import IntentRecognizer
from storage.identities import resolve_citizen
from storage.models.core import ChannelIdentity


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


async def test_a_remembered_messenger_conversation_reads_nothing_before_its_turn(
    sqlite_url: str, recognizer: IntentRecognizer
) -> None:
    """Telegram and Matrix turns use the same memory as the web chat."""
    app = await build_app(
        Settings(database_url=sqlite_url, demo_data="true", nlu_cache_dir=None), {}, recognizer
    )
    statements: list[str] = []
    try:
        key = ConversationKey("telegram", "42", "42")
        # a list waits for a pick, so the sender becomes a citizen (a newcomer's position is
        # always checked against the store: another process may have enrolled them)
        await app.dispatcher.handle(InboundMessage(key, "/umfragen", platform_id="1"))
        assert app.dispatcher.conversations.recall(key) is not None

        def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
            statements.append(statement.split()[0].upper())

        event.listen(app.engine.sync_engine, "before_cursor_execute", note)
        await app.dispatcher.handle(InboundMessage(key, "danke", platform_id="2"))
        event.remove(app.engine.sync_engine, "before_cursor_execute", note)
    finally:
        await app.close()
    assert "SELECT" not in statements  # no citizen, identity or conversation read
    assert statements.count("INSERT") >= 2  # the dedupe claim, the state and the replies
