"""Reading loose answers against options: keywords, typos, places, numbers in text,
several picks, hedges; yes and no with extras; unsure answers; command words."""

from __future__ import annotations

import pytest

from flows import interrupts
from flows.choices import match_choice, read_choice
from flows.folding import normalize
from flows.hedges import is_unsure
from flows.types import Option, UserInput
from flows.yes_no import yes_or_no

TOPICS = [
    Option("Verkehr & Mobilität", "verkehr", ("Radweg", "Fahrrad", "Bus", "bike")),
    Option("Umwelt & Klima", "umwelt", ("Bäume", "Park", "trees")),
    Option("Bildung & Familie", "bildung", ("Schule", "Spielplatz", "playground")),
]
TOPICS_EN = [
    Option("Transport", "verkehr", ("bike", "bus")),
    Option("Environment & climate", "umwelt", ("trees",)),
    Option("Education & families", "bildung", ("school", "playground")),
]
SCALE = [*(Option(str(n), str(n)) for n in range(1, 6)), Option("⏸ Später weitermachen", "_pause")]
REVIEW = [
    Option("✅ Ja, einreichen", "submit"),
    Option("✏️ Titel ändern", "title"),
    Option("✏️ Beschreibung ändern", "description"),
    Option("🗑 Verwerfen", "discard"),
    Option("Menü", "/hilfe"),
]


@pytest.mark.parametrize(
    ("typed", "options", "value"),
    [
        ("radwege", TOPICS, "verkehr"),
        ("Radweg", TOPICS, "verkehr"),
        ("umwlet", TOPICS, "umwelt"),  # a typo
        ("Spielplätze", TOPICS, "bildung"),
        ("environment i guess", TOPICS_EN, "umwelt"),
        ("bikes", TOPICS_EN, "verkehr"),
        ("titel ändern bitte", REVIEW, "title"),
        ("die zweite", REVIEW, "title"),
        ("zweitens", REVIEW, "title"),
        ("the first", REVIEW, "submit"),
        ("the last one", REVIEW, "discard"),  # the last of the list, not the menu button
        ("letzte", REVIEW, "discard"),
        ("nummer 3", REVIEW, "description"),
        ("ganz wichtig, 5!!", SCALE, "5"),
        ("eher 2", SCALE, "2"),
    ],
)
def test_loose_answers_pick_one_option(typed: str, options: list[Option], value: str) -> None:
    picked = read_choice(typed, options).one
    assert picked is not None and picked.value == value, typed


@pytest.mark.parametrize(
    "typed",
    ["mostly for the little ones i think", "the cycling one", "Lindenstraße 5 bei der Schule"],
)
def test_what_no_option_says_picks_nothing(typed: str) -> None:
    reading = read_choice(typed, TOPICS_EN)
    assert not reading.picked and not reading.candidates, typed


def test_several_picks_in_one_message() -> None:
    several = read_choice("Radweg und Spielplatz", TOPICS, several=True)
    assert [o.value for o in several.picked] == ["verkehr", "bildung"]
    # where one answer is asked, both become the question "which one?"
    single = read_choice("Radweg und Spielplatz", TOPICS)
    assert not single.picked and [o.value for o in single.candidates] == ["verkehr", "bildung"]


PLAY = [
    Option("Swings", "swing", ("swinging",)),
    Option("Climbing frame", "climb", ("climbing", "jungle gym")),
    Option("Sandpit", "sand", ("sandbox", "digging")),
]
AGES = [
    Option("Under 6", "small", ("little ones", "toddlers")),
    Option("6 to 12", "school", ("school kids",)),
    Option("All ages", "all", ("everyone",)),
]


def test_an_option_s_other_words_pick_it_in_a_hedged_answer() -> None:
    assert read_choice("mostly for the little ones i think", AGES).one == AGES[0]
    assert read_choice("mostly for the little ones i think", TOPICS_EN).one is None


def test_several_picks_each_in_the_citizen_s_own_words() -> None:
    reading = read_choice("something to climb on and a sandbox", PLAY, several=True)
    assert [o.value for o in reading.picked] == ["climb", "sand"]


def test_an_answer_that_fits_two_options_asks_with_both() -> None:
    options = [Option("Neue Ideen", "a"), Option("Alte Ideen", "b"), Option("Menü", "/hilfe")]
    reading = read_choice("ideen", options)
    assert reading.one is None and [o.value for o in reading.candidates] == ["a", "b"]
    assert match_choice("ideen", options) is None


def test_a_number_no_option_has_is_out_of_range() -> None:
    assert read_choice("7", REVIEW).out_of_range == 7
    assert read_choice("die siebte", REVIEW).out_of_range == 7
    # a scale says itself which numbers it takes
    assert read_choice("9", SCALE).out_of_range is None


def test_a_reference_is_not_a_number_in_text() -> None:
    ideas = [Option("Idee 2", "idea:I-2"), Option("Idee 1", "idea:I-1")]
    assert read_choice("I-1", ideas).one is None
    assert read_choice("i1", ideas).one is None


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("ja danke", "yes"),
        ("super, danke!", "yes"),
        ("klar, wenns am wochenende ist", "yes"),
        ("na klar", "yes"),
        ("yes please", "yes"),
        ("sure, if it's on a weekend", "yes"),
        ("nope", "no"),
        ("nein danke", "no"),
        ("nö, lieber nicht", "no"),
        ("no thanks", "no"),
        ("weiß nicht", None),
        ("keine ahnung", None),
        ("not sure", None),
        ("hmm not sure, ill finish this later", None),
        ("ja nein", None),
    ],
)
def test_yes_and_no_with_extras(typed: str, meant: str | None) -> None:
    assert yes_or_no(UserInput(typed)) == meant, typed


@pytest.mark.parametrize(
    "typed", ["weiß nicht", "Keine Ahnung!", "not sure", "hmm not sure, ill finish this later"]
)
def test_unsure_answers_are_recognised(typed: str) -> None:
    assert is_unsure(normalize(typed))


def test_unsure_in_a_sentence_is_no_unsure_free_text_answer() -> None:
    sentence = normalize("Ich bin nicht sicher, ob die Ampel am Markt richtig geschaltet ist")
    assert is_unsure(normalize("keine ahnung"), whole=True)
    assert not is_unsure(sentence, whole=True)


@pytest.mark.parametrize("typed", ["zurück", "Zurück bitte", "back", "go back please"])
def test_back_words(typed: str) -> None:
    assert interrupts.is_back(typed)


@pytest.mark.parametrize("typed", ["bitte abbrechen", "Stopp!", "cancel please", "ok stop"])
def test_short_cancel_commands(typed: str) -> None:
    assert interrupts.is_cancel(typed)


def test_a_question_that_mentions_help_is_no_command() -> None:
    question = "Wo bekomme ich Hilfe beim Antrag für den Kindergarten?"
    assert not interrupts.is_help(question) and not interrupts.is_cancel("stop the noise at night")
    assert interrupts.is_help("hilfe bitte") and interrupts.is_help("Menü")
