"""The default recogniser: trained in-process from the Rasa-format data, no network at all."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from nlu.classifier import IntentModel, train_model
from nlu.entity_finder import EntityFinder, entity_finder
from nlu.language import detect_language
from nlu.model_cache import load_cached, store_cached
from nlu.training_data import TrainingData, load_training_data
from nlu.types import FALLBACK_INTENT, NluResult

log = logging.getLogger(__name__)
# Chosen by cross-validation (docs/nlu.md): it sends the least sure 10 % of answers to the
# fallback and costs under one point of accuracy.
DEFAULT_THRESHOLD = 0.3
RANKING_SIZE = 5


@dataclass(frozen=True, eq=False)
class LoadedModel:
    """What one training run produced; swapped as a whole so parsing never sees half of it."""

    data: TrainingData
    model: IntentModel
    finder: EntityFinder
    seconds: float
    from_cache: bool


def train(data: TrainingData, cache_dir: Path | None = None) -> tuple[IntentModel, bool]:
    """The model for this data, from the cache when it holds one; True when it came from there."""
    cached = load_cached(cache_dir, data.digest)
    if cached is not None:
        return cached, True
    model = train_model([e.text for e in data.examples], [e.intent for e in data.examples])
    store_cached(cache_dir, data.digest, model)
    return model, False


class EmbeddedRecognizer:
    """Intent, entities and language from the in-process model. `parse` never raises."""

    def __init__(
        self,
        data_paths: Sequence[Path] | None = None,
        cache_dir: Path | None = None,
        threshold: float | None = None,
    ) -> None:
        self.data_paths = None if data_paths is None else tuple(data_paths)
        self.cache_dir = cache_dir
        self.threshold = DEFAULT_THRESHOLD if threshold is None else threshold
        self._lookups: dict[str, dict[str, list[str]]] = {}
        self._loaded: LoadedModel = self._load()

    @property
    def loaded(self) -> LoadedModel:
        """The model currently serving."""
        return self._loaded

    def reload(self) -> bool:
        """Retrain when the data changed; True if a new model now serves.

        Raises TrainingDataError for broken data; the previous model keeps serving then.
        """
        if load_training_data(self.data_paths).digest == self._loaded.data.digest:
            return False
        self._loaded = self._load()
        return True

    def twin(self) -> EmbeddedRecognizer:
        """A recogniser answering from this one's trained model (nothing is trained again)
        whose taught lookups are its own: for a throw-away bot, such as a conversation test
        or a simulator, that teaches its demo topics without changing what this one knows."""
        twin = object.__new__(EmbeddedRecognizer)
        twin.data_paths = self.data_paths
        twin.cache_dir = self.cache_dir
        twin.threshold = self.threshold
        twin._lookups = {entity: dict(values) for entity, values in self._lookups.items()}
        twin._loaded = self._loaded
        return twin

    def prepare(self, data: TrainingData) -> LoadedModel:
        """Train a model for `data` (or take it from the cache) without serving it yet.

        Safe to call from a worker thread: it changes nothing the parser reads.
        """
        started = time.perf_counter()
        model, from_cache = train(data, self.cache_dir)
        known = frozenset(key[2:] for key in model.vocabulary if key.startswith("w:"))
        finder = entity_finder(data, dict(self._lookups), known)
        seconds = time.perf_counter() - started
        log.info(
            "NLU model ready: %d examples, %d intents, %.2f s%s",
            len(data.examples),
            len(model.classes),
            seconds,
            " (from cache)" if from_cache else "",
        )
        return LoadedModel(data, model, finder, seconds, from_cache)

    def use(self, loaded: LoadedModel) -> None:
        """Serve a prepared model from the next message on; taught lookups carry over."""
        finder = loaded.finder
        for entity, values in self._lookups.items():
            finder = finder.with_lookup(entity, values)
        self._loaded = LoadedModel(
            loaded.data, loaded.model, finder, loaded.seconds, loaded.from_cache
        )

    def set_lookup(self, entity: str, values: Mapping[str, Sequence[str]]) -> None:
        """Teach the values of an entity that live in the database, e.g. topics by slug."""
        self._lookups[entity] = {key: list(names) for key, names in values.items()}
        current = self._loaded
        finder = current.finder.with_lookup(entity, self._lookups[entity])
        self._loaded = LoadedModel(
            current.data, current.model, finder, current.seconds, current.from_cache
        )

    async def close(self) -> None:
        """Nothing to release: the model lives in this process's memory."""

    async def parse(self, text: str, language: str | None = None) -> NluResult:
        """Recognise one message."""
        return self.parse_now(text, language)

    def parse_now(self, text: str, language: str | None = None) -> NluResult:
        """The same as `parse`, for callers without an event loop (CLI, benchmarks)."""
        try:
            return self._parse(text if isinstance(text, str) else str(text))
        except Exception:  # the bot must answer whatever arrives; log and fall back
            log.exception("NLU failed on a message of %d characters", len(str(text)))
            return NluResult(text=str(text), intent=FALLBACK_INTENT, confidence=0.0)

    def _parse(self, text: str) -> NluResult:
        loaded = self._loaded
        ranking = loaded.model.rank(text)
        entities = loaded.finder.find(text)
        language = detect_language(text)
        if not ranking:
            return NluResult(text, FALLBACK_INTENT, 0.0, entities, language)
        intent, confidence = ranking[0]
        if confidence < self.threshold:
            intent = FALLBACK_INTENT
        top = tuple((name, round(score, 4)) for name, score in ranking[:RANKING_SIZE])
        return NluResult(text, intent, round(confidence, 4), entities, language, top)

    def _load(self) -> LoadedModel:
        return self.prepare(load_training_data(self.data_paths))
