"""Taking part in a consultation: answers saved one by one, then submitted with a receipt."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.consultations import consultation_questions, ensure_open
from storage.inserts import insert_if_absent
from storage.models.civic import (
    Consultation,
    ConsultationQuestion,
    Participation,
    ParticipationAnswer,
)
from storage.references import PARTICIPATION, make_reference

MAX_TEXT_ANSWER = 5000


class AlreadySubmitted(ValueError):
    """The participation was submitted; its answers no longer change."""


def checked_answer(question: ConsultationQuestion, value: Any) -> Any:
    """The value as stored for this question's kind; ValueError says why it does not fit."""
    keys = [option["key"] for option in question.options]
    kind = question.kind
    if kind == "single" and isinstance(value, str) and value in keys:
        return value
    if kind == "multiple" and isinstance(value, list) and all(v in keys for v in value):
        if not value and question.required:
            raise ValueError(f"question {question.key!r} needs at least one choice")
        return [key for key in keys if key in value]  # option order, no duplicates
    if kind == "scale" and type(value) is int and 1 <= value <= 5:
        return value
    if kind == "yesno" and isinstance(value, bool):
        return value
    if kind == "text" and isinstance(value, str):
        text = value.strip()
        if not text and question.required:
            raise ValueError(f"question {question.key!r} needs an answer")
        if len(text) > MAX_TEXT_ANSWER:
            raise ValueError(f"answer longer than {MAX_TEXT_ANSWER} characters")
        return text
    raise ValueError(f"{value!r} does not answer {kind} question {question.key!r}")


async def find_participation(
    session: AsyncSession, citizen_id: int, consultation_id: int
) -> Participation | None:
    return await session.scalar(
        select(Participation).where(
            Participation.citizen_id == citizen_id,
            Participation.consultation_id == consultation_id,
        )
    )


async def answers_of(session: AsyncSession, participation_id: int) -> dict[str, Any]:
    rows = await session.scalars(
        select(ParticipationAnswer)
        .where(ParticipationAnswer.participation_id == participation_id)
        .order_by(ParticipationAnswer.id)
    )
    return {row.question_key: row.value for row in rows}


async def participations_of(session: AsyncSession, citizen_id: int) -> list[Participation]:
    return list((await session.scalars(_PARTICIPATIONS_OF, {"citizen_id": citizen_id})).all())


# built once: on a citizen's busy paths building a statement costs more than running it
_PARTICIPATIONS_OF = (
    select(Participation)
    .where(Participation.citizen_id == bindparam("citizen_id"))
    .order_by(Participation.id.desc())
)


async def participation_counts(
    session: AsyncSession,
    *,
    submitted_only: bool = False,
    consultation_ids: Sequence[int] | None = None,
) -> dict[int, int]:
    """Participations per consultation id: every one begun (sent off or not: what the staff
    pages call "Begonnen"), or only the submitted ones; all consultations or the given."""
    query = select(Participation.consultation_id, func.count(Participation.id)).group_by(
        Participation.consultation_id
    )
    if submitted_only:
        query = query.where(Participation.submitted_at.is_not(None))
    if consultation_ids is not None:
        query = query.where(Participation.consultation_id.in_(consultation_ids))
    return {row[0]: int(row[1]) for row in await session.execute(query)}


async def _start(
    session: AsyncSession, citizen_id: int, consultation_id: int, now: datetime
) -> Participation:
    await insert_if_absent(
        session,
        Participation,
        {"citizen_id": citizen_id, "consultation_id": consultation_id, "started_at": now},
    )
    found = await find_participation(session, citizen_id, consultation_id)
    if found is None:
        raise RuntimeError("participation vanished right after it was started")
    return found


async def save_answer(
    session: AsyncSession,
    citizen_id: int,
    consultation: Consultation,
    question_key: str,
    value: Any,
    now: datetime,
) -> None:
    """Stores or replaces one answer; starts the participation on the first one.

    Raises ConsultationNotOpen, AlreadySubmitted, or ValueError for an unknown question or a
    value that does not fit it.
    """
    ensure_open(consultation, now)
    questions = {q.key: q for q in await consultation_questions(session, consultation.id)}
    if question_key not in questions:
        raise ValueError(f"consultation {consultation.id} has no question {question_key!r}")
    stored = checked_answer(questions[question_key], value)
    participation = await _start(session, citizen_id, consultation.id, now)
    if participation.submitted_at is not None:
        raise AlreadySubmitted(f"participation {participation.id} was submitted")
    answer = await session.scalar(
        select(ParticipationAnswer).where(
            ParticipationAnswer.participation_id == participation.id,
            ParticipationAnswer.question_key == question_key,
        )
    )
    if answer is None:
        answer = ParticipationAnswer(participation_id=participation.id, question_key=question_key)
        session.add(answer)
    answer.value = stored
    answer.updated_at = now
    await session.flush()


def missing_required(
    questions: Sequence[ConsultationQuestion], answers: dict[str, Any]
) -> list[str]:
    return [q.key for q in questions if q.required and q.key not in answers]


async def submit(
    session: AsyncSession, citizen_id: int, consultation: Consultation, now: datetime
) -> Participation:
    """Submits the citizen's answers and gives the participation its receipt number.

    Submitting twice returns the same receipt. Raises ConsultationNotOpen, or ValueError while
    required questions are unanswered.
    """
    participation = await find_participation(session, citizen_id, consultation.id)
    if participation is not None and participation.submitted_at is not None:
        return participation
    ensure_open(consultation, now)
    if participation is None:
        participation = await _start(session, citizen_id, consultation.id, now)
    questions = await consultation_questions(session, consultation.id)
    missing = missing_required(questions, await answers_of(session, participation.id))
    if missing:
        raise ValueError(f"required questions unanswered: {', '.join(missing)}")
    participation.submitted_at = now
    participation.receipt = make_reference(PARTICIPATION, participation.id)
    await session.flush()
    return participation
