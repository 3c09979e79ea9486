"""The consultations port over the store: consultations, participations and their results."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from bot.civic.topics import topic_view
from bot.civic.turn_store import TurnStore
from flows.ports.consultations import (
    AnswerValue,
    ChoiceView,
    ConsultationClosed,
    ConsultationQuestionView,
    ConsultationResultsView,
    ConsultationStatus,
    ConsultationView,
    ParticipationStatusView,
    ParticipationView,
    QuestionKind,
    QuestionResultView,
    ResultLineView,
)
from storage import consultations, subscriptions
from storage.consultations import participations
from storage.consultations.results import consultation_results
from storage.content_cache import ConsultationEntry, TopicEntry, consultation_entry
from storage.models.civic import Consultation, ConsultationQuestion


def _question_view(question: ConsultationQuestion, language: str) -> ConsultationQuestionView:
    options = tuple(
        ChoiceView(o["key"], o.get(language) or o.get("de") or o["key"], tuple(o.get("words", ())))
        for o in question.options
    )
    labels = (question.scale_labels or {}).get(language) or (question.scale_labels or {}).get("de")
    return ConsultationQuestionView(
        key=question.key,
        kind=cast(QuestionKind, question.kind),
        text=question.text_en if language == "en" else question.text_de,
        options=options,
        required=question.required,
        scale_labels=(labels[0], labels[1]) if labels else None,
    )


class StoreConsultations:
    def __init__(self, store: TurnStore) -> None:
        self._store = store

    async def _view(
        self,
        row: ConsultationEntry,
        language: str,
        now: datetime,
        with_questions: bool,
        topic: TopicEntry | None,
    ) -> ConsultationView:
        title, description = consultations.localized(row, language)
        asked = (
            await consultations.consultation_questions(self._store.session, row.id)
            if with_questions
            else []
        )
        return ConsultationView(
            id=row.id,
            slug=row.slug,
            title=title,
            description=description,
            topic=topic_view(topic, language),
            opens_at=row.opens_at,
            closes_at=row.closes_at,
            status=consultations.consultation_status(row, now),
            questions=tuple(_question_view(q, language) for q in asked),
        )

    async def _single_view(
        self, row: Consultation, language: str, now: datetime, with_questions: bool
    ) -> ConsultationView:
        topic = (await self._store.content()).topics_by_id([row.topic_id]).get(row.topic_id or 0)
        return await self._view(consultation_entry(row), language, now, with_questions, topic)

    async def listed(
        self, language: str, now: datetime, status: ConsultationStatus = "open"
    ) -> Sequence[ConsultationView]:
        content = await self._store.content()
        rows = content.consultations_by_status(now, status)
        topics = content.topics_by_id(row.topic_id for row in rows)
        return [
            await self._view(row, language, now, False, topics.get(row.topic_id or 0))
            for row in rows
        ]

    async def find(self, reference: str, language: str, now: datetime) -> ConsultationView | None:
        row = await consultations.find_consultation(self._store.session, reference)
        return None if row is None else await self._single_view(row, language, now, True)

    async def results(
        self, reference: str, language: str, now: datetime
    ) -> ConsultationResultsView | None:
        row = await consultations.find_consultation(self._store.session, reference)
        if row is None:
            return None
        view = await self._single_view(row, language, now, False)
        if view.status != "closed":
            return ConsultationResultsView(view, 0)
        tallies = await consultation_results(self._store.session, row, now)
        return ConsultationResultsView(
            view,
            tallies.participants,
            tuple(
                QuestionResultView(
                    text=question.text(language),
                    kind=cast(QuestionKind, question.kind),
                    answers=question.answers,
                    lines=tuple(
                        ResultLineView(bar.label(language), bar.count) for bar in question.bars
                    ),
                    mean=question.mean,
                )
                for question in tallies.questions
            ),
        )

    async def participation(
        self, citizen_id: int, consultation_id: int
    ) -> ParticipationView | None:
        session = self._store.session
        found = await participations.find_participation(session, citizen_id, consultation_id)
        if found is None:
            return None
        answers = await participations.answers_of(session, found.id)
        return ParticipationView(consultation_id, answers, found.submitted_at, found.receipt)

    async def save_answer(
        self, citizen_id: int, consultation_id: int, question_key: str, value: AnswerValue
    ) -> None:
        store = self._store
        row = await store.consultation(consultation_id)
        try:
            await participations.save_answer(
                store.session, citizen_id, row, question_key, value, store.clock()
            )
        except consultations.ConsultationNotOpen as closed:
            raise ConsultationClosed(str(closed)) from closed

    async def submit(self, citizen_id: int, consultation_id: int, now: datetime) -> str:
        session = self._store.session
        row = await self._store.consultation(consultation_id)
        try:
            done = await participations.submit(session, citizen_id, row, now)
        except consultations.ConsultationNotOpen as closed:
            raise ConsultationClosed(str(closed)) from closed
        await subscriptions.subscribe(session, citizen_id, "consultation", str(row.id), now)
        return done.receipt or ""


async def participations_of(
    store: TurnStore, citizen_id: int, language: str
) -> list[ParticipationStatusView]:
    """How far the citizen got in each consultation they answered, for their contributions."""
    session = store.session
    result = []
    for row in await participations.participations_of(session, citizen_id):
        consultation = await store.consultation(row.consultation_id)
        answers: dict[str, Any] = await participations.answers_of(session, row.id)
        asked = await consultations.consultation_questions(session, consultation.id)
        result.append(
            ParticipationStatusView(
                consultation_id=consultation.id,
                title=consultations.localized(consultation, language)[0],
                submitted=row.submitted_at is not None,
                answered=sum(1 for q in asked if q.key in answers),
                total=len(asked),
                closes_at=consultation.closes_at,
            )
        )
    return result
