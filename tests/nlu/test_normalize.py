"""Normalisation: what the model sees of a message."""

from __future__ import annotations

from nlu.normalize import MAX_CHARS, normalize, sentence_key, tokens


def test_case_umlauts_and_accents_fold_to_plain_letters() -> None:
    assert normalize("Straße Öffnungszeiten MÜLL Café") == "strasse offnungszeiten mull cafe"


def test_missing_umlauts_and_written_umlauts_meet() -> None:
    assert normalize("Bürgerbüro") == normalize("burgerburo")


def test_control_characters_and_zero_width_characters_become_spaces() -> None:
    assert normalize("hal\x00lo\u200b du\x1b") == "hal lo du"


def test_emojis_become_words_of_their_own() -> None:
    assert tokens(normalize("danke🙏🙏")) == ["danke", "🙏", "🙏"]


def test_long_repeats_are_shortened() -> None:
    assert normalize("hallooooooo!!!!!") == "halloo!!"


def test_punctuation_is_dropped_but_question_marks_and_apostrophes_stay() -> None:
    assert tokens(normalize("Gibt's... Umfragen?!")) == ["gibt's", "umfragen", "?"]


def test_long_text_is_cut() -> None:
    assert len(normalize("a" + " b" * 10_000)) <= MAX_CHARS


def test_sentence_key_ignores_case_and_punctuation() -> None:
    assert sentence_key("OK!") == sentence_key("ok") == "ok"
