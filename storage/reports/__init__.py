"""Problem reports citizens make in the chat (or through Open311): storing, finding,
following and the categories they are filed under."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.reports import Report, ReportCategory, ReportFollower
from storage.references import REPORT, make_reference, parse_reference

RECEIVED, IN_PROGRESS, DONE = "received", "in_progress", "done"
NOT_RESPONSIBLE, DUPLICATE = "not_responsible", "duplicate"
STATUSES = (RECEIVED, IN_PROGRESS, DONE, NOT_RESPONSIBLE, DUPLICATE)
OPEN_STATUSES = (RECEIVED, IN_PROGRESS)
OTHER_CATEGORY = "other"


async def create_report(
    session: AsyncSession,
    *,
    citizen_id: int | None,
    category_code: str,
    description: str,
    place: str | None,
    language: str,
    now: datetime,
    latitude: float | None = None,
    longitude: float | None = None,
    published: bool = False,
    photos: list[str] | None = None,
) -> Report:
    report = Report(
        citizen_id=citizen_id,
        category_code=category_code,
        description=description,
        place=place,
        latitude=latitude,
        longitude=longitude,
        photos=list(photos or []),
        language=language,
        status=RECEIVED,
        published=published,
        created_at=now,
        updated_at=now,
    )
    session.add(report)
    await session.flush()
    report.ref = make_reference(REPORT, report.id)
    await session.flush()
    return report


async def report_by_id(session: AsyncSession, report_id: int) -> Report | None:
    return await session.get(Report, report_id)


async def report_by_ref(session: AsyncSession, ref: str) -> Report | None:
    report_id = parse_reference(ref, REPORT)
    return None if report_id is None else await report_by_id(session, report_id)


async def reports_of(session: AsyncSession, citizen_id: int) -> list[Report]:
    return list((await session.scalars(_REPORTS_OF, {"citizen_id": citizen_id})).all())


_REPORTS_OF = (
    select(Report).where(Report.citizen_id == bindparam("citizen_id")).order_by(Report.id.desc())
)


async def categories(session: AsyncSession, *, active_only: bool = True) -> list[ReportCategory]:
    query = select(ReportCategory).order_by(ReportCategory.position, ReportCategory.id)
    if active_only:
        query = query.where(ReportCategory.active.is_(True))
    return list((await session.scalars(query)).all())


async def category_by_code(session: AsyncSession, code: str) -> ReportCategory | None:
    return await session.scalar(select(ReportCategory).where(ReportCategory.code == code))


async def follow(session: AsyncSession, report_id: int, citizen_id: int, now: datetime) -> bool:
    """The citizen gets news of the report; False when they already do (or made it)."""
    report = await session.get(Report, report_id)
    if report is None or report.citizen_id == citizen_id:
        return False
    if await session.get(ReportFollower, (report_id, citizen_id)) is not None:
        return False
    session.add(ReportFollower(report_id=report_id, citizen_id=citizen_id, created_at=now))
    await session.flush()
    return True


async def follower_ids(session: AsyncSession, report_id: int) -> list[int]:
    query = (
        select(ReportFollower.citizen_id)
        .where(ReportFollower.report_id == report_id)
        .order_by(ReportFollower.created_at, ReportFollower.citizen_id)
    )
    return list((await session.scalars(query)).all())


async def followed_by(session: AsyncSession, citizen_id: int) -> list[Report]:
    query = (
        select(Report)
        .join(ReportFollower, ReportFollower.report_id == Report.id)
        .where(ReportFollower.citizen_id == citizen_id)
        .order_by(Report.id.desc())
    )
    return list((await session.scalars(query)).all())
