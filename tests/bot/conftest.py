from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.config import Settings


@pytest.fixture(autouse=True)
def _no_operator_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine's own MITREDEN_* settings must not leak into tests."""
    for name in list(os.environ):
        if name.startswith("MITREDEN_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("MITREDEN_CONFIG", "/nonexistent/mitreden.toml")


@pytest.fixture
def settings_for(tmp_path: Path) -> Callable[[str], Settings]:
    """Settings for a bot on the given database, with demo content loaded."""

    def make(url: str) -> Settings:
        return Settings(database_url=url, demo_data="true", nlu_cache_dir=tmp_path / "nlu")

    return make
