"""The Telegram channel as the operator configures it, and the API's answers to wrong setups."""

from __future__ import annotations

import pytest
from telegram.error import InvalidToken

from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.webhook import derived_secret
from bot.config import Settings
from bot.runtime.runner import configured_channels
from tests.bot.channels.telegram.bot_api_double import BotApiDouble
from tests.bot.channels.telegram.bot_api_updates import Citizen
from tests.bot.channels.telegram.conftest import Collected


def test_without_a_token_there_is_no_telegram_channel() -> None:
    assert "telegram" not in configured_channels(Settings())


def test_the_token_from_the_environment_switches_telegram_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MITREDEN_TELEGRAM_TOKEN", "4242:TEST-token")
    monkeypatch.setenv("MITREDEN_TELEGRAM_API_URL", "http://127.0.0.1:9/")
    channel = configured_channels(Settings())["telegram"]
    assert isinstance(channel, TelegramChannel)
    assert channel.capabilities.buttons and channel.capabilities.max_length == 4096


def test_webhook_mode_uses_a_secret_derived_from_the_token_unless_one_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MITREDEN_TELEGRAM_TOKEN", "4242:TEST-token")
    monkeypatch.setenv("MITREDEN_TELEGRAM_WEBHOOK_URL", "https://mitreden.example/tg")
    derived = configured_channels(Settings())["telegram"]
    assert isinstance(derived, TelegramChannel)
    assert derived.webhook_secret == derived_secret("4242:TEST-token")
    monkeypatch.setenv("MITREDEN_TELEGRAM_WEBHOOK_SECRET", "chosen_by-the-operator")
    chosen = configured_channels(Settings())["telegram"]
    assert isinstance(chosen, TelegramChannel)
    assert chosen.webhook_secret == "chosen_by-the-operator"


async def test_a_wrong_token_is_refused_at_start(
    double: BotApiDouble, collected: Collected
) -> None:
    channel = TelegramChannel("1:wrong", api_url=double.url)
    with pytest.raises(InvalidToken):
        await channel.start(collected.sink)
    await channel.stop()


async def test_polling_mode_removes_a_webhook_left_from_an_earlier_setup(
    double: BotApiDouble, collected: Collected
) -> None:
    double.state.webhook = {"url": "https://old.example/hook", "secret_token": None}
    channel = TelegramChannel(double.token, api_url=double.url, poll_timeout=1)
    await channel.start(collected.sink)
    try:
        assert double.state.webhook is None
        double.say(Citizen(1001, "Anna"), "Hallo")
        assert (await collected.next()).text == "Hallo"
    finally:
        await channel.stop()
