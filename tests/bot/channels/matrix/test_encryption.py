"""Encrypted rooms against Synapse: the largest data export arrives whole, and only devices
the trust policy allows can read the bot's answers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.channels.matrix.channel import MatrixChannel
from bot.channels.matrix.login import MatrixAccount
from bot.channels.matrix.trust import TrustPolicy
from bot.messages import Outbound
from flows.types import Attachment, Option, Reply
from tests.bot.channels.matrix.citizen import Citizen
from tests.bot.channels.matrix.conftest import CitizenFactory, Collected, greeted_chat
from tests.bot.channels.matrix.exports import heavy_export
from tests.bot.channels.matrix.synapse_server import Account, Synapse

EXPORT_NAME = "mitreden-data.json"


async def test_the_largest_german_data_export_arrives_complete_in_an_encrypted_room(
    channel: MatrixChannel, collected: Collected, citizens: CitizenFactory, bot_account: Account
) -> None:
    anna = await citizens("anna")
    room = await anna.open_direct_chat(bot_account.user_id)
    await anna.write("/daten")
    await collected.next()
    document = heavy_export()
    reply = Reply(
        "Hier ist alles, was über Sie gespeichert ist, als Datei (JSON). 📄",
        (Option("🗑 Meine Daten löschen", "/loeschen"), Option("Menü", "/hilfe")),
        Attachment(EXPORT_NAME, document),
    )
    result = await channel.send(Outbound(1, "matrix", room, reply))
    assert result.outcome == "sent", result.detail

    def parts() -> dict[str, str]:
        """The export's pieces arrived so far, by their title ("… (2/18)")."""
        found = [r.body.split("\n", 1) for r in anna.inbox if r.body.startswith(EXPORT_NAME)]
        return {title: text for title, text in found}

    def complete() -> bool:
        titles = list(parts())
        return bool(titles) and len(titles) == int(titles[0].split("/")[1].rstrip(")"))

    await anna.until(complete)
    pieces = anna.inbox
    assert all(piece.encrypted for piece in pieces)
    assert "".join(parts().values()) == document
    assert pieces[0].options() == ["🗑 Meine Daten löschen", "Menü"]


@pytest.fixture
async def second_bot(
    synapse: Synapse, collected: Collected, tmp_path: Path
) -> AsyncIterator[tuple[Account, list[MatrixChannel]]]:
    """A bot account whose channel a test starts with the trust policy it needs."""
    account = await asyncio.to_thread(synapse.account, "trustbot")
    started: list[MatrixChannel] = []
    yield account, started
    for channel in started:
        await channel.stop()


async def start_bot(
    synapse: Synapse,
    account: Account,
    store: Path,
    collected: Collected,
    trust: TrustPolicy,
    started: list[MatrixChannel],
) -> MatrixChannel:
    channel = MatrixChannel(
        MatrixAccount(synapse.url, account.user_id, store, password=account.password),
        sync_timeout_ms=5_000,
        trust=trust,
    )
    await channel.start(collected.sink)
    started.append(channel)
    return channel


def key(citizen: Citizen) -> str:
    """The citizen device's Ed25519 key, as Element shows it (in groups of four)."""
    raw = citizen.client.olm.account.identity_keys["ed25519"]
    return " ".join(raw[n : n + 4] for n in range(0, len(raw), 4))


async def test_verified_only_answers_are_readable_on_listed_devices_alone(
    synapse: Synapse,
    second_bot: tuple[Account, list[MatrixChannel]],
    collected: Collected,
    citizens: CitizenFactory,
    tmp_path: Path,
) -> None:
    account, started = second_bot
    anna, ben = await citizens("anna"), await citizens("ben")
    trust = TrustPolicy.from_settings("verified", key(anna))
    bot = await start_bot(synapse, account, tmp_path / "store", collected, trust, started)
    for citizen in (anna, ben):
        room = await citizen.open_direct_chat(account.user_id)
        await citizen.write("Hallo")
        await collected.next()
        reply = Reply("Guten Tag! Was möchten Sie tun?")
        assert (await bot.send(Outbound(1, "matrix", room, reply))).outcome == "sent"
    (readable,) = await anna.collect(1)
    assert readable.encrypted and readable.body == "Guten Tag! Was möchten Sie tun?"
    await ben.until(lambda: bool(ben.undecryptable))
    assert not ben.inbox  # Ben's device is not listed: the answer stays unreadable to it


async def test_trust_on_first_use_warns_about_a_device_added_later(
    synapse: Synapse,
    second_bot: tuple[Account, list[MatrixChannel]],
    collected: Collected,
    citizens: CitizenFactory,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    account, started = second_bot
    bot = await start_bot(synapse, account, tmp_path / "store", collected, TrustPolicy(), started)
    anna, room = await greeted_chat(citizens, account.user_id, collected)
    assert (await bot.send(Outbound(1, "matrix", room, Reply("Willkommen!")))).outcome == "sent"
    await anna.collect(1)
    assert "new device" not in caplog.text  # the first devices are trusted without a fuss

    phone = Citizen(synapse.url, anna.account, tmp_path / "anna-phone")
    await phone.login()
    try:
        phone.room_id = room
        await anna.write("Ich bin jetzt auch am Telefon")  # anna's app learns of the phone
        await collected.next()
        with caplog.at_level(logging.WARNING, logger="bot.channels.matrix.trust"):
            outcome = await bot.send(Outbound(2, "matrix", room, Reply("Schön!")))
        assert outcome.outcome == "sent"
        await phone.until(lambda: any(r.body == "Schön!" for r in phone.inbox))
        assert phone.client.device_id in caplog.text
        assert "new device" in caplog.text
    finally:
        await phone.close()
