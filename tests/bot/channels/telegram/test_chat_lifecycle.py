"""A chat's life on Telegram: groups that become supergroups, edits, forum topics, long lists."""

from __future__ import annotations

from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.updates import ChatMoved
from bot.messages import ConversationKey, Outbound
from flows.types import Option, Reply
from tests.bot.channels.telegram.bot_api_double import BotApiDouble
from tests.bot.channels.telegram.bot_api_updates import Citizen, Group
from tests.bot.channels.telegram.conftest import Collected

ANNA = Citizen(1001, "Anna", "de")
BEN = Citizen(1002, "Ben", "en")
BASIC = Group(-4711, "Nachbarschaft Süd", kind="group")
SUPER = Group(-1004711, "Nachbarschaft Süd")
FORUM = Group(-1009000, "Rathaus-Forum", forum=True)


async def test_a_group_that_became_a_supergroup_gets_its_messages_there(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected
) -> None:
    double.say(ANNA, "/hilfe", group=BASIC)
    await collected.next()
    double.upgrade(BASIC, SUPER, by=ANNA)
    assert await collected.next_change() == ChatMoved("telegram", "-4711", "-1004711")

    # a reply queued for the old id still arrives, in the supergroup
    reply = Outbound(1, "telegram", str(BASIC.id), Reply("Das kann ich für Sie tun …"))
    assert (await channel.send(reply)).outcome == "sent"
    (arrived,) = await double.wait_for(SUPER.id, 1)
    assert arrived.text == "Das kann ich für Sie tun …"


async def test_a_send_that_finds_the_group_moved_follows_it_and_reports_the_move(
    double: BotApiDouble, collected: Collected, channel: TelegramChannel
) -> None:
    double.say(ANNA, "/hilfe", group=BASIC)
    await collected.next()
    # the move is only learned from the refused send (the service message not seen yet)
    double.state.moved[BASIC.id] = SUPER.id
    double.state.chats[SUPER.id] = SUPER.chat()
    reply = Outbound(2, "telegram", str(BASIC.id), Reply("Neuigkeiten für die Gruppe"))
    assert (await channel.send(reply)).outcome == "sent"
    assert [m.text for m in await double.wait_for(SUPER.id, 1)] == ["Neuigkeiten für die Gruppe"]
    assert await collected.next_change() == ChatMoved("telegram", "-4711", "-1004711")


async def test_an_edited_message_gets_a_short_note_in_the_citizens_language(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected
) -> None:
    double.say(ANNA, "Wann ist der Wertstoffhof offen?")
    await collected.next()
    double.edit(ANNA, double.last_said, "Wann ist der Wertstoffhof samstags offen?")
    (note,) = await double.wait_for(ANNA.id, 1)
    assert "Geänderte Nachrichten kann ich leider nicht lesen" in note.text
    assert note.replied_to == double.last_said["message_id"]

    double.say(BEN, "When is the pool open?")
    await collected.next()
    double.edit(BEN, double.last_said, "When is the indoor pool open?")
    (note,) = await double.wait_for(BEN.id, 1)
    assert note.text.startswith("I can't read edited messages")
    assert collected.messages.empty()  # an edit is not a new message


async def test_an_edit_of_group_chatter_not_meant_for_the_bot_gets_no_note(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected
) -> None:
    double.say(ANNA, "Wer kommt morgen mit zum Flohmarkt?", group=SUPER)
    chatter = double.last_said
    double.say(ANNA, "/hilfe", group=SUPER)
    await collected.next()
    double.edit(ANNA, chatter, "Wer kommt übermorgen mit zum Flohmarkt?")
    double.say(ANNA, "@mitreden_test_bot danke", group=SUPER)
    assert (await collected.next()).text == "danke"
    assert double.take(SUPER.id) == []


async def test_in_a_forum_the_answer_comes_in_the_topic_of_the_question(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected
) -> None:
    double.say(ANNA, "/hilfe", group=FORUM, topic=17)
    inbound = await collected.next()
    assert inbound.key == ConversationKey("telegram", "-1009000/17", "1001")
    reply = Reply("Das kann ich für Sie tun …", (Option("Frage stellen", "/frage"),))
    assert (await channel.send(Outbound(1, "telegram", inbound.key.chat, reply))).outcome == "sent"
    (answer,) = await double.wait_for(FORUM.id, 1)
    assert answer.thread_id == 17

    double.press(ANNA, answer, "Frage stellen")
    pressed = await collected.next()
    assert (pressed.key, pressed.choice) == (inbound.key, "/frage")


async def test_more_options_than_a_keyboard_holds_stay_reachable_as_a_numbered_list(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected
) -> None:
    double.say(ANNA, "/abo")
    await collected.next()
    topics = tuple(Option(f"Thema {n}: Ortsteil Nord", f"topic:{n}") for n in range(1, 151))
    reply = Reply("Welches Thema möchten Sie abonnieren?", topics)
    assert (await channel.send(Outbound(1, "telegram", str(ANNA.id), reply))).outcome == "sent"
    parts = await double.wait_for(ANNA.id, 2)
    shown = "\n".join(part.text for part in parts)
    assert shown.startswith("Welches Thema möchten Sie abonnieren?")
    assert all(f"{n}. Thema {n}: Ortsteil Nord" in shown for n in range(1, 151))


async def test_a_keyboard_too_long_for_telegram_becomes_a_numbered_list(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected
) -> None:
    double.say(ANNA, "/umfragen")
    await collected.next()
    # 80 buttons, but with long labels and values the markup passes Telegram's 10 kB
    options = tuple(
        Option(f"Beteiligung {n}: Neugestaltung des Marktplatzes", f"consultation:{n:040d}")
        for n in range(1, 81)
    )
    reply = Reply("Offene Umfragen:", options)
    assert (await channel.send(Outbound(1, "telegram", str(ANNA.id), reply))).outcome == "sent"
    (listed,) = await double.wait_for(ANNA.id, 1)
    assert "80. Beteiligung 80: Neugestaltung des Marktplatzes" in listed.text
