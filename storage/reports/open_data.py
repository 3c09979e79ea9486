"""Published problem reports as open data: what staff made public, anonymised further.

Never the citizen. The position is rounded to three decimals (about 100 m) and times to
the day: a precise spot and minute together say where someone was and when. A report
whose details went at retention keeps its category, status and dates.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.reports import Report

POSITION_DECIMALS = 3  # about 110 m north-south, 70 m east-west in Germany

COLUMNS = (
    "ref", "category", "status", "created_on", "updated_on", "description", "place",
    "latitude", "longitude", "photo_url",
)  # fmt: skip


def _rounded(value: float | None) -> float | None:
    return round(value, POSITION_DECIMALS) if value is not None else None


async def report_records(session: AsyncSession) -> list[dict[str, Any]]:
    """Every published report, oldest first, in the columns of `COLUMNS`."""
    query = select(Report).where(Report.published.is_(True)).order_by(Report.id)
    return [
        {
            "ref": report.ref,
            "category": report.category_code,
            "status": report.status,
            "created_on": report.created_at.date().isoformat(),
            "updated_on": report.updated_at.date().isoformat(),
            "description": report.description,
            "place": report.place,
            "latitude": _rounded(report.latitude),
            "longitude": _rounded(report.longitude),
            # publishing a report leaves its photo private (docs/reports.md): until staff
            # can publish a photo on its own, no report has a public photo address
            "photo_url": None,
        }
        for report in await session.scalars(query)
    ]
