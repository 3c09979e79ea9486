"""Build the configured recogniser: the embedded model, a Rasa server or sentence embeddings,
the latter two with the embedded model as their fallback."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from nlu.embedded import DEFAULT_THRESHOLD, EmbeddedRecognizer
from nlu.rasa_http import DEFAULT_URL, RasaHttpRecognizer
from nlu.types import BACKENDS, TeachableRecognizer

log = logging.getLogger(__name__)


def create_recognizer(
    backend: str = "embedded",
    data_paths: Sequence[Path] | None = None,
    rasa_url: str | None = None,
    cache_dir: Path | None = None,
    timeout: float = 2.0,
    threshold: float | None = None,
) -> TeachableRecognizer:
    """A recogniser for `backend` ("embedded", "rasa" or "embeddings").

    `data_paths` None means the shipped data (nlu/data/); a directory means every *.yml
    below it. The Rasa backend trains the embedded model too and answers from it whenever
    the server is down, slow or failing. The embeddings backend needs the `embeddings` extra;
    without it the embedded model serves, and a warning says so. Raises TrainingDataError
    for broken data and ValueError for an unknown backend.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown NLU backend {backend!r}; use one of {', '.join(BACKENDS)}")
    embedded = EmbeddedRecognizer(data_paths, cache_dir=cache_dir, threshold=threshold)
    if backend == "embedded":
        return embedded
    if backend == "embeddings":
        from nlu.embeddings import EmbeddingRecognizer, available

        if not available():
            log.warning(
                "NLU backend 'embeddings' needs: pip install 'mitreden[embeddings]';"
                " answering from the embedded model"
            )
            return embedded
        return EmbeddingRecognizer(embedded, threshold=threshold, cache_dir=cache_dir)
    return RasaHttpRecognizer(
        rasa_url or DEFAULT_URL,
        finder=embedded.loaded.finder,
        fallback=embedded,
        timeout=timeout,
        threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
    )
