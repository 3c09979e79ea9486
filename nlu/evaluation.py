"""Score a recogniser on labelled messages: accuracy, per-intent precision/recall/F1, confusions.

An out-of-scope message counts as recognised when it ends in `out_of_scope` or in
`nlu_fallback`: either way the bot says it cannot help with that.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nlu.training_data import Example
from nlu.types import FALLBACK_INTENT

OUT_OF_SCOPE = "out_of_scope"


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
class Evaluation:
    total: int
    accuracy: float
    scores: tuple[IntentScore, ...]
    confusions: tuple[tuple[str, str, int], ...]  # expected, predicted, how often
    misses: tuple[Miss, ...]

    def score(self, intent: str) -> IntentScore | None:
        """The scores of one intent, if it occurs in the test data or the predictions."""
        return next((s for s in self.scores if s.intent == intent), None)


def evaluate(
    examples: Sequence[Example], predict: Callable[[str], tuple[str, float]]
) -> Evaluation:
    """Run `predict` (text -> intent, confidence) over the examples and score it."""
    pairs: list[tuple[str, str]] = []
    misses: list[Miss] = []
    for example in examples:
        predicted, confidence = predict(example.text)
        counted = _as_counted(example.intent, predicted)
        pairs.append((example.intent, counted))
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
    )


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
