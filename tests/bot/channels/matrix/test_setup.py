"""The Matrix channel from the operator's settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.matrix.channel import MatrixChannel
from bot.config import Settings
from bot.runtime.runner import configured_channels


def test_without_matrix_settings_there_is_no_matrix_channel() -> None:
    assert "matrix" not in configured_channels(Settings())


def test_a_homeserver_without_password_or_token_is_not_enough(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MITREDEN_MATRIX_HOMESERVER", "http://127.0.0.1:8008")
    monkeypatch.setenv("MITREDEN_MATRIX_USER_ID", "@mitreden:example.org")
    assert "matrix" not in configured_channels(Settings())


def test_the_matrix_settings_from_the_environment_make_the_channel(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MITREDEN_MATRIX_HOMESERVER", "http://127.0.0.1:8008/")
    monkeypatch.setenv("MITREDEN_MATRIX_USER_ID", "@mitreden:example.org")
    monkeypatch.setenv("MITREDEN_MATRIX_ACCESS_TOKEN", "syt_token")
    monkeypatch.setenv("MITREDEN_MATRIX_STORE_DIR", str(tmp_path))
    channels = configured_channels(Settings())
    assert isinstance(channels["matrix"], MatrixChannel)
    assert channels["matrix"].capabilities.buttons is False
