from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.app import build_app
from bot.config import Settings
from bot.content.conversation_tests import (
    TranscriptError,
    load_transcript,
    run_files,
    run_transcript,
)
from nlu.types import TeachableRecognizer


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "chat.yml"
    path.write_text(text, encoding="utf-8")
    return path


async def test_a_wrong_expectation_fails_and_shows_what_the_bot_said(
    tmp_path: Path, recognizer: TeachableRecognizer
) -> None:
    path = write(
        tmp_path,
        "name: wrong\nturns:\n  - say: Hallo\n    expect: [Das sagt der Bot nie]\n"
        "  - press: Knopf, den es nicht gibt\n",
    )
    outcome = await run_transcript(path, Settings(nlu_cache_dir=None), recognizer, build_app)
    assert not outcome.passed
    assert "Das sagt der Bot nie" in outcome.failures[0]
    assert any("Musterstadt" in failure for failure in outcome.failures)
    assert any("no option “Knopf, den es nicht gibt”" in failure for failure in outcome.failures)


async def test_the_command_counts_passes_and_failures(
    tmp_path: Path, recognizer: TeachableRecognizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "turns:\n  - say: hi\n    expect: [Welcome]\n")
    (tmp_path / "broken.yml").write_text("turns: [[[", encoding="utf-8")
    out = io.StringIO()
    monkeypatch.setattr("bot.content.conversation_tests.create_recognizer", lambda **_: recognizer)
    code = await run_files([tmp_path], Settings(nlu_cache_dir=None), build_app, out)
    assert code == 1
    assert "1 passed, 1 failed" in out.getvalue()
    assert "broken.yml" in out.getvalue()


def test_yes_and_no_stay_words(tmp_path: Path) -> None:
    data = load_transcript(write(tmp_path, "turns:\n  - say: yes\n  - say: no\n"))
    assert [turn["say"] for turn in data["turns"]] == ["yes", "no"]


def test_unknown_turn_keys_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TranscriptError, match="turn 1"):
        load_transcript(write(tmp_path, "turns:\n  - sag: Hallo\n"))
