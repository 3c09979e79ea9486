"""Timed jobs that run beside the channels in `mitreden run`.

Shared jobs (consultation messages, retention, scheduled announcements, council data) change
the store and must run once however many processes run: each run first asks the
`Leadership` (bot/runtime/leader.py) whether this process leads. Local jobs update this process's
own memory and run everywhere. No job keeps its state in memory: each run reads what is due
from the store, so a stopped or restarted process loses nothing, and every shared job runs
once right at the start to catch up. Jobs take `now` from a clock that tests control.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import teach_recognizer
from bot.civic.announcements import release_due_announcements
from bot.civic.consultations.lifecycle import run_consultation_lifecycle
from bot.civic.council.sync import sync_council
from bot.civic.open311_forwarding import FORWARD_EVERY, forward_reports
from bot.civic.open311_status import poll_town_statuses
from bot.civic.retention import RetentionPolicy, apply_retention
from bot.config import Settings
from bot.conversations import REMEMBER_SECONDS
from bot.runtime.leader import Leadership
from bot.staff.sessions import forget_expired
from nlu.types import IntentRecognizer
from storage import newcomer_states

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# how often a process that does not lead asks whether it can take over
ELECTION_INTERVAL = timedelta(seconds=15)


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Job:
    """What to run at `now`, and how often."""

    id: str
    every: timedelta
    run: Callable[[datetime], Awaitable[object]]


def shared_jobs(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> list[Job]:
    """Every job that changes the store; other parts of the bot register theirs here."""
    jobs = [
        Job(
            "consultation-lifecycle",
            timedelta(minutes=1),
            partial(run_consultation_lifecycle, sessions, settings),
        ),
        Job("announcements", timedelta(seconds=15), partial(release_due_announcements, sessions)),
        Job(
            "retention",
            timedelta(hours=1),
            partial(apply_retention, sessions, RetentionPolicy.from_settings(settings)),
        ),
        Job("staff-sessions", timedelta(hours=1), partial(forget_expired, sessions, settings)),
        Job("newcomer-positions", timedelta(minutes=5), partial(forget_newcomers, sessions)),
    ]
    if settings.oparl_system_url:
        jobs.append(
            Job(
                "council-data",
                timedelta(minutes=settings.oparl_poll_minutes),
                partial(sync_council, sessions, settings),
            )
        )
    if settings.open311_town_url:
        poll = timedelta(minutes=settings.open311_town_poll_minutes)
        jobs += [
            Job("open311-forwarding", FORWARD_EVERY, partial(forward_reports, sessions, settings)),
            Job("open311-news", poll, partial(poll_town_statuses, sessions, settings)),
        ]
    return jobs


async def forget_newcomers(sessions: async_sessionmaker[AsyncSession], now: datetime) -> int:
    """Newcomers' positions unused for longer than a conversation is trusted from memory
    are of no use to anyone (bot/conversations.py)."""
    async with sessions() as session, session.begin():
        return await newcomer_states.forget_before(
            session, now - timedelta(seconds=REMEMBER_SECONDS)
        )


def local_jobs(
    sessions: async_sessionmaker[AsyncSession], recognizer: IntentRecognizer
) -> list[Job]:
    """Jobs that update this process's memory, so every process runs them."""

    async def teach(now: datetime) -> None:
        # consultations imported meanwhile (by another process) become known by name
        await teach_recognizer(recognizer, sessions)

    return [Job("teach-recognizer", timedelta(minutes=5), teach)]


async def run_if_leading(job: Job, leadership: Leadership, clock: Clock) -> bool:
    """Run the job when this process leads; True when it ran (failed runs included)."""
    if not await leadership.check():
        return False
    await run_now(job, clock)
    return True


async def run_now(job: Job, clock: Clock) -> None:
    try:
        await job.run(clock())
    except Exception:  # the next run retries: what is due is read from the store again
        log.exception("scheduled job %s failed; it runs again at its next time", job.id)


def create_scheduler(
    shared: list[Job],
    local: list[Job],
    leadership: Leadership,
    clock: Clock = system_clock,
) -> AsyncIOScheduler:
    """An APScheduler that runs `shared` jobs in the leading process only, `local` in all.

    APScheduler only says when; what a run does depends on `clock()` and the store.
    """
    # APScheduler logs every run at INFO (every 15 seconds here) and our jobs log what they
    # did; its run-by-run lines are shown with MITREDEN_LOG_LEVEL=DEBUG only
    if not log.isEnabledFor(logging.DEBUG):
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = AsyncIOScheduler(timezone=UTC)
    started = datetime.now(UTC)
    scheduler.add_job(
        leadership.check,
        "interval",
        seconds=ELECTION_INTERVAL.total_seconds(),
        id="election",
        name="election",
        next_run_time=started,
        coalesce=True,
        max_instances=1,
    )
    for job in shared:
        scheduler.add_job(
            run_if_leading,
            "interval",
            seconds=job.every.total_seconds(),
            args=[job, leadership, clock],
            id=job.id,
            name=job.id,
            next_run_time=started,  # catch up at once with what fell due while stopped
            coalesce=True,
            max_instances=1,
        )
    for job in local:
        scheduler.add_job(
            run_now,
            "interval",
            seconds=job.every.total_seconds(),
            args=[job, clock],
            id=job.id,
            name=job.id,
            coalesce=True,
            max_instances=1,
        )
    return scheduler
