"""Results of a closed consultation in the chat: tallies only, and a clear word otherwise."""

from __future__ import annotations

from datetime import timedelta

from tests.flows.chat import Chat
from tests.flows.fakes import NOW, Consultation, Participation, playground


def closed_with_answers() -> Chat:
    """Consultation 1 closed yesterday; two citizens submitted, a third never did."""
    chat = Chat()
    chat.services.consultation_rows[1] = Consultation(playground(NOW, opens=-30, closes=-1))
    submitted = NOW - timedelta(days=2)
    chat.services.participations = {
        (1, 1): Participation(
            {"age": "big", "wishes": ["swing", "bench"], "rating": 4, "shade": True,
             "other": "Herr Meier von nebenan sagt: mehr Bänke"},
            submitted, "P-1",
        ),
        (2, 1): Participation(
            {"age": "big", "wishes": ["swing"], "rating": 5, "shade": False}, submitted, "P-2"
        ),
        (3, 1): Participation({"age": "small"}),
    }  # fmt: skip
    return chat


async def test_the_deep_link_of_the_thank_you_message_shows_the_tallies() -> None:
    chat = closed_with_answers()
    await chat.say("/start r-1")
    assert "📊 Ergebnisse der Umfrage „Spielplatz Lindenpark“ (beendet am 03.05.2026)" in chat.text
    assert "👥 2 Personen haben mitgemacht." in chat.text
    assert "▪ 6 bis 12: 2 (100 %)" in chat.text and "▪ unter 6: 0 (0 %)" in chat.text
    assert "▪ Schaukel: 2 (100 %)" in chat.text and "▪ Bänke: 1 (50 %)" in chat.text
    assert "Durchschnitt: 4,5 von 5 (2 Antworten)" in chat.text
    assert "1 Antwort in eigenen Worten" in chat.text
    assert "Meier" not in chat.text  # free texts are counted, never shown
    assert chat.labels == ["📋 Offene Umfragen", "📊 Andere Ergebnisse", "Menü"]


async def test_in_english_and_informal_german() -> None:
    chat = closed_with_answers()
    chat.language_hint = "en"
    await chat.say("/results", language="en")
    assert "Which closed consultation" in chat.text
    await chat.say("1")
    assert "👥 2 people took part." in chat.text
    assert "Average: 4.5 out of 5 (2 answers)" in chat.text
    assert "Would you like to join an open consultation?" in chat.text

    informal = closed_with_answers()
    informal.formal = False
    await informal.say("/ergebnisse")
    assert "möchtest du die Ergebnisse sehen?" in informal.text


async def test_results_wait_until_the_consultation_closed() -> None:
    chat = Chat()  # consultation 1 is open for 20 more days
    chat.services.participations[(1, 1)] = Participation({"age": "big"}, NOW, "P-1")
    await chat.say("/start r-1")
    assert "„Spielplatz Lindenpark“ ist noch nicht beendet (Ende am 24.05.2026)" in chat.text
    assert "6 bis 12" not in chat.text
    assert "📋 Offene Umfragen" in chat.labels


async def test_an_unknown_consultation_and_none_closed_yet() -> None:
    chat = closed_with_answers()
    await chat.say("/start r-99")
    assert "Diese Umfrage habe ich leider nicht gefunden." in chat.text
    assert chat.labels[0] == "Spielplatz Lindenpark"

    nothing_closed = Chat()
    await nothing_closed.say("/ergebnisse")
    assert "Noch ist keine Umfrage beendet" in nothing_closed.text
    assert nothing_closed.labels == ["📋 Offene Umfragen", "Menü"]


async def test_nobody_took_part() -> None:
    chat = Chat()
    chat.services.consultation_rows[1] = Consultation(playground(NOW, opens=-30, closes=-1))
    await chat.say("/start r-1")
    assert "Bei dieser Umfrage hat niemand mitgemacht." in chat.text
