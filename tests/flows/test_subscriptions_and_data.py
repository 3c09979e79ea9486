"""Subscriptions, my contributions, the data export and erasure."""

from __future__ import annotations

import json

from flows.library import FlowLibrary, FlowSource, load_definitions
from flows.types import ConversationState
from tests.flows.chat import Chat


async def test_subscribe_to_a_topic_list_and_remove() -> None:
    chat = Chat()
    await chat.say("ich will updates bekommen", intent="subscribe_updates", language="de")
    assert "noch nichts abonniert" in chat.text
    await chat.press("Thema abonnieren")
    await chat.say("Umwelt & Klima")
    await chat.agree()
    assert "Neuigkeiten zu „Umwelt & Klima“" in chat.text
    await chat.say("/abo")
    assert "• Umwelt & Klima (Thema)" in chat.text
    await chat.press("Abo beenden")
    await chat.say("1")
    assert "„Umwelt & Klima (Thema)“ ist abbestellt" in chat.text
    assert chat.services.subs[7] == set()


async def test_contributions_show_ideas_questions_and_consultations() -> None:
    chat = Chat()
    await chat.services.citizens.record_consent(7, "1")
    await chat.services.ideas.create(7, "Bänke im Park", "Mehr Bänke bitte", "umwelt", None, "de")
    await chat.services.questions.create(7, "Wann kommt der Sperrmüll?", "de")
    await chat.services.consultations.save_answer(7, 1, "age", "small")
    await chat.say("was ist aus meinen beiträgen geworden", intent="my_contributions")
    assert "I-1 Bänke im Park – eingereicht" in chat.text
    assert "Q-1 Wann kommt der Sperrmüll? – offen" in chat.text
    assert "Spielplatz Lindenpark – 1 von 5 Fragen beantwortet" in chat.text


async def test_my_data_comes_as_a_json_attachment() -> None:
    chat = Chat()
    await chat.say("/daten")
    attachment = chat.replies[-1].attachment
    assert attachment is not None and attachment.filename.endswith(".json")
    assert json.loads(attachment.content)["citizen"]["id"] == 7
    assert "Daten löschen" in chat.labels[0]


async def test_erasure_needs_an_explicit_yes_and_leaves_a_fresh_state() -> None:
    chat = Chat()
    await chat.say("Hallo", intent="greet")
    await chat.say("bitte lösch meine daten", intent="delete_my_data")
    await chat.say("ja", intent="affirm")
    assert "Zur Sicherheit" in chat.text and "erase_citizen" not in chat.services.calls
    await chat.press("Ja, alles löschen")
    assert "erase_citizen" in chat.services.calls
    assert "gelöscht" in chat.text
    assert chat.state == ConversationState()


async def test_erasure_can_be_called_off() -> None:
    chat = Chat()
    await chat.say("/delete")
    await chat.say("nein")
    assert "ich lösche nichts" in chat.text and "erase_citizen" not in chat.services.calls


async def test_an_explicit_confirm_takes_its_plain_yes_button_but_no_other_yes() -> None:
    """An explicit step without a label of its own: its yes button says "Ja", a yes word."""
    label = "    yes_label:\n      de: 🗑 Ja, alles löschen\n      en: 🗑 Yes, delete everything\n"
    sources = [
        FlowSource(flow_id, 1, source.replace(label, ""), filename)
        for flow_id, filename, source in load_definitions()
    ]
    chat = Chat(library=FlowLibrary.from_sources(sources))
    await chat.say("/loeschen")
    assert chat.labels[0] == "Ja"
    await chat.say("klar", intent="affirm")
    assert "Zur Sicherheit" in chat.text and "erase_citizen" not in chat.services.calls
    await chat.press("Ja")
    assert "erase_citizen" in chat.services.calls
