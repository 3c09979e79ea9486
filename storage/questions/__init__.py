"""Questions to the administration and their answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.civic import Question
from storage.questions.similarity import similarity
from storage.references import QUESTION, make_reference, parse_reference

MIN_SIMILARITY = 0.6


async def create_question(
    session: AsyncSession, citizen_id: int | None, text: str, language: str, now: datetime
) -> Question:
    question = Question(
        citizen_id=citizen_id, text=text, language=language, status="open", created_at=now
    )
    session.add(question)
    await session.flush()
    question.ref = make_reference(QUESTION, question.id)
    await session.flush()
    return question


async def question_by_id(session: AsyncSession, question_id: int) -> Question | None:
    return await session.get(Question, question_id)


async def question_by_ref(session: AsyncSession, ref: str) -> Question | None:
    question_id = parse_reference(ref, QUESTION)
    return None if question_id is None else await question_by_id(session, question_id)


async def record_answer(
    session: AsyncSession, question: Question, answer: str, public: bool, staff: str, now: datetime
) -> None:
    """Stores (or corrects) the answer; `public` lets others find it as a similar question."""
    question.answer_text = answer
    question.public = public
    question.answered_by = staff
    question.answered_at = now
    question.status = "answered"
    await session.flush()


async def questions_of(session: AsyncSession, citizen_id: int) -> list[Question]:
    return list((await session.scalars(_QUESTIONS_OF, {"citizen_id": citizen_id})).all())


# built once: on a citizen's busy paths building a statement costs more than running it
_QUESTIONS_OF = (
    select(Question)
    .where(Question.citizen_id == bindparam("citizen_id"))
    .order_by(Question.id.desc())
)


async def answered_public_questions(
    session: AsyncSession, language: str | None = None
) -> list[Question]:
    query = select(Question).where(Question.public.is_(True), Question.status == "answered")
    if language is not None:
        query = query.where(Question.language == language)
    return list((await session.scalars(query.order_by(Question.id))).all())


async def similar_public_questions(
    session: AsyncSession, text: str, language: str, limit: int = 3
) -> list[tuple[Question, float]]:
    """Answered public questions in the language that look like `text`, most alike first."""
    scored = [
        (question, similarity(text, question.text))
        for question in await answered_public_questions(session, language)
    ]
    alike = [pair for pair in scored if pair[1] >= MIN_SIMILARITY]
    alike.sort(key=lambda pair: (-pair[1], pair[0].id))
    return alike[:limit]
