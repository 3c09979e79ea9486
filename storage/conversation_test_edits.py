"""Administrators' edits of conversation tests: a draft goes with a flow's draft and is
published with it; a published edit replaces the test's file from then on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.admin_content import ConversationTestEdit

DRAFT, PUBLISHED = "draft", "published"


async def published_sources(session: AsyncSession) -> dict[str, str]:
    """Every published edit's text, by test name."""
    rows = await session.scalars(
        select(ConversationTestEdit).where(ConversationTestEdit.state == PUBLISHED)
    )
    return {row.name: row.source for row in rows}


async def draft_sources(session: AsyncSession, flow_id: str) -> dict[str, str]:
    """The edits that go with the draft of `flow_id`, by test name."""
    rows = await session.scalars(
        select(ConversationTestEdit).where(
            ConversationTestEdit.state == DRAFT, ConversationTestEdit.flow_id == flow_id
        )
    )
    return {row.name: row.source for row in rows}


async def save_draft(
    session: AsyncSession, name: str, flow_id: str, source: str, by: str | None, now: datetime
) -> None:
    """Keep the edit of test `name` with the draft of `flow_id` (one draft per test)."""
    row = await session.get(ConversationTestEdit, (name, DRAFT))
    if row is None:
        row = ConversationTestEdit(name=name, state=DRAFT)
        session.add(row)
    row.flow_id, row.source, row.updated_at, row.updated_by = flow_id, source, now, by
    await session.flush()


async def publish_drafts(session: AsyncSession, flow_id: str, by: str | None, now: datetime) -> int:
    """The drafts of `flow_id` become the published texts of their tests; how many."""
    drafts = list(
        await session.scalars(
            select(ConversationTestEdit).where(
                ConversationTestEdit.state == DRAFT, ConversationTestEdit.flow_id == flow_id
            )
        )
    )
    for draft in drafts:
        published = await session.get(ConversationTestEdit, (draft.name, PUBLISHED))
        if published is None:
            published = ConversationTestEdit(name=draft.name, state=PUBLISHED)
            session.add(published)
        published.flow_id, published.source = flow_id, draft.source
        published.updated_at, published.updated_by = now, by
        await session.delete(draft)
    await session.flush()
    return len(drafts)


async def drop_drafts(session: AsyncSession, flow_id: str) -> None:
    await session.execute(
        delete(ConversationTestEdit).where(
            ConversationTestEdit.state == DRAFT, ConversationTestEdit.flow_id == flow_id
        )
    )
