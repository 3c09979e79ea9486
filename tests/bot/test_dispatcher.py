"""The one path of a message, on both reply routes: queued to the outbox, or returned."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Literal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App, build_app, services_factory
from bot.channels.recording import RecordingChannel
from bot.civic.services import StoreServices
from bot.config import Settings
from bot.conversations import Conversations
from bot.dispatcher import Dispatcher
from bot.messages import ConversationKey, InboundMessage
from flows.types import Reply
from nlu.types import TeachableRecognizer
from storage.citizens import erase_citizen
from storage.database import is_sqlite
from storage.models import Citizen, OutboxMessage
from storage.models.core import ChannelIdentity, Conversation

Route = Literal["outbox", "direct"]


class Bot:
    """The real bot over a test database, with a recording channel; `route` says how the
    replies come back: through the outbox and the channel, or straight from the turn."""

    def __init__(self, app: App, channel: RecordingChannel, route: Route = "outbox") -> None:
        self.app = app
        self.channel = channel
        self.route = route

    async def say(
        self,
        user: str,
        text: str,
        platform_id: str | None = None,
        dispatcher: Dispatcher | None = None,
    ) -> list[Reply]:
        dispatcher = dispatcher or self.app.dispatcher
        message = InboundMessage(ConversationKey("test", user, user), text, platform_id=platform_id)
        if self.route == "direct":
            return await dispatcher.answer(message)
        await dispatcher.handle(message)
        while await self.app.worker.drain_once():
            pass
        return self.channel.take(user)

    async def say_together(self, user: str, texts: list[str]) -> list[Reply]:
        """Messages that arrive at the same moment; their replies in the order they came."""
        messages = [InboundMessage(ConversationKey("test", user, user), text) for text in texts]
        if self.route == "direct":
            answers = await asyncio.gather(*map(self.app.dispatcher.answer, messages))
            return [reply for answer in answers for reply in answer]
        await asyncio.gather(*map(self.app.dispatcher.handle, messages))
        while await self.app.worker.drain_once():
            pass
        return self.channel.take(user)


async def start_bot(
    settings: Settings, recognizer: TeachableRecognizer, route: Route = "outbox"
) -> Bot:
    channel = RecordingChannel("test")
    app = await build_app(settings, {"test": channel}, recognizer=recognizer)
    return Bot(app, channel, route)


def another_process(app: App) -> Dispatcher:
    """A second bot process on the same database, with its own memory of conversations."""
    return Dispatcher(
        app.sessions,
        app.recognizer,
        lambda: app.library,
        app.services,
        app.dispatcher_settings,
        conversations=Conversations(app.sessions, shared=not is_sqlite(str(app.engine.url))),
        on_commit=app.worker.wake,
    )


def said(replies: list[Reply]) -> str:
    return "\n".join(reply.text for reply in replies)


@pytest.fixture(params=["outbox", "direct"])
async def bot(
    request: pytest.FixtureRequest,
    db_url: str,
    settings_for: Callable[[str], Settings],
    recognizer: TeachableRecognizer,
) -> AsyncIterator[Bot]:
    """The bot on both databases and both reply routes; "anna" already said hello."""
    started = await start_bot(settings_for(db_url), recognizer, request.param)
    try:
        await started.say("anna", "Hallo", platform_id="hello")
        yield started
    finally:
        await started.app.close()


async def at_the_idea_title(bot: Bot, dispatcher: Dispatcher | None = None) -> None:
    await bot.say("anna", "/idee", dispatcher=dispatcher)
    assert "Wie soll sie heißen" in said(await bot.say("anna", "ja", dispatcher=dispatcher))


async def test_the_same_platform_message_is_answered_once(bot: Bot) -> None:
    assert await bot.say("anna", "Hallo", platform_id="hello") == []
    assert "Womit kann ich helfen" in said(await bot.say("anna", "Hallo", platform_id="again"))


async def test_messages_of_one_chat_at_once_are_handled_one_after_the_other(bot: Bot) -> None:
    await bot.say("anna", "/idee")
    # the second answers the question the first one leads to: it must wait for it
    replies = said(await bot.say_together("anna", ["ja", "Bücherschrank am Weiher"]))
    assert replies.index("Wie soll sie heißen") < replies.index("Beschreiben Sie")


async def test_a_conversation_another_process_moved_on_is_continued_not_overwritten(
    bot: Bot,
) -> None:
    other = another_process(bot.app)
    await at_the_idea_title(bot, dispatcher=other)
    # this process answers the title; the other one still remembers the step before
    assert "Beschreiben Sie" in said(await bot.say("anna", "Bücherschrank am Weiher"))
    described = said(
        await bot.say("anna", "Ein offener Schrank mit Büchern zum Tauschen.", dispatcher=other)
    )
    assert "Zu welchem Thema" in described  # not the title question again
    assert "schiefgegangen" not in described


async def test_a_citizen_erased_mid_conversation_starts_afresh_without_an_apology(
    bot: Bot,
) -> None:
    await at_the_idea_title(bot)
    async with bot.app.sessions() as session, session.begin():
        citizen_id = await session.scalar(
            select(ChannelIdentity.citizen_id).where(ChannelIdentity.user_key == "anna")
        )
        assert citizen_id is not None
        assert await erase_citizen(session, citizen_id)  # on another channel, say
    answer = said(await bot.say("anna", "Bücherschrank am Weiher"))
    assert "schiefgegangen" not in answer
    assert "Beschreiben Sie" not in answer  # the erased conversation is gone
    async with bot.app.sessions() as session:
        new_id = await session.scalar(
            select(ChannelIdentity.citizen_id).where(ChannelIdentity.user_key == "anna")
        )
    assert new_id != citizen_id  # none at all, unless the new start needed one


async def test_after_erasure_in_the_chat_the_goodbye_still_arrives_unlinked(bot: Bot) -> None:
    await bot.say("anna", "/loeschen")
    goodbye = await bot.say("anna", "Ja, alles löschen")
    assert "gelöscht" in said(goodbye)
    async with bot.app.sessions() as session:
        citizens = await session.scalar(select(func.count()).select_from(Citizen))
        conversations = await session.scalar(select(func.count()).select_from(Conversation))
        linked = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.citizen_id.is_not(None))
        )
    assert (citizens, conversations, linked) == (0, 0, 0)
    assert "Musterstadt" in said(await bot.say("anna", "Hallo"))  # a new start, not an error


async def test_two_messages_at_once_are_answered_in_the_order_they_came(
    db_url: str, settings_for: Callable[[str], Settings], recognizer: TeachableRecognizer
) -> None:
    bot = await start_bot(settings_for(db_url), recognizer)
    try:
        first, second = await asyncio.gather(
            bot.app.dispatcher.handle(
                InboundMessage(ConversationKey("test", "anna", "anna"), "Hallo")
            ),
            bot.app.dispatcher.handle(
                InboundMessage(ConversationKey("test", "anna", "anna"), "welche umfragen gibt es?")
            ),
        )
        assert first and second
        assert max(first) < min(second)
        while await bot.app.worker.drain_once():
            pass
        replies = said(bot.channel.take("anna"))
        assert replies.index("Musterstadt") < replies.index("Spielplatz")
    finally:
        await bot.app.close()


async def test_a_restart_in_the_middle_of_a_flow_continues_it(
    db_url: str, settings_for: Callable[[str], Settings], recognizer: TeachableRecognizer
) -> None:
    settings = settings_for(db_url)
    bot = await start_bot(settings, recognizer)
    await bot.say("anna", "Ich habe eine Idee für den Park")
    assert "Wie soll sie heißen" in said(await bot.say("anna", "ja"))
    await bot.app.close()

    bot = await start_bot(settings, recognizer)
    try:
        assert "Beschreiben Sie" in said(await bot.say("anna", "Bücherschrank am Weiher"))
    finally:
        await bot.app.close()


async def test_a_failure_gets_an_apology_and_the_message_can_come_again(
    db_url: str, settings_for: Callable[[str], Settings], recognizer: TeachableRecognizer
) -> None:
    bot = await start_bot(settings_for(db_url), recognizer)
    failures = [RuntimeError("database went away")]

    def flaky_services(session: Callable[[], AsyncSession], channel: str) -> StoreServices:
        if failures:
            raise failures.pop()
        return services_factory(app.settings)(session, channel)

    app = bot.app
    dispatcher = Dispatcher(
        app.sessions, app.recognizer, lambda: app.library, flaky_services, app.dispatcher_settings
    )
    try:
        message = InboundMessage(
            ConversationKey("test", "anna", "anna"), "Hallo", platform_id="u-7"
        )
        await dispatcher.handle(message)
        while await app.worker.drain_once():
            pass
        assert "etwas schiefgegangen" in said(bot.channel.take("anna"))

        await dispatcher.handle(message)  # the platform delivers it again
        while await app.worker.drain_once():
            pass
        assert "Musterstadt" in said(bot.channel.take("anna"))
    finally:
        await app.close()


async def test_writing_again_after_blocking_makes_the_citizen_reachable(
    db_url: str, settings_for: Callable[[str], Settings], recognizer: TeachableRecognizer
) -> None:
    from datetime import UTC, datetime

    from storage.models import ChannelIdentity
    from storage.reachability import mark_address_blocked

    bot = await start_bot(settings_for(db_url), recognizer)
    try:
        # a step that waits for an answer makes anna a citizen
        assert "Datenschutz" in said(await bot.say("anna", "Ich habe eine Idee"))
        await bot.say("anna", "abbrechen")
        async with bot.app.sessions() as session, session.begin():
            await mark_address_blocked(session, "test", "anna", datetime.now(UTC))
        assert said(await bot.say("anna", "Hallo, ich bin wieder da"))
        async with bot.app.sessions() as session:
            identity = await session.scalar(select(ChannelIdentity))
        assert identity is not None and identity.blocked_at is None
    finally:
        await bot.app.close()
