"""Problem reports in the store: references, the seeded categories, possible duplicates by
distance and by place text, status history, following, erasure and retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import reports
from storage.citizens import erase_citizen
from storage.identities import resolve_citizen
from storage.models.reports import Report
from storage.reports.listing import PublicFilter, StaffFilter, published_reports, staff_list
from storage.reports.nearby import distance_m, possible_duplicates, similar_place
from storage.reports.privacy import forget_closed_report_details
from storage.reports.status import change_status, history
from storage.retention import idle_anonymous_citizens

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
# the Rathaus of a small town, and points a known distance north of it
LAT, LON = 50.0, 8.0
METRE_LAT = 1 / 111_195  # degrees of latitude per metre


async def _report(
    session: AsyncSession,
    citizen_id: int | None,
    category: str = "street_lighting",
    *,
    place: str | None = "Lindenstraße 5",
    lat: float | None = None,
    lon: float | None = None,
    at: datetime = NOW,
) -> Report:
    return await reports.create_report(
        session,
        citizen_id=citizen_id,
        category_code=category,
        description="Die Laterne ist seit Tagen dunkel.",
        place=place,
        language="de",
        now=at,
        latitude=lat,
        longitude=lon,
    )


async def test_a_report_gets_an_m_number_and_the_town_categories_are_there(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        citizen, _ = await resolve_citizen(session, "telegram", "u1", "u1", "de", NOW)
        made = await _report(session, citizen)
    async with db_sessions() as session:
        found = await reports.report_by_ref(session, f"m{made.id}")
        listed = await reports.categories(session)
        mine = await reports.reports_of(session, citizen)
    assert found is not None and found.ref == f"M-{made.id}"
    assert found.status == "received" and not found.published
    names = [category.name_de for category in listed]
    assert names[0] == "Straßenschaden/Schlagloch" and names[-1] == "Sonstiges"
    assert {"Straßenbeleuchtung", "Illegale Müllablagerung", "Spielplatz", "Graffiti"} <= set(names)
    assert "Schlagloch" in listed[0].keywords_de
    assert [report.ref for report in mine] == [found.ref]


def test_haversine_distance_matches_a_known_length() -> None:
    # one degree of latitude is about 111.2 km everywhere
    assert distance_m(50.0, 8.0, 51.0, 8.0) == pytest.approx(111_195, rel=1e-3)
    assert distance_m(LAT, LON, LAT + 40 * METRE_LAT, LON) == pytest.approx(40, abs=0.5)


@pytest.mark.parametrize(
    ("first", "second", "alike"),
    [
        ("Lindenstraße 5", "lindenstr. 7", True),
        ("vor der Lindenstrase 5", "Lindenstraße", True),
        ("Marktplatz", "am Marktplatz beim Brunnen", True),
        ("Lindenstraße", "Bahnhofstraße", False),
        ("Spielplatz Lindenpark", "Spielplatz Rosengarten", False),
    ],
)
def test_typed_places_that_name_the_same_spot(first: str, second: str, alike: bool) -> None:
    assert similar_place(first, second) is alike


async def test_open_reports_within_the_radius_are_possible_duplicates(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        near = await _report(session, None, place=None, lat=LAT + 30 * METRE_LAT, lon=LON)
        await _report(session, None, place=None, lat=LAT + 80 * METRE_LAT, lon=LON)
        await _report(session, None, "graffiti", place=None, lat=LAT, lon=LON)
        closed = await _report(session, None, place=None, lat=LAT, lon=LON)
        await change_status(session, closed, "done", note_de="", note_en="", staff="anna", now=NOW)
    async with db_sessions() as session:
        inside = await possible_duplicates(
            session, "street_lighting", latitude=LAT, longitude=LON, place=None, radius_m=50
        )
        wider = await possible_duplicates(
            session, "street_lighting", latitude=LAT, longitude=LON, place=None, radius_m=100
        )
    assert [report.id for report in inside] == [near.id]
    assert len(wider) == 2 and wider[0].id == near.id


async def test_without_a_position_a_similar_place_text_counts(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        same = await _report(session, None, place="Lindenstraße 5")
        await _report(session, None, place="Bahnhofstraße 2")
        await _report(session, None, "road_damage", place="Lindenstraße 5")
    async with db_sessions() as session:
        found = await possible_duplicates(
            session,
            "street_lighting",
            latitude=None,
            longitude=None,
            place="Lindenstr. 7",
            radius_m=50,
        )
    assert [report.id for report in found] == [same.id]


async def test_status_history_and_a_duplicate_hands_its_people_to_the_original(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        first, _ = await resolve_citizen(session, "telegram", "u1", "u1", "de", NOW)
        second, _ = await resolve_citizen(session, "telegram", "u2", "u2", "de", NOW)
        original = await _report(session, first)
        repeat = await _report(session, second)
        await change_status(
            session,
            original,
            "in_progress",
            note_de="Der Bauhof ist informiert.",
            note_en="The depot has been told.",
            staff="anna",
            now=NOW + DAY,
        )
        await change_status(
            session,
            repeat,
            "duplicate",
            note_de="",
            note_en="",
            staff="anna",
            now=NOW + DAY,
            duplicate_of=original,
        )
        with pytest.raises(ValueError, match="unknown status"):
            await change_status(
                session, original, "lost", note_de="", note_en="", staff="a", now=NOW
            )
    async with db_sessions() as session:
        changes = await history(session, original.id)
        followers = await reports.follower_ids(session, original.id)
        reread = await reports.report_by_id(session, repeat.id)
    assert [(c.status, c.note_de) for c in changes] == [
        ("in_progress", "Der Bauhof ist informiert.")
    ]
    assert followers == [second]
    assert reread is not None and reread.duplicate_of_id == original.id


async def test_erasure_unlinks_the_reporter_and_ends_their_following(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        leaving, _ = await resolve_citizen(session, "telegram", "u1", "u1", "de", NOW)
        staying, _ = await resolve_citizen(session, "telegram", "u2", "u2", "de", NOW)
        theirs = await _report(session, leaving)
        other = await _report(session, staying, place="Marktplatz")
        assert await reports.follow(session, other.id, leaving, NOW)
        assert not await reports.follow(session, other.id, leaving, NOW)
        assert not await reports.follow(session, other.id, staying, NOW)  # their own
        assert await erase_citizen(session, leaving)
    async with db_sessions() as session:
        kept = await reports.report_by_id(session, theirs.id)
        followers = await reports.follower_ids(session, other.id)
    assert kept is not None and kept.citizen_id is None
    assert kept.description  # the problem is still there for the town
    assert followers == []


async def test_retention_forgets_details_of_long_closed_reports_only(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        citizen, _ = await resolve_citizen(session, "telegram", "u1", "u1", "de", NOW)
        old = await _report(session, citizen, lat=LAT, lon=LON, at=NOW - 400 * DAY)
        await change_status(
            session, old, "done", note_de="", note_en="", staff="anna", now=NOW - 390 * DAY
        )
        still_open = await _report(session, citizen, at=NOW - 400 * DAY)
        assert await forget_closed_report_details(session, NOW - 365 * DAY) == 1
        assert await forget_closed_report_details(session, NOW - 365 * DAY) == 0
        # someone with a report is not an idle visitor who left nothing
        assert await idle_anonymous_citizens(session, NOW + 400 * DAY, 10) == []
    async with db_sessions() as session:
        forgotten = await reports.report_by_id(session, old.id)
        kept = await reports.report_by_id(session, still_open.id)
    assert forgotten is not None and kept is not None
    assert (forgotten.description, forgotten.place, forgotten.latitude) == ("", None, None)
    assert forgotten.category_code == "street_lighting" and forgotten.status == "done"
    assert kept.description and kept.place == "Lindenstraße 5"


async def test_staff_and_public_lists_filter(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with db_sessions() as session, session.begin():
        lamp = await _report(session, None)
        hole = await _report(session, None, "road_damage", place="Bahnhofstraße", at=NOW + DAY)
        hidden = await _report(session, None, "graffiti", place="Schule")
        lamp.published = hole.published = True
        await change_status(session, hole, "done", note_de="", note_en="", staff="a", now=NOW)
    async with db_sessions() as session:
        open_ones, total = await staff_list(session, StaffFilter())
        by_text, _ = await staff_list(session, StaffFilter(status="all", text="bahnhof"))
        public = await published_reports(session, PublicFilter())
        lights = await published_reports(session, PublicFilter(categories=["street_lighting"]))
        later = await published_reports(session, PublicFilter(start=NOW + DAY / 2))
    assert total == 2 and [r.id for r in open_ones] == [lamp.id, hidden.id]
    assert [r.id for r in by_text] == [hole.id]
    assert [r.id for r in public] == [hole.id, lamp.id]
    assert [r.id for r in lights] == [lamp.id]
    assert [r.id for r in later] == [hole.id]


async def test_the_retention_job_removes_details_after_the_configured_period(
    db_sessions: async_sessionmaker[AsyncSession],
) -> None:
    from bot.civic.retention import RetentionPolicy, apply_retention
    from bot.config import Settings

    async with db_sessions() as session, session.begin():
        old = await _report(session, None, lat=LAT, lon=LON, at=NOW - 40 * DAY)
        await change_status(
            session, old, "not_responsible", note_de="", note_en="", staff="a", now=NOW - 31 * DAY
        )
    policy = RetentionPolicy.from_settings(Settings(retention_report_details_days=30))
    done = await apply_retention(db_sessions, policy, NOW)
    async with db_sessions() as session:
        forgotten = await reports.report_by_id(session, old.id)
    assert done.report_details == 1
    assert forgotten is not None and forgotten.place is None and forgotten.longitude is None
