"""Replies, edits, threads, reactions and invitations, as Matrix apps send them, against Synapse."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

from nio import RoomCreateResponse, RoomGetStateEventResponse

from bot.channels.matrix.channel import MatrixChannel
from bot.messages import Outbound
from flows.types import Location, Option, Reply
from tests.bot.channels.matrix.citizen import PATIENCE
from tests.bot.channels.matrix.conftest import CitizenFactory, Collected, channel_for, greeted_chat
from tests.bot.channels.matrix.synapse_server import Account, Synapse

YES_NO = (Option("Ja", "yes"), Option("Nein", "no"))


async def test_a_reply_reaches_the_core_without_the_quoted_bot_text(
    channel: MatrixChannel, collected: Collected, citizens: CitizenFactory, bot_account: Account
) -> None:
    anna, room = await greeted_chat(citizens, bot_account.user_id, collected)
    await channel.send(Outbound(1, "matrix", room, Reply("Was möchten Sie fragen?\nGern kurz.")))
    (question,) = await anna.collect(1)
    fallback = (
        f"> <{bot_account.user_id}> Was möchten Sie fragen?\n> Gern kurz.\n\n"
        "Wann öffnet das Freibad?"
    )
    relation = {"m.in_reply_to": {"event_id": question.event_id}}
    await anna.write(fallback, extra={"m.relates_to": relation})
    assert (await collected.next()).text == "Wann öffnet das Freibad?"


async def test_an_edit_is_not_a_new_message_and_gets_a_short_note(
    channel: MatrixChannel, collected: Collected, citizens: CitizenFactory, bot_account: Account
) -> None:
    anna = await citizens("anna")
    await anna.open_direct_chat(bot_account.user_id)
    original = await anna.write("Wann ist der Wertstoffhof offen?")
    await collected.next()
    edit = {
        "m.new_content": {"msgtype": "m.text", "body": "Wann ist der Wertstoffhof samstags offen?"},
        "m.relates_to": {"rel_type": "m.replace", "event_id": original},
    }
    await anna.write("* Wann ist der Wertstoffhof samstags offen?", extra=edit)
    (note,) = await anna.collect(1)
    assert "Geänderte Nachrichten kann ich leider nicht lesen" in note.body
    assert "send your correction as a new message" in note.body
    assert note.encrypted
    assert note.relates_to == {"m.in_reply_to": {"event_id": original}}
    assert collected.messages.empty()


async def test_an_answer_comes_in_the_thread_the_citizen_wrote_in(
    channel: MatrixChannel, collected: Collected, citizens: CitizenFactory, bot_account: Account
) -> None:
    anna = await citizens("anna")
    room = await anna.open_direct_chat(bot_account.user_id)
    root = await anna.write("Thema Radwege")
    await collected.next()
    # as Element writes in a thread: the thread's root, and a reply for clients without threads
    thread = {
        "rel_type": "m.thread",
        "event_id": root,
        "is_falling_back": True,
        "m.in_reply_to": {"event_id": root},
    }
    asked = await anna.write("Wann wird der Radweg fertig?", extra={"m.relates_to": thread})
    assert (await collected.next()).text == "Wann wird der Radweg fertig?"
    await channel.send(Outbound(1, "matrix", room, Reply("Im Herbst.", YES_NO)))
    (answer,) = await anna.collect(1)
    assert answer.relates_to is not None
    assert (answer.relates_to["rel_type"], answer.relates_to["event_id"]) == ("m.thread", root)
    assert answer.relates_to["m.in_reply_to"] == {"event_id": asked}

    await anna.write("Danke, und sonst?")  # back in the main timeline: answers follow
    await collected.next()
    await channel.send(Outbound(2, "matrix", room, Reply("Gern!")))
    (plain,) = await anna.collect(1)
    assert plain.relates_to is None


async def test_a_thumbs_up_on_a_yes_no_question_answers_yes(
    channel: MatrixChannel, collected: Collected, citizens: CitizenFactory, bot_account: Account
) -> None:
    anna, room = await greeted_chat(citizens, bot_account.user_id, collected)
    await channel.send(Outbound(1, "matrix", room, Reply("Neuigkeiten abonnieren?", YES_NO)))
    (older,) = await anna.collect(1)
    await channel.send(Outbound(2, "matrix", room, Reply("Wirklich abonnieren?", YES_NO)))
    (question,) = await anna.collect(1)

    await anna.react(older.event_id, "👍")  # an answered question is not asked any more
    await anna.react(question.event_id, "❤️")  # decoration, not an answer
    await anna.react(question.event_id, "👎🏽")
    no = await collected.next()
    assert (no.text, no.key.chat, no.choice) == ("nein", room, None)
    await anna.react(question.event_id, "👍")  # answered already: not a second answer
    await anna.write("weiter")
    assert (await collected.next()).text == "weiter"


async def test_an_invitation_to_a_room_that_is_no_direct_chat_is_declined_politely(
    channel: MatrixChannel, citizens: CitizenFactory, bot_account: Account
) -> None:
    anna = await citizens("anna")
    created = await anna.client.room_create(name="Vereinsvorstand", invite=[bot_account.user_id])
    assert isinstance(created, RoomCreateResponse), created

    async def declined() -> dict[str, object]:
        while True:
            state = await anna.client.room_get_state_event(
                created.room_id, "m.room.member", bot_account.user_id
            )
            if (
                isinstance(state, RoomGetStateEventResponse)
                and state.content.get("membership") == "leave"
            ):
                return dict(state.content)
            await anna.sync()  # wait for the room to change

    content = await asyncio.wait_for(declined(), PATIENCE)
    assert "nur in direkten Chats" in str(content.get("reason"))


async def test_a_restarted_bot_loads_a_groups_members_only_when_the_group_needs_it(
    synapse: Synapse,
    bot_account: Account,
    collected: Collected,
    citizens: CitizenFactory,
    tmp_path: Path,
) -> None:
    anna, ben, cem = await citizens("anna"), await citizens("ben"), await citizens("cem")
    first = channel_for(synapse, bot_account, tmp_path / "store")
    await first.start(collected.sink)
    try:
        room = await anna.open_direct_chat(bot_account.user_id)
        for neighbour in (ben, cem):
            invited = await anna.client.room_invite(room, neighbour.account.user_id)
            assert getattr(invited, "status_code", None) is None, invited
            await neighbour.until(lambda n=neighbour: room in n.client.invited_rooms)
            await neighbour.client.join(room)
            await anna.until(lambda n=neighbour: anna.has_joined(n.account.user_id, room))
        localpart = bot_account.user_id.split(":")[0].lstrip("@")
        await anna.write(f"{localpart}: Hallo")
        assert (await collected.next()).group_chat
    finally:
        await first.stop()

    restarted = channel_for(synapse, bot_account, tmp_path / "store")
    await restarted.start(collected.sink)
    try:
        assert restarted.members_known(room) < 4  # the silent neighbours were not loaded
        await anna.write("Wer kommt zum Stadtfest?")  # chatter: not for the bot
        await anna.write(f"{localpart}: Wann ist das Stadtfest?")
        inbound = await collected.next()
        assert (inbound.text, inbound.group_chat) == ("Wann ist das Stadtfest?", True)
    finally:
        await restarted.stop()


async def test_a_shared_location_reaches_the_core_with_its_position(
    channel: MatrixChannel, collected: Collected, citizens: CitizenFactory, bot_account: Account
) -> None:
    anna = await citizens("anna")
    await anna.open_direct_chat(bot_account.user_id)
    await anna.write(
        "Standort geo:52.52012,13.40495;u=35",
        msgtype="m.location",
        geo_uri="geo:52.52012,13.40495;u=35",
    )
    inbound = await collected.next()
    assert inbound.location == Location(52.52012, 13.40495)
    assert inbound.text == ""  # the client's wording is not the citizen's
    await anna.write("Standort", msgtype="m.location", geo_uri="geo:hier")
    unreadable = await collected.next()
    assert unreadable.location is not None and math.isnan(unreadable.location.latitude)
