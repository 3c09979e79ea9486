"""Entities: topics through synonyms and typos, consultations taught at run time, references."""

from __future__ import annotations

from pathlib import Path

from nlu.embedded import EmbeddedRecognizer
from nlu.entity_finder import entity_finder
from nlu.references import find_references
from nlu.training_data import load_training_data
from nlu.types import Entity

FINDER = entity_finder(load_training_data())


def found(text: str) -> list[tuple[str, str, str]]:
    return [(e.entity, e.value, e.text) for e in FINDER.find(text)]


def test_topic_synonyms_map_to_the_slug() -> None:
    assert found("Man sollte am Bahnhof endlich Fahrradständer aufstellen") == [
        ("topic", "verkehr", "Bahnhof"),
        ("topic", "verkehr", "Fahrradständer"),
    ]
    assert found("mehr Mülleimer im Park") == [
        ("topic", "umwelt", "Mülleimer"),
        ("topic", "umwelt", "Park"),
    ]


def test_english_and_multi_word_names() -> None:
    assert found("we need a bike lane and more street lights") == [
        ("topic", "verkehr", "bike lane"),
        ("topic", "sicherheit", "street lights"),
    ]


def test_offsets_point_into_the_original_text() -> None:
    text = "Die Straßenlaterne in der Gartenstraße ist kaputt"
    [entity] = [e for e in FINDER.find(text) if e.value == "sicherheit"]
    assert text[entity.start : entity.end] == "Straßenlaterne"


def test_missing_umlauts_inflection_compounds_and_typos() -> None:
    assert found("mull") == [("topic", "umwelt", "mull")]
    assert found("auf den Radwegen") == [("topic", "verkehr", "Radwegen")]
    assert found("der Kinderspielplatz") == [("topic", "bildung", "Kinderspielplatz")]
    [(entity, value, _)] = found("der fahradweg ist schlecht")
    assert (entity, value) == ("topic", "verkehr")
    typo = FINDER.find("Strassenlatenre kaputt")[0]  # two letters swapped
    assert typo.value == "sicherheit"
    assert typo.confidence < 1.0


def test_ordinary_words_are_not_topics() -> None:
    assert found("ich habe eine frage an die stadt") == []
    assert found("thank you so much") == []


def test_idea_question_and_consultation_references() -> None:
    def values(text: str) -> list[tuple[str, str]]:
        return [(e.entity, e.value) for e in find_references(text)]

    assert values("Idee I-17 unterstützen") == [("idea", "I-17")]
    assert values("was ist mit i17") == [("idea", "I-17")]
    assert values("Idee 17 finde ich gut") == [("idea", "I-17")]
    assert values("idea #5") == [("idea", "I-5")]
    assert values("meine Frage Q-017") == [("question", "Q-17")]
    assert values("Umfrage Nr. 3") == [("consultation", "3")]
    assert values("I have 3 kids and I-phone") == []


def test_set_lookup_teaches_consultations_and_limits_topics_to_the_towns_own(
    nlu_cache: Path,
) -> None:
    recognizer = EmbeddedRecognizer(cache_dir=nlu_cache, threshold=0.0)
    recognizer.set_lookup("consultation", {"3": ["Spielplatz Lindenpark", "Spielplatz"]})
    recognizer.set_lookup("topic", {"verkehr": ["Verkehr & Mobilität"], "hafen": ["Hafen"]})
    result = recognizer.parse_now("Ich will beim Spielplatz Lindenpark mitmachen")
    assert result.entity("consultation") == "3"
    assert next(e for e in result.entities if e.entity == "consultation").text == (
        "Spielplatz Lindenpark"
    )
    assert recognizer.parse_now("mehr Bäume am Hafen").entity("topic") == "hafen"
    # the shipped names of a topic the town keeps still work, removed topics do not come back
    assert recognizer.parse_now("neue Radwege").entity("topic") == "verkehr"
    assert recognizer.parse_now("mehr Bäume").entity("topic") is None


def test_entities_are_plain_values() -> None:
    entity = FINDER.find("Radweg")[0]
    assert entity == Entity("topic", "verkehr", "Radweg", 0, 6, 1.0)
