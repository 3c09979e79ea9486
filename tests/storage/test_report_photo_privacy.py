"""Report photos go with the person and with the report's details: erasure removes the
photos of the citizen's reports (rows and files), retention those of long-closed reports;
a transaction that rolls back keeps the files its rows still name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.civic.photos import CleanPhoto, PhotoRules, clean
from storage import report_photos, reports
from storage.citizens import erase_citizen
from storage.identities import resolve_citizen
from storage.reports.privacy import forget_closed_report_details
from storage.reports.status import change_status
from tests.photo_samples import phone_jpeg

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _stored(folder: Path) -> str:
    cleaned = clean(phone_jpeg(), PhotoRules(folder))
    assert isinstance(cleaned, CleanPhoto)
    return report_photos.save(folder, cleaned.content, cleaned.thumbnail)


async def _report(session: AsyncSession, citizen_id: int | None, photo: str, at: datetime) -> int:
    report = await reports.create_report(
        session,
        citizen_id=citizen_id,
        category_code="road_damage",
        description="Schlagloch",
        place="Lindenstraße 5",
        language="de",
        now=at,
        photos=[photo],
    )
    return report.id


async def test_erasure_deletes_the_photos_of_the_citizens_reports(
    db_sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    leaving_photo, staying_photo = _stored(tmp_path), _stored(tmp_path)
    async with db_sessions() as session, session.begin():
        leaving, _ = await resolve_citizen(session, "telegram", "u1", "u1", "de", NOW)
        staying, _ = await resolve_citizen(session, "telegram", "u2", "u2", "de", NOW)
        theirs = await _report(session, leaving, leaving_photo, NOW)
        await _report(session, staying, staying_photo, NOW)
    async with db_sessions() as session:
        async with session.begin():
            assert await erase_citizen(session, leaving, tmp_path)
            await session.rollback()  # changed their mind: nothing happened
        assert report_photos.path(tmp_path, leaving_photo) is not None
    async with db_sessions() as session, session.begin():
        assert await erase_citizen(session, leaving, tmp_path)
    assert report_photos.path(tmp_path, leaving_photo) is None
    assert report_photos.path(tmp_path, leaving_photo, thumbnail=True) is None
    assert report_photos.path(tmp_path, staying_photo) is not None
    async with db_sessions() as session:
        kept = await reports.report_by_id(session, theirs)
    assert kept is not None and kept.photos == [] and kept.description  # the problem stays


async def test_retention_deletes_photos_with_the_details(
    db_sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    old_photo, open_photo = _stored(tmp_path), _stored(tmp_path)
    async with db_sessions() as session, session.begin():
        old = await _report(session, None, old_photo, NOW - 400 * DAY)
        row = await reports.report_by_id(session, old)
        assert row is not None
        await change_status(
            session, row, "done", note_de="", note_en="", staff="anna", now=NOW - 390 * DAY
        )
        await _report(session, None, open_photo, NOW - 400 * DAY)
        assert await forget_closed_report_details(session, NOW - 365 * DAY, tmp_path) == 1
    assert report_photos.path(tmp_path, old_photo) is None
    assert report_photos.path(tmp_path, open_photo) is not None
