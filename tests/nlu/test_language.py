"""German or English per message, so the bot answers in the citizen's language."""

from __future__ import annotations

import pytest

from nlu.language import detect_language


@pytest.mark.parametrize(
    "text",
    [
        "hallo",
        "danke",
        "ja",
        "nein",
        "tschüss",
        "Gibt es gerade Umfragen?",
        "gibts grad irgendwelche umfragen",
        "Man sollte am Bahnhof endlich Fahrradständer aufstellen",
        "mochte meine daten loschen",  # no umlauts
        "pls meinen account deleten",  # mixed, German grammar
        "Grüße",
        "dnake schön",  # typo
    ],
)
def test_german(text: str) -> None:
    assert detect_language(text) == "de"


@pytest.mark.parametrize(
    "text",
    [
        "hi",
        "thx",
        "yes",
        "no",
        "thanks a lot",
        "are there any surveys right now?",
        "we need more bike racks at the station",
        "pleasse delete my data",
        "helo whats up",
    ],
)
def test_english(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize("text", ["ok", "👍", "3", "", "   ", "?!", "Привет", "مرحبا", "I-17"])
def test_no_clue(text: str) -> None:
    assert detect_language(text) is None
