"""Picking an offered option by number, label or a word only one label has."""

from __future__ import annotations

import pytest

from flows.choices import match_choice
from flows.types import Option

OPTIONS = [
    Option("💡 Idee vorschlagen", "/idee"),
    Option("Menü", "/hilfe"),
    Option("⏸ Später weitermachen", "_pause"),
    Option("Straße & Plätze", "strassen"),
]


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1", "/idee"),
        (" 2. ", "/hilfe"),
        ("3)", "_pause"),
        ("IDEE VORSCHLAGEN!", "/idee"),
        ("idee vorschlagen", "/idee"),
        ("Menue", "/hilfe"),
        ("menu", "/hilfe"),
        ("später", "_pause"),
        ("spaeter weitermachen", "_pause"),
        ("strasse plaetze", "strassen"),
    ],
)
def test_picks(typed: str, value: str) -> None:
    picked = match_choice(typed, OPTIONS)
    assert picked is not None and picked.value == value


@pytest.mark.parametrize("typed", ["0", "5", "99", "ja", "", "   ", "idee vorschlagen und mehr"])
def test_does_not_pick(typed: str) -> None:
    assert match_choice(typed, OPTIONS) is None


def test_emoji_only_labels_match_exactly() -> None:
    assert match_choice("👍", [Option("👍", "up"), Option("👎", "down")]) == Option("👍", "up")


def test_a_word_in_two_labels_picks_nothing() -> None:
    options = [Option("Neue Ideen", "a"), Option("Alte Ideen", "b")]
    assert match_choice("ideen", options) is None
