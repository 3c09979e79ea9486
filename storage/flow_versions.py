"""Versions of the conversation flows: shipped definitions become versions, runs pin one."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import FlowVersion


@dataclass(frozen=True)
class StoredFlow:
    flow_id: str
    version: int
    source: str
    is_current: bool


SHIPPED = "shipped"


def source_hash(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


async def publish(
    session: AsyncSession, flow_id: str, source: str, now: datetime, author: str | None = None
) -> int:
    """Make `source` the current version of the flow; reuse the version if nothing changed."""
    digest = source_hash(source)
    rows = list(
        (await session.scalars(select(FlowVersion).where(FlowVersion.flow_id == flow_id))).all()
    )
    current = next((row for row in rows if row.is_current), None)
    if current is not None and current.sha256 == digest:
        return current.version
    version = max((row.version for row in rows), default=0) + 1
    await session.execute(
        update(FlowVersion).where(FlowVersion.flow_id == flow_id).values(is_current=False)
    )
    session.add(
        FlowVersion(
            flow_id=flow_id,
            version=version,
            source=source,
            sha256=digest,
            status="published",
            is_current=True,
            created_at=now,
            created_by=author,
        )
    )
    await session.flush()
    return version


async def publish_shipped(
    session: AsyncSession, definitions: Iterable[tuple[str, str]], now: datetime
) -> None:
    """Publish the definitions that came with the installed release (flow id, source).

    A shipped file is published only when it differs from the last shipped version, so an
    administrator's edit stays current until a release changes that same flow.
    """
    for flow_id, source in definitions:
        last_shipped = await session.scalar(
            select(FlowVersion.sha256)
            .where(FlowVersion.flow_id == flow_id, FlowVersion.created_by == SHIPPED)
            .order_by(FlowVersion.version.desc())
            .limit(1)
        )
        if last_shipped != source_hash(source):
            await publish(session, flow_id, source, now, SHIPPED)


async def all_versions(session: AsyncSession) -> list[StoredFlow]:
    rows = (
        await session.scalars(
            select(FlowVersion).order_by(FlowVersion.flow_id, FlowVersion.version)
        )
    ).all()
    return [StoredFlow(row.flow_id, row.version, row.source, row.is_current) for row in rows]
