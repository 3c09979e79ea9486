"""Every shipped conversation transcript (flows/conversations), replayed through the real bot."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import build_app
from bot.config import Settings
from bot.content.conversation_tests import SHIPPED_TRANSCRIPTS, run_transcript
from nlu.types import TeachableRecognizer

TRANSCRIPTS = sorted(SHIPPED_TRANSCRIPTS.glob("*.yml"))


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[path.stem for path in TRANSCRIPTS])
async def test_conversation(path: Path, recognizer: TeachableRecognizer) -> None:
    outcome = await run_transcript(path, Settings(nlu_cache_dir=None), recognizer, build_app)
    assert outcome.passed, "\n".join(outcome.failures)
