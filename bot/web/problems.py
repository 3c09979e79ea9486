"""Refusals that speak both languages: a plain English message for the command line and
logs, and a translation key for the web app."""

from __future__ import annotations

from typing import Any

from bot.web.i18n import translate


class Problem(ValueError):
    def __init__(self, key: str, message: str, **values: Any) -> None:
        super().__init__(message)
        self.key = key
        self.values = values


def explain(error: ValueError, language: str) -> str:
    """The refusal in the reader's language (untranslated errors keep their message)."""
    if isinstance(error, Problem):
        return translate(language, error.key, **error.values)
    return str(error)
