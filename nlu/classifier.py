"""The embedded intent model: trained with scikit-learn, scored with a few numpy operations.

Training uses TF-IDF over `nlu.features` and a multinomial logistic regression. Parsing does
not call scikit-learn: the vocabulary, IDF weights and coefficients are copied out once, so
one message costs a dictionary lookup per feature and one small matrix product.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlu.features import features, pair_features, word_features, words_of
from nlu.normalize import normalize, sentence_key, tokens

Array = npt.NDArray[np.float64]
REGULARISATION_C = 20.0
WORD_CACHE_SIZE = 50_000


@dataclass(frozen=True, eq=False)
class IntentModel:
    """A trained model: ranks intents for a text without touching scikit-learn."""

    classes: tuple[str, ...]
    vocabulary: dict[str, int]
    idf: Array
    weights: Array  # one row per feature, one column per class
    intercept: Array
    exact: dict[str, str]  # sentence_key of a training sentence -> its intent
    word_rows: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)

    def rank(self, text: str) -> list[tuple[str, float]]:
        """Intents with probabilities, best first; empty when no feature of the text is known."""
        normalized = normalize(text)
        words = words_of(normalized)
        counts: dict[int, int] = {}
        unknown_words = 0
        for word in words:
            word_rows = self._rows_of(word)
            if not word_rows and word.isalpha():
                unknown_words += 1
            for index in word_rows:
                counts[index] = counts.get(index, 0) + 1
        if unknown_words and unknown_words == sum(1 for word in words if word.isalpha()):
            return []  # none of its words is known: a "?" alone must not decide the intent
        for pair in pair_features(words):
            pair_index = self.vocabulary.get(pair)
            if pair_index is not None:
                counts[pair_index] = counts.get(pair_index, 0) + 1
        if not counts:
            return []
        rows = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        weight = (1.0 + np.log(tf)) * self.idf[rows]
        weight /= np.sqrt(weight @ weight)
        scores = weight @ self.weights[rows] + self.intercept
        scores = np.exp(scores - scores.max())
        probabilities = scores / scores.sum()
        order = np.argsort(-probabilities)
        ranking = [(self.classes[i], float(probabilities[i])) for i in order]
        known = self.exact.get(" ".join(tokens(normalized)))
        if known is not None and ranking[0][0] != known:
            # a sentence written into the data is answered as written there
            ranking = [(known, 1.0)] + [pair for pair in ranking if pair[0] != known]
        return ranking

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


def train_model(texts: Sequence[str], labels: Sequence[str]) -> IntentModel:
    """Fit the model on sentences and their intents."""
    vectorizer = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=1)
    matrix = vectorizer.fit_transform(list(texts))
    # saga with a loose tolerance trains in under a second at the same held-out accuracy as lbfgs
    classifier = LogisticRegression(
        C=REGULARISATION_C, solver="saga", tol=1e-3, max_iter=3000, random_state=0
    )
    classifier.fit(matrix, list(labels))
    classes = tuple(str(c) for c in classifier.classes_)
    coef = np.asarray(classifier.coef_, dtype=np.float64)
    intercept = np.asarray(classifier.intercept_, dtype=np.float64)
    if len(classes) == 2:
        # scikit-learn keeps one row for two classes; spell out both sides for the softmax
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    vocabulary = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
    exact = {sentence_key(text): label for text, label in zip(texts, labels, strict=True)}
    return IntentModel(
        classes=classes,
        vocabulary=vocabulary,
        idf=np.asarray(vectorizer.idf_, dtype=np.float64),
        weights=np.ascontiguousarray(coef.T),
        intercept=intercept,
        exact=exact,
    )
