"""Quality on the held-out messages (written apart from the training data)."""

from __future__ import annotations

from nlu.embedded import EmbeddedRecognizer
from nlu.evaluation import evaluate, format_report
from nlu.normalize import sentence_key
from nlu.training_data import load_training_data
from nlu.types import FALLBACK_INTENT
from tests.nlu.conftest import HELDOUT


def test_heldout_is_not_copied_from_the_training_data() -> None:
    trained = {sentence_key(e.text) for e in load_training_data().examples}
    copied = [
        e.text for e in load_training_data([HELDOUT]).examples if sentence_key(e.text) in trained
    ]
    assert copied == []


def test_heldout_accuracy_and_every_intent(recognizer: EmbeddedRecognizer) -> None:
    heldout = load_training_data([HELDOUT]).examples
    assert len(heldout) >= 300

    def predict(text: str) -> tuple[str, float]:
        result = recognizer.parse_now(text)
        return result.intent, result.confidence

    evaluation = evaluate(heldout, predict)
    report = format_report(evaluation)
    assert evaluation.accuracy >= 0.92, report
    weak = [s.intent for s in evaluation.scores if s.support and s.f1 < 0.80]
    assert weak == [], report


def test_out_of_scope_never_lands_in_a_real_intent(recognizer: EmbeddedRecognizer) -> None:
    chatter = [e.text for e in load_training_data([HELDOUT]).examples if e.intent == "out_of_scope"]
    landed = {
        text: recognizer.parse_now(text).intent
        for text in chatter
        if recognizer.parse_now(text).intent not in ("out_of_scope", FALLBACK_INTENT)
    }
    assert len(landed) <= len(chatter) // 10, landed
