"""Consultations and their questions: finding them and telling whether they are open."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.civic import Consultation, ConsultationQuestion

Status = Literal["upcoming", "open", "closed"]
QUESTION_KINDS = ("single", "multiple", "scale", "text", "yesno")


class ConsultationNotOpen(Exception):
    """An answer or submission arrived while the consultation was not open."""

    def __init__(self, consultation_id: int, status: Status) -> None:
        super().__init__(f"consultation {consultation_id} is {status}")
        self.consultation_id = consultation_id
        self.status = status


class Dated(Protocol):
    """A consultation row or a cached copy of one."""

    @property
    def opens_at(self) -> datetime: ...
    @property
    def closes_at(self) -> datetime: ...


class Titled(Protocol):
    @property
    def title_de(self) -> str: ...
    @property
    def title_en(self) -> str: ...
    @property
    def description_de(self) -> str: ...
    @property
    def description_en(self) -> str: ...


def consultation_status(consultation: Dated, now: datetime) -> Status:
    if now < consultation.opens_at:
        return "upcoming"
    if now >= consultation.closes_at:
        return "closed"
    return "open"


def ensure_open(consultation: Consultation, now: datetime) -> None:
    status = consultation_status(consultation, now)
    if status != "open":
        raise ConsultationNotOpen(consultation.id, status)


async def list_consultations(
    session: AsyncSession, now: datetime, status: Status = "open"
) -> list[Consultation]:
    """Open ones closing soonest first, upcoming ones opening soonest first, closed newest first."""
    query = select(Consultation)
    if status == "open":
        query = query.where(Consultation.opens_at <= now, Consultation.closes_at > now)
        query = query.order_by(Consultation.closes_at, Consultation.id)
    elif status == "upcoming":
        query = query.where(Consultation.opens_at > now).order_by(Consultation.opens_at)
    else:
        query = query.where(Consultation.closes_at <= now)
        query = query.order_by(Consultation.closes_at.desc(), Consultation.id.desc())
    return list((await session.scalars(query)).all())


async def all_consultations(session: AsyncSession) -> list[Consultation]:
    """Every consultation, the latest deadline first (the staff pages' choice)."""
    query = select(Consultation).order_by(Consultation.closes_at.desc(), Consultation.id)
    return list((await session.scalars(query)).all())


async def consultations_by_ids(
    session: AsyncSession, consultation_ids: Sequence[int]
) -> list[Consultation]:
    query = select(Consultation).where(Consultation.id.in_(consultation_ids))
    return list((await session.scalars(query)).all())


async def consultation_by_id(session: AsyncSession, consultation_id: int) -> Consultation | None:
    return await session.get(Consultation, consultation_id)


async def find_consultation(session: AsyncSession, reference: str) -> Consultation | None:
    """By id ("3", "c-3") or slug ("spielplatz-lindenpark")."""
    cleaned = reference.strip().lower()
    number = cleaned[2:] if cleaned.startswith(("c-", "u-")) else cleaned
    if number.isdigit():
        return await consultation_by_id(session, int(number))
    return await session.scalar(select(Consultation).where(Consultation.slug == cleaned))


async def consultation_questions(
    session: AsyncSession, consultation_id: int
) -> list[ConsultationQuestion]:
    query = (
        select(ConsultationQuestion)
        .where(ConsultationQuestion.consultation_id == consultation_id)
        .order_by(ConsultationQuestion.position, ConsultationQuestion.id)
    )
    return list((await session.scalars(query)).all())


def localized(consultation: Titled, language: str) -> tuple[str, str]:
    """Title and description in the language asked for."""
    if language == "en":
        return consultation.title_en, consultation.description_en
    return consultation.title_de, consultation.description_de
