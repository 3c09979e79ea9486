"""Reference numbers and how alike two questions are."""

from __future__ import annotations

import pytest

from storage.questions.similarity import content_words, similarity
from storage.references import make_reference, parse_reference


@pytest.mark.parametrize("text", ["I-17", "i17", " i - 17 ", "#17", "17"])
def test_idea_references_in_the_ways_people_type_them(text: str) -> None:
    assert parse_reference(text, "I") == 17


@pytest.mark.parametrize("text", ["Q-17", "I-", "I-17a", "", "siebzehn", "I-" + "9" * 30])
def test_other_things_are_no_idea_reference(text: str) -> None:
    assert parse_reference(text, "I") is None


def test_references_are_prefix_and_id() -> None:
    assert make_reference("Q", 5) == "Q-5"


def test_similar_questions_score_high_and_different_ones_low() -> None:
    office = "Wie sind die Öffnungszeiten des Bürgerbüros?"
    assert similarity("Öffnungszeiten Buergerbuero", office) > 0.9
    assert similarity("Wann hat das Bürgerbüro offen?", office) >= 0.6
    assert similarity("Wo kann ich mein Auto parken?", office) < 0.6
    assert similarity("Wie ist das?", office) == 0.0  # nothing but stopwords


def test_content_words_fold_umlauts_and_drop_filler() -> None:
    assert content_words("Wann ist die Straße gesperrt?") == "strasse gesperrt"
