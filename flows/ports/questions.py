"""The questions port: questions to the administration and the public answers given before."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol


@dataclass(frozen=True)
class PublicAnswerView:
    """An already answered public question that looks like the citizen's."""

    ref: str
    question: str
    answer: str
    score: float  # 0..1, how alike


@dataclass(frozen=True)
class QuestionStatusView:
    """One of the citizen's own questions, answered or not."""

    ref: str
    text: str
    status: Literal["open", "answered"]
    created_at: datetime
    answer: str | None


class QuestionPort(Protocol):
    async def similar_public(
        self, text: str, language: str, limit: int = 3
    ) -> Sequence[PublicAnswerView]: ...
    async def create(self, citizen_id: int, text: str, language: str) -> str:
        """Stores the question and returns its reference number."""
        ...
