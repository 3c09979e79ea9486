"""What staff should know about the council data: lists that failed or looked odd on their
last reading, and corrections of published decisions waiting for review."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from storage.council import SyncMark, all_sync_marks
from storage.decisions import correction_drafts
from storage.models.civic import Decision


@dataclass(frozen=True)
class CouncilAlerts:
    problems: list[SyncMark]  # the last attempt failed or warned
    corrections: list[Decision]  # drafts correcting a published decision


async def council_alerts(session: AsyncSession) -> CouncilAlerts:
    marks = await all_sync_marks(session)
    problems = [mark for mark in marks if mark.last_error or mark.last_warning]
    return CouncilAlerts(problems, await correction_drafts(session))
