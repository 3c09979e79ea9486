"""The embedded intent model: trained with scikit-learn, scored with a few numpy operations.

Training uses TF-IDF over `nlu.features` and a multinomial logistic regression, then fits a
temperature on cross-validated scores so that confidences are calibrated (`nlu.calibration`).
Parsing does not call scikit-learn: the vocabulary, IDF weights and coefficients are copied
out once, so one message costs a dictionary lookup per feature and one small matrix product.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlu.calibration import fit_temperature, softmax
from nlu.features import context_features, features, word_features, words_of
from nlu.normalize import normalize, sentence_key
from nlu.paraphrases import family_folds

Array = npt.NDArray[np.float64]
REGULARISATION_C = 20.0
TOLERANCE = 3e-3
WORD_CACHE_SIZE = 50_000
# three folds cost about two more trainings on 2/3 of the data; five calibrate no better
CALIBRATION_FOLDS = 3


@dataclass(frozen=True, eq=False)
class IntentModel:
    """A trained model: ranks intents for a text without touching scikit-learn."""

    classes: tuple[str, ...]
    vocabulary: dict[str, int]
    idf: Array
    weights: Array  # one row per feature, one column per class
    intercept: Array
    exact: dict[str, str]  # sentence_key of a training sentence -> its intent
    temperature: float = 1.0  # raw scores are divided by it: calibrated confidences
    word_rows: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)

    def rank(self, text: str) -> list[tuple[str, float]]:
        """Intents with calibrated probabilities, best first; empty when no feature of the
        text is known."""
        scores = self.scores(text)
        if scores is None:
            return []
        probabilities = softmax(scores, self.temperature)
        order = np.argsort(-probabilities)
        ranking = [(self.classes[i], float(probabilities[i])) for i in order]
        known = self.exact.get(sentence_key(text))
        if known is not None and ranking[0][0] != known:
            # a sentence written into the data is answered as written there
            ranking = [(known, 1.0)] + [pair for pair in ranking if pair[0] != known]
        return ranking

    def scores(self, text: str) -> Array | None:
        """Raw (uncalibrated) scores per class; None when no feature of the text is known."""
        words = words_of(normalize(text))
        counts: dict[int, int] = {}
        unknown_words = 0
        for word in words:
            word_rows = self._rows_of(word)
            if not word_rows and word.isalpha():
                unknown_words += 1
            for index in word_rows:
                counts[index] = counts.get(index, 0) + 1
        if unknown_words and unknown_words == sum(1 for word in words if word.isalpha()):
            return None  # none of its words is known: a "?" alone must not decide the intent
        for pair in context_features(words):
            pair_index = self.vocabulary.get(pair)
            if pair_index is not None:
                counts[pair_index] = counts.get(pair_index, 0) + 1
        if not counts:
            return None
        rows = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        weight = (1.0 + np.log(tf)) * self.idf[rows]
        weight /= np.sqrt(weight @ weight)
        result: Array = weight @ self.weights[rows] + self.intercept
        return result

    def _rows_of(self, word: str) -> tuple[int, ...]:
        """Feature rows of one word; remembered, since citizens reuse the same words."""
        rows = self.word_rows.get(word)
        if rows is None:
            if len(self.word_rows) > WORD_CACHE_SIZE:
                self.word_rows.clear()
            found = (self.vocabulary.get(feature) for feature in word_features(word))
            rows = tuple(index for index in found if index is not None)
            self.word_rows[word] = rows
        return rows

    def size_bytes(self) -> int:
        """Rough memory of the arrays and the vocabulary."""
        arrays = self.idf.nbytes + self.weights.nbytes + self.intercept.nbytes
        return arrays + sum(len(key) + 80 for key in self.vocabulary)


def train_model(
    texts: Sequence[str], labels: Sequence[str], calibration_folds: int = CALIBRATION_FOLDS
) -> IntentModel:
    """Fit the model on sentences and their intents; with calibration_folds >= 2, also fit
    the temperature on scores for sentences held out by family (slower by that many fits)."""
    vectorizer = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=1)
    matrix = csr_matrix(vectorizer.fit_transform(list(texts)))
    classifier = _fit(matrix, labels)
    classes = tuple(str(c) for c in classifier.classes_)
    coef = np.asarray(classifier.coef_, dtype=np.float64)
    intercept = np.asarray(classifier.intercept_, dtype=np.float64)
    if len(classes) == 2:
        # scikit-learn keeps one row for two classes; spell out both sides for the softmax
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    temperature = 1.0
    if calibration_folds >= 2 and len(classes) >= 2:
        fold_of = family_folds(texts, labels, calibration_folds)
        scores, truth = held_out_scores(matrix, labels, classes, fold_of)
        temperature = fit_temperature(scores, truth)
    return IntentModel(
        classes=classes,
        vocabulary={str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
        idf=np.asarray(vectorizer.idf_, dtype=np.float64),
        weights=np.ascontiguousarray(coef.T),
        intercept=intercept,
        exact={sentence_key(text): label for text, label in zip(texts, labels, strict=True)},
        temperature=temperature,
    )


def held_out_scores(
    matrix: csr_matrix, labels: Sequence[str], classes: tuple[str, ...], fold_of: Sequence[int]
) -> tuple[Array, npt.NDArray[np.intp]]:
    """Raw scores (one column per class) for each sentence from a model trained on the other
    folds, and the index of its true class: what calibration is fitted on.

    The TF-IDF vocabulary is the one of all data, which saves vectorising per fold; a
    feature that only held-out sentences have gets no weight in training anyway.
    """
    scores = np.zeros((len(labels), len(classes)))
    kept = np.zeros(len(labels), dtype=bool)
    for fold in sorted(set(fold_of)):
        test = np.array([i for i, f in enumerate(fold_of) if f == fold], dtype=np.intp)
        train = np.array([i for i, f in enumerate(fold_of) if f != fold], dtype=np.intp)
        if len({labels[i] for i in train}) < 2:
            continue
        classifier = _fit(matrix[train], [labels[i] for i in train])
        raw = classifier.decision_function(matrix[test])
        if raw.ndim == 1:
            raw = np.column_stack([-raw / 2, raw / 2])
        # a class this fold never saw gets a score that no softmax picks
        full = np.full((len(test), len(classes)), -50.0)
        for column, name in enumerate(classifier.classes_):
            full[:, classes.index(str(name))] = raw[:, column]
        scores[test] = full
        kept[test] = True
    truth = np.array([classes.index(label) for label in labels], dtype=np.intp)
    return scores[kept], truth[kept]


def _fit(matrix: csr_matrix, labels: Sequence[str]) -> LogisticRegression:
    # saga with a loose tolerance trains in about a second; tighter ones took 2-3 times as
    # long for the same accuracy in grouped cross-validation and on the test sets
    classifier = LogisticRegression(
        C=REGULARISATION_C, solver="saga", tol=TOLERANCE, max_iter=3000, random_state=0
    )
    classifier.fit(matrix, list(labels))
    return classifier
