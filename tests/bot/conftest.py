from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _no_operator_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine's own MITREDEN_* settings must not leak into tests."""
    for name in list(os.environ):
        if name.startswith("MITREDEN_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("MITREDEN_CONFIG", "/nonexistent/mitreden.toml")
