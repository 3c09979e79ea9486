"""Released report photos in open data: the address of a photo shows only while staff
released it and the report is published; retention and a withdrawal take it away."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import reports
from storage.export import export
from storage.models.reports import Report
from storage.reports.photo_releases import public_photo, release, withdraw
from storage.reports.privacy import forget_closed_report_details
from storage.reports.status import change_status

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PUBLIC_URL = "https://mitreden.musterstadt.de"
FIRST, SECOND = "AbCdEfGhIjKlMnOpQrStUvWx", "ZyXwVuTsRqPoNmLkJiHgFeDc"
Sessions = async_sessionmaker[AsyncSession]


async def _report(db_sessions: Sessions, published: bool) -> int:
    async with db_sessions() as session, session.begin():
        report = await reports.create_report(
            session, citizen_id=None, category_code="road_damage", description="Schlagloch",
            place="Lindenstraße 5", language="de", now=NOW, photos=[FIRST, SECOND],
            published=published,
        )  # fmt: skip
        return report.id


async def _photo_urls(db_sessions: Sessions, public_url: str = PUBLIC_URL) -> list[str | None]:
    async with db_sessions() as session:
        records = json.loads(await export(session, "reports", "json", public_url))
    return [record["photo_url"] for record in records]


async def _row(session: AsyncSession, report_id: int) -> Report:
    row = await reports.report_by_id(session, report_id)
    assert row is not None
    return row


async def test_open_data_names_the_first_released_photo_of_a_published_report(
    db_sessions: Sessions,
) -> None:
    shown = await _report(db_sessions, published=True)
    hidden = await _report(db_sessions, published=False)
    assert await _photo_urls(db_sessions) == [None]
    async with db_sessions() as session, session.begin():
        assert await release(session, await _row(session, shown), SECOND, "mia", NOW)
        assert await release(session, await _row(session, hidden), FIRST, "mia", NOW)
        # a name that is no photo of the report is not released
        assert not await release(session, await _row(session, shown), "X" * 24, "mia", NOW)
    address = f"{PUBLIC_URL}/report-photos/{SECOND}/photo.jpg"
    assert await _photo_urls(db_sessions) == [address]
    assert await _photo_urls(db_sessions, "") == [None]  # no public address known: none
    async with db_sessions() as session:
        csv_text = await export(session, "reports", "csv", PUBLIC_URL)
        assert address in csv_text and FIRST not in csv_text
        assert await public_photo(session, SECOND) and not await public_photo(session, FIRST)
    async with db_sessions() as session, session.begin():
        assert await withdraw(session, await _row(session, shown), SECOND)
    assert await _photo_urls(db_sessions) == [None]


async def test_retention_takes_the_release_with_the_photos(
    db_sessions: Sessions, tmp_path: Path
) -> None:
    shown = await _report(db_sessions, published=True)
    async with db_sessions() as session, session.begin():
        row = await _row(session, shown)
        await release(session, row, FIRST, "mia", NOW)
        await change_status(
            session, row, reports.DONE, note_de="", note_en="", staff="mia", now=NOW
        )
    async with db_sessions() as session, session.begin():
        assert await forget_closed_report_details(session, NOW + timedelta(days=400), tmp_path)
    async with db_sessions() as session:
        assert not await public_photo(session, FIRST)
    assert await _photo_urls(db_sessions) == [None]
