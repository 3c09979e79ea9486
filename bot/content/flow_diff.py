"""Comparing two versions of a flow (or a version and the draft) as a unified diff."""

from __future__ import annotations

import difflib

from sqlalchemy.ext.asyncio import AsyncSession

from storage import flow_drafts


async def diff_versions(
    session: AsyncSession, flow_id: str, old: int | str, new: int | str
) -> str | None:
    """A unified diff between two versions; "draft" names the saved draft. None: not found."""
    old_source = await _source(session, flow_id, old)
    new_source = await _source(session, flow_id, new)
    if old_source is None or new_source is None:
        return None
    return unified_diff(old_source, new_source, _label(flow_id, old), _label(flow_id, new))


async def _source(session: AsyncSession, flow_id: str, which: int | str) -> str | None:
    if which == "draft":
        draft = await flow_drafts.get_draft(session, flow_id)
        return None if draft is None else draft.source
    if isinstance(which, int):
        return await flow_drafts.source_of(session, flow_id, which)
    return None


def _label(flow_id: str, which: int | str) -> str:
    return f"{flow_id} ({which})" if which == "draft" else f"{flow_id} v{which}"


def unified_diff(old: str, new: str, old_label: str, new_label: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), old_label, new_label
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
