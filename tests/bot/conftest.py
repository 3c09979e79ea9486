from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.config import Settings


@pytest.fixture
def settings_for(tmp_path: Path) -> Callable[[str], Settings]:
    """Settings for a bot on the given database, with demo content loaded."""

    def make(url: str) -> Settings:
        return Settings(database_url=url, demo_data="true", nlu_cache_dir=tmp_path / "nlu")

    return make
