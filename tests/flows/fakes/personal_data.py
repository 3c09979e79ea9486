"""A citizen's contributions, export and erasure over the fake rows."""

from __future__ import annotations

import json

from flows.ports.consultations import ParticipationStatusView
from flows.ports.personal_data import ContributionsView
from flows.ports.questions import QuestionStatusView
from tests.flows.fakes.memory import Memory


class FakePersonalData:
    def __init__(self, memory: Memory) -> None:
        self._memory = memory

    async def contributions(self, citizen_id: int, language: str) -> ContributionsView:
        memory = self._memory
        ideas = tuple(
            memory.summary(i, language) for i in memory.idea_rows.values() if i.author == citizen_id
        )
        questions = tuple(
            QuestionStatusView(
                q.ref, q.text, "answered" if q.answer else "open", q.created_at, q.answer
            )
            for q in memory.question_rows
            if q.citizen == citizen_id
        )
        participations = tuple(
            ParticipationStatusView(
                cid,
                memory.consultation_rows[cid].view.title,
                p.submitted_at is not None,
                len(p.answers),
                len(memory.consultation_rows[cid].view.questions),
                memory.consultation_rows[cid].view.closes_at,
            )
            for (who, cid), p in memory.participations.items()
            if who == citizen_id
        )
        return ContributionsView(ideas, questions, participations)

    async def export(self, citizen_id: int) -> str:
        memory = self._memory
        data = {
            "citizen": {
                "id": citizen_id,
                **{k: str(v) for k, v in memory.citizen(citizen_id).items()},
            },
            "ideas": [i.title for i in memory.idea_rows.values() if i.author == citizen_id],
            "questions": [q.text for q in memory.question_rows if q.citizen == citizen_id],
            "subscriptions": sorted(f"{k}:{t}" for k, t in memory.subs.get(citizen_id, set())),
        }
        return json.dumps(data, ensure_ascii=False)

    async def erase(self, citizen_id: int) -> None:
        memory = self._memory
        memory.calls.append("erase_citizen")
        memory.citizen_rows.pop(citizen_id, None)
        memory.subs.pop(citizen_id, None)
        for idea in memory.idea_rows.values():
            if idea.author == citizen_id:
                idea.author = None
        for question in memory.question_rows:
            if question.citizen == citizen_id:
                question.citizen = None
