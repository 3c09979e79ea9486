"""Checking free text a citizen typed: empty, no letters, too short or too long."""

from __future__ import annotations

import re

from flows import builtin_texts
from flows.run import Run

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\ufeff]")
DEFAULT_MAX = 1000


def clean(text: str) -> str:
    """The text without control characters and surrounding space."""
    return _CONTROL.sub("", text).strip()


def problem(text: str, run: Run, min_length: int = 1, max_length: int = DEFAULT_MAX) -> str | None:
    """Why the text cannot be taken (in the citizen's language), or None when it is fine."""
    if not any(char.isalnum() for char in text):
        return run.text(builtin_texts.NO_LETTERS)
    if len(text) < min_length:
        return run.text(builtin_texts.TOO_SHORT, min=min_length)
    if len(text) > max_length:
        return run.text(builtin_texts.TOO_LONG, length=len(text), max=max_length)
    return None
