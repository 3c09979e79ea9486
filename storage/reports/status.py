"""A report's status and its history: every change is one row with notes in both languages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.reports import Report, ReportStatusChange
from storage.reports import DUPLICATE, STATUSES, follow, follower_ids


async def change_status(
    session: AsyncSession,
    report: Report,
    status: str,
    *,
    note_de: str,
    note_en: str,
    staff: str,
    now: datetime,
    duplicate_of: Report | None = None,
) -> ReportStatusChange:
    """Records the change. A report marked as a duplicate points to the original, and its
    reporter and followers follow the original from then on."""
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    if status == DUPLICATE:
        if duplicate_of is None or duplicate_of.id == report.id:
            raise ValueError("a duplicate needs another report it repeats")
        report.duplicate_of_id = duplicate_of.id
        for citizen_id in {report.citizen_id, *await follower_ids(session, report.id)}:
            if citizen_id is not None:
                await follow(session, duplicate_of.id, citizen_id, now)
    else:
        report.duplicate_of_id = None
    report.status = status
    report.updated_at = now
    change = ReportStatusChange(
        report_id=report.id,
        status=status,
        note_de=note_de.strip(),
        note_en=note_en.strip(),
        changed_by=staff,
        created_at=now,
    )
    session.add(change)
    await session.flush()
    return change


async def history(session: AsyncSession, report_id: int) -> list[ReportStatusChange]:
    query = (
        select(ReportStatusChange)
        .where(ReportStatusChange.report_id == report_id)
        .order_by(ReportStatusChange.created_at, ReportStatusChange.id)
    )
    return list((await session.scalars(query)).all())
