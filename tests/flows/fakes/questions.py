"""Questions in memory; "similar" means sharing half the words."""

from __future__ import annotations

from collections.abc import Sequence

from flows.ports.questions import PublicAnswerView
from tests.flows.fakes.memory import NOW, Memory, Question


class FakeQuestions:
    def __init__(self, memory: Memory) -> None:
        self._memory = memory

    async def similar_public(
        self, text: str, language: str, limit: int = 3
    ) -> Sequence[PublicAnswerView]:
        words = set(text.casefold().split())
        found = []
        for question in self._memory.question_rows:
            if question.public and question.answer and question.language == language:
                shared = words & set(question.text.casefold().split())
                score = len(shared) / max(len(words), 1)
                if score >= 0.5:
                    found.append(
                        PublicAnswerView(question.ref, question.text, question.answer, score)
                    )
        return sorted(found, key=lambda item: -item.score)[:limit]

    async def create(self, citizen_id: int, text: str, language: str) -> str:
        rows = self._memory.question_rows
        ref = f"Q-{len(rows) + 1}"
        rows.append(Question(ref, citizen_id, text, language, NOW))
        return ref
