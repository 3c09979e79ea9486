"""Saved states of the intent training data: one draft, trained versions, the active one."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.admin_content import NluDataVersion

DRAFT, TRAINING, READY, FAILED = "draft", "training", "ready", "failed"


@dataclass(frozen=True)
class DataVersion:
    id: int
    status: str
    files: dict[str, str]
    is_active: bool
    report: dict[str, Any] | None
    error: str | None
    created_at: datetime
    created_by: str | None
    trained_at: datetime | None
    activated_at: datetime | None


def files_hash(files: Mapping[str, str]) -> str:
    return hashlib.sha256(json.dumps(dict(sorted(files.items()))).encode("utf-8")).hexdigest()


def _as_version(row: NluDataVersion) -> DataVersion:
    return DataVersion(
        row.id,
        row.status,
        {str(name): str(text) for name, text in row.files.items()},
        row.is_active,
        row.report,
        row.error,
        row.created_at,
        row.created_by,
        row.trained_at,
        row.activated_at,
    )


async def get(session: AsyncSession, version_id: int) -> DataVersion | None:
    row = await session.get(NluDataVersion, version_id)
    return None if row is None else _as_version(row)


async def draft(session: AsyncSession) -> DataVersion | None:
    row = await session.scalar(
        select(NluDataVersion).where(NluDataVersion.status == DRAFT).order_by(NluDataVersion.id)
    )
    return None if row is None else _as_version(row)


async def newest(session: AsyncSession) -> DataVersion | None:
    row = await session.scalar(select(NluDataVersion).order_by(NluDataVersion.id.desc()))
    return None if row is None else _as_version(row)


async def active(session: AsyncSession) -> DataVersion | None:
    row = await session.scalar(select(NluDataVersion).where(NluDataVersion.is_active))
    return None if row is None else _as_version(row)


async def active_id(session: AsyncSession) -> int | None:
    return await session.scalar(select(NluDataVersion.id).where(NluDataVersion.is_active))


async def history(session: AsyncSession) -> list[DataVersion]:
    """Every version but the draft, newest first."""
    rows = (
        await session.scalars(
            select(NluDataVersion)
            .where(NluDataVersion.status != DRAFT)
            .order_by(NluDataVersion.id.desc())
        )
    ).all()
    return [_as_version(row) for row in rows]


async def save_draft(
    session: AsyncSession, files: Mapping[str, str], by: str | None, now: datetime
) -> int:
    row = await session.scalar(select(NluDataVersion).where(NluDataVersion.status == DRAFT))
    if row is None:
        row = NluDataVersion(status=DRAFT, is_active=False, files={}, sha256="")
        session.add(row)
    row.files, row.sha256 = dict(files), files_hash(files)
    row.created_at, row.created_by = now, by
    await session.flush()
    return row.id


async def drop_draft(session: AsyncSession) -> None:
    row = await session.scalar(select(NluDataVersion).where(NluDataVersion.status == DRAFT))
    if row is not None:
        await session.delete(row)


async def set_status(
    session: AsyncSession,
    version_id: int,
    status: str,
    now: datetime,
    report: dict[str, Any] | None = None,
    error: str | None = None,
) -> None:
    values: dict[str, Any] = {"status": status, "report": report, "error": error}
    if status != DRAFT:
        values["trained_at"] = now  # while training: when it started; then: when it ended
    await session.execute(
        update(NluDataVersion).where(NluDataVersion.id == version_id).values(**values)
    )


async def activate(session: AsyncSession, version_id: int | None, now: datetime) -> None:
    """Make one version the active one; None: none, the installation's data serves."""
    await session.execute(
        update(NluDataVersion).where(NluDataVersion.is_active).values(is_active=False)
    )
    if version_id is not None:
        await session.execute(
            update(NluDataVersion)
            .where(NluDataVersion.id == version_id)
            .values(is_active=True, activated_at=now)
        )
