"""Asking instead of guessing: "Meinten Sie …?" at the top of a conversation."""

from __future__ import annotations

import pytest

from flows.types import ConversationState, UserInput
from nlu.types import NluResult
from tests.flows import chat as chat_module
from tests.flows.chat import Chat

UNSURE = "Grünschnitt am Wertstoffhof abgeben, wie geht das eigentlich genau?"
RANKING = (("propose_idea", 0.48), ("ask_question", 0.41), ("out_of_scope", 0.06))


async def _unsure(chat: Chat, text: str = UNSURE, language: str = "de") -> None:
    nlu = NluResult(text, "propose_idea", RANKING[0][1], (), language, RANKING)
    await chat.send(UserInput(text, nlu=nlu))


async def _greeted(**settings: object) -> Chat:
    chat = Chat(**settings)  # type: ignore[arg-type]
    await chat.say("Hallo", intent="greet")
    return chat


async def test_an_unsure_message_gets_a_question_with_the_wishes_and_something_else() -> None:
    chat = await _greeted()
    await _unsure(chat)
    assert chat.text == "Ich bin nicht ganz sicher, was Sie möchten. Meinten Sie …?"
    assert chat.labels == [
        "Eine Idee vorschlagen",
        "Eine Frage an die Verwaltung stellen",
        "Etwas anderes",
    ]
    recorded = chat.services.understanding.rows
    assert [(r.unclear.outcome, r.unclear.guessed, r.unclear.text) for r in recorded] == [
        ("asked", "propose_idea", UNSURE)
    ]


async def test_du_and_english_wording() -> None:
    chat = await _greeted(formal=False)
    await _unsure(chat)
    assert chat.text == "Ich bin nicht ganz sicher, was du möchtest. Meintest du …?"
    english = Chat(language_hint="en")
    await english.say("Hello", intent="greet", language="en")
    await _unsure(english, "dropping off garden waste, how does that work?", "en")
    assert english.text == "I'm not quite sure what you'd like. Did you mean …?"
    assert english.labels[-1] == "Something else"


async def test_picking_a_wish_continues_with_the_original_message_even_after_a_restart() -> None:
    chat = await _greeted()
    await _unsure(chat)
    chat.state = ConversationState.from_json(chat.state.to_json())  # stored and read again
    await chat.say("2")  # the second option, typed
    assert chat.state.flow_id == "ask_question"
    assert UNSURE in chat.text  # the question typed first is not asked for again
    assert chat.services.understanding.rows[0].chosen == "ask_question"


async def test_something_else_asks_for_other_words_and_offers_the_menu() -> None:
    chat = await _greeted()
    await _unsure(chat)
    await chat.press("Etwas anderes")
    assert "mit anderen Worten" in chat.text
    assert "❓ Frage stellen" in chat.labels
    assert chat.state.asked is None and chat.state.flow_id is None
    row = chat.services.understanding.rows[0]
    assert row.answered and row.chosen is None


async def test_a_new_message_instead_of_an_answer_is_handled_as_new() -> None:
    chat = await _greeted()
    await _unsure(chat)
    await chat.say("ich möchte eine idee vorschlagen", intent="propose_idea")
    assert chat.state.flow_id in {"propose_idea", "consent"}
    assert chat.state.asked is None


async def test_inside_a_step_the_answer_is_matched_first_and_nothing_is_asked() -> None:
    chat = await _greeted()
    await chat.say("/frage")
    assert chat.state.flow_id == "ask_question"
    await _unsure(chat)
    assert "Meinten Sie" not in chat.text
    assert chat.services.understanding.rows == []


async def test_out_of_scope_names_the_contact_the_town_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    contact = {"contact_name": "das Bürgerbüro", "contact_phone": "115"}
    monkeypatch.setattr(chat_module, "VARIABLES", {**chat_module.VARIABLES, **contact})
    chat = await _greeted()
    await chat.say("wie wird das wetter morgen", intent="out_of_scope")
    assert "Für andere Anliegen erreichen Sie das Bürgerbüro, Telefon 115." in chat.text
    assert chat.labels  # and what to do next
