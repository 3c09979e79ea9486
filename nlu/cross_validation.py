"""K-fold cross-validation of the embedded model on its own training data.

Folds are cut along paraphrase families (`nlu.paraphrases`), so a sentence is never tested
against its reworded twin, and confidences are calibrated as in training: each fold's scores
with a temperature fitted on the other folds' scores.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nlu.calibration import fit_temperature, softmax
from nlu.classifier import train_model
from nlu.evaluation import Evaluation, evaluate
from nlu.paraphrases import family_folds
from nlu.training_data import Example, TrainingData
from nlu.types import FALLBACK_INTENT


def cross_validate(
    data: TrainingData,
    folds: int = 5,
    threshold: float = 0.0,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> Evaluation:
    """Train on all but one fold, test on that fold, for every fold; a family stays in one fold.

    `progress(done, folds)` is called after each fold (for a progress bar).
    """
    if folds < 2:
        raise ValueError("cross-validation needs at least two folds")
    examples = list(data.examples)
    texts = [e.text for e in examples]
    labels = [e.intent for e in examples]
    classes = tuple(sorted(set(labels)))
    fold_of = family_folds(texts, labels, folds, seed)
    scores = np.full((len(examples), len(classes)), -50.0)
    known = np.zeros(len(examples), dtype=bool)  # False: no feature of the text was known
    for held_out in range(folds):
        train = [i for i, fold in enumerate(fold_of) if fold != held_out]
        # with fewer than two intents to learn from, this fold's sentences stay unanswered
        if len({labels[i] for i in train}) >= 2:
            model = train_model([texts[i] for i in train], [labels[i] for i in train], 0)
            for index, fold in enumerate(fold_of):
                raw = model.scores(texts[index]) if fold == held_out else None
                if raw is not None:
                    for column, name in enumerate(model.classes):
                        scores[index, classes.index(name)] = raw[column]
                    known[index] = True
        if progress is not None:
            progress(held_out + 1, folds)
    truth = np.array([classes.index(label) for label in labels], dtype=np.intp)
    predictions: list[tuple[str, float]] = [(FALLBACK_INTENT, 0.0)] * len(examples)
    for held_out in range(folds):
        fitted_on = known & (np.array(fold_of) != held_out)
        temperature = fit_temperature(scores[fitted_on], truth[fitted_on])
        for index, fold in enumerate(fold_of):
            if fold != held_out or not known[index]:
                continue
            probabilities = softmax(scores[index], temperature)
            best = int(probabilities.argmax())
            confidence = float(probabilities[best])
            intent = classes[best] if confidence >= threshold else FALLBACK_INTENT
            predictions[index] = (intent, confidence)
    order = sorted(range(len(examples)), key=lambda i: fold_of[i])
    ordered: list[Example] = [examples[i] for i in order]
    # evaluate() asks in the order of `ordered`, so the answers can simply follow that order
    answers = iter([predictions[i] for i in order])
    return evaluate(ordered, lambda _text: next(answers))
