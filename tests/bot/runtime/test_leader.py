"""Only one process runs the shared jobs: two real PostgreSQL connections compete."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from bot.runtime.leader import SCHEDULER_LOCK, Leadership
from bot.runtime.scheduler import Job, create_scheduler, run_if_leading
from storage.database import create_engine

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class Recorder:
    """A job that remembers when it ran."""

    def __init__(self) -> None:
        self.runs: list[datetime] = []

    async def __call__(self, now: datetime) -> None:
        self.runs.append(now)


@pytest.fixture
async def two_processes(db_url: str) -> AsyncIterator[tuple[Leadership, Leadership]]:
    first, second = Leadership(db_url), Leadership(db_url)
    try:
        yield first, second
    finally:
        await first.release()
        await second.release()


async def _lock_holder(db_url: str) -> int | None:
    """The server process id of the connection holding the scheduler lock, if any."""
    engine = create_engine(db_url)
    try:
        async with engine.connect() as connection:
            pid = await connection.scalar(
                text(
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND database = (SELECT oid FROM pg_database WHERE datname = "
                    "current_database()) AND (classid::bigint << 32 | objid::bigint) = :key"
                ),
                {"key": SCHEDULER_LOCK},
            )
        return int(pid) if pid is not None else None
    finally:
        await engine.dispose()


async def _terminate(db_url: str, pid: int) -> bool:
    """Ends that server process and returns once it is gone, and with it its locks.

    pg_terminate_backend only sends the signal; with a timeout the server itself polls
    until the process has exited (within the bound: False if it is still there then).
    Without waiting, a busy server may still show the lock as held just after the call.
    """
    engine = create_engine(db_url)
    try:
        async with engine.connect() as connection:
            gone = await connection.scalar(
                text("SELECT pg_terminate_backend(:pid, :timeout_ms)"),
                {"pid": pid, "timeout_ms": 60_000},
            )
        return bool(gone)
    finally:
        await engine.dispose()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_the_second_process_runs_nothing_until_the_first_lets_go(
    db_url: str, two_processes: tuple[Leadership, Leadership]
) -> None:
    first, second = two_processes
    first_job, second_job = Recorder(), Recorder()

    assert await run_if_leading(Job("j", timedelta(minutes=1), first_job), first, lambda: NOW)
    assert not await run_if_leading(Job("j", timedelta(minutes=1), second_job), second, lambda: NOW)
    later = NOW + timedelta(minutes=1)
    assert await run_if_leading(Job("j", timedelta(minutes=1), first_job), first, lambda: later)
    assert not await run_if_leading(
        Job("j", timedelta(minutes=1), second_job), second, lambda: later
    )
    assert first_job.runs == [NOW, later]
    assert second_job.runs == []
    assert first.leading and not second.leading

    await first.release()  # the first process stops
    assert await _lock_holder(db_url) is None
    last = later + timedelta(minutes=1)
    assert await run_if_leading(Job("j", timedelta(minutes=1), second_job), second, lambda: last)
    assert second_job.runs == [last]
    assert await _lock_holder(db_url) is not None


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_when_the_leaders_connection_dies_the_other_process_takes_over(
    db_url: str, two_processes: tuple[Leadership, Leadership]
) -> None:
    first, second = two_processes
    assert await first.check()
    assert not await second.check()
    holder = await _lock_holder(db_url)
    assert holder is not None

    assert await _terminate(db_url, holder)  # as if the first process had crashed

    assert await second.check()
    assert await _lock_holder(db_url) not in (None, holder)
    # the first process notices its lost connection and does not run jobs beside the second
    assert not await first.check()
    assert not first.leading
    # and it leads again, on a fresh connection, once the second is gone
    await second.release()
    assert await first.check()


async def test_a_sqlite_file_has_one_process_which_always_leads(sqlite_url: str) -> None:
    leadership = Leadership(sqlite_url)
    job = Recorder()
    try:
        assert await run_if_leading(Job("j", timedelta(minutes=1), job), leadership, lambda: NOW)
    finally:
        await leadership.release()
    assert job.runs == [NOW]


class WatchedLeadership(Leadership):
    """A Leadership that reports each refused check, so the test waits for events, not time."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.refusals: asyncio.Queue[None] = asyncio.Queue()

    async def check(self) -> bool:
        leading = await super().check()
        if not leading:
            self.refusals.put_nowait(None)
        return leading


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_two_running_schedulers_on_one_database_run_a_job_in_one_only(db_url: str) -> None:
    clock = lambda: NOW  # noqa: E731
    first_runs: asyncio.Queue[datetime] = asyncio.Queue()
    second_runs: asyncio.Queue[datetime] = asyncio.Queue()
    first, second = WatchedLeadership(db_url), WatchedLeadership(db_url)
    first_scheduler = create_scheduler(
        [Job("sweep", timedelta(hours=1), first_runs.put)], [], first, clock
    )
    second_scheduler = create_scheduler(
        [Job("sweep", timedelta(hours=1), second_runs.put)], [], second, clock
    )
    try:
        first_scheduler.start()
        assert await asyncio.wait_for(first_runs.get(), timeout=60) == NOW
        second_scheduler.start()
        # the second process's election and its job's first run were both refused
        for _ in range(2):
            await asyncio.wait_for(second.refusals.get(), timeout=60)
        assert second_runs.empty()

        first_scheduler.shutdown(wait=False)
        await first.release()  # the first process stops
        # the job's next time comes now rather than in an hour
        second_scheduler.modify_job("sweep", next_run_time=datetime.now(UTC))
        assert await asyncio.wait_for(second_runs.get(), timeout=60) == NOW
    finally:
        for scheduler in (first_scheduler, second_scheduler):
            if scheduler.running:
                scheduler.shutdown(wait=False)
        await first.release()
        await second.release()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_the_server_probes_the_lock_connection_so_a_vanished_leader_is_noticed(
    db_url: str,
) -> None:
    leadership = Leadership(db_url)
    try:
        assert await leadership.check()
        held = leadership._held  # the lock's own session: its settings are per connection
        assert held is not None
        shown = {
            name: await held.scalar(text(f"SHOW {name}"))
            for name in ("tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count")
        }
    finally:
        await leadership.release()
    assert shown == {
        "tcp_keepalives_idle": "30",
        "tcp_keepalives_interval": "10",
        "tcp_keepalives_count": "3",
    }
