"""Whole conversations on Matrix: the real bot, matrix-nio and Synapse, in encrypted chats."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import func, select

from bot.messages import Outbound
from flows.types import Reply
from nlu.types import IntentRecognizer
from storage.models.core import OutboxMessage
from tests.bot.channels.matrix.bot_under_test import Chat, RunningBot, bot_settings
from tests.bot.channels.matrix.conftest import CitizenFactory, open_chat
from tests.bot.channels.matrix.synapse_server import Synapse


async def agree_to_privacy(anna: Chat) -> None:
    assert "Datenschutz" in anna.texts()
    await anna.choose("Ja, einverstanden")


async def test_a_citizen_asks_the_town_a_question(
    bot: RunningBot, citizens: CitizenFactory
) -> None:
    anna = await open_chat(citizens, bot, "anna")
    await anna.say("Hallo")
    assert "Musterstadt" in anna.texts()
    assert "❓ Frage stellen" in anna.options()
    assert all(r.encrypted and r.msgtype == "m.notice" for r in anna.citizen.last)

    await anna.choose("Frage stellen")
    assert "Was möchten Sie die Verwaltung fragen?" in anna.texts()
    await anna.say("Wann hat der Wertstoffhof am Samstag geöffnet?")
    await agree_to_privacy(anna)
    assert "Ihre Nummer: Q-" in anna.texts()


async def test_a_citizen_proposes_an_idea(bot: RunningBot, citizens: CitizenFactory) -> None:
    anna = await open_chat(citizens, bot, "anna")
    await anna.say("Ich habe eine Idee")
    await agree_to_privacy(anna)
    assert "Wie soll sie heißen?" in anna.texts()
    await anna.say("Mehr Fahrradständer am Bahnhof")
    await anna.say("Am Bahnhof fehlen Fahrradständer, morgens ist alles voll.")
    await anna.choose("Verkehr")
    await anna.choose("Überspringen")
    assert "💡 Mehr Fahrradständer am Bahnhof" in anna.texts()
    await anna.choose("Ja, einreichen")
    assert "I-" in anna.texts()


async def test_a_citizen_answers_a_consultation(bot: RunningBot, citizens: CitizenFactory) -> None:
    anna = await open_chat(citizens, bot, "anna")
    await anna.say("Welche Umfragen gibt es?")
    await anna.choose("Radverkehrsplan 2030")
    await anna.choose("Los geht")
    await agree_to_privacy(anna)
    assert "Frage 1 von 5" in anna.texts()
    await anna.choose("Selten")
    assert "1 bis 5" in anna.texts()
    await anna.say("2")
    await anna.choose("Zum Bahnhof")
    await anna.choose("Fertig")
    await anna.choose("Ja")
    await anna.say("Die Kreuzung am Bahnhof, abends ist es dort sehr dunkel.")
    review = anna.texts()
    assert "→ Selten" in review and "→ 2 / 5" in review
    await anna.choose("Absenden")
    assert "Bestätigungsnummer: P-" in anna.texts()


async def test_a_citizen_deletes_their_data(bot: RunningBot, citizens: CitizenFactory) -> None:
    anna = await open_chat(citizens, bot, "anna")
    await anna.say("/frage")
    await anna.say("Gibt es einen Bürgerbus?")
    await agree_to_privacy(anna)
    await anna.say("/daten")
    assert "Bürgerbus" in anna.texts(), "the export is shown in the chat"
    await anna.say("/loeschen")
    assert "wirklich alle Ihre Daten löschen" in anna.texts()
    await anna.choose("Ja, alles löschen")
    assert "Ihre Daten sind gelöscht" in anna.texts()
    await anna.say("Hallo")
    await anna.choose("Meine Beiträge")
    assert "noch nichts beigetragen" in anna.texts()


async def test_a_citizen_supports_an_idea_once(bot: RunningBot, citizens: CitizenFactory) -> None:
    anna = await open_chat(citizens, bot, "anna")
    await anna.say("/ideen")
    await anna.choose("Offenes WLAN")
    assert "Unterstützung: 👍 9" in anna.texts()
    await anna.choose("Unterstützen")
    await agree_to_privacy(anna)
    assert "Danke für Ihre Unterstützung" in anna.texts()
    await anna.choose("Unterstützen")
    assert "Danke für Ihre Unterstützung" not in anna.texts()
    await anna.choose("Zurück zur Liste")
    await anna.choose("Offenes WLAN")
    assert "Unterstützung: 👍 10" in anna.texts()


async def test_a_citizen_subscribes_to_a_topic(bot: RunningBot, citizens: CitizenFactory) -> None:
    anna = await open_chat(citizens, bot, "anna")
    await anna.say("/abo")
    await anna.choose("Thema abonnieren")
    await anna.choose("Verkehr")
    await agree_to_privacy(anna)
    assert "Sie bekommen ab jetzt Neuigkeiten" in anna.texts()


async def test_two_citizens_talk_at_once_without_crossing_lines(
    bot: RunningBot, citizens: CitizenFactory
) -> None:
    anna = await open_chat(citizens, bot, "anna")
    ben = await open_chat(citizens, bot, "ben")

    async def ask(person: Chat, question: str, agree: str) -> str:
        await person.say("/frage")
        await person.say(question)
        await person.choose(agree)
        return person.texts()

    first, second = await asyncio.gather(
        ask(anna, "Wann ist die nächste Ratssitzung?", "Ja, einverstanden"),
        ask(ben, "Gibt es einen Bürgerbus?", "Ja, einverstanden"),
    )
    assert "Ihre Nummer: Q-" in first and "Ihre Nummer: Q-" in second
    assert first.split("Q-")[1][:6] != second.split("Q-")[1][:6]
    assert not any("Bürgerbus" in r.body for r in anna.citizen.inbox)
    assert not any("Ratssitzung" in r.body for r in ben.citizen.inbox)


async def test_a_restart_in_the_middle_of_a_flow_continues_in_the_same_encrypted_room(
    bot: RunningBot, citizens: CitizenFactory, recognizer: IntentRecognizer
) -> None:
    anna = await open_chat(citizens, bot, "anna")
    await anna.say("/idee")
    await agree_to_privacy(anna)
    await anna.say("Sitzbänke im Stadtpark")
    assert "Beschreiben Sie Ihre Idee" in anna.texts()
    device = bot.channel.device_id
    await bot.stop()

    # written while the bot is down: the stored sync token picks it up after the restart
    await anna.citizen.write("Im Stadtpark gibt es kaum Bänke, ältere Menschen brauchen Pausen.")
    restarted = RunningBot(bot.settings, recognizer)
    await restarted.start()
    try:
        assert restarted.channel.device_id == device
        anna = Chat(anna.citizen, restarted)
        await anna.turn()
        assert "Zu welchem Thema" in anna.texts()
        await anna.choose("Umwelt")
        await anna.choose("Überspringen")
        assert "💡 Sitzbänke im Stadtpark" in anna.texts()
        assert all(r.encrypted for r in anna.citizen.inbox)
        assert not anna.citizen.undecryptable
    finally:
        await restarted.stop()


async def test_bad_input_gets_a_clear_answer_and_markup_stays_text(
    bot: RunningBot, citizens: CitizenFactory
) -> None:
    anna = await open_chat(citizens, bot, "anna")
    await anna.say("/idee")
    await agree_to_privacy(anna)
    await anna.say("<b>Bänke</b> & <script>alert(1)</script>")
    await anna.say("Mehr Sitzgelegenheiten, damit man sich ausruhen kann.")
    await anna.choose("Kultur")
    await anna.choose("Überspringen")
    assert "<b>Bänke</b> & <script>alert(1)</script>" in anna.texts()
    formatted = "".join(r.formatted_body or "" for r in anna.citizen.last)
    assert "&lt;script&gt;" in formatted and "<script>" not in formatted
    await anna.say("x" * 10_000)
    assert anna.citizen.last, "a very long message is answered too"
    await anna.say("99")
    assert anna.options(), "every answer offers a way on"


async def test_a_rate_limited_reply_arrives_after_the_homeservers_wait(
    synapse: Synapse, citizens: CitizenFactory, tmp_path: Path, recognizer: IntentRecognizer
) -> None:
    limited = await asyncio.to_thread(synapse.account, "busybot", limited=True)
    bot = RunningBot(bot_settings(synapse, limited, tmp_path), recognizer)
    await bot.start()
    try:
        anna = await open_chat(citizens, bot, "anna")
        await anna.say("Hallo")
        # the bot's burst allowance is used up, as on a busy day without the override
        sent = 0
        while True:
            result = await bot.channel.send(
                Outbound(10_000 + sent, "matrix", anna.citizen.room_id, Reply("Neuigkeiten"))
            )
            if result.outcome == "retry":
                break
            sent += 1
        await anna.citizen.collect(sent)
        await anna.say("/hilfe")
        assert "Das kann ich für Sie tun" in anna.texts()
        async with bot.app.sessions() as session:
            attempts = await session.scalar(select(func.max(OutboxMessage.attempts)))
        assert attempts is not None and attempts >= 2, "the reply was refused once, then sent"
    finally:
        await bot.stop()
