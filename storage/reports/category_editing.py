"""Administrators' changes to report categories and report settings.

The chat and Open311 read categories from the table on every turn, so an edit shows at
once in every process. The duplicate radius is read from the table whenever the chat looks
for the same problem nearby, so it too holds everywhere from the next report on.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.reports import Report, ReportCategory, ReportSetting

DUPLICATE_RADIUS = "duplicate_radius_m"


async def report_counts(session: AsyncSession) -> dict[str, int]:
    """How many reports each category code has (codes without reports are missing)."""
    query = select(Report.category_code, func.count()).group_by(Report.category_code)
    return {code: count for code, count in (await session.execute(query)).all()}


async def add_category(
    session: AsyncSession,
    code: str,
    names: tuple[str, str],
    keywords: tuple[list[str], list[str]],
    *,
    active: bool,
    position: int,
) -> ReportCategory:
    category = ReportCategory(
        code=code,
        name_de=names[0],
        name_en=names[1],
        keywords_de=keywords[0],
        keywords_en=keywords[1],
        active=active,
        position=position,
    )
    session.add(category)
    await session.flush()
    return category


def change_category(
    category: ReportCategory,
    names: tuple[str, str],
    keywords: tuple[list[str], list[str]],
    *,
    active: bool,
    position: int,
) -> None:
    """Everything but the code, which reports and Open311 apps keep."""
    category.name_de, category.name_en = names
    category.keywords_de, category.keywords_en = keywords
    category.active, category.position = active, position


async def delete_unused_category(session: AsyncSession, code: str) -> bool:
    """Deletes the category unless a report is filed under it; True when it is gone."""
    used = await session.scalar(select(Report.id).where(Report.category_code == code).limit(1))
    if used is not None:
        return False
    await session.execute(delete(ReportCategory).where(ReportCategory.code == code))
    return True


async def duplicate_radius(session: AsyncSession) -> float | None:
    """The radius administrators set, in metres; None: the configured default holds."""
    row = await session.get(ReportSetting, DUPLICATE_RADIUS)
    return None if row is None else row.value


async def set_duplicate_radius(
    session: AsyncSession, metres: float, by: str, now: datetime
) -> None:
    row = await session.get(ReportSetting, DUPLICATE_RADIUS)
    if row is None:
        session.add(
            ReportSetting(key=DUPLICATE_RADIUS, value=metres, updated_by=by, updated_at=now)
        )
    else:
        row.value, row.updated_by, row.updated_at = metres, by, now
    await session.flush()
