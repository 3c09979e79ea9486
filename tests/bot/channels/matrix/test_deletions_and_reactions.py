"""The whole bot on Matrix: deleted messages are forgotten, an erasure takes back the data
export, and a 👍 or 👎 answers a yes/no question."""

from __future__ import annotations

from sqlalchemy import select

from storage.models.civic import Question
from storage.models.core import Conversation
from tests.bot.channels.matrix.bot_under_test import RunningBot
from tests.bot.channels.matrix.conftest import CitizenFactory, open_chat

QUESTION = "Wann wird die Brücke an der Mühlenstraße wieder geöffnet?"


async def stored_texts(bot: RunningBot) -> str:
    """Everything the store holds of conversations and questions, as one text."""
    async with bot.app.sessions() as session:
        states = (await session.scalars(select(Conversation.state))).all()
        questions = (await session.scalars(select(Question.text))).all()
    return repr([*states, *questions])


async def test_a_question_the_citizen_deleted_before_sending_it_is_forgotten(
    bot: RunningBot, citizens: CitizenFactory
) -> None:
    anna = await open_chat(citizens, bot, "anna")
    await anna.say("/frage")
    written = await anna.citizen.write(QUESTION)
    await anna.turn()
    assert QUESTION in await stored_texts(bot)

    await anna.citizen.delete(written)
    (note,) = await anna.citizen.collect(1)
    assert "Sie haben eine Nachricht gelöscht" in note.body
    assert QUESTION not in await stored_texts(bot)
    await anna.say("Ja, einverstanden")  # the consent it waited for no longer sends anything
    assert "Ihre Nummer: Q-" not in anna.texts()
    assert QUESTION not in await stored_texts(bot)


async def test_after_an_erasure_the_bot_takes_back_the_data_export_it_posted(
    bot: RunningBot, citizens: CitizenFactory
) -> None:
    anna = await open_chat(citizens, bot, "anna")
    await anna.say("/frage")
    await anna.say(QUESTION)
    await anna.choose("Ja, einverstanden")
    await anna.say("/daten")
    export = [r.event_id for r in anna.citizen.last if r.body.startswith("mitreden-data.json")]
    assert export and QUESTION in anna.texts()

    await anna.say("/loeschen")
    await anna.choose("Ja, alles löschen")
    assert "Ihre Daten sind gelöscht" in anna.texts()
    await anna.citizen.until(lambda: set(export) <= anna.citizen.redacted)


async def test_a_thumbs_down_answers_no_and_a_thumbs_up_never_erases_on_its_own(
    bot: RunningBot, citizens: CitizenFactory
) -> None:
    anna = await open_chat(citizens, bot, "anna")
    await anna.say("/loeschen")
    (question,) = anna.citizen.last
    await anna.citizen.react(question.event_id, "👎")
    await anna.turn()
    assert "Gut, ich lösche nichts" in anna.texts()

    await anna.say("/loeschen")
    (question,) = anna.citizen.last
    await anna.citizen.react(question.event_id, "👍")
    await anna.turn()
    # erasing needs the button's words: a thumbs up is only a "ja"
    assert "Ja, alles löschen" in anna.texts()
    assert "Ihre Daten sind gelöscht" not in anna.texts()
