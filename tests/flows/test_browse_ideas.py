"""Browsing ideas: paging, order, topics, details with history, support once, follow."""

from __future__ import annotations

from flows.ports.ideas import StatusChangeView
from tests.flows.chat import Chat
from tests.flows.fakes import NOW


def with_ideas(count: int = 7) -> Chat:
    chat = Chat()
    for number in range(1, count + 1):
        chat.services.add_idea(
            f"Idee {number}", "verkehr" if number % 2 else "umwelt", supporters=number % 4
        )
    return chat


async def test_newest_first_with_paging() -> None:
    chat = with_ideas()
    await chat.say("zeig mir die ideen", intent="browse_ideas", language="de")
    assert "1. Idee 7 (I-7)" in chat.text and "Idee 3" in chat.text and "Idee 2" not in chat.text
    await chat.press("Weitere Ideen")
    assert "6. Idee 2 (I-2)" in chat.text and "7. Idee 1" in chat.text
    assert not any("Weitere" in label for label in chat.labels)


async def test_most_supported_first_and_by_topic() -> None:
    chat = with_ideas()
    await chat.say("/ideen")
    await chat.press("Meist unterstützt")
    assert chat.text.index("Idee 3 (I-3)") < chat.text.index("Idee 5 (I-5)")
    await chat.press("Nach Thema")
    await chat.say("Umwelt & Klima")
    assert "Thema: Umwelt & Klima" in chat.text
    assert "Idee 2" in chat.text and "Idee 3" not in chat.text


async def test_topic_from_the_message_filters_the_list() -> None:
    chat = with_ideas()
    await chat.say("ideen zum verkehr", intent="browse_ideas", entities={"topic": "verkehr"})
    assert "Idee 1" in chat.text and "Idee 2" not in chat.text


async def test_details_show_status_history_and_support_counts_once() -> None:
    chat = with_ideas(2)
    chat.services.idea_rows[2].status = "in_review"
    chat.services.idea_rows[2].history.append(
        StatusChangeView("in_review", "Das Bauamt prüft", NOW)
    )
    await chat.say("/ideen")
    await chat.say("Idee 2")
    assert (
        "Status: wird geprüft" in chat.text
        and "04.05.2026: wird geprüft – Das Bauamt prüft" in chat.text
    )
    await chat.press("Unterstützen")
    await chat.agree()
    assert "Danke für Ihre Unterstützung" in chat.text
    await chat.press("Unterstützen")
    assert "schon" in chat.text
    assert 7 in chat.services.idea_rows[2].supporters


async def test_own_idea_cannot_be_supported_and_following_works() -> None:
    chat = with_ideas(1)
    chat.services.idea_rows[1].author = 7
    await chat.say("/start i-1")
    assert "💡 Idee 1 (I-1)" in chat.text
    await chat.press("Unterstützen")
    await chat.agree()
    assert "eigene Idee" in chat.text
    await chat.press("Abonnieren")
    assert "Gemacht" in chat.text and ("idea", "I-1") in chat.services.subs[7]
    await chat.press("Abonnieren")
    assert "schon abonniert" in chat.text


async def test_typed_reference_opens_an_idea_and_no_ideas_is_said_plainly() -> None:
    chat = with_ideas(2)
    await chat.say("/ideen")
    await chat.say("i1")
    assert "💡 Idee 1 (I-1)" in chat.text
    empty = Chat()
    await empty.say("/ideen")
    assert "noch keine veröffentlichten Ideen" in empty.text
    assert "💡 Idee vorschlagen" in empty.labels
