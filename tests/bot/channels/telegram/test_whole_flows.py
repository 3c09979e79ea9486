"""Whole conversations on Telegram: the real bot, python-telegram-bot and the Bot API double."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.channels.telegram.commands import COMMANDS
from bot.channels.telegram.updates import ChatMoved
from nlu.factory import create_recognizer
from nlu.types import IntentRecognizer
from storage import subscriptions
from tests.bot.channels.telegram.bot_api_double import BotApiDouble
from tests.bot.channels.telegram.bot_api_updates import Citizen, Group
from tests.bot.channels.telegram.bot_under_test import Chat, RunningBot, bot_settings
from tests.bot.channels.telegram.reporting import (
    assert_photo_stored_without_metadata,
    report_up_to_the_photo,
    send_a_phone_photo,
    send_the_report,
    stored_report,
    words_of,
)
from tests.photo_samples import GPS_POSITION

ANNA = Citizen(1001, "Anna", "de")
BEN = Citizen(1002, "Ben", "en")
UNKNOWN_COMMAND = ("kenne ich nicht", "don't know the command")
SHARED = (52.52012, 13.40495)  # a shared location, a few hundred metres from the photo's


@pytest.fixture(scope="module")
def recognizer(nlu_cache: Path) -> IntentRecognizer:
    """One trained model for every bot in this module; training it is the slow part."""
    return create_recognizer(cache_dir=nlu_cache)


@pytest.fixture
async def bot(
    double: BotApiDouble, tmp_path: Path, recognizer: IntentRecognizer
) -> AsyncIterator[RunningBot]:
    running = RunningBot(bot_settings(double, tmp_path), recognizer)
    await running.start()
    yield running
    if running.running:
        await running.stop()


def chat(double: BotApiDouble, bot: RunningBot, citizen: Citizen) -> Chat:
    return Chat(double, bot, citizen)


async def agree_to_privacy(anna: Chat) -> None:
    assert "Datenschutz" in anna.texts()
    await anna.press("Ja, einverstanden")


async def test_a_citizen_asks_the_town_a_question(bot: RunningBot, double: BotApiDouble) -> None:
    anna = chat(double, bot, ANNA)
    await anna.say("Hallo")
    assert "Musterstadt" in anna.texts()
    assert "❓ Frage stellen" in anna.buttons()

    await anna.press("Frage stellen")
    assert "Was möchten Sie die Verwaltung fragen?" in anna.texts()
    await anna.say("Wann hat der Wertstoffhof am Samstag geöffnet?")
    await agree_to_privacy(anna)
    assert "Ihre Nummer: Q-" in anna.texts()
    # the pressed keyboards are gone and show what was chosen
    pressed = [m for m in double.transcript(ANNA.id) if "✓" in m.text]
    assert [m.text.rsplit("✓ ", 1)[1] for m in pressed] == [
        "❓ Frage stellen",
        "✅ Ja, einverstanden",
    ]
    assert all(m.keyboard is None for m in pressed)
    assert all(answer for answer in double.state.answers)  # every button press was answered
    assert not double.state.open_queries


async def test_a_citizen_proposes_an_idea_with_buttons_and_text(
    bot: RunningBot, double: BotApiDouble
) -> None:
    anna = chat(double, bot, ANNA)
    await anna.say("Ich habe eine Idee")
    await agree_to_privacy(anna)
    assert "Wie soll sie heißen?" in anna.texts()
    await anna.say("Mehr Fahrradständer am Bahnhof")
    await anna.say("Am Bahnhof fehlen Fahrradständer, morgens ist alles voll.")
    await anna.press("Verkehr")
    await anna.press("Überspringen")
    assert "💡 Mehr Fahrradständer am Bahnhof" in anna.texts()
    await anna.press("Ja, einreichen")
    assert "I-" in anna.texts()


async def test_a_citizen_deletes_their_data_and_starts_afresh(
    bot: RunningBot, double: BotApiDouble
) -> None:
    anna = chat(double, bot, ANNA)
    await anna.say("/frage")
    await anna.say("Gibt es einen Bürgerbus?")
    await agree_to_privacy(anna)
    await anna.say("/loeschen")
    assert "wirklich alle Ihre Daten löschen" in anna.texts()
    await anna.press("Ja, alles löschen")
    assert "Ihre Daten sind gelöscht" in anna.texts()
    await anna.say("Hallo")
    assert "willkommen" in anna.texts().lower() or "Hallo" in anna.texts()
    await anna.press("Meine Beiträge")
    assert "noch nichts beigetragen" in anna.texts()


async def test_the_data_export_arrives_as_a_document(bot: RunningBot, double: BotApiDouble) -> None:
    anna = chat(double, bot, ANNA)
    await anna.say("/frage")
    await anna.say("Darf ich auf dem Marktplatz Straßenmusik machen?")
    await agree_to_privacy(anna)
    await anna.say("/daten")
    documents = [m for m in anna.last if m.document is not None]
    assert len(documents) == 1
    name, content = documents[0].document or ("", b"")
    assert name.endswith(".json")
    assert "Straßenmusik" in content.decode()


async def test_two_citizens_talk_at_once_without_crossing_lines(
    bot: RunningBot, double: BotApiDouble
) -> None:
    anna, ben = chat(double, bot, ANNA), chat(double, bot, BEN)

    async def ask(person: Chat, question: str, agree: str) -> str:
        await person.say("/frage")
        await person.say(question)
        await person.press(agree)
        return person.texts()

    german, english = await asyncio.gather(
        ask(anna, "Wann ist die nächste Ratssitzung?", "Ja, einverstanden"),
        ask(ben, "When does the swimming pool open?", "Yes"),
    )
    assert "Ihre Nummer: Q-" in german
    assert "Q-" in english and "Ihre Nummer" not in english
    asked = {m.text for m in double.transcript(ANNA.id)}
    assert not any("swimming pool" in text for text in asked)


async def test_a_restart_in_the_middle_of_a_flow_continues_the_conversation(
    bot: RunningBot, double: BotApiDouble, tmp_path: Path, recognizer: IntentRecognizer
) -> None:
    anna = chat(double, bot, ANNA)
    await anna.say("/idee")
    await agree_to_privacy(anna)
    await anna.say("Sitzbänke im Stadtpark")
    assert "Beschreiben Sie Ihre Idee" in anna.texts()
    await bot.stop()

    # written while the bot is down: Telegram keeps it until the bot polls again
    double.say(ANNA, "Im Stadtpark gibt es kaum Bänke, ältere Menschen brauchen Pausen.")
    restarted = RunningBot(bot.settings, recognizer)
    await restarted.start()
    try:
        await restarted.turn_for(ANNA.id)
        anna = chat(double, restarted, ANNA)
        anna.last = double.take(ANNA.id)
        assert "Zu welchem Thema" in anna.texts()
        await anna.press("Umwelt")
        await anna.press("Überspringen")
        assert "💡 Sitzbänke im Stadtpark" in anna.texts()
    finally:
        await restarted.stop()


async def test_bad_input_gets_a_clear_answer_and_markup_stays_text(
    bot: RunningBot, double: BotApiDouble
) -> None:
    anna = chat(double, bot, ANNA)
    await anna.say("/idee")
    await agree_to_privacy(anna)
    await anna.say("<b>Bänke</b> & <script>alert(1)</script>")
    await anna.say("Mehr Sitzgelegenheiten, damit man sich ausruhen kann.")
    await anna.press("Kultur")
    await anna.press("Überspringen")
    assert "<b>Bänke</b> & <script>alert(1)</script>" in anna.texts()

    await anna.say("x" * 10_000)
    assert anna.last, "a very long message is answered too"
    double.send_sticker(ANNA)
    await bot.turn_for(ANNA.id)
    assert double.take(ANNA.id), "a sticker is answered"
    await anna.say("🙂🙂🙂")
    assert anna.last and anna.buttons(), "every answer offers a way on"


async def test_a_flood_wait_delays_a_reply_but_never_drops_it(
    bot: RunningBot, double: BotApiDouble
) -> None:
    anna = chat(double, bot, ANNA)
    double.fail_next(1, 429, retry_after=1)
    await anna.say("/hilfe")
    assert "Das kann ich für Sie tun" in anna.texts()
    refused = [call for call in double.state.calls if call[0] == "sendmessage"]
    assert len(refused) >= 2  # the refused attempt and the one after the wait


async def test_every_command_in_the_menu_is_understood(
    double: BotApiDouble, tmp_path: Path, recognizer: IntentRecognizer
) -> None:
    # some forty messages into one chat: without the pace of one per second and chat
    # (tests/delivery checks the pace) the test takes seconds instead of most of a minute
    settings = bot_settings(double, tmp_path).model_copy(update={"telegram_rate_per_chat": 0.0})
    bot = RunningBot(settings, recognizer)
    await bot.start()
    try:
        anna = chat(double, bot, ANNA)
        for language, commands in COMMANDS.items():
            for command, _ in commands:
                await anna.say(f"/{command}")
                assert anna.last, f"/{command} ({language}) got no answer"
                assert not any(word in anna.texts() for word in UNKNOWN_COMMAND), command
                await anna.say("/abbrechen")
    finally:
        await bot.stop()


async def test_a_deep_link_opens_the_consultation_from_the_poster(
    bot: RunningBot, double: BotApiDouble
) -> None:
    anna = chat(double, bot, ANNA)
    await anna.say("/umfragen")
    listed = anna.texts()
    await anna.say("/start c-1")
    opened = anna.texts()
    assert "Mitmachen bis" in opened
    title = opened.split("\n")[0].removeprefix("📋 ")
    assert title in listed


async def test_blocking_the_bot_pauses_the_citizens_news_and_unblocking_resumes_them(
    bot: RunningBot, double: BotApiDouble
) -> None:
    anna = chat(double, bot, ANNA)
    await anna.say("/abo")
    await anna.press("Thema abonnieren")
    await anna.press("Verkehr")
    await agree_to_privacy(anna)
    assert "Sie bekommen ab jetzt Neuigkeiten" in anna.texts()

    async def news_recipients() -> list[int]:
        async with bot.app.sessions() as session:
            return await subscriptions.subscribers(session, "topic", "verkehr")

    (subscriber,) = await news_recipients()
    double.block(ANNA)
    await bot.reachability_changed()
    assert await news_recipients() == []
    double.unblock(ANNA)
    await bot.reachability_changed()
    assert await news_recipients() == [subscriber]


async def test_a_citizen_answers_a_consultation_with_buttons(
    bot: RunningBot, double: BotApiDouble
) -> None:
    anna = chat(double, bot, ANNA)
    await anna.say("Welche Umfragen gibt es?")
    await anna.press("Radverkehrsplan 2030")
    await anna.press("Los geht")
    await agree_to_privacy(anna)
    assert "Frage 1 von 5" in anna.texts()
    await anna.press("Selten")
    assert "1 bis 5" in anna.texts()
    await anna.say("2")  # typed, as on a channel without buttons
    await anna.press("Zum Bahnhof")
    await anna.press("Zu den Schulen")
    await anna.press("Fertig")
    await anna.press("Ja")
    await anna.say("Die Kreuzung am Bahnhof, abends ist es dort sehr dunkel.")
    review = anna.texts()
    assert "→ Selten" in review and "→ 2 / 5" in review
    assert "Zum Bahnhof, Zu den Schulen" in review or "Zum Bahnhof" in review
    await anna.press("Absenden")
    assert "Bestätigungsnummer: P-" in anna.texts()


async def test_a_citizen_supports_an_idea_once(bot: RunningBot, double: BotApiDouble) -> None:
    anna = chat(double, bot, ANNA)
    await anna.say("/ideen")
    await anna.press("Offenes WLAN")
    assert "Unterstützung: 👍 9" in anna.texts()
    await anna.press("Unterstützen")
    await agree_to_privacy(anna)
    assert "Danke für Ihre Unterstützung" in anna.texts()
    await anna.press("Unterstützen")
    assert "Danke für Ihre Unterstützung" not in anna.texts()
    await anna.press("Zurück zur Liste")
    await anna.press("Offenes WLAN")
    assert "Unterstützung: 👍 10" in anna.texts()


async def test_a_group_conversation_goes_on_after_the_group_became_a_supergroup(
    bot: RunningBot, double: BotApiDouble
) -> None:
    basic, supergroup = Group(-4711, kind="group"), Group(-1004711)
    double.say(ANNA, "/ideen@mitreden_test_bot", group=basic)
    await bot.turn_for(basic.id)
    (listed,) = double.take(basic.id)
    assert "Offenes WLAN" in " ".join(listed.buttons)

    double.upgrade(basic, supergroup, by=ANNA)
    moved = await bot.reachability_changed()
    assert moved == ChatMoved("telegram", str(basic.id), str(supergroup.id))
    # the list she was shown is still where her conversation stands, now in the supergroup
    number = next(n for n, label in enumerate(listed.buttons, 1) if "Offenes WLAN" in label)
    double.say(ANNA, f"@mitreden_test_bot {number}", group=supergroup)
    await bot.turn_for(supergroup.id)
    assert "Unterstützung: 👍" in "\n".join(m.text for m in double.take(supergroup.id))


async def test_a_citizen_reports_a_problem_with_a_shared_location(
    bot: RunningBot, double: BotApiDouble
) -> None:
    anna = chat(double, bot, ANNA)
    await report_up_to_the_photo(anna, SHARED)
    await anna.press("Überspringen")
    assert "📍 Position 52.52012, 13.40495" in anna.texts()
    await send_the_report(anna)


@pytest.mark.parametrize("citizen", [ANNA, BEN], ids=["de", "en"])
async def test_a_citizen_sends_a_photo_with_a_report_and_takes_its_position(
    bot: RunningBot, double: BotApiDouble, tmp_path: Path, citizen: Citizen
) -> None:
    person = chat(double, bot, citizen)
    words = words_of(person)
    await report_up_to_the_photo(person, words.street)
    await send_a_phone_photo(person)
    assert words.photo_place in person.texts()
    await person.press(words.use_it)
    assert words.check in person.texts()
    await send_the_report(person)
    report = await stored_report(bot)
    assert (report.latitude, report.longitude) == pytest.approx(GPS_POSITION)
    assert_photo_stored_without_metadata(report, tmp_path)


async def test_an_english_citizen_shares_a_location_and_a_photo_that_knows_another_place(
    bot: RunningBot, double: BotApiDouble, tmp_path: Path
) -> None:
    ben = chat(double, bot, BEN)
    await report_up_to_the_photo(ben, SHARED)
    await send_a_phone_photo(ben)
    # the shared location is the place: the photo's own is not offered
    assert "The photo contains a location" not in ben.texts()
    assert "📍 Position 52.52012, 13.40495" in ben.texts()
    await send_the_report(ben)
    report = await stored_report(bot)
    assert (report.latitude, report.longitude) == SHARED != GPS_POSITION
    assert_photo_stored_without_metadata(report, tmp_path)
