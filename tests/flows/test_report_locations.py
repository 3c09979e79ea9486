"""A shared position answers the report's place question: it fills latitude, longitude and
a readable place; nonsense is refused; elsewhere the bot says it needs no position."""

from __future__ import annotations

import math

from flows.types import Location, UserInput
from tests.flows.chat import Chat


async def _at_place_question(chat: Chat) -> None:
    await chat.say("Schlagloch!", intent="report_problem")
    await chat.press("Ja")
    assert "Wo ist das" in chat.text
    assert chat.replies[-1].accepts == ("location",)


async def test_a_shared_location_fills_the_place_and_is_stored_with_the_report() -> None:
    chat = Chat()
    await _at_place_question(chat)
    await chat.send(UserInput(text="", location=Location(52.520123456, 13.40495)))
    await chat.press("Überspringen")  # the photo
    assert "Bitte prüfen Sie Ihre Meldung" in chat.text
    assert "📍 Position 52.52012, 13.40495" in chat.text
    await chat.press("Ja, abschicken")
    await chat.agree()
    _, report = chat.services.reports.rows[-1]
    assert (report.latitude, report.longitude) == (52.52012, 13.40495)
    assert report.place == "Position 52.52012, 13.40495"


async def test_words_sent_with_the_location_are_the_place() -> None:
    chat = Chat()
    await _at_place_question(chat)
    await chat.send(UserInput(text="am Spielplatz", location=Location(52.5, 13.4)))
    await chat.press("Überspringen")
    assert "📍 am Spielplatz" in chat.text
    assert (chat.state.slots["latitude"], chat.state.slots["longitude"]) == (52.5, 13.4)


async def test_a_typed_place_after_changing_it_drops_the_old_position() -> None:
    chat = Chat()
    await _at_place_question(chat)
    await chat.send(UserInput(text="", location=Location(52.5, 13.4)))
    await chat.press("Überspringen")
    await chat.press("Ort ändern")
    await chat.say("Lindenstraße 5")
    assert "📍 Lindenstraße 5" in chat.text
    assert "latitude" not in chat.state.slots


async def test_an_impossible_position_is_refused_with_a_way_on() -> None:
    chat = Chat()
    await _at_place_question(chat)
    for nonsense in (Location(91.0, 13.4), Location(52.5, -181.0), Location(math.nan, 1.0)):
        await chat.send(UserInput(text="", location=nonsense))
        assert "Diese Position kann ich nicht verwenden" in chat.text
        assert "Adresse" in chat.text
        assert "latitude" not in chat.state.slots
    await chat.send(UserInput(text="", location=Location(-33.86, 151.2)))
    await chat.press("Überspringen")
    assert "📍 Position -33.86000, 151.20000" in chat.text


async def test_a_location_where_none_is_asked_for_is_answered_politely() -> None:
    chat = Chat()
    await chat.say("hallo", intent="greet")
    await chat.send(UserInput(text="", location=Location(52.5, 13.4)))
    assert "einen Standort brauche ich gerade nicht" in chat.text
    assert chat.labels  # the menu to go on


async def test_english_place_text() -> None:
    chat = Chat(language_hint="en")
    await chat.say("pothole on the road", intent="report_problem", language="en")
    await chat.press("Yes")
    await chat.send(UserInput(text="", location=Location(51.0, 7.0)))
    await chat.press("Skip")
    assert "📍 Position 51.00000, 7.00000" in chat.text
