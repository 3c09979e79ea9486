"""What of a report is personal and goes after its retention period: the description, the
place, the position and photos of reports closed long ago. Category, status and dates stay
for the town's figures."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import ColumnElement, and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.reports import Report, ReportPhotoRelease
from storage.photo_store import PhotoStore, as_store
from storage.reports import OPEN_STATUSES

FORGOTTEN = ""  # the description of a report whose details were removed


async def forget_closed_report_details(
    session: AsyncSession, before: datetime, photo_dir: Path | PhotoStore | None = None
) -> int:
    """Empties the details of reports closed (last changed) before `before`; how many.
    Their photos go from `photo_dir` (a folder or the photo store) once the transaction
    commits."""
    closed = and_(Report.status.not_in(OPEN_STATUSES), Report.updated_at < before)
    if photo_dir is not None:
        await _remove_photos(session, closed, photo_dir)
    # the photos go from the report below: their public releases go with them
    await session.execute(
        delete(ReportPhotoRelease).where(
            ReportPhotoRelease.report_id.in_(select(Report.id).where(closed))
        )
    )
    result = await session.execute(
        update(Report)
        .where(
            closed,
            or_(
                Report.description != FORGOTTEN,
                Report.place.is_not(None),
                Report.latitude.is_not(None),
                Report.longitude.is_not(None),
            ),
        )
        .values(description=FORGOTTEN, place=None, latitude=None, longitude=None, photos=[])
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def forget_photos_of(
    session: AsyncSession, citizen_id: int, photo_dir: Path | PhotoStore
) -> int:
    """Erasure: the photos of the citizen's reports that staff did not publish go, rows
    and files (after the commit); how many reports had some."""
    return await _remove_photos(
        session, and_(Report.citizen_id == citizen_id, Report.published.is_(False)), photo_dir
    )


async def withdraw_photos_of(session: AsyncSession, citizen_id: int) -> None:
    """Erasure: no photo of the citizen's reports stays public, published report or not
    (staff still see the photos of published reports)."""
    await session.execute(
        delete(ReportPhotoRelease).where(
            ReportPhotoRelease.report_id.in_(
                select(Report.id).where(Report.citizen_id == citizen_id)
            )
        )
    )


async def _remove_photos(
    session: AsyncSession, which: ColumnElement[bool], photo_dir: Path | PhotoStore
) -> int:
    store = as_store(photo_dir)
    rows = (await session.execute(select(Report.id, Report.photos).where(which))).all()
    with_photos = [(report_id, photos) for report_id, photos in rows if photos]
    for report_id, photos in with_photos:
        await session.execute(
            update(Report)
            .where(Report.id == report_id)
            .values(photos=[])
            .execution_options(synchronize_session=False)
        )
        await store.remove_after_commit(session, [str(p) for p in photos])
    return len(with_photos)
