"""Staff download published problem reports as open data from "Offene Daten"."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from bot.app import App
from storage import reports
from tests.bot.web.support import StaffClient

NOW = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


async def test_published_reports_download_with_rounded_position_and_no_person(
    web_app: App, staff: StaffClient
) -> None:
    async with web_app.sessions() as session, session.begin():
        shown = await reports.create_report(
            session, citizen_id=None, category_code="road_damage", description="Schlagloch",
            place="Bahnhofstraße", language="de", now=NOW, latitude=52.5164, longitude=13.3777,
            published=True,
        )  # fmt: skip
        await reports.create_report(
            session, citizen_id=None, category_code="graffiti", description="noch nicht geprüft",
            place=None, language="de", now=NOW,
        )  # fmt: skip
    page = (await staff.get("/exports")).text
    assert "Meldungen" in page and "/exports/reports.csv" in page
    data = json.loads((await staff.get("/exports/reports.json")).text)
    assert [(r["ref"], r["latitude"], r["longitude"]) for r in data["records"]] == [
        (shown.ref, 52.516, 13.378)
    ]
    assert data["licence"] == "CC BY 4.0"
    response = await staff.get("/exports/reports.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["ref"], r["category"], r["status"]) for r in rows] == [
        (shown.ref, "road_damage", "received")
    ]
    assert "noch nicht geprüft" not in response.text
