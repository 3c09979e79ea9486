"""Published problem reports in the open-data export: anonymised, position rounded to about
100 m, dates without the time, no photo, never the citizen; unpublished reports not at all."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import reports
from storage.export import export
from storage.identities import resolve_citizen
from storage.reports.status import change_status

NOW = datetime(2026, 11, 3, 21, 47, 13, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]


async def _town_with_reports(db_sessions: Sessions) -> tuple[str, str]:
    """A published report with position and photo, and an unpublished one; their refs."""
    async with db_sessions() as session, session.begin():
        anna, _ = await resolve_citizen(session, "telegram", "4711", "4711", "de", NOW)
        shown = await reports.create_report(
            session, citizen_id=anna, category_code="street_lighting",
            description="Lampe dunkel", place="Lindenstraße 5", language="de", now=NOW,
            latitude=52.520123, longitude=13.404954, published=True,
            photos=["AbCdEfGhIjKlMnOpQrStUvWx"],
        )  # fmt: skip
        hidden = await reports.create_report(
            session, citizen_id=anna, category_code="graffiti",
            description="Schmiererei am Haus von Familie Meier", place="Gartenweg 2",
            language="de", now=NOW,
        )  # fmt: skip
        await change_status(
            session, shown, reports.DONE, note_de="Repariert.", note_en="Fixed.",
            staff="mia", now=NOW + timedelta(days=3),
        )  # fmt: skip
        return shown.ref or "", hidden.ref or ""


async def test_published_reports_are_exported_anonymised_as_json(db_sessions: Sessions) -> None:
    shown, _ = await _town_with_reports(db_sessions)
    async with db_sessions() as session:
        records = json.loads(await export(session, "reports", "json"))
    assert records == [
        {
            "ref": shown,
            "category": "street_lighting",
            "status": "done",
            "created_on": "2026-11-03",
            "updated_on": "2026-11-06",
            "description": "Lampe dunkel",
            "place": "Lindenstraße 5",
            "latitude": 52.52,
            "longitude": 13.405,
            "photo_url": None,
        }
    ]


async def test_the_csv_has_the_same_rows_and_nothing_of_the_person(db_sessions: Sessions) -> None:
    shown, hidden = await _town_with_reports(db_sessions)
    async with db_sessions() as session:
        text = await export(session, "reports", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["ref"], r["latitude"], r["longitude"]) for r in rows] == [(shown, "52.52", "13.405")]
    assert hidden not in text and "Meier" not in text
    assert "4711" not in text and "citizen" not in text and "AbCdEf" not in text
