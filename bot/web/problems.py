"""Refusals in the reader's language: a staff-domain `Problem` translated for the page."""

from __future__ import annotations

from bot.staff.problems import Problem
from bot.web.i18n import translate


def explain(error: ValueError, language: str) -> str:
    """The refusal in the reader's language (untranslated errors keep their message)."""
    if isinstance(error, Problem):
        return translate(language, error.key, **error.values)
    return str(error)
