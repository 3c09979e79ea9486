"""Proposing an idea: title, description, topic, optional place, summary, corrections."""

from __future__ import annotations

from tests.flows.chat import Chat

DESCRIPTION = "Am Bahnhof fehlen Fahrradständer, morgens ist alles zugeparkt."


async def started() -> Chat:
    chat = Chat()
    await chat.say("ich hab eine idee", intent="propose_idea", language="de")
    await chat.agree()
    return chat


async def test_idea_is_stored_with_a_reference_after_the_summary() -> None:
    chat = await started()
    await chat.say("Fahrradständer am Bahnhof")
    assert "Beschreiben Sie" in chat.text
    await chat.say(DESCRIPTION)
    assert "Verkehr & Mobilität" in chat.labels
    await chat.say("verkehr & mobilitaet")
    await chat.say("Bahnhofsvorplatz")
    assert "💡 Fahrradständer am Bahnhof" in chat.text
    assert "📍 Ort: Bahnhofsvorplatz" in chat.text
    await chat.press("einreichen")
    assert "I-1" in chat.text and chat.state.flow_id is None
    idea = chat.services.idea_rows[1]
    assert (idea.title, idea.topic, idea.place, idea.author) == (
        "Fahrradständer am Bahnhof",
        "verkehr",
        "Bahnhofsvorplatz",
        7,
    )
    assert ("idea", "I-1") in chat.services.subs[7]


async def test_place_can_be_skipped_and_a_field_corrected_from_the_summary() -> None:
    chat = await started()
    await chat.say("Fahrradständer am Bahnhof")
    await chat.say(DESCRIPTION)
    await chat.say("1")
    await chat.say("überspringen")
    assert "📍 Ort: –" in chat.text
    await chat.press("Titel ändern")
    assert "Wie soll sie heißen" in chat.text
    await chat.say("Mehr Fahrradständer am Bahnhof")
    assert "Bitte prüfen Sie Ihre Idee" in chat.text  # straight back to the summary
    assert "💡 Mehr Fahrradständer am Bahnhof" in chat.text
    await chat.press("einreichen")
    assert chat.services.idea_rows[1].title == "Mehr Fahrradständer am Bahnhof"
    assert chat.services.idea_rows[1].place is None


async def test_a_title_of_10000_characters_is_refused_with_the_reason() -> None:
    chat = await started()
    await chat.say("x" * 10_000)
    assert "zu lang (10000 Zeichen)" in chat.text and "120" in chat.text
    assert chat.state.step_id == "title"
    await chat.say("ok")
    assert "mindestens 5 Zeichen" in chat.text


async def test_emoji_only_and_markup_are_handled_as_text() -> None:
    chat = await started()
    await chat.say("🚲🚲🚲🚲🚲")
    assert "keinen Text" in chat.text and chat.state.step_id == "title"
    await chat.say("<script>alert(1)</script> Radwege")
    assert chat.state.step_id == "description"
    assert chat.state.slots["title"] == "<script>alert(1)</script> Radwege"


async def test_long_text_in_a_free_text_step_is_content_not_an_intent() -> None:
    chat = await started()
    await chat.say("Fahrradständer am Bahnhof")
    # a description that an NLU model would read as "browse ideas" stays the description
    await chat.say(
        "Ich habe mir die Ideen angesehen und finde, es fehlen Fahrradständer",
        intent="browse_ideas",
    )
    assert chat.state.step_id == "topic"
    assert "angesehen" in str(chat.state.slots["description"])


async def test_cancel_word_leaves_the_free_text_step_and_stores_nothing() -> None:
    chat = await started()
    await chat.say("Fahrradständer am Bahnhof")
    await chat.say("abbrechen")
    assert "abgebrochen" in chat.text and chat.state.flow_id is None
    assert chat.services.idea_rows == {}


async def test_discarding_from_the_summary_stores_nothing() -> None:
    chat = await started()
    await chat.say("Fahrradständer am Bahnhof")
    await chat.say(DESCRIPTION)
    await chat.say("2")
    await chat.press("Überspringen")
    await chat.press("Verwerfen")
    assert "nichts gespeichert" in chat.text and chat.services.idea_rows == {}


async def test_english_idea_with_english_texts() -> None:
    chat = Chat(language_hint="en")
    await chat.say("I have an idea for the town", intent="propose_idea", language="en")
    await chat.press("agree")
    assert "What should it be called" in chat.text
    await chat.say("Bike racks at the station")
    await chat.say("There are far too few bike racks at the station in the morning.")
    assert "Transport" in chat.labels
    await chat.say("transport")
    await chat.say("skip")
    assert "Please check your idea" in chat.text and "🏷 Topic: Transport" in chat.text
    await chat.say("yes submit it")
    assert "Your reference number: I-1" in chat.text
