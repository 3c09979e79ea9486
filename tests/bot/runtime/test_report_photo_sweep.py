"""The retention job removes report photo files nothing names once they are an hour old: a
turn that failed after storing its photo, or a crash, leaves such files. Photos of reports,
and photos of reports still being written (the id waits in the conversation), stay."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.civic.photos import CleanPhoto, PhotoRules, clean
from bot.civic.retention import RetentionPolicy, apply_retention
from storage import report_photos, reports
from storage.identities import resolve_citizen
from storage.models.core import Conversation
from tests.photo_samples import phone_jpeg

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
Sessions = async_sessionmaker[AsyncSession]


def _policy(folder: Path) -> RetentionPolicy:
    return RetentionPolicy(
        conversations=30 * DAY,
        outbox=30 * DAY,
        inbound=7 * DAY,
        inactive_citizens=None,
        report_photo_dir=folder,
    )


def _photo(folder: Path, written: datetime) -> str:
    cleaned = clean(phone_jpeg(), PhotoRules(folder))
    assert isinstance(cleaned, CleanPhoto)
    photo_id = report_photos.save(folder, cleaned.content, cleaned.thumbnail)
    for file in folder.glob(f"{photo_id}*"):
        os.utime(file, (written.timestamp(), written.timestamp()))
    return photo_id


def _files(folder: Path, photo_id: str) -> list[str]:
    return sorted(file.name.removeprefix(photo_id) for file in folder.glob(f"{photo_id}*"))


async def test_a_stray_photo_goes_and_photos_a_report_or_a_conversation_names_stay(
    db_sessions: Sessions, tmp_path: Path
) -> None:
    old, recent = NOW - timedelta(hours=2), NOW - timedelta(minutes=10)
    stray = _photo(tmp_path, old)  # its turn failed after the photo was stored
    of_report = _photo(tmp_path, old)
    waiting = _photo(tmp_path, old)  # sent, the report not yet sent off
    just_taken = _photo(tmp_path, recent)  # its turn may still be running
    half_written = tmp_path / "ZyXwVuTsRqPoNmLkJiHgFeDc.jpg.part"  # a crash mid-write
    half_written.write_bytes(b"\xff\xd8")
    os.utime(half_written, (old.timestamp(), old.timestamp()))
    not_ours = tmp_path / "notes.txt"
    not_ours.write_text("kept by the operator")
    async with db_sessions() as session, session.begin():
        anna, _ = await resolve_citizen(session, "telegram", "1", "1", "de", NOW)
        await reports.create_report(
            session, citizen_id=anna, category_code="road_damage", description="Schlagloch",
            place="Lindenstraße 5", language="de", now=old, photos=[of_report],
        )  # fmt: skip
        session.add(
            Conversation(
                channel="telegram", chat="1", user_key="1", citizen_id=anna, updated_at=old,
                state={"flow_id": "report_problem", "slots": {"photos": [waiting]}},
            )
        )  # fmt: skip

    swept = await apply_retention(db_sessions, _policy(tmp_path), NOW)

    assert swept.orphan_photos == 2
    assert _files(tmp_path, stray) == [] and not half_written.exists()
    for kept in (of_report, waiting, just_taken):
        assert _files(tmp_path, kept) == [".jpg", ".thumb.jpg"], kept
    assert not_ours.read_text() == "kept by the operator"
    again = await apply_retention(db_sessions, _policy(tmp_path), NOW)
    assert again.orphan_photos == 0


async def test_a_missing_photo_folder_is_nothing_to_sweep(
    db_sessions: Sessions, tmp_path: Path
) -> None:
    swept = await apply_retention(db_sessions, _policy(tmp_path / "not-yet"), NOW)
    assert swept.orphan_photos == 0
