"""The staff list's filters by age and by a box on the map, alone and with the others."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import reports
from storage.models.reports import Report
from storage.reports.listing import Area, StaffFilter, staff_list

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
LAT, LON = 50.0, 8.0
# the old town around the Rathaus
OLD_TOWN = Area(south=LAT - 0.01, west=LON - 0.01, north=LAT + 0.01, east=LON + 0.01)


async def _report(
    session: AsyncSession,
    *,
    days_ago: int,
    position: tuple[float, float] | None,
    category: str = "street_lighting",
) -> Report:
    return await reports.create_report(
        session,
        citizen_id=None,
        category_code=category,
        description="Die Laterne ist dunkel.",
        place="Lindenstraße 5",
        language="de",
        now=NOW - days_ago * DAY,
        latitude=position[0] if position else None,
        longitude=position[1] if position else None,
    )


async def _ids(session: AsyncSession, wanted: StaffFilter) -> list[int]:
    rows, total = await staff_list(session, wanted)
    assert total == len(rows)
    return [row.id for row in rows]


async def test_age_and_area_narrow_the_list_alone_and_together(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        old_inside = await _report(session, days_ago=40, position=(LAT, LON))
        old_elsewhere = await _report(session, days_ago=35, position=(LAT + 0.2, LON))
        week_edge = await _report(session, days_ago=8, position=(LAT + 0.01, LON - 0.01))
        new_inside = await _report(
            session, days_ago=1, position=(LAT - 0.005, LON), category="road_damage"
        )
        new_unplaced = await _report(session, days_ago=0, position=None)
    async with db_sessions() as session:
        everything = await _ids(session, StaffFilter())
        older_7 = await _ids(session, StaffFilter(received_before=NOW - 7 * DAY))
        older_30 = await _ids(session, StaffFilter(received_before=NOW - 30 * DAY))
        newer_7 = await _ids(session, StaffFilter(received_after=NOW - 7 * DAY))
        inside = await _ids(session, StaffFilter(area=OLD_TOWN))
        old_and_inside = await _ids(
            session, StaffFilter(area=OLD_TOWN, received_before=NOW - 7 * DAY)
        )
        roads_inside = await _ids(session, StaffFilter(area=OLD_TOWN, category="road_damage"))
        nowhere = await _ids(
            session, StaffFilter(area=Area(south=-10.0, west=-10.0, north=-9.0, east=-9.0))
        )
    oldest_first = [old_inside, old_elsewhere, week_edge, new_inside, new_unplaced]
    assert everything == [row.id for row in oldest_first]
    assert older_7 == [old_inside.id, old_elsewhere.id, week_edge.id]
    assert older_30 == [old_inside.id, old_elsewhere.id]
    assert newer_7 == [new_inside.id, new_unplaced.id]
    # a report on the box's edge counts as inside; one without a position never does
    assert inside == [old_inside.id, week_edge.id, new_inside.id]
    assert old_and_inside == [old_inside.id, week_edge.id]
    assert roads_inside == [new_inside.id]
    assert nowhere == []
