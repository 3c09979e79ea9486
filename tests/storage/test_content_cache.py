"""Topics and consultations kept in memory: what citizens see after staff change them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.civic.services import StoreServices
from storage.consultations import list_consultations
from storage.content_cache import ContentCache
from storage.models.civic import Consultation
from storage.seed import seed_demo
from storage.topics import topic_by_slug, upsert_topic

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def open_titles(sessions: Sessions, cache: ContentCache) -> list[str]:
    async with sessions() as session:
        found = await StoreServices(session, content=cache).consultations.listed("de", NOW, "open")
    return [view.title for view in found]


async def topic_names(sessions: Sessions, cache: ContentCache) -> list[str]:
    async with sessions() as session:
        return [
            topic.name for topic in await StoreServices(session, content=cache).topics.listed("en")
        ]


async def seeded(db_sessions: Sessions) -> Sessions:
    async with db_sessions() as session, session.begin():
        assert await seed_demo(session, NOW)
    return db_sessions


async def test_a_consultation_created_or_closed_here_shows_at_once(db_sessions: Sessions) -> None:
    sessions = await seeded(db_sessions)
    cache = ContentCache(lifetime=3600)
    assert "Bänke am Teich" not in await open_titles(sessions, cache)

    async with sessions() as session, session.begin():
        topic = await topic_by_slug(session, "umwelt")
        added = Consultation(
            slug="baenke-am-teich",
            title_de="Bänke am Teich",
            title_en="Benches at the pond",
            description_de="Wo fehlen Bänke?",
            description_en="Where are benches missing?",
            topic_id=topic.id if topic else None,
            opens_at=NOW - timedelta(days=1),
            closes_at=NOW + timedelta(hours=1),  # closing first: listed first
        )
        session.add(added)
    assert (await open_titles(sessions, cache))[0] == "Bänke am Teich"

    async with sessions() as session, session.begin():
        row = await session.get(Consultation, added.id)
        assert row is not None
        row.closes_at = NOW - timedelta(minutes=1)
    assert "Bänke am Teich" not in await open_titles(sessions, cache)


async def test_a_renamed_topic_shows_at_once_and_a_rolled_back_one_never(
    db_sessions: Sessions,
) -> None:
    sessions = await seeded(db_sessions)
    cache = ContentCache(lifetime=3600)
    assert "Environment & climate" in await topic_names(sessions, cache)

    async with sessions() as session:
        await upsert_topic(session, "umwelt", "Umwelt", "Nature", position=2)
        await session.rollback()
    assert "Nature" not in await topic_names(sessions, cache)

    async with sessions() as session, session.begin():
        await upsert_topic(session, "umwelt", "Umwelt", "Nature", position=2)
    names = await topic_names(sessions, cache)
    assert "Nature" in names
    assert "Environment & climate" not in names


async def test_changes_by_another_process_show_once_the_lifetime_has_passed(
    db_sessions: Sessions, db_engine: AsyncEngine
) -> None:
    sessions = await seeded(db_sessions)
    ticks = Ticks()
    cache = ContentCache(lifetime=10, monotonic=ticks)
    assert "Nature" not in await topic_names(sessions, cache)

    # a plain statement, as another process's write looks to this one: no ORM event
    async with db_engine.begin() as connection:
        await connection.execute(text("UPDATE topics SET name_en = 'Nature' WHERE slug = 'umwelt'"))

    ticks.now += 9
    assert "Nature" not in await topic_names(sessions, cache)
    ticks.now += 2
    assert "Nature" in await topic_names(sessions, cache)


async def test_without_a_shared_cache_each_turn_reads_the_store(
    db_sessions: Sessions, db_engine: AsyncEngine
) -> None:
    sessions = await seeded(db_sessions)
    async with sessions() as session:
        services = StoreServices(session)
        assert "Nature" not in [t.name for t in await services.topics.listed("en")]
    async with db_engine.begin() as connection:
        await connection.execute(text("UPDATE topics SET name_en = 'Nature' WHERE slug = 'umwelt'"))
    async with sessions() as session:
        assert "Nature" in [t.name for t in await StoreServices(session).topics.listed("en")]


async def test_lists_from_memory_keep_the_stores_order(db_sessions: Sessions) -> None:
    sessions = await seeded(db_sessions)
    cached = ContentCache(lifetime=3600)
    shown = 0
    for now in (
        NOW - timedelta(days=400),
        NOW,
        NOW + timedelta(days=40),
        NOW + timedelta(days=400),
    ):
        for status in ("open", "upcoming", "closed"):
            async with sessions() as session:
                stored = await list_consultations(session, now, status)
                kept = await StoreServices(session, content=cached).consultations.listed(
                    "en", now, status
                )
            assert [view.id for view in kept] == [row.id for row in stored]
            assert {view.status for view in kept} <= {status}
            shown += len(kept)
    assert shown >= 8  # every demo consultation was listed in some state
