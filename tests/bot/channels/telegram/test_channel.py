"""The Telegram adapter against the Bot API double: what goes in, what comes out."""

from __future__ import annotations

from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.updates import ReachabilityChange
from bot.messages import ConversationKey, Outbound
from flows.types import Attachment, Location, Option, Reply
from tests.bot.channels.telegram.bot_api_double import BotApiDouble, BotMessage
from tests.bot.channels.telegram.bot_api_updates import Citizen
from tests.bot.channels.telegram.conftest import Collected, ManualClock

ANNA = Citizen(1001, "Anna", "de")
BEN = Citizen(1002, "Ben", "en-GB")
MENU = (Option("Frage stellen", "/frage"), Option("Idee vorschlagen", "/idee"))


async def send(channel: TelegramChannel, citizen: Citizen, reply: Reply, outbox_id: int = 1) -> str:
    result = await channel.send(Outbound(outbox_id, "telegram", str(citizen.id), reply))
    return result.outcome


async def shown(
    channel: TelegramChannel, double: BotApiDouble, citizen: Citizen, reply: Reply
) -> BotMessage:
    """Send a reply to a citizen who wrote first (a bot cannot start a chat) and return it."""
    assert await send(channel, citizen, reply) == "sent"
    (message,) = await double.wait_for(citizen.id, 1)
    return message


async def test_a_text_message_reaches_the_core_as_the_citizen_wrote_it(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected
) -> None:
    double.say(ANNA, "Wann ist der Wertstoffhof offen?")
    inbound = await collected.next()
    assert inbound.key == ConversationKey("telegram", "1001", "1001")
    assert inbound.text == "Wann ist der Wertstoffhof offen?"
    assert inbound.choice is None
    assert inbound.language_hint == "de"
    assert inbound.group_chat is False
    assert inbound.platform_id == "m1001:1"


async def test_the_app_language_becomes_the_hint_only_for_languages_the_bot_speaks(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected
) -> None:
    double.say(BEN, "hello")
    double.say(Citizen(1003, "Zoé", "fr"), "bonjour")
    assert (await collected.next()).language_hint == "en"
    assert (await collected.next()).language_hint is None


async def test_a_deep_link_arrives_as_start_with_its_payload(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected
) -> None:
    double.say(ANNA, "/start c-3")
    assert (await collected.next()).text == "/start c-3"


async def test_options_become_an_inline_keyboard_carrying_their_values(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected
) -> None:
    double.say(ANNA, "Hallo")
    await collected.next()
    long_value = "consultation:" + "x" * 60
    message = await shown(
        channel,
        double,
        ANNA,
        Reply("Was möchten Sie tun?", (*MENU, Option("Umfrage Radweg", long_value))),
    )
    assert message.text == "Was möchten Sie tun?"
    assert message.buttons == ["Frage stellen", "Idee vorschlagen", "Umfrage Radweg"]
    assert [message.data_of(label) for label in message.buttons] == ["/frage", "/idee", "#3"]


async def test_short_answers_sit_side_by_side(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected
) -> None:
    double.say(ANNA, "Hallo")
    await collected.next()
    scale = tuple(Option(str(n), str(n)) for n in range(1, 6))
    later = Option("⏸ Später weitermachen", "/pause")
    yes_no = (Option("Ja", "yes"), Option("Nein", "no"))
    first = await shown(channel, double, ANNA, Reply("Wie sicher?", (*scale, later)))
    second = await shown(channel, double, ANNA, Reply("Stimmt das?", (*yes_no, later)))

    def layout(message: BotMessage) -> list[list[str]]:
        return [[button["text"] for button in row] for row in message.keyboard or []]

    assert layout(first) == [["1", "2", "3", "4", "5"], ["⏸ Später weitermachen"]]
    assert layout(second) == [["Ja", "Nein"], ["⏸ Später weitermachen"]]


