"""Consultations: list, join, every question kind, pause and resume, review, receipt, refusals."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from tests.flows.chat import Chat
from tests.flows.fakes import NOW, Consultation, playground


async def joined() -> Chat:
    chat = Chat()
    await chat.say("welche umfragen gibt es", intent="list_consultations", language="de")
    await chat.say("1")
    await chat.press("Los geht")
    await chat.agree()
    return chat


def answers(chat: Chat) -> dict[str, object]:
    return dict(chat.services.participations[(7, 1)].answers)


async def test_the_list_shows_title_description_and_deadline() -> None:
    chat = Chat()
    await chat.say("welche umfragen gibt es", intent="list_consultations", language="de")
    assert "Spielplatz Lindenpark" in chat.text
    assert "Wie soll der neue Spielplatz" in chat.text
    assert "Mitmachen bis 24.05.2026" in chat.text
    assert chat.labels[0] == "Spielplatz Lindenpark"


async def test_every_question_kind_then_review_and_receipt() -> None:
    chat = await joined()
    assert "Frage 1 von 5" in chat.text
    await chat.say("6 bis 12")
    assert "Frage 2 von 5" in chat.text
    await chat.say("Schaukel")  # a tap selects; the list shows the tick
    assert "✓ Schaukel" in chat.labels and "Ausgewählt: Schaukel" in chat.text
    await chat.say("3")
    await chat.press("Fertig")
    assert "1 = gar nicht, 5 = sehr" in chat.text
    await chat.say("abc")
    assert "„abc“ ist keine Zahl von 1 bis 5" in chat.text
    assert chat.labels[:5] == ["1", "2", "3", "4", "5"]
    await chat.say("4")
    await chat.say("ja")
    await chat.say("Bitte mehr Schatten und Trinkbrunnen")
    assert "Fast geschafft" in chat.text and "→ Schaukel, Bänke" in chat.text
    assert answers(chat) == {
        "age": "big",
        "wishes": ["swing", "bench"],
        "rating": 4,
        "shade": True,
        "other": "Bitte mehr Schatten und Trinkbrunnen",
    }
    await chat.press("Absenden")
    assert "Bestätigungsnummer: P-1" in chat.text
    assert ("consultation", "1") in chat.services.subs[7]


async def test_several_answers_typed_at_once() -> None:
    chat = await joined()
    await chat.say("1")
    await chat.say("1, 3")
    assert answers(chat)["wishes"] == ["swing", "bench"]
    assert "Frage 3 von 5" in chat.text


async def test_pause_and_resume_exactly_where_the_citizen_stopped() -> None:
    chat = await joined()
    await chat.say("1")
    await chat.say("später")
    assert "gespeichert" in chat.text and chat.state.flow_id is None
    await chat.say(
        "ich möchte bei der umfrage weitermachen",
        intent="join_consultation",
        entities={"consultation": "1"},
    )
    assert "schon 1 von 5 Fragen beantwortet" in chat.text
    await chat.press("Weitermachen")
    assert "Frage 2 von 5" in chat.text


async def test_change_an_answer_in_the_review() -> None:
    chat = await joined()
    for text in ("1", "2", "fertig", "5", "nein"):
        await chat.say(text)
    await chat.press("Überspringen")
    assert "(keine Antwort)" in chat.text
    await chat.press("Antwort ändern")
    await chat.say("3")
    assert "Frage 3 von 5" in chat.text
    await chat.say("2")
    assert "Fast geschafft" in chat.text and "→ 2 / 5" in chat.text
    assert answers(chat)["rating"] == 2


async def test_consultation_closing_while_answering_keeps_the_answers() -> None:
    chat = await joined()
    await chat.say("1")
    item = chat.services.consultation_rows[1]
    item.view = replace(item.view, closes_at=NOW - timedelta(minutes=1))
    await chat.say("1")
    assert "inzwischen beendet" in chat.text and "bleiben gespeichert" in chat.text
    assert answers(chat) == {"age": "small"}
    assert chat.state.flow_id is None


async def test_closed_and_upcoming_consultations_refuse_politely() -> None:
    chat = Chat()
    chat.services.consultation_rows[2] = Consultation(
        replace(
            playground(), id=2, slug="alt", title="Alte Umfrage", closes_at=NOW - timedelta(days=1)
        )
    )
    chat.services.consultation_rows[3] = Consultation(
        replace(
            playground(), id=3, slug="neu", title="Neue Umfrage", opens_at=NOW + timedelta(days=3)
        )
    )
    await chat.say("/start c-2")
    assert "„Alte Umfrage“ ist leider schon beendet" in chat.text
    await chat.say("/start c-3")
    assert "startet erst am 07.05.2026" in chat.text
    await chat.press("Bescheid sagen")
    await chat.agree()
    assert "Ich melde mich, wenn „Neue Umfrage“ am 07.05.2026 startet" in chat.text
    assert ("consultation", "3") in chat.services.subs[7]


async def test_deep_link_opens_the_consultation() -> None:
    chat = Chat()
    await chat.say("/start c-1")
    assert "willkommen" in chat.replies[0].text.casefold()
    assert "📋 Spielplatz Lindenpark" in chat.text


async def test_a_submitted_consultation_is_not_answered_twice() -> None:
    chat = await joined()
    for text in ("1", "1, 2", "3", "ja"):
        await chat.say(text)
    await chat.press("Überspringen")
    await chat.press("Absenden")
    await chat.say("/start c-1")
    assert "schon mitgemacht" in chat.text and "P-1" in chat.text


async def test_consultation_in_english() -> None:
    chat = Chat(language_hint="en")
    await chat.say("which consultations are open", intent="list_consultations", language="en")
    assert "Open until 24 May 2026" in chat.text
    await chat.say("1")
    await chat.press("Let's start")
    await chat.press("agree")
    assert "Question 1 of 5" in chat.text
    await chat.say("1")
    await chat.say("1")
    await chat.press("Done")
    await chat.say("seven")
    assert "is not a number from 1 to 5" in chat.text


async def test_yes_and_typed_words_start_the_questions() -> None:
    chat = Chat()
    await chat.say("/umfragen")
    await chat.say("spielplatz lindenpark")
    await chat.say("ja", intent="affirm")
    await chat.agree()
    assert "Frage 1 von 5" in chat.text
    other = Chat()
    await other.say("/start c-1")
    await other.say("los gehts")
    assert "einverstanden" in other.text
