"""Calibrated confidence: the temperature fit, and the calibration table of an evaluation."""

from __future__ import annotations

import numpy as np
import pytest

from nlu.calibration import fit_temperature, softmax
from nlu.evaluation import evaluate
from nlu.training_data import Example


def test_the_fit_finds_the_temperature_that_made_the_labels() -> None:
    generator = np.random.default_rng(7)
    scores = generator.normal(0.0, 3.0, size=(4000, 6))
    probabilities = softmax(scores, 2.5)
    truth = np.array([generator.choice(6, p=row) for row in probabilities], dtype=np.intp)
    assert abs(fit_temperature(scores, truth) - 2.5) < 0.25


def test_an_overconfident_model_is_cooled_down() -> None:
    # sure of itself every time (0.99995), but right in three cases of four
    scores = np.tile(np.array([[10.0, 0.0]]), (200, 1))
    truth = np.array([0, 0, 0, 1] * 50, dtype=np.intp)
    temperature = fit_temperature(scores, truth)
    assert softmax(scores[0], temperature)[0] == pytest.approx(0.75, abs=0.01)


def test_the_calibration_table_compares_confidence_with_accuracy() -> None:
    examples = [Example(f"m{i}", "greet") for i in range(10)]
    answers = {f"m{i}": ("greet" if i < 8 else "thanks", 0.95 if i < 5 else 0.6) for i in range(10)}
    evaluation = evaluate(examples, lambda text: answers[text])
    by_bin = {(b.low, b.high): (b.count, b.accuracy) for b in evaluation.calibration}
    assert by_bin == {(0.5, 0.7): (5, 0.6), (0.95, 1.0): (5, 1.0)}
    assert evaluation.calibration_error == (5 * abs(0.6 - 0.6) + 5 * abs(1.0 - 0.95)) / 10
