"""Which reports go to the town's Open311 system, which are due, and what came back.

Nothing here speaks HTTP: bot/civic/open311_forwarding.py sends, bot/civic/open311_status.py
asks for news, and both write what happened through these functions.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.report_forwarding import ReportForwarding, ReportForwardingStart
from storage.models.reports import Report

QUEUED, FORWARDED, REFUSED = "queued", "forwarded", "refused"
CLOSED = "closed"  # the town's word for a request it finished: no need to ask again
MAX_ERROR = 500


async def start_of(session: AsyncSession, system_url: str, now: datetime) -> int:
    """The newest report id when forwarding to `system_url` began; recorded the first time."""
    start = await session.get(ReportForwardingStart, system_url)
    if start is None:
        newest = await session.scalar(select(func.max(Report.id)))
        start = ReportForwardingStart(
            system_url=system_url, after_report_id=int(newest or 0), created_at=now
        )
        session.add(start)
        await session.flush()
    return start.after_report_id


async def queue_new(session: AsyncSession, system_url: str, after_id: int, now: datetime) -> int:
    """Queues the reports made since forwarding began that are not queued yet; how many."""
    query = (
        select(Report.id)
        .outerjoin(ReportForwarding, ReportForwarding.report_id == Report.id)
        .where(Report.id > after_id, ReportForwarding.report_id.is_(None))
        .order_by(Report.id)
    )
    new = list((await session.scalars(query)).all())
    for report_id in new:
        session.add(
            ReportForwarding(
                report_id=report_id,
                system_url=system_url,
                state=QUEUED,
                attempts=0,
                next_attempt_at=now,
                last_error="",
                refused_with="",
                remote_status="",
                remote_notes="",
                created_at=now,
                updated_at=now,
            )
        )
    await session.flush()
    return len(new)


async def requeue_refused(session: AsyncSession, system_url: str, settings_mark: str) -> int:
    """Reports the town refused under other settings (a wrong key, a missing service code)
    get another try once the operator changed them; how many."""
    query = select(ReportForwarding).where(
        ReportForwarding.system_url == system_url,
        ReportForwarding.state == REFUSED,
        ReportForwarding.refused_with != settings_mark,
    )
    rows = list((await session.scalars(query)).all())
    for row in rows:
        row.state, row.attempts, row.next_attempt_at = QUEUED, 0, None
    await session.flush()
    return len(rows)


async def due(
    session: AsyncSession, system_url: str, now: datetime, limit: int
) -> list[tuple[ReportForwarding, Report]]:
    """Queued reports whose next try is due, oldest first."""
    query = (
        select(ReportForwarding, Report)
        .join(Report, Report.id == ReportForwarding.report_id)
        .where(
            ReportForwarding.system_url == system_url,
            ReportForwarding.state == QUEUED,
            or_(
                ReportForwarding.next_attempt_at.is_(None), ReportForwarding.next_attempt_at <= now
            ),
        )
        .order_by(ReportForwarding.next_attempt_at, ReportForwarding.report_id)
        .limit(limit)
    )
    return [(row, report) for row, report in (await session.execute(query)).all()]


def mark_forwarded(
    row: ReportForwarding, request_id: str | None, token: str | None, now: datetime
) -> None:
    row.state = FORWARDED
    row.service_request_id = request_id
    row.token = token
    row.attempts += 1
    row.next_attempt_at = None
    row.last_error = ""
    row.updated_at = now


def mark_failed(row: ReportForwarding, reason: str, retry_at: datetime, now: datetime) -> None:
    """Stays queued and is tried again at `retry_at`."""
    row.attempts += 1
    row.next_attempt_at = retry_at
    row.last_error = reason[:MAX_ERROR]
    row.updated_at = now


def mark_refused(row: ReportForwarding, reason: str, settings_mark: str, now: datetime) -> None:
    """Not tried again until the settings change (`requeue_refused`)."""
    row.state = REFUSED
    row.attempts += 1
    row.next_attempt_at = None
    row.last_error = reason[:MAX_ERROR]
    row.refused_with = settings_mark
    row.updated_at = now


async def forwarded(
    session: AsyncSession, system_url: str, *, with_id: bool, after_id: int, limit: int
) -> list[ReportForwarding]:
    """Forwarded reports the town names by id (`with_id`) and has not closed, or that it
    names only by a token yet; in id order from `after_id` on, so a long list goes in
    batches."""
    known = ReportForwarding.service_request_id
    query = (
        select(ReportForwarding)
        .where(
            ReportForwarding.system_url == system_url,
            ReportForwarding.state == FORWARDED,
            ReportForwarding.report_id > after_id,
            known.is_not(None) if with_id else known.is_(None),
            ReportForwarding.remote_status != CLOSED,
        )
        .order_by(ReportForwarding.report_id)
        .limit(limit)
    )
    return list((await session.scalars(query)).all())


async def forwarding_of(session: AsyncSession, report_id: int) -> ReportForwarding | None:
    return await session.get(ReportForwarding, report_id)
