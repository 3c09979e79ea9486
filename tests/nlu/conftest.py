"""A recogniser trained once per test session on the shipped data, and small data sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu.embedded import EmbeddedRecognizer
from nlu.types import TeachableRecognizer

HELDOUT = Path(__file__).parent / "data" / "heldout.yml"

TINY_DATA = """\
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hallo
    - hi there
    - guten morgen
- intent: goodbye
  examples: |
    - tschüss
    - bye bye
    - bis bald
- intent: propose_idea
  examples: |
    - ich habe eine idee für den [Radweg](topic)
    - man sollte mehr bäume pflanzen
    - we need more bike racks
- synonym: verkehr
  examples: |
    - Radweg
    - Fahrrad
- lookup: topic
  examples: |
    - verkehr
"""


@pytest.fixture(scope="session")
def recognizer(recognizer: TeachableRecognizer, nlu_cache: Path) -> EmbeddedRecognizer:
    """The embedded recogniser on the shipped data, loaded from the model the whole run
    shares (the suite's own `recognizer` trained it); tests must not change its lookups."""
    return EmbeddedRecognizer(cache_dir=nlu_cache)


@pytest.fixture
def tiny_data(tmp_path: Path) -> Path:
    """A directory with a small valid training file."""
    folder = tmp_path / "nlu-data"
    folder.mkdir()
    (folder / "small.yml").write_text(TINY_DATA, encoding="utf-8")
    return folder
