"""The Matrix adapter against a real Synapse: invites, E2EE, notices, transaction ids, 429."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.channels.matrix.channel import MatrixChannel
from bot.channels.matrix.login import MatrixAccount
from bot.messages import Outbound
from flows.types import Option, Reply
from tests.bot.channels.matrix.conftest import CitizenFactory, Collected, channel_for, greeted_chat
from tests.bot.channels.matrix.synapse_server import Account, Synapse


def outbound(outbox_id: int, room_id: str, reply: Reply) -> Outbound:
    return Outbound(outbox_id, "matrix", room_id, reply)


async def test_an_encrypted_direct_chat_reaches_the_core_decrypted(
    channel: MatrixChannel, collected: Collected, citizens: CitizenFactory, bot_account: Account
) -> None:
    anna = await citizens("anna")
    room = await anna.open_direct_chat(bot_account.user_id)
    assert anna.room().encrypted
    event_id = await anna.write("Wann hat das Bürgerbüro geöffnet?")
    inbound = await collected.next()
    assert inbound.text == "Wann hat das Bürgerbüro geöffnet?"
    assert (inbound.key.channel, inbound.key.chat, inbound.key.user) == (
        "matrix",
        room,
        anna.account.user_id,
    )
    assert inbound.platform_id == event_id
    assert not inbound.group_chat


async def test_notices_are_never_answered(
    channel: MatrixChannel, collected: Collected, citizens: CitizenFactory, bot_account: Account
) -> None:
    anna = await citizens("anna")
    await anna.open_direct_chat(bot_account.user_id)
    await anna.write("Ich bin ein anderer Bot", msgtype="m.notice")
    await anna.write("Hallo")
    assert (await collected.next()).text == "Hallo"
    assert collected.messages.empty()


async def test_a_reply_is_an_encrypted_notice_with_escaped_html_and_numbered_options(
    channel: MatrixChannel, collected: Collected, citizens: CitizenFactory, bot_account: Account
) -> None:
    anna, room = await greeted_chat(citizens, bot_account.user_id, collected)
    reply = Reply("Ihre Idee: <b>Bänke</b> & mehr", (Option("Ja", "yes"), Option("Nein", "no")))
    result = await channel.send(outbound(1, room, reply))
    assert result.outcome == "sent"
    (shown,) = await anna.collect(1)
    assert shown.encrypted
    assert shown.msgtype == "m.notice"
    assert shown.body == "Ihre Idee: <b>Bänke</b> & mehr\n\n1. Ja\n2. Nein"
    assert shown.formatted_body == (
        "Ihre Idee: &lt;b&gt;Bänke&lt;/b&gt; &amp; mehr<ol><li>Ja</li><li>Nein</li></ol>"
    )
    assert shown.options() == ["Ja", "Nein"]


async def test_a_retried_send_posts_only_once(
    channel: MatrixChannel, collected: Collected, citizens: CitizenFactory, bot_account: Account
) -> None:
    anna, room = await greeted_chat(citizens, bot_account.user_id, collected)
    reply = Reply("Ihre Frage ist angekommen.")
    assert (await channel.send(outbound(7, room, reply))).outcome == "sent"
    assert (await channel.send(outbound(7, room, reply))).outcome == "sent"
    assert (await channel.send(outbound(8, room, Reply("Ende")))).outcome == "sent"
    await anna.until(lambda: any(r.body == "Ende" for r in anna.inbox))
    assert [r.body for r in anna.inbox] == ["Ihre Frage ist angekommen.", "Ende"]


async def test_a_message_that_cannot_be_decrypted_gets_a_plain_explanation(
    channel: MatrixChannel, collected: Collected, citizens: CitizenFactory, bot_account: Account
) -> None:
    anna = await citizens("anna")
    room = await anna.open_direct_chat(bot_account.user_id, encrypted=False)
    # an encrypted event whose key the bot never got, as after a citizen's broken key sharing
    sent = await anna.client.room_send(
        room,
        "m.room.encrypted",
        {
            "algorithm": "m.megolm.v1.aes-sha2",
            "ciphertext": "AwgAEnACgAkLmt6qF84IK++J7UDH2Za1YVchHyprqTqsg",
            "device_id": anna.client.device_id,
            "sender_key": anna.client.olm.account.identity_keys["curve25519"],
            "session_id": "X3lUlvLELLYxeTx4yOVu6UDpasGEVO0Jbu+QFnm0cKQ",
        },
    )
    assert getattr(sent, "event_id", None), sent
    (explanation,) = await anna.collect(1)
    assert "nicht entschlüsseln" in explanation.body
    assert "send it again" in explanation.body
    assert not explanation.encrypted
    assert collected.messages.empty()


async def test_a_flood_of_messages_is_told_to_wait_not_dropped(
    synapse: Synapse, citizens: CitizenFactory, collected: Collected, tmp_path: Path
) -> None:
    limited = await asyncio.to_thread(synapse.account, "busybot", limited=True)
    bot = channel_for(synapse, limited, tmp_path / "busy-store")
    await bot.start(collected.sink)
    try:
        anna = await citizens("anna")
        room = await anna.open_direct_chat(limited.user_id, encrypted=False)
        await anna.write("Hallo")
        await collected.next()
        outcomes = []
        for number in range(1, 30):
            result = await bot.send(outbound(number, room, Reply(f"Nachricht {number}")))
            outcomes.append(result.outcome)
            if result.outcome != "sent":
                break
        assert outcomes[-1] == "retry"
        assert result.retry_after is not None and result.retry_after > 0
        assert outcomes[:-1] == ["sent"] * (len(outcomes) - 1)
    finally:
        await bot.stop()


async def test_a_bot_removed_from_the_room_is_blocked_there(
    channel: MatrixChannel, citizens: CitizenFactory, bot_account: Account
) -> None:
    anna = await citizens("anna")
    room = await anna.open_direct_chat(bot_account.user_id)
    kicked = await anna.client.room_kick(room, bot_account.user_id)
    assert not hasattr(kicked, "status_code") or kicked.status_code is None, kicked
    result = await channel.send(outbound(1, room, Reply("Hallo?")))
    assert result.outcome == "blocked", result


async def test_in_a_group_the_bot_answers_only_when_named(
    channel: MatrixChannel, collected: Collected, citizens: CitizenFactory, bot_account: Account
) -> None:
    anna = await citizens("anna")
    ben = await citizens("ben")
    room = await anna.open_direct_chat(bot_account.user_id)
    invited = await anna.client.room_invite(room, ben.account.user_id)
    assert getattr(invited, "status_code", None) is None, invited
    await ben.until(lambda: room in ben.client.invited_rooms)
    await ben.client.join(room)
    await ben.until(lambda: room in ben.client.rooms)
    await anna.until(lambda: anna.has_joined(ben.account.user_id))
    localpart = bot_account.user_id.split(":")[0].lstrip("@")
    await ben.write("Guten Morgen zusammen", room_id=room)
    await ben.write(f"{localpart}: Wann ist Sperrmüll?", room_id=room)
    inbound = await collected.next()
    assert inbound.text == "Wann ist Sperrmüll?"
    assert inbound.group_chat
    assert inbound.key.user == ben.account.user_id
    assert collected.messages.empty()


async def test_an_invite_sent_before_the_bot_started_is_accepted_and_read(
    synapse: Synapse,
    bot_account: Account,
    collected: Collected,
    citizens: CitizenFactory,
    tmp_path: Path,
) -> None:
    anna = await citizens("anna")
    opened = asyncio.ensure_future(anna.open_direct_chat(bot_account.user_id))
    bot = channel_for(synapse, bot_account, tmp_path / "late-store")
    await bot.start(collected.sink)
    try:
        room = await opened
        await anna.write("Hallo")
        inbound = await collected.next()
        assert (inbound.key.chat, inbound.text) == (room, "Hallo")
    finally:
        await bot.stop()


async def test_an_access_token_signs_in_as_its_own_device(
    synapse: Synapse, collected: Collected, citizens: CitizenFactory, tmp_path: Path
) -> None:
    name = synapse.unique("tokenbot")
    account = await asyncio.to_thread(synapse.register, name, login=True)
    assert account.access_token is not None
    bot = MatrixChannel(
        MatrixAccount(
            synapse.url,
            account.user_id,
            tmp_path / "token-store",
            access_token=account.access_token,
        ),
        sync_timeout_ms=5_000,
    )
    await bot.start(collected.sink)
    try:
        assert bot.device_id
        anna = await citizens("anna")
        await anna.open_direct_chat(account.user_id)
        await anna.write("Hallo mit Token")
        assert (await collected.next()).text == "Hallo mit Token"
    finally:
        await bot.stop()
