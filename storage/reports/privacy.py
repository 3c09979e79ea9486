"""What of a report is personal and goes after its retention period: the description, the
place, the position and photos of reports closed long ago. Category, status and dates stay
for the town's figures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.reports import Report
from storage.reports import OPEN_STATUSES

FORGOTTEN = ""  # the description of a report whose details were removed


async def forget_closed_report_details(session: AsyncSession, before: datetime) -> int:
    """Empties the details of reports closed (last changed) before `before`; how many."""
    result = await session.execute(
        update(Report)
        .where(
            Report.status.not_in(OPEN_STATUSES),
            Report.updated_at < before,
            or_(
                Report.description != FORGOTTEN,
                Report.place.is_not(None),
                Report.latitude.is_not(None),
                Report.longitude.is_not(None),
            ),
        )
        .values(description=FORGOTTEN, place=None, latitude=None, longitude=None, photos=[])
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
