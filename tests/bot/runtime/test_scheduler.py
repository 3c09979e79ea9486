"""The scheduler runs shared jobs in the leading process, at once on start, with our clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.config import Settings
from bot.runtime.leader import Leadership
from bot.runtime.scheduler import Job, create_scheduler, run_if_leading, shared_jobs
from storage.database import create_engine, session_factory

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class FakeClock:
    """Time that moves only when the test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


async def test_a_started_scheduler_runs_shared_jobs_at_once_with_the_clocks_time(
    sqlite_url: str,
) -> None:
    clock = FakeClock(START)
    ran: asyncio.Queue[datetime] = asyncio.Queue()

    async def job(now: datetime) -> None:
        await ran.put(now)

    leadership = Leadership(sqlite_url)
    scheduler = create_scheduler([Job("job", timedelta(hours=1), job)], [], leadership, clock)
    scheduler.start()
    try:
        # no sleeping: the first run is due on start, so it arrives without waiting an hour
        first = await asyncio.wait_for(ran.get(), timeout=60)
    finally:
        scheduler.shutdown(wait=False)
        await leadership.release()
    assert first == START


async def test_a_failing_job_is_logged_and_runs_again_next_time(sqlite_url: str) -> None:
    clock = FakeClock(START)
    calls: list[datetime] = []

    async def flaky(now: datetime) -> None:
        calls.append(now)
        if len(calls) == 1:
            raise RuntimeError("database away")

    leadership = Leadership(sqlite_url)
    job = Job("flaky", timedelta(minutes=1), flaky)
    try:
        assert await run_if_leading(job, leadership, clock)
        clock.advance(timedelta(minutes=1))
        assert await run_if_leading(job, leadership, clock)
    finally:
        await leadership.release()
    assert calls == [START, START + timedelta(minutes=1)]


async def test_every_shared_job_is_registered_and_runs_on_an_empty_store(
    db_url: str,
) -> None:
    settings = Settings(database_url=db_url)
    engine = create_engine(db_url)
    sessions = session_factory(engine)
    leadership = Leadership(db_url)
    try:
        jobs = shared_jobs(settings, sessions)
        scheduler = create_scheduler(jobs, [], leadership, FakeClock(START))
        assert {job.id for job in scheduler.get_jobs()} == {"election"} | {j.id for j in jobs}
        assert "retention" in {job.id for job in jobs}
        for job in jobs:
            await job.run(START)  # raises if a job cannot run against the real schema
    finally:
        await leadership.release()
        await engine.dispose()


async def test_council_data_is_read_at_the_configured_interval_only_when_configured(
    sqlite_url: str,
) -> None:
    engine = create_engine(sqlite_url)
    sessions = session_factory(engine)
    try:
        without = shared_jobs(Settings(database_url=sqlite_url), sessions)
        configured = Settings(
            database_url=sqlite_url,
            oparl_system_url="http://127.0.0.1:9/oparl/system",
            oparl_poll_minutes=30,
        )
        with_council = {job.id: job.every for job in shared_jobs(configured, sessions)}
    finally:
        await engine.dispose()
    assert "council-data" not in {job.id for job in without}
    assert with_council["council-data"] == timedelta(minutes=30)
