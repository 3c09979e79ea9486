"""Consultations in memory: answers only while open, tallies only once closed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from flows.ports.consultations import (
    AnswerValue,
    ConsultationClosed,
    ConsultationResultsView,
    ConsultationStatus,
    ConsultationView,
    ParticipationView,
    QuestionResultView,
    ResultLineView,
)
from tests.flows.fakes.memory import Consultation, Memory, Participation


def _tally(
    view: ConsultationView, submitted: list[dict[str, AnswerValue]]
) -> tuple[QuestionResultView, ...]:
    questions = []
    for question in view.questions:
        given = [answers[question.key] for answers in submitted if question.key in answers]
        picked = [v for value in given for v in (value if isinstance(value, list) else [value])]
        lines = tuple(
            ResultLineView(choice.label, picked.count(choice.key)) for choice in question.options
        )
        if question.kind == "yesno":
            lines = (
                ResultLineView("Ja", picked.count(True)),
                ResultLineView("Nein", picked.count(False)),
            )
        numbers = [v for v in given if type(v) is int]
        mean = sum(numbers) / len(numbers) if question.kind == "scale" and numbers else None
        questions.append(QuestionResultView(question.text, question.kind, len(given), lines, mean))
    return tuple(questions)


class FakeConsultations:
    def __init__(self, memory: Memory) -> None:
        self._memory = memory
        self._receipts = 0

    def _view(self, item: Consultation, now: datetime) -> ConsultationView:
        return replace(item.view, status=item.status(now))

    async def listed(
        self, language: str, now: datetime, status: ConsultationStatus = "open"
    ) -> Sequence[ConsultationView]:
        views = [self._view(item, now) for item in self._memory.consultation_rows.values()]
        return [replace(view, questions=()) for view in views if view.status == status]

    async def find(self, reference: str, language: str, now: datetime) -> ConsultationView | None:
        for item in self._memory.consultation_rows.values():
            if reference in (str(item.view.id), item.view.slug):
                return self._view(item, now)
        return None

    async def results(
        self, reference: str, language: str, now: datetime
    ) -> ConsultationResultsView | None:
        view = await self.find(reference, language, now)
        if view is None:
            return None
        if view.status != "closed":
            return ConsultationResultsView(view, 0)
        submitted = [
            p.answers
            for (_, cid), p in self._memory.participations.items()
            if cid == view.id and p.submitted_at is not None
        ]
        return ConsultationResultsView(view, len(submitted), _tally(view, submitted))

    async def participation(
        self, citizen_id: int, consultation_id: int
    ) -> ParticipationView | None:
        found = self._memory.participations.get((citizen_id, consultation_id))
        if found is None:
            return None
        return ParticipationView(
            consultation_id, dict(found.answers), found.submitted_at, found.receipt
        )

    def _started(self, citizen_id: int, consultation_id: int) -> Participation:
        item = self._memory.consultation_rows[consultation_id]
        if item.status(self._memory.clock) != "open":
            raise ConsultationClosed(item.view.slug)
        key = (citizen_id, consultation_id)
        return self._memory.participations.setdefault(key, Participation())

    async def save_answer(
        self, citizen_id: int, consultation_id: int, question_key: str, value: AnswerValue
    ) -> None:
        found = self._started(citizen_id, consultation_id)
        if found.submitted_at is not None:
            raise ValueError("already submitted")
        found.answers[question_key] = value

    async def submit(self, citizen_id: int, consultation_id: int, now: datetime) -> str:
        found = self._started(citizen_id, consultation_id)
        self._receipts += 1
        found.submitted_at, found.receipt = now, f"P-{self._receipts}"
        self._memory.subscribe(citizen_id, "consultation", str(consultation_id))
        return found.receipt
