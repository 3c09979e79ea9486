"""A visitor who only said hello leaves nothing; one whose conversation was kept but who
never agreed to anything is forgotten after a while; one who agreed to the privacy notice
or left a contribution is kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.civic.retention import RetentionPolicy, apply_retention
from bot.config import Settings
from nlu.types import IntentRecognizer
from tests.bot.web.chat.chat_server import running_chat
from tests.bot.web.chat.rest_client import new_session, say, texts


async def test_idle_visitors_without_consent_are_forgotten(
    db_url: str, recognizer: IntentRecognizer
) -> None:
    async with running_chat(db_url, recognizer) as chat, chat.client() as client:
        looked, looked_token = await new_session(client)
        browsed, browsed_token = await new_session(client)
        agreed, agreed_token = await new_session(client)
        await say(client, looked, looked_token, "Hallo")
        await say(client, looked, looked_token, "was kann ich hier machen")
        await say(client, browsed, browsed_token, "Hallo")
        listed = texts(await say(client, browsed, browsed_token, "welche umfragen gibt es gerade?"))
        assert "Spielplatz" in listed  # the list waits for a pick: the conversation is kept
        await say(client, agreed, agreed_token, "Hallo")
        await say(client, agreed, agreed_token, "ich habe eine idee")
        assert "Wie soll sie heißen" in texts(await say(client, agreed, agreed_token, "ja"))
        # who only looked around left nothing at all
        assert await chat.web_senders() == {browsed, agreed}

        policy = RetentionPolicy.from_settings(Settings())
        now = datetime.now(UTC)
        soon = await apply_retention(chat.app.sessions, policy, now + timedelta(days=29))
        assert soon.anonymous == 0 and await chat.web_senders() == {browsed, agreed}

        later = await apply_retention(chat.app.sessions, policy, now + timedelta(days=31))
        assert await chat.web_senders() == {agreed}
        assert later.anonymous == 1

        # the forgotten visitor's page still works: the bot greets a newcomer
        again = await say(client, browsed, browsed_token, "Hallo")
        assert "willkommen" in texts(again).lower()
