"""Score a recogniser on labelled messages: accuracy, per-intent precision/recall/F1, confusions
and calibration (how often answers given with a confidence are right).

An out-of-scope message counts as recognised when it ends in `out_of_scope` or in
`nlu_fallback`: either way the bot says it cannot help with that.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from nlu.training_data import Example
from nlu.types import FALLBACK_INTENT

OUT_OF_SCOPE = "out_of_scope"
# confidence bins of the calibration table; the fallback threshold lies at one of the edges
BIN_EDGES = (0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0)


@dataclass(frozen=True)
class IntentScore:
    intent: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Miss:
    text: str
    expected: str
    predicted: str
    confidence: float


@dataclass(frozen=True)
class CalibrationBin:
    """Answers whose confidence lay in [low, high): how many, and how many of them were right."""

    low: float
    high: float
    count: int
    accuracy: float
    mean_confidence: float


@dataclass(frozen=True)
class Evaluation:
    total: int
    accuracy: float
    scores: tuple[IntentScore, ...]
    confusions: tuple[tuple[str, str, int], ...]  # expected, predicted, how often
    misses: tuple[Miss, ...]
    calibration: tuple[CalibrationBin, ...] = ()

    @property
    def calibration_error(self) -> float:
        """Expected calibration error: the mean gap between confidence and accuracy, by bin."""
        if not self.total:
            return 0.0
        gaps = (b.count * abs(b.accuracy - b.mean_confidence) for b in self.calibration)
        return sum(gaps) / self.total

    def score(self, intent: str) -> IntentScore | None:
        """The scores of one intent, if it occurs in the test data or the predictions."""
        return next((s for s in self.scores if s.intent == intent), None)


def evaluate(
    examples: Sequence[Example], predict: Callable[[str], tuple[str, float]]
) -> Evaluation:
    """Run `predict` (text -> intent, confidence) over the examples and score it."""
    pairs: list[tuple[str, str]] = []
    misses: list[Miss] = []
    judged: list[tuple[float, bool]] = []
    for example in examples:
        predicted, confidence = predict(example.text)
        counted = _as_counted(example.intent, predicted)
        pairs.append((example.intent, counted))
        judged.append((confidence, counted == example.intent))
        if counted != example.intent:
            misses.append(Miss(example.text, example.intent, predicted, confidence))
    correct = sum(1 for expected, got in pairs if expected == got)
    intents = sorted({expected for expected, _ in pairs} | {got for _, got in pairs})
    scores = tuple(_score(intent, pairs) for intent in intents)
    confusions = Counter((expected, got) for expected, got in pairs if expected != got)
    return Evaluation(
        total=len(pairs),
        accuracy=correct / len(pairs) if pairs else 0.0,
        scores=scores,
        confusions=tuple((e, g, n) for (e, g), n in confusions.most_common()),
        misses=tuple(misses),
        calibration=calibration_table(judged),
    )


def calibration_table(judged: Sequence[tuple[float, bool]]) -> tuple[CalibrationBin, ...]:
    """(confidence, right?) pairs grouped into the bins of BIN_EDGES; empty bins left out."""
    bins: list[CalibrationBin] = []
    for low, high in pairwise(BIN_EDGES):
        # the last bin includes its upper edge: a confidence of 1.0 belongs somewhere
        inside = [
            (c, ok) for c, ok in judged if low <= c < high or (high == BIN_EDGES[-1] and c == high)
        ]
        if inside:
            accuracy = sum(ok for _, ok in inside) / len(inside)
            mean = sum(c for c, _ in inside) / len(inside)
            bins.append(CalibrationBin(low, high, len(inside), accuracy, mean))
    return tuple(bins)


def _as_counted(expected: str, predicted: str) -> str:
    if expected == OUT_OF_SCOPE and predicted == FALLBACK_INTENT:
        return OUT_OF_SCOPE
    return predicted


def _score(intent: str, pairs: Sequence[tuple[str, str]]) -> IntentScore:
    true_positive = sum(1 for e, g in pairs if e == intent and g == intent)
    predicted = sum(1 for _, g in pairs if g == intent)
    support = sum(1 for e, _ in pairs if e == intent)
    precision = true_positive / predicted if predicted else 0.0
    recall = true_positive / support if support else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return IntentScore(intent, precision, recall, f1, support)


def format_report(evaluation: Evaluation, show_misses: bool = True) -> str:
    """A plain-text report in the spirit of `rasa test nlu`."""
    lines = [
        f"accuracy: {evaluation.accuracy:.4f} ({evaluation.total} messages)",
        "",
        f"{'intent':<20} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}",
    ]
    for s in evaluation.scores:
        lines.append(
            f"{s.intent:<20} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} {s.support:>8}"
        )
    if evaluation.calibration:
        lines += ["", "calibration (confidence bin: answers, accuracy, mean confidence):"]
        lines += [
            f"  {b.low:.2f}-{b.high:.2f}: {b.count:>5} {b.accuracy:>6.3f} {b.mean_confidence:>6.3f}"
            for b in evaluation.calibration
        ]
        lines.append(f"  expected calibration error: {evaluation.calibration_error:.3f}")
    if evaluation.confusions:
        lines += ["", "confusions (expected -> predicted: count):"]
        lines += [f"  {e} -> {g}: {n}" for e, g, n in evaluation.confusions]
    if show_misses and evaluation.misses:
        lines += ["", "misses:"]
        lines += [
            f"  {m.text!r}: expected {m.expected}, got {m.predicted} ({m.confidence:.2f})"
            for m in evaluation.misses
        ]
    return "\n".join(lines)
