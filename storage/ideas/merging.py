"""Staff views of ideas and folding a duplicate into the idea that stays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from storage.ideas import add_support, set_moderation
from storage.inserts import insert_if_absent
from storage.models.civic import Idea, IdeaSupport, Subscription
from storage.models.core import Citizen

VIEWS = ("pending", "published", "rejected", "merged", "all")


@dataclass(frozen=True)
class MergeResult:
    moved_supports: int


async def staff_ideas(
    session: AsyncSession,
    view: str,
    *,
    status: str = "",
    text: str = "",
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[Idea], int]:
    """Ideas for the staff list: waiting ones oldest first, the others newest first."""
    query = select(Idea)
    if view in ("pending", "published", "rejected", "merged"):
        query = query.where(Idea.moderation == view)
    if status:
        query = query.where(Idea.status == status)
    text = text.strip().lower()
    if text:
        query = query.where(
            or_(
                func.lower(Idea.title).contains(text, autoescape=True),
                func.lower(Idea.description).contains(text, autoescape=True),
                func.lower(func.coalesce(Idea.ref, "")) == text,
            )
        )
    total = int(await session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    if view == "pending":
        query = query.order_by(Idea.created_at, Idea.id)
    else:
        query = query.order_by(Idea.created_at.desc(), Idea.id.desc())
    return list((await session.scalars(query.offset(offset).limit(limit))).all()), total


def followers(idea_id: int, ref: str) -> Select[int]:
    """The idea's author, its supporters and those who follow it, each once."""
    parts: list[Select[Any]] = [
        select(Idea.citizen_id).where(Idea.id == idea_id),
        select(IdeaSupport.citizen_id).where(IdeaSupport.idea_id == idea_id),
        select(Subscription.citizen_id).where(
            Subscription.kind == "idea",
            Subscription.target == ref,
            Subscription.paused_at.is_(None),
        ),
    ]
    everyone = union(*parts).subquery()
    return select(Citizen.id).where(Citizen.id.in_(select(everyone.c[0])))


async def merge_into(
    session: AsyncSession, duplicate: Idea, kept: Idea, now: datetime
) -> MergeResult:
    """The duplicate's supporters (and its author) now support the kept idea, its followers
    follow it; the duplicate is hidden and points to the kept one. Raises ValueError with a
    plain message when the two cannot be merged."""
    if duplicate.id == kept.id:
        raise ValueError("an idea cannot be merged into itself")
    if kept.merged_into is not None or kept.moderation in ("merged", "rejected"):
        raise ValueError(f"{kept.ref} is not a visible idea; merge into a published or waiting one")
    if duplicate.merged_into is not None:
        raise ValueError(f"{duplicate.ref} was already merged into {duplicate.merged_into}")
    supporters = list(
        (
            await session.scalars(
                select(IdeaSupport.citizen_id).where(
                    IdeaSupport.idea_id == duplicate.id, IdeaSupport.citizen_id.is_not(None)
                )
            )
        ).all()
    )
    if duplicate.citizen_id is not None:
        supporters.append(duplicate.citizen_id)
    moved = 0
    for citizen_id in supporters:
        if citizen_id is not None and await add_support(session, kept, citizen_id, now) == "added":
            moved += 1
    follows = await session.scalars(
        select(Subscription).where(
            Subscription.kind == "idea", Subscription.target == duplicate.ref
        )
    )
    for follow in list(follows.all()):
        await insert_if_absent(
            session,
            Subscription,
            {
                "citizen_id": follow.citizen_id,
                "kind": "idea",
                "target": kept.ref,
                "created_at": now,
            },
        )
    duplicate.merged_into = kept.ref
    await set_moderation(session, duplicate, "merged")
    return MergeResult(moved)
