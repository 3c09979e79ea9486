"""Messages in outsiders' words (tests/nlu/data/outsiders.yml): a blind set written before the
model was tuned, in styles unlike the training data. It is never copied into the training
data, and the recogniser understands it in both languages and for every intent."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from nlu.embedded import EmbeddedRecognizer
from nlu.evaluation import evaluate, format_report
from nlu.language import detect_language
from nlu.paraphrases import near_duplicates
from nlu.training_data import load_training_data
from nlu.types import FALLBACK_INTENT, INTENTS, NluResult

OUTSIDERS = Path(__file__).parent / "data" / "outsiders.yml"
# Intents added after the set was written: it stays blind, so nobody writes messages for
# them in hindsight; the journeys benchmark (benchmarks/journeys.py) measures them instead.
NEWER_INTENTS = frozenset({"see_results", "switch_language", "report_problem"})


def test_the_set_is_large_and_covers_every_intent_in_both_languages() -> None:
    examples = load_training_data([OUTSIDERS]).examples
    assert len(examples) >= 300
    assert {e.intent for e in examples} == set(INTENTS) - NEWER_INTENTS
    languages = {detect_language(e.text) for e in examples}
    assert {"de", "en"} <= languages


def test_no_outsider_message_nor_a_near_copy_is_in_the_training_data() -> None:
    trained = [e.text for e in load_training_data().examples]
    outsiders = [e.text for e in load_training_data([OUTSIDERS]).examples]
    assert near_duplicates(outsiders, trained) == []


def test_a_copy_with_a_typo_or_an_emoji_counts_as_a_copy() -> None:
    trained = ["zeig mir was du kannst", "Danke!", "thx", "👍"]
    found = near_duplicates(["Zeig mal was du kannst", "danke 🙏", "no thx", "🤣"], trained)
    assert found == [("Zeig mal was du kannst", "zeig mir was du kannst"), ("danke 🙏", "Danke!")]


def answers_to_outsiders(recognizer: EmbeddedRecognizer) -> dict[str, NluResult]:
    return {e.text: recognizer.parse_now(e.text) for e in load_training_data([OUTSIDERS]).examples}


def test_outsiders_are_understood(recognizer: EmbeddedRecognizer) -> None:
    # Floors a little below what was measured after the data was extended (0.964; de 0.970,
    # en 0.952; lowest F1 0.920): they keep it from sliding back towards the 0.819 measured
    # at first and hold the targets (0.93 overall, 0.90 per language, 0.85 per intent).
    examples = load_training_data([OUTSIDERS]).examples
    answers = answers_to_outsiders(recognizer)
    evaluation = evaluate(examples, lambda text: (answers[text].intent, answers[text].confidence))
    report = format_report(evaluation)
    assert evaluation.accuracy >= 0.94, report
    weak = [(s.intent, round(s.f1, 2)) for s in evaluation.scores if s.support and s.f1 < 0.87]
    assert weak == [], report
    missed = {m.text for m in evaluation.misses}
    right: dict[str, list[bool]] = defaultdict(list)
    for example in examples:
        right[detect_language(example.text) or "?"].append(example.text not in missed)
    for language, floor in (("de", 0.95), ("en", 0.93)):
        accuracy = sum(right[language]) / len(right[language])
        assert accuracy >= floor, f"{language}: {accuracy:.3f}\n{report}"


def test_a_confidence_means_what_it_says(recognizer: EmbeddedRecognizer) -> None:
    # Of the answers given with about 80 % confidence, about 80 % are right: the gap between
    # confidence and accuracy, averaged over bins, stays small (0.11 before calibration).
    # Claiming more than it knows makes the bot act on wrong guesses, so that side is held
    # tight; claiming less only makes it ask more often. The temperature is fitted on the
    # pessimistic family cross-validation, so where the data covers outsiders' styles well
    # the model is right more often than it says (0.967 right at 0.895 mean confidence).
    examples = load_training_data([OUTSIDERS]).examples
    answers = answers_to_outsiders(recognizer)

    def best(text: str) -> tuple[str, float]:
        ranking = answers[text].ranking
        return ranking[0] if ranking else (FALLBACK_INTENT, 0.0)

    evaluation = evaluate(examples, best)
    report = format_report(evaluation, show_misses=False)
    over = sum(b.count * max(0.0, b.mean_confidence - b.accuracy) for b in evaluation.calibration)
    assert over / evaluation.total <= 0.03, report
    assert evaluation.calibration_error <= 0.10, report
