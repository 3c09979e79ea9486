"""Photos no report names (files, or rows with MITREDEN_REPORT_PHOTO_STORE=database):
written by a turn whose transaction then failed, left half-written by a crash, or waiting
in a conversation that was then forgotten. The retention job removes them once they are
an hour old.

A photo is stored when the citizen sends it, but its report row is written only when the
citizen sends the report off, maybe much later; until then the id waits in the
conversation's state. So a file is kept while a report or a conversation names it. The
conversations are read before the reports are read again: a turn that turns the waiting id
into a report commits both at once, and whichever of the two reads comes after that commit
sees the report.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import ColumnElement, Text, cast, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.core import Conversation
from storage.models.reports import Report
from storage.photo_store import PhotoStore, as_store

MIN_AGE = timedelta(hours=1)  # a turn that stores a photo finishes long before that
BATCH = 100  # ids per query that looks for them in the stored JSON


async def sweep_orphan_photos(
    session: AsyncSession, folder: Path | PhotoStore, now: datetime
) -> int:
    """Removes the photos older than `MIN_AGE` that nothing names; how many."""
    store = as_store(folder)
    candidates = await store.stored_before(session, now - MIN_AGE)
    if not candidates:
        return 0
    named = await _named_by_reports(session)
    unnamed = [photo_id for photo_id in candidates if photo_id not in named]
    waiting = await _mentioned(session, cast(Conversation.state, Text), unnamed)
    unnamed = [photo_id for photo_id in unnamed if photo_id not in waiting]
    stored_meanwhile = await _mentioned(session, cast(Report.photos, Text), unnamed)
    orphans = [photo_id for photo_id in unnamed if photo_id not in stored_meanwhile]
    await store.remove_now(session, orphans)
    return len(orphans)


async def _named_by_reports(session: AsyncSession) -> set[str]:
    """Every photo id a report names (one photo a report: one short list a row)."""
    named: set[str] = set()
    for photos in await session.scalars(select(Report.photos)):
        named.update(str(photo_id) for photo_id in photos or [])
    return named


async def _mentioned(
    session: AsyncSession, text: ColumnElement[str], photo_ids: Iterable[str]
) -> set[str]:
    """Those of `photo_ids` found anywhere in the JSON `text` of some row."""
    wanted = list(photo_ids)
    found: set[str] = set()
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start : start + BATCH]
        matches = or_(*(text.contains(photo_id, autoescape=True) for photo_id in batch))
        for (stored,) in await session.execute(select(text).where(matches)):
            found.update(photo_id for photo_id in batch if photo_id in stored)
    return found
