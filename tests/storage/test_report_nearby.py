"""Finding the open reports at the same spot among many: every open report within the
radius is found however many others the category has, near the date line too, and typed
places still count where a report has no position."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import reports
from storage.models.reports import Report
from storage.reports.nearby import bounding_box, distance_m, possible_duplicates

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LAT, LON = 50.0, 8.0
METRE_LAT = 1 / 111_195  # degrees of latitude per metre


async def _report(
    session: AsyncSession,
    *,
    place: str | None,
    lat: float | None,
    lon: float | None,
    at: datetime = NOW,
) -> Report:
    return await reports.create_report(
        session,
        citizen_id=None,
        category_code="street_lighting",
        description="Die Laterne ist dunkel.",
        place=place,
        language="de",
        now=at,
        latitude=lat,
        longitude=lon,
    )


async def test_an_old_report_at_the_spot_is_found_behind_many_newer_ones(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        old = await _report(session, place=None, lat=LAT, lon=LON, at=NOW - timedelta(days=60))
        # 600 newer open lamp reports elsewhere in town, a kilometre and more away
        await session.execute(
            insert(Report),
            [
                {
                    "category_code": "street_lighting",
                    "description": "Laterne",
                    "place": f"Weg {number}",
                    "latitude": LAT + (1000 + number) * METRE_LAT,
                    "longitude": LON,
                    "photos": [],
                    "language": "de",
                    "status": "received",
                    "published": False,
                    "created_at": NOW - timedelta(minutes=number),
                    "updated_at": NOW,
                }
                for number in range(600)
            ],
        )
    async with db_sessions() as session:
        found = await possible_duplicates(
            session,
            "street_lighting",
            latitude=LAT + 20 * METRE_LAT,
            longitude=LON,
            place="Lindenstraße",
            radius_m=50,
        )
    assert [report.id for report in found] == [old.id]


async def test_the_same_spot_across_the_date_line(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        east = await _report(session, place=None, lat=-17.0, lon=179.99995)
    async with db_sessions() as session:
        found = await possible_duplicates(
            session,
            "street_lighting",
            latitude=-17.0,
            longitude=-179.99995,
            place=None,
            radius_m=50,
        )
    assert [report.id for report in found] == [east.id]
    assert distance_m(-17.0, 179.99995, -17.0, -179.99995) < 50


async def test_measured_ones_first_then_typed_places_without_a_position(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        typed = await _report(session, place="Lindenstr. 7", lat=None, lon=None)
        far = await _report(session, place="Lindenstraße 5", lat=LAT + 900 * METRE_LAT, lon=LON)
        near = await _report(session, place="Marktplatz", lat=LAT + 10 * METRE_LAT, lon=LON)
    async with db_sessions() as session:
        found = await possible_duplicates(
            session,
            "street_lighting",
            latitude=LAT,
            longitude=LON,
            place="Lindenstraße 5",
            radius_m=50,
        )
    # the far one names the same street, but its position says it is elsewhere
    assert [report.id for report in found] == [near.id, typed.id]
    assert far.id not in [report.id for report in found]


def test_the_box_holds_every_point_of_the_circle() -> None:
    for latitude in (0.0, 50.0, -60.0, 80.0):
        (south, north), longitudes = bounding_box(latitude, 8.0, 500)
        assert longitudes is not None
        west, east = longitudes
        for step in range(360):
            # points on the circle, 500 m away in every direction, lie inside the box
            bearing = math.radians(step)
            dlat = 500 * math.cos(bearing) / 111_195
            dlon = 500 * math.sin(bearing) / (111_195 * math.cos(math.radians(latitude + dlat)))
            assert south <= latitude + dlat <= north
            assert west <= 8.0 + dlon <= east
    assert bounding_box(89.9, 8.0, 500)[1] is None
