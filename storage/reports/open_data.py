"""Published problem reports as open data: what staff made public, anonymised further.

Never the citizen. The position is rounded to three decimals (about 100 m) and times to
the day: a precise spot and minute together say where someone was and when. A report
whose details went at retention keeps its category, status and dates. `photo_url` is the
public address of the first photo staff released (storage/reports/photo_releases.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.reports import Report
from storage.reports.photo_releases import first_public_photos, photo_address

POSITION_DECIMALS = 3  # about 110 m north-south, 70 m east-west in Germany

COLUMNS = (
    "ref", "category", "status", "created_on", "updated_on", "description", "place",
    "latitude", "longitude", "photo_url",
)  # fmt: skip


def _rounded(value: float | None) -> float | None:
    return round(value, POSITION_DECIMALS) if value is not None else None


async def report_records(session: AsyncSession, public_url: str = "") -> list[dict[str, Any]]:
    """Every published report, oldest first, in the columns of `COLUMNS`; photo addresses
    start with `public_url` (MITREDEN_PUBLIC_URL); without it no photo is named."""
    query = select(Report).where(Report.published.is_(True)).order_by(Report.id)
    shown = list(await session.scalars(query))
    photos = await first_public_photos(session, shown) if public_url else {}
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
            # publishing a report leaves its photos private: staff release each one
            "photo_url": (
                photo_address(public_url, photos[report.id]) if report.id in photos else None
            ),
        }
        for report in shown
    ]
