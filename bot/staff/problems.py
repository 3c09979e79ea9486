"""A refusal that speaks both languages: a plain English message for the command line and
logs, and a translation key with its values for the web app (bot/web/problems.py)."""

from __future__ import annotations

from typing import Any


class Problem(ValueError):
    def __init__(self, key: str, message: str, **values: Any) -> None:
        super().__init__(message)
        self.key = key
        self.values = values
