"""The staff inbox of citizens' questions: filtering, assigning, making an answer public."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.civic import Question, Topic

VIEWS = ("open", "answered", "mine", "all")


@dataclass(frozen=True)
class InboxFilter:
    view: str = "open"  # one of VIEWS
    topic: Topic | None = None  # questions mentioning the topic's name or keywords
    text: str = ""
    me: str = ""  # the staff member asking, for view "mine"


def _mentions(topic: Topic) -> ColumnElement[bool]:
    words = {w.strip().lower() for w in [topic.name_de, topic.name_en, *topic.keywords]}
    words.discard("")
    if not words:
        return false()
    lowered = func.lower(Question.text)
    return or_(*(lowered.contains(word, autoescape=True) for word in sorted(words)))


async def inbox(
    session: AsyncSession, wanted: InboxFilter, *, offset: int = 0, limit: int = 50
) -> tuple[list[Question], int]:
    """One page of matching questions (open ones oldest first, others newest first) and
    how many match in all."""
    query = select(Question)
    if wanted.view == "open":
        query = query.where(Question.status == "open")
    elif wanted.view == "answered":
        query = query.where(Question.status == "answered")
    elif wanted.view == "mine":
        query = query.where(
            func.lower(Question.assigned_to) == wanted.me.lower(), Question.status == "open"
        )
    if wanted.topic is not None:
        query = query.where(_mentions(wanted.topic))
    text = wanted.text.strip().lower()
    if text:
        query = query.where(
            or_(
                func.lower(Question.text).contains(text, autoescape=True),
                func.lower(func.coalesce(Question.answer_text, "")).contains(text, autoescape=True),
                func.lower(func.coalesce(Question.ref, "")) == text,
            )
        )
    total = int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    if wanted.view in ("open", "mine"):
        query = query.order_by(Question.created_at, Question.id)
    else:
        query = query.order_by(Question.created_at.desc(), Question.id.desc())
    rows = list((await session.scalars(query.offset(offset).limit(limit))).all())
    return rows, total


async def assign(session: AsyncSession, question: Question, staff_name: str | None) -> None:
    question.assigned_to = staff_name or None
    await session.flush()


async def set_public(session: AsyncSession, question: Question, public: bool) -> None:
    """Only an answered question can be offered to others; the caller checks that."""
    question.public = public
    await session.flush()
