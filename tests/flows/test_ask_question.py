"""Asking the administration: similar answered questions first, then a stored question."""

from __future__ import annotations

from tests.flows.chat import Chat
from tests.flows.fakes import NOW, Question


def with_public_answer() -> Chat:
    chat = Chat()
    chat.services.question_rows.append(
        Question(
            "Q-1",
            None,
            "Wann hat das Bürgerbüro am Samstag offen?",
            "de",
            NOW,
            answer="Samstags von 9 bis 12 Uhr.",
            public=True,
        )
    )
    return chat


async def test_similar_answer_helps_and_nothing_is_stored() -> None:
    chat = with_public_answer()
    await chat.say("ich hab eine frage", intent="ask_question", language="de")
    assert "Was möchten Sie die Verwaltung fragen" in chat.text
    await chat.say("Wann hat das Bürgerbüro am Samstag offen?")
    assert "Samstags von 9 bis 12 Uhr." in chat.text
    assert "Beantwortet das Ihre Frage?" in chat.text
    await chat.say("ja")
    assert "Schön, dass ich helfen konnte" in chat.text
    assert len(chat.services.question_rows) == 1


async def test_question_is_stored_with_a_reference_after_consent() -> None:
    chat = with_public_answer()
    await chat.say("/frage")
    await chat.say("Wann hat das Bürgerbüro am Samstag offen? Auch im August?")
    await chat.press("trotzdem")
    await chat.agree()
    assert "Ihre Nummer: Q-2" in chat.text
    assert chat.services.question_rows[-1].citizen == 7
    assert chat.state.flow_id is None and chat.state.options


async def test_question_without_similar_ones_goes_straight_to_storing() -> None:
    chat = Chat(language_hint="en")
    await chat.say("I'd like to ask something", intent="ask_question", language="en")
    await chat.say("Why is the swimming pool closed in winter?")
    assert "Do you agree?" in chat.text
    await chat.say("yes")
    assert "Your reference number: Q-1" in chat.text


async def test_a_too_short_question_is_refused_with_the_reason() -> None:
    chat = Chat()
    await chat.say("/frage")
    await chat.say("Warum?")
    assert "mindestens 10 Zeichen" in chat.text and chat.state.step_id == "question"
