"""K-fold cross-validation of the embedded model on its own training data."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable

from nlu.classifier import train_model
from nlu.evaluation import Evaluation, evaluate
from nlu.training_data import Example, TrainingData
from nlu.types import FALLBACK_INTENT


def cross_validate(
    data: TrainingData,
    folds: int = 5,
    threshold: float = 0.0,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> Evaluation:
    """Train on all but one fold, test on that fold, for every fold; stratified by intent.

    `progress(done, folds)` is called after each fold (for a progress bar).
    """
    if folds < 2:
        raise ValueError("cross-validation needs at least two folds")
    by_intent: dict[str, list[Example]] = defaultdict(list)
    for example in data.examples:
        by_intent[example.intent].append(example)
    assigned: list[list[Example]] = [[] for _ in range(folds)]
    shuffle = random.Random(seed)
    for examples in by_intent.values():
        shuffled = examples[:]
        shuffle.shuffle(shuffled)
        for index, example in enumerate(shuffled):
            assigned[index % folds].append(example)
    predictions: dict[int, tuple[str, float]] = {}
    for held_out in range(folds):
        train = [e for fold, part in enumerate(assigned) if fold != held_out for e in part]
        model = train_model([e.text for e in train], [e.intent for e in train])
        for example in assigned[held_out]:
            ranking = model.rank(example.text)
            intent, confidence = ranking[0] if ranking else (FALLBACK_INTENT, 0.0)
            if confidence < threshold:
                intent = FALLBACK_INTENT
            predictions[id(example)] = (intent, confidence)
        if progress is not None:
            progress(held_out + 1, folds)
    ordered = [e for part in assigned for e in part]
    # evaluate() asks in the order of `ordered`, so the answers can simply follow that order
    answers = iter([predictions[id(e)] for e in ordered])
    return evaluate(ordered, lambda _text: next(answers))
