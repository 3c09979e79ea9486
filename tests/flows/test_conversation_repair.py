"""What the engine does when an answer needs help: going back, being unsure, a number no
option has, an old button, another wish midway, the retry that fits the channel."""

from __future__ import annotations

from flows.types import UserInput
from nlu.types import NluResult
from tests.flows.chat import Chat


async def at_shade_question(chat: Chat) -> None:
    """Through the fake playground consultation up to its yes/no question."""
    await chat.say("/umfragen")
    await chat.say("1")
    await chat.press("Los geht")
    await chat.agree()
    await chat.say("unter 6")
    await chat.say("Schaukel und Bänke")
    await chat.say("ganz gut, 4!")
    assert "Schatten" in chat.text


def answers(chat: Chat) -> dict[str, object]:
    return dict(chat.services.participations[(chat.citizen_id, 1)].answers)


async def test_loose_answers_fill_a_consultation() -> None:
    chat = Chat()
    await at_shade_question(chat)
    assert answers(chat) == {"age": "small", "wishes": ["swing", "bench"], "rating": 4}


async def test_unsure_offers_a_pause_and_stores_nothing() -> None:
    chat = Chat()
    await at_shade_question(chat)
    await chat.say("hmm weiß nicht, mach ich später fertig")
    assert "Kein Problem" in chat.text and "shade" not in answers(chat)
    assert any("Später weitermachen" in label for label in chat.labels)
    await chat.say("ja danke")
    assert answers(chat)["shade"] is True and "Was möchten Sie uns noch sagen" in chat.text


async def test_a_number_at_a_free_text_question_picks_the_numbered_option() -> None:
    chat = Chat(numbered=True)
    await at_shade_question(chat)
    await chat.say("nein")
    assert chat.labels == ["Überspringen", "⏸ Später weitermachen"]
    await chat.send(UserInput("2"))
    assert "gespeichert" in chat.text and "other" not in answers(chat)


async def test_skip_typed_at_an_optional_place_stores_nothing() -> None:
    chat = await at_place()
    await chat.send(UserInput("Überspringen"))
    assert "Bitte prüfen Sie Ihre Idee" in chat.text and chat.state.slots["place"] is None


async def at_place() -> Chat:
    chat = Chat()
    await chat.say("/idee")
    await chat.agree()
    await chat.say("Bänke am Flussufer")
    await chat.say("Am Flussweg kann man nirgends sitzen, ein paar Bänke wären schön.")
    await chat.say("Umwelt & Klima")
    assert "bestimmten Ort" in chat.text
    return chat


async def test_back_goes_to_the_question_before() -> None:
    chat = await at_place()
    await chat.send(UserInput("zurück"))
    assert "Zu welchem Thema" in chat.text
    await chat.send(UserInput("zurück"))
    assert "Beschreiben Sie" in chat.text


async def test_a_number_no_option_has_gets_a_short_hint() -> None:
    chat = Chat()
    await chat.say("/umfragen")
    await chat.say("1")
    await chat.press("Los geht")
    await chat.agree()
    await chat.send(UserInput("9"))
    assert "Eine 9 gibt es hier nicht" in chat.text and "1 bis 3" in chat.text


async def test_the_retry_names_what_the_channel_shows() -> None:
    for numbered, wanted, unwanted in ((False, "Knöpfe", "Nummer"), (True, "Nummer", "Knopf")):
        chat = Chat(numbered=numbered)
        await chat.say("/umfragen")
        await chat.send(UserInput("blablub"))
        assert wanted in chat.text and unwanted not in chat.text, chat.text


async def test_an_old_button_says_where_the_conversation_is() -> None:
    chat = await at_place()
    await chat.send(UserInput("Umwelt & Klima", choice="umwelt"))
    assert "früheren Nachricht" in chat.text and "bestimmten Ort" in chat.text
    assert "place" not in chat.state.slots or chat.state.slots["place"] is None


async def test_another_wish_asks_first_and_leaves_on_yes() -> None:
    chat = Chat()
    await chat.say("/idee")
    await chat.agree()
    await chat.say("Bänke am Flussufer")
    await chat.say("Am Flussweg kann man nirgends sitzen, ein paar Bänke wären schön.")
    nlu = NluResult("welche umfragen gibt es", "list_consultations", 0.9, (), "de")
    await chat.send(UserInput("welche umfragen gibt es", nlu=nlu))
    assert chat.state.flow_id == "propose_idea"
    assert "„Idee vorschlagen“ dafür verlassen" in chat.text
    await chat.press("Ja, verlassen")
    assert chat.state.flow_id == "consultations" and "Spielplatz Lindenpark" in chat.text


async def test_a_question_that_mentions_help_is_taken_as_the_question() -> None:
    chat = Chat()
    await chat.say("/frage")
    question = "Wo bekomme ich Hilfe beim Antrag für den Kindergarten?"
    await chat.send(UserInput(question))
    # the question goes on its way (consent comes first), the help menu does not open
    assert chat.state.flow_id in ("ask_question", "consent"), chat.text
    assert "Das kann ich für Sie tun" not in chat.text
