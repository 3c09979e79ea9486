"""Following a council paper: what the data says, the follow, and what never gets invented."""

from __future__ import annotations

from tests.flows.chat import Chat


async def test_a_known_paper_is_described_and_followed() -> None:
    chat = Chat()
    await chat.say(
        "Vorlage 2026/123 verfolgen", intent="follow_paper", entities={"paper": "2026/123"}
    )
    assert "Vorlage 2026/123: Radwegebau an der Hauptstraße" in chat.text
    assert "Stand: Geändert beschlossen (Sitzung des Rates, 28.04.2026)" in chat.text
    await chat.press("Verfolgen")
    await chat.agree()
    assert "Sobald der Rat zur Vorlage 2026/123 etwas entscheidet" in chat.text
    assert chat.services.subs[7] == {("paper", "2026/123")}
    await chat.say("/abo")
    assert "• 2026/123: Radwegebau an der Hauptstraße (Ratsvorlage)" in chat.text


async def test_following_twice_says_so() -> None:
    chat = Chat()
    await chat.services.citizens.record_consent(7, "1")
    await chat.services.subscriptions.add(7, "paper", "2026/123")
    await chat.say("/paper", language="en")
    await chat.say("council paper 2026/123")
    assert "Council paper 2026/123" in chat.text and "Geändert beschlossen" in chat.text
    await chat.press("Follow")
    assert "already following paper 2026/123" in chat.text


async def test_an_unknown_paper_gets_no_made_up_details() -> None:
    chat = Chat(formal=False)
    await chat.say("drucksache 2030/1", intent="follow_paper", entities={"paper": "2030/1"})
    assert "Zur Vorlage „2030/1“ habe ich noch keine Angaben" in chat.text
    assert "Möchtest du sie trotzdem verfolgen?" in chat.text
    assert "Stand" not in chat.text
    await chat.press("Nein, danke")
    assert "nichts gespeichert" in chat.text and 7 not in chat.services.subs


async def test_text_without_a_number_is_explained() -> None:
    chat = Chat()
    await chat.say("/vorlage")
    await chat.say("die Vorlage zum Radweg")
    assert "Eine Vorlagennummer enthält Ziffern" in chat.text
    await chat.say("Vorlage Nr. 2026/123")
    assert "Radwegebau an der Hauptstraße" in chat.text
