"""Council data synced from OParl: papers, agenda items, consultations and the sync marks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from storage.models.council import (
    CouncilAgendaItem,
    CouncilConsultation,
    CouncilPaper,
    CouncilSyncState,
)

_PARTS = re.compile(r"[^\W_]+")
MAX_KEY = 64  # a subscription's target column is this wide


def reference_key(reference: str) -> str:
    """The search form of a paper reference: "VO/2026/0123" and "vo 2026/123" both give
    "vo/2026/123" (case, separators and leading zeros do not matter)."""
    parts = []
    for part in _PARTS.findall(reference.lower()):
        parts.append(str(int(part)) if part.isdigit() else part)
    return "/".join(parts)[:MAX_KEY]


async def _upsert(
    session: AsyncSession, model: type[DeclarativeBase], values: dict[str, Any]
) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(**values)
    changed = {k: v for k, v in values.items() if k != "external_id"}
    await session.execute(
        statement.on_conflict_do_update(index_elements=["external_id"], set_=changed)
    )


async def save_paper(session: AsyncSession, values: dict[str, Any]) -> None:
    """Create or update a paper by its OParl id; `values` are CouncilPaper columns."""
    reference = values.get("reference")
    values = {**values, "reference_key": reference_key(reference) if reference else None}
    await _upsert(session, CouncilPaper, values)


async def save_agenda_item(session: AsyncSession, values: dict[str, Any]) -> None:
    await _upsert(session, CouncilAgendaItem, values)


async def save_consultation(
    session: AsyncSession,
    external_id: str,
    paper_external_id: str | None,
    agenda_item_external_id: str | None,
) -> None:
    """Remember that a paper is dealt with at an agenda item; keep what is known already."""
    known = await session.scalar(
        select(CouncilConsultation).where(CouncilConsultation.external_id == external_id)
    )
    if known is None:
        session.add(
            CouncilConsultation(
                external_id=external_id,
                paper_external_id=paper_external_id,
                agenda_item_external_id=agenda_item_external_id,
            )
        )
        await session.flush()
        return
    known.paper_external_id = paper_external_id or known.paper_external_id
    known.agenda_item_external_id = agenda_item_external_id or known.agenda_item_external_id


async def mark_items_of_meeting_deleted(
    session: AsyncSession, meeting_external_id: str, keep: Sequence[str], now: datetime
) -> int:
    """Agenda items a meeting no longer lists are gone upstream (OParl deletes sub-objects)."""
    result = await session.execute(
        update(CouncilAgendaItem)
        .where(
            CouncilAgendaItem.meeting_external_id == meeting_external_id,
            CouncilAgendaItem.external_id.not_in(list(keep)),
            CouncilAgendaItem.deleted.is_(False),
        )
        .values(deleted=True, synced_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def paper_by_external_id(session: AsyncSession, external_id: str) -> CouncilPaper | None:
    return await session.scalar(select(CouncilPaper).where(CouncilPaper.external_id == external_id))


async def find_paper(session: AsyncSession, reference: str) -> CouncilPaper | None:
    """A paper that is not deleted, by its reference as citizens type it.

    "2026/123" also finds "VO/2026/0123" when that is the only paper ending like this.
    """
    key = reference_key(reference)
    if not key:
        return None
    live = CouncilPaper.deleted.is_(False)
    exact = await session.scalar(
        select(CouncilPaper).where(live, CouncilPaper.reference_key == key).limit(1)
    )
    if exact is not None:
        return exact
    ending = list(
        (
            await session.scalars(
                select(CouncilPaper)
                .where(live, CouncilPaper.reference_key.like(f"%/{key}"))
                .limit(2)
            )
        ).all()
    )
    return ending[0] if len(ending) == 1 else None


async def paper_of_agenda_item(
    session: AsyncSession, item: CouncilAgendaItem
) -> CouncilPaper | None:
    """The paper an agenda item deals with, through its consultation."""
    conditions = [CouncilConsultation.agenda_item_external_id == item.external_id]
    if item.consultation_external_id:
        conditions.append(CouncilConsultation.external_id == item.consultation_external_id)
    for condition in conditions:
        paper_id = await session.scalar(
            select(CouncilConsultation.paper_external_id)
            .where(condition, CouncilConsultation.paper_external_id.is_not(None))
            .limit(1)
        )
        if paper_id:
            return await paper_by_external_id(session, paper_id)
    return None


async def touched_items(session: AsyncSession, since: datetime) -> list[CouncilAgendaItem]:
    """Agenda items written (or marked deleted) at or after `since`."""
    query = (
        select(CouncilAgendaItem)
        .where(CouncilAgendaItem.synced_at >= since)
        .order_by(CouncilAgendaItem.id)
    )
    return list((await session.scalars(query)).all())


async def items_of_papers_synced_since(
    session: AsyncSession, since: datetime
) -> list[CouncilAgendaItem]:
    """Agenda items dealing with a paper written at or after `since` (its number or title
    may have changed, or the link to the item is new)."""
    papers = select(CouncilPaper.external_id).where(CouncilPaper.synced_at >= since)
    links = select(CouncilConsultation).where(CouncilConsultation.paper_external_id.in_(papers))
    consultations = list((await session.scalars(links)).all())
    if not consultations:
        return []
    item_ids = [c.agenda_item_external_id for c in consultations if c.agenda_item_external_id]
    consultation_ids = [c.external_id for c in consultations]
    query = (
        select(CouncilAgendaItem)
        .where(
            CouncilAgendaItem.external_id.in_(item_ids)
            | CouncilAgendaItem.consultation_external_id.in_(consultation_ids)
        )
        .order_by(CouncilAgendaItem.id)
    )
    return list((await session.scalars(query)).all())


async def latest_item_for_paper(
    session: AsyncSession, paper_external_id: str
) -> CouncilAgendaItem | None:
    """The latest public agenda item of a meeting that took place that dealt with the paper
    (for its status in the chat)."""
    item_ids = select(CouncilConsultation.agenda_item_external_id).where(
        CouncilConsultation.paper_external_id == paper_external_id
    )
    consultation_ids = select(CouncilConsultation.external_id).where(
        CouncilConsultation.paper_external_id == paper_external_id
    )
    return await session.scalar(
        select(CouncilAgendaItem)
        .where(
            CouncilAgendaItem.deleted.is_(False),
            CouncilAgendaItem.public.is_(True),
            CouncilAgendaItem.meeting_cancelled.is_(False),
            (CouncilAgendaItem.external_id.in_(item_ids))
            | (CouncilAgendaItem.consultation_external_id.in_(consultation_ids)),
        )
        .order_by(CouncilAgendaItem.meeting_start.desc().nulls_last(), CouncilAgendaItem.id.desc())
        .limit(1)
    )


# sync marks


@dataclass(frozen=True)
class SyncMark:
    list_url: str
    synced_until: datetime | None
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_warning: str | None = None


def _mark(row: CouncilSyncState) -> SyncMark:
    return SyncMark(
        row.list_url,
        row.synced_until,
        row.last_attempt_at,
        row.last_success_at,
        row.last_error,
        row.last_warning,
    )


async def sync_mark(session: AsyncSession, list_url: str) -> SyncMark:
    row = await session.get(CouncilSyncState, list_url)
    return SyncMark(list_url, None, None, None, None) if row is None else _mark(row)


async def all_sync_marks(session: AsyncSession) -> list[SyncMark]:
    rows = await session.scalars(select(CouncilSyncState).order_by(CouncilSyncState.list_url))
    return [_mark(row) for row in rows]


async def record_sync(
    session: AsyncSession,
    list_url: str,
    *,
    now: datetime,
    synced_until: datetime | None = None,
    error: str | None = None,
    warning: str | None = None,
) -> None:
    """Record an attempt. Success moves the mark to `synced_until`; a failure keeps it.
    Error and warning are those of this attempt: a server that was fixed loses them."""
    row = await session.get(CouncilSyncState, list_url)
    if row is None:
        row = CouncilSyncState(list_url=list_url)
        session.add(row)
    row.last_attempt_at = now
    row.last_error = error
    row.last_warning = warning
    if error is None:
        row.last_success_at = now
        row.synced_until = synced_until
    await session.flush()
