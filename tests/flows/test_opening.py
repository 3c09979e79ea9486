"""What the first message already said is kept: a question or an idea in it is taken and shown
back, results, support and a language are found by the words; a bare wish still asks."""

from __future__ import annotations

import pytest

from flows.actions.language import wanted_language
from flows.opening import content, parse_past_greeting, part
from flows.title_match import clear_winner, rank
from flows.validation import validate_source
from nlu.types import TeachableRecognizer
from tests.flows.chat import Chat
from tests.flows.fakes import NOW, Consultation, playground


@pytest.mark.parametrize(
    ("said", "left"),
    [
        ("hallo, wann hat der hof am samstag auf?", "wann hat der hof am samstag auf?"),
        ("Servus, grüß Gott, wo melde ich meinen Hund an?", "wo melde ich meinen Hund an?"),
        ("hi there! I have a question: when does the pool open?", "when does the pool open?"),
        ("Idee: mehr Bänke im Lindenpark", "mehr Bänke im Lindenpark"),
        ("ich hab eine frage", ""),
        ("I want to propose an idea", ""),
    ],
)  # fmt: skip
def test_the_greeting_and_the_wish_are_taken_off(said: str, left: str) -> None:
    assert content(said) == left


def test_only_a_message_with_content_fills_a_slot() -> None:
    assert part("ich hab eine frage zum Bürgerbüro", "text") is None  # only a topic
    assert part("Moin", "text") is None
    said = "Idee: mehr Bänke im Lindenpark, die alten sind kaputt"
    assert part(said, "title") == "mehr Bänke im Lindenpark"
    assert part(said, "details") == "mehr Bänke im Lindenpark, die alten sind kaputt"
    assert part(said, "place") == "Lindenpark"
    assert (
        part("Idee: Trinkbrunnen am Marktplatz bauen", "details") is None
    )  # no more than the title


async def test_a_question_in_the_first_message_is_confirmed_and_stored_as_written() -> None:
    chat = Chat()
    await chat.say("hallo, wann hat der wertstoffhof am samstag auf?", intent="ask_question")
    assert "Ihre Frage: „wann hat der wertstoffhof am samstag auf?“" in chat.text
    assert "Was möchten Sie die Verwaltung fragen" not in chat.text
    await chat.press("abschicken")
    await chat.agree()
    assert "Ihre Nummer" in chat.text
    assert [q.text for q in chat.services.question_rows] == [
        "wann hat der wertstoffhof am samstag auf?"
    ]


async def test_change_asks_and_a_bare_wish_still_asks() -> None:
    chat = Chat(language_hint="en")
    await chat.say("hello! quick question: is the library open on sundays?", intent="ask_question")
    await chat.press("Change")
    assert "What would you like to ask the administration" in chat.text
    bare = Chat()
    await bare.say("ich hab eine frage", intent="ask_question")
    assert "Was möchten Sie die Verwaltung fragen" in bare.text


async def test_an_idea_in_the_first_message_fills_title_description_and_place() -> None:
    chat = Chat()
    await chat.say("Idee: mehr Bänke im Lindenpark, die alten sind kaputt", intent="propose_idea")
    await chat.agree()
    assert "Zu welchem Thema" in chat.text
    await chat.press("Umwelt")
    assert "mehr Bänke im Lindenpark" in chat.text
    assert "📍 Ort: Lindenpark" in chat.text


async def test_supporting_by_text_finds_the_idea_or_offers_the_closest() -> None:
    chat = Chat(language_hint="en")
    chat.services.add_idea("Benches along the river path", supporters=2)
    chat.services.add_idea("Weekly farmers' market", supporters=5)
    await chat.say("I'm with the benches idea", intent="support_idea")
    assert "Would you like to support “Benches along the river path”" in chat.text
    await chat.press("Yes")
    await chat.agree()
    assert "Thanks for your support" in chat.text
    await chat.say("I'm with the ice rink idea", intent="support_idea")
    assert "Which idea would you like to support" in chat.text
    assert chat.labels[:2] == ["Weekly farmers' market", "Benches along the river path"]
    assert len(chat.services.idea_rows) == 2  # never a new idea


async def test_results_are_found_by_the_title_named_and_council_words_lead_to_papers() -> None:
    chat = Chat()
    chat.services.consultation_rows[1] = Consultation(playground(NOW, opens=-30, closes=-1))
    await chat.say("wie ist die umfrage zum spielplatz ausgegangen?", intent="see_results")
    assert "Ergebnisse der Umfrage „Spielplatz Lindenpark“" in chat.text
    await chat.say("hat der stadtrat über die buslinie entschieden?", intent="see_results")
    assert "Nummer der Vorlage" in chat.text
    assert "📄 Ratsvorlage nennen" in chat.labels


async def test_a_sentence_switches_the_language() -> None:
    chat = Chat()
    await chat.say("hallo", intent="greet")
    await chat.say("can you switch to english please?", intent="switch_language")
    assert "from now on I'll write in English" in chat.text
    assert chat.state.language == "en"
    await chat.say("kannst du deutsch?", intent="switch_language")
    assert chat.state.language == "de"


def test_languages_named_in_a_sentence() -> None:
    assert wanted_language("sorry, my german is bad, can we write in english?", "en") == "en"
    assert wanted_language("auf Deutsch, ich verstehe das Englische nicht", "en") == "de"
    assert wanted_language("do you speak english?", "de") == "en"
    assert wanted_language("wie geht's?", "de") is None


def test_titles_are_matched_with_typos_and_ties_are_not_guessed() -> None:
    titles = [("I-1", "Zebrastreifen vor der Grundschule"), ("I-2", "Bänke im Park"),
              ("I-3", "Neue Bänke am Fluss")]  # fmt: skip
    winner = clear_winner(rank("ich bin für den zebrasteifen", titles))
    assert winner is not None and winner.key == "I-1"
    assert clear_winner(rank("die bänke unterstütze ich", titles)) is None
    assert {m.key for m in rank("die bänke unterstütze ich", titles)} == {"I-2", "I-3"}


FLOW = """\
id: sample
title: {de: Probe, en: Sample}
start: ask
steps:
  ask:
    type: ask_text
    slot: wish
    opening_fills: %s
    text: {de: "Was wünschen Sie sich?", de_du: "Was wünschst du dir?", en: "What do you wish?"}
  done:
    type: say
    text: {de: "Danke!", en: "Thanks!"}
    options: menu
"""


def test_opening_fills_is_checked() -> None:
    wrong = [str(p) for p in validate_source(FLOW % "everything", "sample.yml")]
    assert any("opening_fills takes one of text, title, details, place" in p for p in wrong)
    assert any("needs next or opening_next" in p for p in wrong)
    good = (FLOW % "text").replace(
        "    opening_fills: text\n", "    opening_fills: text\n    next: done\n"
    )
    assert validate_source(good, "sample.yml") == []


async def test_a_greeting_with_a_request_is_understood_by_the_request(
    recognizer: TeachableRecognizer,
) -> None:
    said = "Servus, grüß Gott, wo melde ich meinen Hund an?"
    result = await parse_past_greeting(recognizer, said, "de")
    assert result.intent == "ask_question"
    assert result.text == said
    assert (await parse_past_greeting(recognizer, "Servus, grüß Gott!", "de")).intent == "greet"
