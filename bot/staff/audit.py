"""The audit log: every state-changing action in the staff app, who did it and when."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import utcnow
from storage.models.staff import AuditEntry


async def record_audit(
    session: AsyncSession,
    actor: str,
    action: str,
    target: str = "",
    detail: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """Adds one entry in the caller's transaction, so the entry exists exactly when the
    change does. `action` is a short dotted name ("question.answer"); `target` names the
    thing ("Q-17"); `detail` holds what else helps to understand it later."""
    session.add(
        AuditEntry(
            at=now or utcnow(),
            actor=actor[:64],
            action=action[:64],
            target=target[:200],
            detail=dict(detail or {}),
        )
    )
    await session.flush()


async def audit_entries(
    session: AsyncSession,
    *,
    actor: str | None = None,
    action: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> list[AuditEntry]:
    query = select(AuditEntry)
    if actor:
        query = query.where(func.lower(AuditEntry.actor) == actor.strip().lower())
    if action:
        query = query.where(AuditEntry.action.startswith(action.strip()))
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).offset(offset).limit(limit)
    return list((await session.scalars(query)).all())
