"""The questions port over the store, and the citizen's own questions for their contributions."""

from __future__ import annotations

from collections.abc import Sequence

from bot.civic.turn_store import TurnStore
from flows.ports.questions import PublicAnswerView, QuestionStatusView
from storage import questions


class StoreQuestions:
    def __init__(self, store: TurnStore) -> None:
        self._store = store

    async def similar_public(
        self, text: str, language: str, limit: int = 3
    ) -> Sequence[PublicAnswerView]:
        found = await questions.similar_public_questions(self._store.session, text, language, limit)
        return [
            PublicAnswerView(q.ref or "", q.text, q.answer_text or "", round(score, 3))
            for q, score in found
        ]

    async def create(self, citizen_id: int, text: str, language: str) -> str:
        store = self._store
        row = await questions.create_question(
            store.session, citizen_id, text, language, store.clock()
        )
        return row.ref or ""


async def questions_of(store: TurnStore, citizen_id: int) -> list[QuestionStatusView]:
    return [
        QuestionStatusView(
            ref=q.ref or "",
            text=q.text,
            status="answered" if q.status == "answered" else "open",
            created_at=q.created_at,
            answer=q.answer_text,
        )
        for q in await questions.questions_of(store.session, citizen_id)
    ]
