"""Cancel, help, commands and language switches everywhere; odd input never breaks a turn."""

from __future__ import annotations

from flows.types import ConversationState, UserInput
from tests.flows.chat import Chat
from tests.flows.fakes.consultations import FakeConsultations


async def in_consultation() -> Chat:
    chat = Chat()
    await chat.say("/umfragen")
    await chat.say("1")
    await chat.press("Los geht")
    await chat.agree()
    return chat


async def test_cancel_words_and_command_leave_any_flow() -> None:
    for word in ("abbrechen", "Stopp!", "cancel", "/abbrechen", "/cancel"):
        chat = await in_consultation()
        await chat.say(word)
        assert "abgebrochen" in chat.text, word
        assert chat.state.flow_id is None and len(chat.state.options) == 8


async def test_cancel_intent_leaves_a_choice_step() -> None:
    chat = await in_consultation()
    await chat.say("lass mal gut sein", intent="cancel")
    assert "abgebrochen" in chat.text and chat.state.flow_id is None


async def test_nothing_to_cancel_is_said_plainly() -> None:
    chat = Chat()
    await chat.say("Hallo", intent="greet")
    await chat.say("abbrechen")
    assert "nichts, das ich abbrechen könnte" in chat.text


async def test_a_clear_request_elsewhere_asks_before_leaving_a_choice_step() -> None:
    chat = await in_consultation()
    await chat.say("ich hab eine idee für den park", intent="propose_idea")
    assert chat.state.flow_id == "consultations"
    assert "Möchten Sie die Umfrage dafür verlassen?" in chat.text
    assert "Ihre Antworten bleiben gespeichert" in chat.text
    await chat.say("ja")
    assert chat.state.flow_id == "propose_idea" and "Wie soll sie heißen" in chat.text


async def test_staying_after_another_request_asks_the_question_again() -> None:
    chat = await in_consultation()
    await chat.say("ich hab eine idee für den park", intent="propose_idea")
    await chat.press("weitermachen")
    assert chat.state.flow_id == "consultations" and "Frage 1 von" in chat.text


async def test_commands_work_in_the_middle_of_a_flow() -> None:
    chat = await in_consultation()
    await chat.say("/ideen")
    assert chat.state.flow_id == "browse_ideas"


async def test_wrong_answer_type_keeps_the_same_options() -> None:
    chat = await in_consultation()
    before = chat.state.options
    await chat.say("vielleicht")
    assert "keiner Antwort" in chat.text
    assert chat.state.options == before and chat.state.step_id == "questions"


async def test_empty_and_whitespace_messages_get_a_reason_and_keep_the_position() -> None:
    chat = await in_consultation()
    before = chat.state
    for text in ("", "   \n\t "):
        await chat.send(UserInput(text=text))
        assert "leer" in chat.text
        assert chat.state.step_id == before.step_id and chat.state.options == before.options


async def test_odd_messages_outside_a_flow_get_the_fallback() -> None:
    for text in ("مرحبا كيف حالك", "👍👍👍", "\x00\x01\x02binary\xff", "<b>hi</b>", "ä" * 10_000):
        chat = Chat()
        await chat.say("Hallo", intent="greet")
        await chat.say(text)
        assert "nicht verstanden" in chat.text, text
        assert chat.state.options


async def test_language_switch_in_the_middle_asks_the_same_step_again() -> None:
    chat = await in_consultation()
    await chat.say("english please")
    assert "I'll write in English" in chat.text and "Question 1 of 5" in chat.text
    assert chat.services.citizen_rows[7]["language"] == "en"
    await chat.say("auf deutsch")
    assert "Frage 1 von 5" in chat.text and chat.state.language == "de"


async def test_language_command_offers_both_languages() -> None:
    chat = Chat()
    await chat.say("Hallo", intent="greet")
    await chat.say("/sprache")
    assert chat.labels == ["Deutsch", "English"]
    await chat.say("English")
    assert chat.state.language == "en" and "I'll write in English" in chat.text
    await chat.say("/language de")
    assert chat.state.language == "de"


class BrokenConsultations(FakeConsultations):
    async def listed(self, *args: object, **kwargs: object) -> list[object]:  # type: ignore[override]
        raise RuntimeError("database is gone")


async def test_a_failing_service_gives_a_friendly_error_and_a_clean_state() -> None:
    chat = Chat()
    chat.services.consultations = BrokenConsultations(chat.services)
    await chat.say("Hallo", intent="greet")
    await chat.say("/umfragen")
    assert "etwas schiefgegangen" in chat.text
    assert chat.state.flow_id is None and len(chat.state.options) == 8
    await chat.say("/ideen")
    assert chat.state.flow_id == "browse_ideas"


async def test_a_state_pointing_nowhere_is_handled() -> None:
    chat = Chat()
    chat.state = ConversationState(
        flow_id="gone", flow_version=9, step_id="nowhere", slots={"_stack": "garbage"}, greeted=True
    )
    await chat.say("hallo", intent="greet")
    assert "Schön, dass Sie schreiben" in chat.text
    chat.state = ConversationState(
        flow_id="consultations", flow_version=1, step_id="questions", slots={}, greeted=True
    )
    await chat.say("1")
    assert "etwas schiefgegangen" in chat.text and chat.state.flow_id is None


async def test_restart_in_the_middle_continues_from_the_stored_state() -> None:
    chat = await in_consultation()
    await chat.say("1")
    stored = chat.state.to_json()
    restarted = Chat(services=chat.services, state=ConversationState.from_json(stored))
    await restarted.say("2")
    assert "Ausgewählt: Sandkasten" in restarted.text


async def test_asking_for_english_first_thing_switches_and_welcomes() -> None:
    chat = Chat()
    await chat.say("English please")
    assert "I'll write in English" in chat.text and "citizens' chat" in chat.text
    assert "💡 Propose an idea" in chat.labels


async def test_nothing_personal_is_asked_for_or_shown_in_a_group_chat() -> None:
    group = Chat(group_chat=True)
    ideas_before = len(group.services.idea_rows)
    await group.say("Ich habe eine Idee für den Park", intent="propose_idea")
    assert "unter vier Augen" in group.text
    await group.say("/daten")
    assert "unter vier Augen" in group.text
    assert all(reply.attachment is None for reply in group.replies)
    await group.say("/meine")
    assert "unter vier Augen" in group.text
    assert len(group.services.idea_rows) == ideas_before
    await group.say("/ideen")
    assert "unter vier Augen" not in group.text
    assert group.state.options


async def test_a_typed_command_is_never_read_as_an_option_it_resembles() -> None:
    chat = Chat()
    await chat.say("/daten")
    assert any("Meine Daten löschen" in option.label for option in chat.state.options)
    await chat.say("/meine")
    assert chat.state.flow_id != "delete_data"
    assert "noch nichts beigetragen" in chat.text, chat.text