async def test_a_pressed_button_is_answered_shown_as_chosen_and_cannot_be_pressed_again(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected
) -> None:
    double.say(ANNA, "Hallo")
    await collected.next()
    message = await shown(channel, double, ANNA, Reply("Was möchten Sie tun?", MENU))
    query = double.press(ANNA, message, "Idee vorschlagen")
    inbound = await collected.next()
    assert (inbound.text, inbound.choice) == ("Idee vorschlagen", "/idee")
    assert inbound.platform_id == f"q{query}"
    assert query in double.state.answers
    await double.until(lambda: message.keyboard is None)
    assert message.text == "Was möchten Sie tun?\n\n✓ Idee vorschlagen"

    # a second tap that raced the edit: answered, but not passed on twice
    second = double.press_data(ANNA, message, "/frage")
    double.say(ANNA, "danach")
    assert (await collected.next()).text == "danach"
    assert second in double.state.answers


async def test_a_numbered_button_arrives_as_the_typed_number(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected
) -> None:
    double.say(ANNA, "Hallo")
    await collected.next()
    long_value = "idea-support:" + "9" * 70
    message = await shown(
        channel, double, ANNA, Reply("Unterstützen?", (Option("Ja, gern", long_value),))
    )
    double.press(ANNA, message, "Ja, gern")
    inbound = await collected.next()
    assert (inbound.text, inbound.choice) == ("1", None)


async def test_an_old_numbered_keyboard_is_refused_with_a_friendly_note(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected
) -> None:
    double.say(ANNA, "Hallo")
    await collected.next()
    long = "z" * 80
    older = await shown(channel, double, ANNA, Reply("Erste Frage", (Option("A", long + "a"),)))
    await shown(channel, double, ANNA, Reply("Zweite Frage", (Option("B", long + "b"),)))
    query = double.press(ANNA, older, "A")
    double.say(ANNA, "weiter")
    assert (await collected.next()).text == "weiter"
    assert "nicht mehr aktuell" in double.state.answers[query]["text"]
    await double.until(lambda: older.keyboard is None)


async def test_citizen_and_staff_text_is_escaped_never_markup(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected
) -> None:
    double.say(ANNA, "Hallo")
    await collected.next()
    text = "Ihre Idee: <script>alert('x')</script> & <b>fett</b> 1 < 2 > 0"
    message = await shown(channel, double, ANNA, Reply(text))
    assert message.text == text
    assert message.entities == []


