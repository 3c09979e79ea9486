"""The Matrix channel from the operator's settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.matrix.channel import MatrixChannel
from bot.channels.matrix.trust import TrustPolicy
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


@pytest.fixture
def matrix_account(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The bot's account, set in the environment as an operator would."""
    monkeypatch.setenv("MITREDEN_MATRIX_HOMESERVER", "http://127.0.0.1:8008/")
    monkeypatch.setenv("MITREDEN_MATRIX_USER_ID", "@mitreden:example.org")
    monkeypatch.setenv("MITREDEN_MATRIX_ACCESS_TOKEN", "syt_token")
    monkeypatch.setenv("MITREDEN_MATRIX_STORE_DIR", str(tmp_path))


@pytest.mark.usefixtures("matrix_account")
def test_the_matrix_settings_from_the_environment_make_the_channel() -> None:
    channels = configured_channels(Settings())
    assert isinstance(channels["matrix"], MatrixChannel)
    assert channels["matrix"].capabilities.buttons is False


@pytest.mark.usefixtures("matrix_account")
def test_the_trust_policy_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    default = configured_channels(Settings())["matrix"]
    assert isinstance(default, MatrixChannel) and default.trust == TrustPolicy("tofu")
    monkeypatch.setenv("MITREDEN_MATRIX_TRUST", "verified")
    monkeypatch.setenv("MITREDEN_MATRIX_VERIFIED_KEYS", "abcd EFGH 1234, wxyz/+09")
    channel = configured_channels(Settings())["matrix"]
    assert isinstance(channel, MatrixChannel)
    assert channel.trust == TrustPolicy("verified", frozenset({"abcdEFGH1234", "wxyz/+09"}))
