from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings


def test_environment_overrides_the_toml_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    toml = tmp_path / "mitreden.toml"
    toml.write_text('town = "Kleinhausen"\nformal = false\ndatabase_url = "sqlite:///x.db"\n')
    monkeypatch.setenv("MITREDEN_CONFIG", str(toml))
    monkeypatch.setenv("MITREDEN_DATABASE_URL", "postgresql://bot:geheim@db/mitreden")
    settings = Settings()
    assert settings.town == "Kleinhausen"
    assert settings.formal is False
    assert settings.database_url == "postgresql://bot:geheim@db/mitreden"


def test_the_printed_configuration_hides_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MITREDEN_CONFIG", "/nonexistent/mitreden.toml")
    monkeypatch.setenv("MITREDEN_DATABASE_URL", "postgresql://bot:geheim@db/mitreden")
    monkeypatch.setenv("MITREDEN_TELEGRAM_TOKEN", "123:ABC")
    shown = Settings().public_view()
    assert "geheim" not in str(shown)
    assert "123:ABC" not in str(shown)
    assert shown["telegram_token"] == "***"
