"""Every conversation transcript in this folder, replayed through the real bot."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.config import Settings
from bot.conversation_tests import run_transcript
from nlu.types import TeachableRecognizer

TRANSCRIPTS = sorted(Path(__file__).parent.glob("*.yml"))


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[path.stem for path in TRANSCRIPTS])
async def test_conversation(
    path: Path, recognizer: TeachableRecognizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [name for name in os.environ if name.startswith("MITREDEN_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("MITREDEN_CONFIG", "/nonexistent/mitreden.toml")
    outcome = await run_transcript(path, Settings(nlu_cache_dir=None), recognizer)
    assert outcome.passed, "\n".join(outcome.failures)
