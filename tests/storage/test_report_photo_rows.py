"""Report photos kept in the database (MITREDEN_REPORT_PHOTO_STORE=database) go as the
files do: with the person at erasure (a rollback keeps them), with a long-closed report's
details at retention, and as orphans an hour after nothing names them. Both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.civic.photos import CleanPhoto, PhotoRules, clean
from bot.civic.retention import RetentionPolicy, apply_retention
from storage import reports
from storage.citizens import erase_citizen
from storage.identities import resolve_citizen
from storage.models.core import Conversation
from storage.models.reports import ReportPhotoFile
from storage.photo_store import DatabasePhotos
from storage.reports.privacy import forget_closed_report_details
from storage.reports.status import change_status
from tests.photo_samples import phone_jpeg

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
Sessions = async_sessionmaker[AsyncSession]
STORE = DatabasePhotos()


def _cleaned() -> CleanPhoto:
    cleaned = clean(phone_jpeg(), PhotoRules())
    assert isinstance(cleaned, CleanPhoto)
    return cleaned


async def _stored(sessions: Sessions, written: datetime | None = None) -> str:
    cleaned = _cleaned()
    async with sessions() as session, session.begin():
        photo_id = await STORE.save(session, cleaned.content, cleaned.thumbnail)
        if written is not None:
            row = await session.get(ReportPhotoFile, photo_id)
            assert row is not None
            row.created_at = written
    return photo_id


async def _stored_ids(sessions: Sessions) -> set[str]:
    async with sessions() as session:
        return set(await session.scalars(select(ReportPhotoFile.photo_id)))


async def _report(session: AsyncSession, citizen_id: int | None, photo: str, at: datetime) -> int:
    report = await reports.create_report(
        session, citizen_id=citizen_id, category_code="road_damage", description="Schlagloch",
        place="Lindenstraße 5", language="de", now=at, photos=[photo],
    )  # fmt: skip
    return report.id


async def test_a_stored_photo_reads_back_as_picture_and_thumbnail(db_sessions: Sessions) -> None:
    cleaned = _cleaned()
    photo = await _stored(db_sessions)
    async with db_sessions() as session:
        assert await STORE.read(session, photo) == cleaned.content
        assert await STORE.read(session, photo, thumbnail=True) == cleaned.thumbnail
        assert await STORE.read(session, "A" * 24) is None  # never stored
        assert await STORE.read(session, "../../etc/passwd") is None


async def test_erasure_deletes_the_rows_of_the_citizens_photos(db_sessions: Sessions) -> None:
    leaving_photo, staying_photo = await _stored(db_sessions), await _stored(db_sessions)
    async with db_sessions() as session, session.begin():
        leaving, _ = await resolve_citizen(session, "telegram", "u1", "u1", "de", NOW)
        staying, _ = await resolve_citizen(session, "telegram", "u2", "u2", "de", NOW)
        await _report(session, leaving, leaving_photo, NOW)
        await _report(session, staying, staying_photo, NOW)
    async with db_sessions() as session, session.begin():
        assert await erase_citizen(session, leaving, STORE)
        await session.rollback()  # changed their mind: nothing happened
    assert await _stored_ids(db_sessions) == {leaving_photo, staying_photo}
    async with db_sessions() as session, session.begin():
        assert await erase_citizen(session, leaving, STORE)
    assert await _stored_ids(db_sessions) == {staying_photo}


async def test_retention_deletes_the_rows_with_the_details(db_sessions: Sessions) -> None:
    old_photo, open_photo = await _stored(db_sessions), await _stored(db_sessions)
    async with db_sessions() as session, session.begin():
        old = await _report(session, None, old_photo, NOW - 400 * DAY)
        row = await reports.report_by_id(session, old)
        assert row is not None
        await change_status(
            session, row, "done", note_de="", note_en="", staff="anna", now=NOW - 390 * DAY
        )
        await _report(session, None, open_photo, NOW - 400 * DAY)
        assert await forget_closed_report_details(session, NOW - 365 * DAY, STORE) == 1
    assert await _stored_ids(db_sessions) == {open_photo}


async def test_the_sweep_removes_rows_nothing_names_once_an_hour_old(
    db_sessions: Sessions, tmp_path: Path
) -> None:
    old, recent = NOW - timedelta(hours=2), NOW - timedelta(minutes=10)
    stray = await _stored(db_sessions, old)  # waited in a conversation that was forgotten
    of_report = await _stored(db_sessions, old)
    waiting = await _stored(db_sessions, old)  # sent, the report not yet sent off
    just_taken = await _stored(db_sessions, recent)  # its conversation goes on
    async with db_sessions() as session, session.begin():
        anna, _ = await resolve_citizen(session, "telegram", "1", "1", "de", NOW)
        await _report(session, anna, of_report, old)
        session.add(
            Conversation(
                channel="telegram", chat="1", user_key="1", citizen_id=anna, updated_at=old,
                state={"flow_id": "report_problem", "slots": {"photos": [waiting]}},
            )
        )  # fmt: skip
    policy = RetentionPolicy(
        conversations=30 * DAY,
        outbox=30 * DAY,
        inbound=7 * DAY,
        inactive_citizens=None,
        report_photo_dir=tmp_path / "unused",
        report_photo_store="database",
    )

    swept = await apply_retention(db_sessions, policy, NOW)

    assert swept.orphan_photos == 1
    left = await _stored_ids(db_sessions)
    assert stray not in left and left == {of_report, waiting, just_taken}
    assert (await apply_retention(db_sessions, policy, NOW)).orphan_photos == 0
