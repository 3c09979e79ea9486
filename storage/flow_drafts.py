"""Unpublished edits of flows, one per flow, and the published versions' history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.admin_content import FlowDraft
from storage.models.core import FlowVersion


@dataclass(frozen=True)
class VersionInfo:
    flow_id: str
    version: int
    is_current: bool
    created_at: datetime
    created_by: str | None


@dataclass(frozen=True)
class Draft:
    flow_id: str
    source: str
    based_on: int | None
    updated_at: datetime
    updated_by: str | None


async def get_draft(session: AsyncSession, flow_id: str) -> Draft | None:
    row = await session.get(FlowDraft, flow_id)
    if row is None:
        return None
    return Draft(row.flow_id, row.source, row.based_on, row.updated_at, row.updated_by)


async def save_draft(
    session: AsyncSession,
    flow_id: str,
    source: str,
    based_on: int | None,
    by: str | None,
    now: datetime,
) -> None:
    row = await session.get(FlowDraft, flow_id)
    if row is None:
        session.add(
            FlowDraft(
                flow_id=flow_id, source=source, based_on=based_on, updated_at=now, updated_by=by
            )
        )
    else:
        row.source, row.updated_at, row.updated_by = source, now, by
    await session.flush()


async def drop_draft(session: AsyncSession, flow_id: str) -> bool:
    result = await session.execute(delete(FlowDraft).where(FlowDraft.flow_id == flow_id))
    return bool(getattr(result, "rowcount", 0))


async def draft_ids(session: AsyncSession) -> set[str]:
    return set((await session.scalars(select(FlowDraft.flow_id))).all())


async def versions_of(session: AsyncSession, flow_id: str) -> list[VersionInfo]:
    """Every published version of a flow, newest first."""
    rows = (
        await session.scalars(
            select(FlowVersion)
            .where(FlowVersion.flow_id == flow_id)
            .order_by(FlowVersion.version.desc())
        )
    ).all()
    return [
        VersionInfo(row.flow_id, row.version, row.is_current, row.created_at, row.created_by)
        for row in rows
    ]


async def source_of(session: AsyncSession, flow_id: str, version: int) -> str | None:
    return await session.scalar(
        select(FlowVersion.source).where(
            FlowVersion.flow_id == flow_id, FlowVersion.version == version
        )
    )


async def current_sources(session: AsyncSession) -> dict[str, tuple[int, str]]:
    """Each flow's current version and its source."""
    rows = (
        await session.execute(
            select(FlowVersion.flow_id, FlowVersion.version, FlowVersion.source).where(
                FlowVersion.is_current
            )
        )
    ).all()
    return {flow_id: (version, source) for flow_id, version, source in rows}


async def newest_version_id(session: AsyncSession) -> int:
    """Grows with every publication: a cheap way for a process to notice one."""
    return int(await session.scalar(select(func.coalesce(func.max(FlowVersion.id), 0))) or 0)
