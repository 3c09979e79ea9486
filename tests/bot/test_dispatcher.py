from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App, build_app, services_factory
from bot.channels.recording import RecordingChannel
from bot.civic.services import StoreServices
from bot.config import Settings
from bot.dispatcher import Dispatcher
from bot.messages import ConversationKey, InboundMessage
from flows.types import Reply
from nlu.types import TeachableRecognizer
from storage.models import Citizen, OutboxMessage


class Bot:
    """The real bot over a test database, with a recording channel."""

    def __init__(self, app: App, channel: RecordingChannel) -> None:
        self.app = app
        self.channel = channel

    async def say(self, user: str, text: str, platform_id: str | None = None) -> list[Reply]:
        await self.app.dispatcher.handle(
            InboundMessage(ConversationKey("test", user, user), text, platform_id=platform_id)
        )
        while await self.app.worker.drain_once():
            pass
        return self.channel.take(user)


async def start_bot(settings: Settings, recognizer: TeachableRecognizer) -> Bot:
    channel = RecordingChannel("test")
    return Bot(await build_app(settings, {"test": channel}, recognizer=recognizer), channel)


def said(replies: list[Reply]) -> str:
    return "\n".join(reply.text for reply in replies)


async def test_the_same_platform_message_is_answered_once(
    db_url: str, settings_for: Callable[[str], Settings], recognizer: TeachableRecognizer
) -> None:
    bot = await start_bot(settings_for(db_url), recognizer)
    try:
        first = await bot.say("anna", "Hallo", platform_id="update-1")
        again = await bot.say("anna", "Hallo", platform_id="update-1")
        assert "Musterstadt" in said(first)
        assert again == []
    finally:
        await bot.app.close()


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

    def flaky_services(session: AsyncSession, channel: str) -> StoreServices:
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


async def test_after_erasure_the_goodbye_still_arrives_and_nothing_points_to_the_citizen(
    db_url: str, settings_for: Callable[[str], Settings], recognizer: TeachableRecognizer
) -> None:
    bot = await start_bot(settings_for(db_url), recognizer)
    try:
        await bot.say("anna", "Hallo")
        await bot.say("anna", "/loeschen")
        goodbye = await bot.say("anna", "Ja, alles löschen")
        assert "gelöscht" in said(goodbye)
        async with bot.app.sessions() as session:
            citizens = await session.scalar(select(func.count()).select_from(Citizen))
            linked = await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.citizen_id.is_not(None))
            )
        assert citizens == 0
        assert linked == 0
    finally:
        await bot.app.close()


async def test_writing_again_after_blocking_makes_the_citizen_reachable(
    db_url: str, settings_for: Callable[[str], Settings], recognizer: TeachableRecognizer
) -> None:
    from datetime import UTC, datetime

    from storage.models import ChannelIdentity
    from storage.reachability import mark_address_blocked

    bot = await start_bot(settings_for(db_url), recognizer)
    try:
        await bot.say("anna", "Hallo")
        async with bot.app.sessions() as session, session.begin():
            await mark_address_blocked(session, "test", "anna", datetime.now(UTC))
        assert "Hallo" in said(await bot.say("anna", "Hallo, ich bin wieder da"))
        async with bot.app.sessions() as session:
            identity = await session.scalar(select(ChannelIdentity))
        assert identity is not None and identity.blocked_at is None
    finally:
        await bot.app.close()
