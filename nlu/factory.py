"""Build the configured recogniser: the embedded model, or a Rasa server with it as fallback."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from nlu.embedded import DEFAULT_THRESHOLD, EmbeddedRecognizer
from nlu.rasa_http import DEFAULT_URL, RasaHttpRecognizer
from nlu.types import BACKENDS, TeachableRecognizer


def create_recognizer(
    backend: str = "embedded",
    data_paths: Sequence[Path] | None = None,
    rasa_url: str | None = None,
    cache_dir: Path | None = None,
    timeout: float = 2.0,
    threshold: float | None = None,
) -> TeachableRecognizer:
    """A recogniser for `backend` ("embedded" or "rasa").

    `data_paths` None means the shipped data (nlu/data/); a directory means every *.yml
    below it. The Rasa backend trains the embedded model too and answers from it whenever
    the server is down, slow or failing. Raises TrainingDataError for broken data and
    ValueError for an unknown backend.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown NLU backend {backend!r}; use one of {', '.join(BACKENDS)}")
    embedded = EmbeddedRecognizer(data_paths, cache_dir=cache_dir, threshold=threshold)
    if backend == "embedded":
        return embedded
    return RasaHttpRecognizer(
        rasa_url or DEFAULT_URL,
        finder=embedded.loaded.finder,
        fallback=embedded,
        timeout=timeout,
        threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
    )
