"""The consultation messages and the retention job with many citizens, on SQLite and PostgreSQL.

    .venv/bin/python -m benchmarks.consultation_lifecycle [--citizens 100000]

Every citizen follows the consultation's topic, hears of its opening and starts answering
it; half submit. Prints
the seconds one scheduler run takes to queue the opening news, the deadline reminders and
the thanks, and then the seconds retention takes to delete all those messages once sent.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.civic.consultations.lifecycle import run_consultation_lifecycle
from bot.civic.retention import RetentionPolicy, apply_retention
from bot.config import Settings
from storage.database import create_engine, session_factory
from storage.models.civic import Consultation, Topic
from storage.models.core import OutboxMessage
from tests.bot.delivery.databases import add_recipients, postgres_database, sqlite_database

OPENS = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
CLOSES = OPENS + timedelta(days=7)


async def _consultation(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session, session.begin():
        topic = Topic(slug="parks", name_de="Parks", name_en="Parks", keywords=[])
        session.add(topic)
        await session.flush()
        row = Consultation(
            slug="spielplatz",
            title_de="Neuer Spielplatz im Lindenpark",
            title_en="New playground in Linden Park",
            description_de="Was soll auf den Spielplatz?",
            description_en="What should the playground have?",
            topic_id=topic.id,
            opens_at=OPENS,
            closes_at=CLOSES,
        )
        session.add(row)
        await session.flush()
        return row.id


async def _everyone_follows(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO subscriptions (citizen_id, kind, target, created_at)"
                " SELECT id, 'topic', 'parks', :at FROM citizens"
            ),
            {"at": OPENS - timedelta(days=1)},
        )
    await _analyze(engine)


async def _analyze(engine: AsyncEngine) -> None:
    """Fresh planner statistics, as autovacuum keeps them on a running server; right after
    a bulk insert PostgreSQL would otherwise plan for empty tables."""
    if engine.dialect.name == "postgresql":
        async with engine.begin() as connection:
            await connection.execute(text("ANALYZE"))


async def _everyone_starts(engine: AsyncEngine, consultation_id: int) -> None:
    """Set-based: a started participation per citizen; those with odd ids submitted."""
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO participations (consultation_id, citizen_id, started_at)"
                " SELECT :cid, id, :started FROM citizens"
            ),
            {"cid": consultation_id, "started": OPENS + timedelta(hours=1)},
        )
        await connection.execute(
            text("UPDATE participations SET submitted_at = started_at WHERE citizen_id % 2 = 1")
        )
    await _analyze(engine)


async def _timed(step: Callable[[], Awaitable[object]]) -> float:
    started = time.perf_counter()
    await step()
    return time.perf_counter() - started


async def measure(url: str, citizens: int) -> dict[str, float]:
    engine = create_engine(url)
    sessions = session_factory(engine)
    settings = Settings(database_url=url)
    figures: dict[str, float] = {}
    try:
        await add_recipients(engine, citizens)
        consultation_id = await _consultation(sessions)
        await _everyone_follows(engine)
        figures["opening news"] = await _timed(
            lambda: run_consultation_lifecycle(sessions, settings, OPENS + timedelta(minutes=1))
        )
        await _everyone_starts(engine, consultation_id)
        figures["reminders"] = await _timed(
            lambda: run_consultation_lifecycle(sessions, settings, CLOSES - timedelta(hours=2))
        )
        figures["thanks"] = await _timed(
            lambda: run_consultation_lifecycle(sessions, settings, CLOSES + timedelta(minutes=1))
        )
        async with sessions() as session, session.begin():
            await session.execute(
                update(OutboxMessage).values(state="sent", sent_at=CLOSES + timedelta(hours=1))
            )
        await _analyze(engine)
        policy = RetentionPolicy.from_settings(settings)
        figures["retention"] = await _timed(
            lambda: apply_retention(sessions, policy, CLOSES + timedelta(days=31))
        )
    finally:
        await engine.dispose()
    return figures


async def main(citizens: int) -> None:
    print(f"{citizens} citizens following the topic; half of them submit")
    with tempfile.TemporaryDirectory() as directory:
        async with sqlite_database(Path(directory)) as url:
            report("SQLite", await measure(url, citizens), citizens)
    async with postgres_database() as url:
        report("PostgreSQL", await measure(url, citizens), citizens)


def report(database: str, figures: dict[str, float], citizens: int) -> None:
    counts = {
        "opening news": citizens,
        "reminders": citizens // 2,
        "thanks": (citizens + 1) // 2,
        "retention": 2 * citizens,
    }
    for step, seconds in figures.items():
        messages = counts.get(step)
        pace = f" ({messages / seconds:,.0f} messages per second)" if messages else ""
        print(f"{database + ':':12}{step:14}{seconds:7.2f} s{pace}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=100_000)
    asyncio.run(main(parser.parse_args().citizens))
