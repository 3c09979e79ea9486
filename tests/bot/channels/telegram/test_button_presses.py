"""A pressed button always reaches the core, even when showing the press on screen fails."""

from __future__ import annotations

import pytest

from bot.channels.telegram.channel import TelegramChannel
from bot.messages import Outbound
from flows.types import Option, Reply
from tests.bot.channels.telegram.bot_api_double import BotApiDouble, BotMessage
from tests.bot.channels.telegram.bot_api_updates import Citizen
from tests.bot.channels.telegram.conftest import Collected

ANNA = Citizen(1001, "Anna", "de")
EDITS = ("editmessagetext", "editmessagereplymarkup")


async def asked(channel: TelegramChannel, double: BotApiDouble, collected: Collected) -> BotMessage:
    double.say(ANNA, "Hallo")
    await collected.next()
    reply = Reply("Möchten Sie Neuigkeiten?", (Option("Ja", "yes"), Option("Nein", "no")))
    assert (await channel.send(Outbound(1, "telegram", str(ANNA.id), reply))).outcome == "sent"
    (message,) = await double.wait_for(ANNA.id, 1)
    return message


@pytest.mark.parametrize(
    ("code", "what"), [(429, "a flood wait right after an announcement"), (0, "a network error")]
)
async def test_a_press_reaches_the_core_when_retiring_its_keyboard_fails(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected, code: int, what: str
) -> None:
    message = await asked(channel, double, collected)
    double.fail_next(2, code, retry_after=30, methods=EDITS)
    query = double.press(ANNA, message, "Ja")
    inbound = await collected.next()
    assert (inbound.text, inbound.choice) == ("Ja", "yes"), what
    assert query in double.state.answers  # the spinner stopped

    # the keyboard could not be removed on screen; pressing it again changes nothing
    assert message.buttons == ["Ja", "Nein"]
    again = double.press(ANNA, message, "Nein")
    double.say(ANNA, "weiter")
    assert (await collected.next()).text == "weiter"
    assert "nicht mehr aktuell" in double.state.answers[again]["text"]
