"""Lists of reports: the staff list with its filters, and the public list (Open311) that
shows only published reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.reports import Report
from storage.reports import OPEN_STATUSES


@dataclass(frozen=True)
class Area:
    """A box on the map in degrees; the edges count as inside."""

    south: float
    west: float
    north: float
    east: float


@dataclass(frozen=True)
class StaffFilter:
    status: str = "open"  # "open" (received or in progress), "all" or one status
    category: str = ""
    text: str = ""  # in the description, the place or the reference
    received_before: datetime | None = None
    received_after: datetime | None = None
    area: Area | None = None  # only reports with a position inside


def _staff_query(wanted: StaffFilter) -> Select[Report]:
    query = select(Report)
    if wanted.status == "open":
        query = query.where(Report.status.in_(OPEN_STATUSES))
    elif wanted.status != "all":
        query = query.where(Report.status == wanted.status)
    if wanted.category:
        query = query.where(Report.category_code == wanted.category)
    text = wanted.text.strip().lower()
    if text:
        query = query.where(
            or_(
                func.lower(Report.description).contains(text, autoescape=True),
                func.lower(func.coalesce(Report.place, "")).contains(text, autoescape=True),
                func.lower(func.coalesce(Report.ref, "")) == text,
            )
        )
    if wanted.received_before is not None:
        query = query.where(Report.created_at < wanted.received_before)
    if wanted.received_after is not None:
        query = query.where(Report.created_at >= wanted.received_after)
    if wanted.area is not None:
        # plain ranges, so the position index serves them; no position means not inside
        query = query.where(
            Report.latitude.between(wanted.area.south, wanted.area.north),
            Report.longitude.between(wanted.area.west, wanted.area.east),
        )
    return query


async def staff_list(
    session: AsyncSession, wanted: StaffFilter, *, offset: int = 0, limit: int = 50
) -> tuple[list[Report], int]:
    """One page of matching reports, oldest open ones first, and how many match in all."""
    query = _staff_query(wanted)
    total = int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    query = query.order_by(Report.created_at, Report.id).offset(offset).limit(limit)
    return list((await session.scalars(query)).all()), total


@dataclass(frozen=True)
class PublicFilter:
    ids: Sequence[int] = ()
    categories: Sequence[str] = ()
    statuses: Sequence[str] = ()  # our statuses
    start: datetime | None = None
    end: datetime | None = None


async def published_reports(
    session: AsyncSession, wanted: PublicFilter, *, limit: int = 1000
) -> list[Report]:
    """Published reports matching the filter, newest first."""
    query = select(Report).where(Report.published.is_(True))
    if wanted.ids:
        query = query.where(Report.id.in_(list(wanted.ids)))
    if wanted.categories:
        query = query.where(Report.category_code.in_(list(wanted.categories)))
    if wanted.statuses:
        query = query.where(Report.status.in_(list(wanted.statuses)))
    if wanted.start is not None:
        query = query.where(Report.created_at >= wanted.start)
    if wanted.end is not None:
        query = query.where(Report.created_at <= wanted.end)
    query = query.order_by(Report.created_at.desc(), Report.id.desc()).limit(limit)
    return list((await session.scalars(query)).all())
