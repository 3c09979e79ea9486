"""Trained models kept on disk by the hash of the training data, so a restart skips training.

The files are pickles that mitreden itself wrote into the configured cache directory; a file
that does not load (other version, damaged) is ignored and overwritten.
"""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
from pathlib import Path

import sklearn

from nlu.classifier import IntentModel

log = logging.getLogger(__name__)
FORMAT_VERSION = 2  # 2: calibration temperature and negation features


def cache_file(cache_dir: Path, digest: str) -> Path:
    """Where the model for data with this digest lives."""
    name = f"intent-model-{digest[:24]}-v{FORMAT_VERSION}-sk{sklearn.__version__}.pickle"
    return cache_dir / name


def load_cached(cache_dir: Path | None, digest: str) -> IntentModel | None:
    """The cached model for this data, or None."""
    if cache_dir is None:
        return None
    path = cache_file(cache_dir, digest)
    try:
        with path.open("rb") as handle:
            model = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception as error:  # a damaged cache must never stop the bot; we retrain
        log.warning("ignoring unreadable NLU model cache %s: %s", path, error)
        return None
    return model if isinstance(model, IntentModel) else None


def store_cached(cache_dir: Path | None, digest: str, model: IntentModel) -> None:
    """Write the model atomically, so a second process never reads half a file."""
    if cache_dir is None:
        return
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            pickle.dump(model, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, cache_file(cache_dir, digest))
    except OSError as error:
        log.warning("could not write NLU model cache in %s: %s", cache_dir, error)
