"""The audit log: every state-changing action in the staff app, who did it and when."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import utcnow
from storage.staff import add_audit_entry, audit_entries


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
    await add_audit_entry(
        session,
        at=now or utcnow(),
        actor=actor[:64],
        action=action[:64],
        target=target[:200],
        detail=dict(detail or {}),
    )


# the log's pages and tests read it from here, next to where it is written
__all__ = ["audit_entries", "record_audit"]
