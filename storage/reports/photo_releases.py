"""Which report photos staff released for the public, and their public addresses.

A photo is served without a login only while both hold: staff released that photo, and
the report is published. Withdrawing either closes it again; erasing the citizen and the
report's retention withdraw the release for good.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import report_photos
from storage.models.reports import Report, ReportPhotoRelease

FEW_REPORTS = 500  # up to this many are asked for by id, more by reading every release
PUBLIC_PATH = "/report-photos"  # the public route's prefix (bot/web/public_photos.py)


def photo_address(public_url: str, photo_id: str, *, thumbnail: bool = False) -> str:
    """The photo's public address under MITREDEN_PUBLIC_URL."""
    name = "thumbnail.jpg" if thumbnail else "photo.jpg"
    return f"{public_url.rstrip('/')}{PUBLIC_PATH}/{photo_id}/{name}"


async def released_photos(session: AsyncSession, report_id: int) -> set[str]:
    rows = await session.scalars(
        select(ReportPhotoRelease.photo_id).where(ReportPhotoRelease.report_id == report_id)
    )
    return set(rows)


async def release(
    session: AsyncSession, report: Report, photo_id: str, staff: str, now: datetime
) -> bool:
    """Releases one of the report's photos; False when it is no photo of this report."""
    if photo_id not in report.photos:
        return False
    if await session.get(ReportPhotoRelease, photo_id) is None:
        session.add(
            ReportPhotoRelease(
                photo_id=photo_id, report_id=report.id, released_by=staff, released_at=now
            )
        )
        await session.flush()
    return True


async def withdraw(session: AsyncSession, report: Report, photo_id: str) -> bool:
    """Withdraws a release; False when it is no photo of this report."""
    if photo_id not in report.photos:
        return False
    await session.execute(
        delete(ReportPhotoRelease).where(
            ReportPhotoRelease.photo_id == photo_id, ReportPhotoRelease.report_id == report.id
        )
    )
    return True


async def withdraw_all(session: AsyncSession, report_ids: Iterable[int]) -> None:
    """Erasure and retention: the releases of these reports go with their photos."""
    ids = list(report_ids)
    if ids:
        await session.execute(
            delete(ReportPhotoRelease).where(ReportPhotoRelease.report_id.in_(ids))
        )


async def public_photo(session: AsyncSession, photo_id: str) -> bool:
    """Whether the photo may be served without a login right now."""
    if not report_photos.valid_id(photo_id):
        return False
    report = await session.scalar(
        select(Report)
        .join(ReportPhotoRelease, ReportPhotoRelease.report_id == Report.id)
        .where(ReportPhotoRelease.photo_id == photo_id, Report.published.is_(True))
    )
    # the report must still name the photo: retention and erasure empty `photos`
    return report is not None and photo_id in report.photos


async def first_public_photos(session: AsyncSession, reports: Iterable[Report]) -> dict[int, str]:
    """Per published report, the first of its photos staff released (GeoReport and the
    open-data table have one photo address per report)."""
    shown = [report for report in reports if report.published and report.photos]
    if not shown:
        return {}
    # the open-data export asks for every report, more than a statement's parameters may
    # hold: then every release of a published report is read, in one query
    query = (
        select(ReportPhotoRelease.report_id, ReportPhotoRelease.photo_id)
        .join(Report, Report.id == ReportPhotoRelease.report_id)
        .where(Report.published.is_(True))
    )
    if len(shown) <= FEW_REPORTS:
        query = query.where(ReportPhotoRelease.report_id.in_([report.id for report in shown]))
    rows = await session.execute(query)
    released: dict[int, set[str]] = {}
    for report_id, photo_id in rows:
        released.setdefault(report_id, set()).add(photo_id)
    first: dict[int, str] = {}
    for report in shown:
        found = [p for p in report.photos if p in released.get(report.id, set())]
        if found:
            first[report.id] = found[0]
    return first
