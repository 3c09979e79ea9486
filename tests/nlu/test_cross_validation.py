"""Cross-validation keeps paraphrase families together and calibrates like training does."""

from __future__ import annotations

from nlu.cross_validation import cross_validate
from nlu.paraphrases import families, family_folds
from nlu.training_data import Example, TrainingData

FAMILIES = {
    "thanks": ["danke", "Danke!", "danke.", "danke danke", "DANKE!!"],
    "greet": ["hallo", "Hallo!", "hallo hallo", "halloo", "hallo :)"],
    "goodbye": ["tschüss", "Tschüss!", "tschüss tschüss", "tschüssi", "tschuess"],
    "affirm": ["ja", "Ja!", "ja ja", "jaa", "ja."],
    "deny": ["nein", "Nein!", "nein nein", "neeein", "nein."],
}


def data_of(groups: dict[str, list[str]]) -> TrainingData:
    return TrainingData(
        examples=tuple(Example(text, intent) for intent, texts in groups.items() for text in texts)
    )


def test_paraphrases_are_one_family_and_different_sentences_are_not() -> None:
    texts = ["keine updates mehr bitte", "bitte keine updates mehr!", "ich will den newsletter"]
    labels = ["unsubscribe", "unsubscribe", "unsubscribe"]
    first, second, third = families(texts, labels)
    assert first == second != third


def test_a_family_is_never_split_across_folds() -> None:
    data = data_of(FAMILIES)
    texts = [e.text for e in data.examples]
    labels = [e.intent for e in data.examples]
    folds = family_folds(texts, labels, folds=5)
    for intent in FAMILIES:
        assert (
            len({fold for fold, label in zip(folds, labels, strict=True) if label == intent}) == 1
        )


def test_a_sentence_is_not_tested_against_its_reworded_twin() -> None:
    # Each intent is one family. Split into folds by sentence, the model would see four
    # twins of every test sentence and get them all right; kept together, it sees none.
    evaluation = cross_validate(data_of(FAMILIES), folds=5)
    assert evaluation.accuracy == 0.0


def test_cross_validated_confidences_are_probabilities() -> None:
    groups = {intent: [*texts, f"{texts[0]} bitte"] for intent, texts in FAMILIES.items()}
    evaluation = cross_validate(data_of(groups), folds=2)
    assert evaluation.total == sum(len(texts) for texts in groups.values())
    assert all(0.0 <= b.mean_confidence <= 1.0 for b in evaluation.calibration)
    assert sum(b.count for b in evaluation.calibration) == evaluation.total


def test_sentences_without_words_still_get_families() -> None:
    first, second, third = families(["!!", "...", "!"], ["help", "help", "deny"])
    assert first == second != third