async def test_a_long_text_is_split_and_the_buttons_come_with_the_last_part(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected
) -> None:
    double.say(ANNA, "Hallo")
    await collected.next()
    paragraphs = [f"Absatz {n}: " + "Bürgerbeteiligung & Stadtrat " * 40 for n in range(10)]
    text = "\n\n".join(paragraphs)
    assert len(text) > 2 * 4096
    assert await send(channel, ANNA, Reply(text, MENU)) == "sent"
    parts = double.take(ANNA.id)
    assert len(parts) == 4  # three paragraphs fit into one message
    assert all(part.text.startswith("Absatz") for part in parts)  # cut between paragraphs
    assert all(len(part.text.encode("utf-16-le")) // 2 <= 4096 for part in parts)
    assert " ".join(" ".join(part.text for part in parts).split()) == " ".join(text.split())
    assert [part.buttons for part in parts] == [[], [], [], ["Frage stellen", "Idee vorschlagen"]]


async def test_a_flood_wait_is_a_retry_with_telegrams_wait_and_holds_back_the_chat(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected, clock: ManualClock
) -> None:
    double.say(ANNA, "Hallo")
    await collected.next()
    double.fail_next(1, 429, retry_after=7)
    result = await channel.send(Outbound(1, "telegram", str(ANNA.id), Reply("Erste")))
    assert (result.outcome, result.retry_after) == ("retry", 7.0)

    clock.now += 2
    follower = await channel.send(Outbound(2, "telegram", str(ANNA.id), Reply("Zweite")))
    assert follower.outcome == "retry"
    assert follower.retry_after is not None and follower.retry_after > 5
    assert double.take(ANNA.id) == []

    clock.now += 6
    assert await send(channel, ANNA, Reply("Erste")) == "sent"
    assert [m.text for m in double.take(ANNA.id)] == ["Erste"]


async def test_a_retry_after_a_flood_wait_does_not_repeat_parts_already_sent(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected, clock: ManualClock
) -> None:
    double.say(ANNA, "Hallo")
    await collected.next()
    text = "\n\n".join(["eins " * 700, "zwei " * 700])
    double.fail_next(1, 429, retry_after=2, after=1)
    outbound = Outbound(7, "telegram", str(ANNA.id), Reply(text))
    assert (await channel.send(outbound)).outcome == "retry"
    clock.now += 3
    assert (await channel.send(outbound)).outcome == "sent"
    assert [part.text.split()[0] for part in double.take(ANNA.id)] == ["eins", "zwei"]


async def test_a_citizen_who_blocked_the_bot_makes_the_send_blocked(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected
) -> None:
    double.say(ANNA, "Hallo")
    await collected.next()
    double.fail_next(1, 403)
    result = await channel.send(Outbound(1, "telegram", str(ANNA.id), Reply("Neuigkeiten")))
    assert result.outcome == "blocked"


async def test_blocking_and_unblocking_the_bot_are_reported(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected
) -> None:
    double.say(ANNA, "Hallo")
    await collected.next()
    double.block(ANNA)
    blocked = await collected.next_change()
    assert isinstance(blocked, ReachabilityChange)
    assert (blocked.channel, blocked.user_key, blocked.blocked) == ("telegram", "1001", True)
    assert await send(channel, ANNA, Reply("Neuigkeiten")) == "blocked"
    double.unblock(ANNA)
    unblocked = await collected.next_change()
    assert isinstance(unblocked, ReachabilityChange) and unblocked.blocked is False
    assert await send(channel, ANNA, Reply("Neuigkeiten")) == "sent"


async def test_commands_are_registered_per_language(
    channel: TelegramChannel, double: BotApiDouble
) -> None:
    default = '{"type": "default"}'
    german = [c["command"] for c in double.state.commands[(default, "de")]]
    english = [c["command"] for c in double.state.commands[(default, "en")]]
    everyone = [c["command"] for c in double.state.commands[(default, "")]]
    assert "hilfe" in german and "idee" in german
    assert "help" in english and "idea" in english
    assert everyone == german


async def test_an_attachment_is_sent_as_a_document_with_the_buttons(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected
) -> None:
    double.say(ANNA, "meine Daten")
    await collected.next()
    reply = Reply("Hier sind Ihre Daten.", MENU, Attachment("mitreden-daten.json", '{"ideen": []}'))
    assert await send(channel, ANNA, reply) == "sent"
    text, document = await double.wait_for(ANNA.id, 2)
    assert text.text == "Hier sind Ihre Daten." and text.buttons == []
    assert document.document == ("mitreden-daten.json", b'{"ideen": []}')
    assert document.buttons == ["Frage stellen", "Idee vorschlagen"]


async def test_a_sticker_reaches_the_core_as_an_empty_message(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected
) -> None:
    double.send_sticker(ANNA)
    inbound = await collected.next()
    assert inbound.text == ""


async def test_a_shared_location_reaches_the_core_with_its_position(
    channel: TelegramChannel, double: BotApiDouble, collected: Collected
) -> None:
    double.send_location(ANNA, 52.52012, 13.40495)
    inbound = await collected.next()
    assert inbound.location == Location(52.52012, 13.40495)
    assert inbound.text == ""
    double.send_location(ANNA, 52.5, 13.4, venue=("Stadtpark", "Parkweg 1"))
    venue = await collected.next()
    assert venue.location == Location(52.5, 13.4)
    assert venue.text == "Stadtpark, Parkweg 1"


async def test_a_chat_the_bot_never_saw_fails_for_good(channel: TelegramChannel) -> None:
    result = await channel.send(Outbound(1, "telegram", "555", Reply("Hallo")))
    assert result.outcome == "failed"
    assert "chat not found" in result.detail.lower()
