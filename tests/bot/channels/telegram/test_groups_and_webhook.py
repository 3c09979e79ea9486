"""Group chats (the bot answers only when addressed) and webhook mode (secret checked)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.webhook import SECRET_HEADER, WebhookConfig
from bot.messages import ConversationKey, Outbound
from flows.types import Reply
from tests.bot.channels.telegram.bot_api_double import BotApiDouble
from tests.bot.channels.telegram.bot_api_updates import Citizen, Group
from tests.bot.channels.telegram.conftest import Collected

ANNA = Citizen(1001, "Anna", "de")
NEIGHBOURS = Group(-100500)


async def test_in_a_group_only_messages_meant_for_the_bot_reach_the_core(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected
) -> None:
    double.say(ANNA, "Kommt heute jemand zum Stadtfest?", group=NEIGHBOURS)
    double.say(ANNA, "/hilfe@some_other_bot", group=NEIGHBOURS)
    double.say(ANNA, "@mitreden_test_bot wann ist die nächste Sitzung?", group=NEIGHBOURS)
    addressed = await collected.next()
    assert addressed.text == "wann ist die nächste Sitzung?"
    assert addressed.group_chat is True
    assert addressed.key == ConversationKey("telegram", "-100500", "1001")

    double.say(ANNA, "/hilfe@mitreden_test_bot", group=NEIGHBOURS)
    assert (await collected.next()).text == "/hilfe"


async def test_in_a_group_a_reply_to_the_bot_is_meant_for_the_bot(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected
) -> None:
    double.say(ANNA, "/start", group=NEIGHBOURS)
    await collected.next()
    result = await channel.send(Outbound(1, "telegram", str(NEIGHBOURS.id), Reply("Hallo!")))
    assert result.outcome == "sent"
    (hello,) = await double.wait_for(NEIGHBOURS.id, 1)
    double.say(ANNA, "Danke, gut zu wissen", group=NEIGHBOURS)
    double.say(ANNA, "Was gibt es Neues?", group=NEIGHBOURS, reply_to=hello)
    assert (await collected.next()).text == "Was gibt es Neues?"


@pytest.fixture
async def webhook_channel(
    double: BotApiDouble, collected: Collected
) -> AsyncIterator[TelegramChannel]:
    # port 0: the operating system picks a free port; the public URL names it afterwards
    config = WebhookConfig(url="http://127.0.0.1:0/telegram/hook", secret="s3cret-token", port=0)
    telegram = TelegramChannel(double.token, api_url=double.url, webhook=config)
    await telegram.start(collected.sink)
    yield telegram
    await telegram.stop()


async def test_webhook_mode_registers_the_hook_and_takes_updates_with_the_secret(
    webhook_channel: TelegramChannel, double: BotApiDouble, collected: Collected
) -> None:
    webhook = double.state.webhook
    assert webhook is not None
    assert webhook["secret_token"] == "s3cret-token"
    assert webhook["allowed_updates"] == [
        "message",
        "edited_message",
        "callback_query",
        "my_chat_member",
    ]
    # the double calls the address the bot really listens on
    webhook["url"] = f"http://127.0.0.1:{webhook_channel.webhook_port}/telegram/hook"
    double.say(ANNA, "Hallo über den Webhook")
    assert (await collected.next()).text == "Hallo über den Webhook"


async def test_webhook_calls_without_the_secret_are_refused(
    webhook_channel: TelegramChannel,
) -> None:
    url = f"http://127.0.0.1:{webhook_channel.webhook_port}/telegram/hook"
    update = {
        "update_id": 1,
        "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}},
    }
    async with aiohttp.ClientSession() as client:
        async with client.post(url, json=update) as response:
            assert response.status == 403
        async with client.post(url, json=update, headers={SECRET_HEADER: "wrong"}) as response:
            assert response.status == 403
