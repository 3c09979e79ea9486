"""The understanding port: messages the bot was unsure about, so staff can teach it.

Kept so the intent data can learn from real traffic (the staff page "Not understood"). The
citizen's id is stored only so their messages go when they are erased; it is never shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

Outcome = Literal["asked", "fallback"]


@dataclass(frozen=True)
class Unclear:
    """One message the bot asked about ("Did you mean …?") or did not understand."""

    citizen_id: int
    text: str
    language: str
    guessed: str  # the best intent of the ranking, even when it was not acted on
    ranking: Sequence[tuple[str, float]]
    outcome: Outcome
    at: datetime


class UnderstandingPort(Protocol):
    async def record(self, unclear: Unclear) -> int | None:
        """Keeps the message; its id, to note the citizen's answer later (None: not kept)."""
        ...

    async def chosen(self, record_id: int, intent: str | None, at: datetime) -> None:
        """The citizen's answer to the clarifying question: the intent they picked, or None
        for "something else"."""
        ...
