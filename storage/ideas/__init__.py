"""Ideas: proposing, listing the published ones, their status history and supporters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Literal, NamedTuple, cast

from sqlalchemy import Select, Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.inserts import insert_if_absent
from storage.models.civic import Idea, IdeaStatusChange, IdeaSupport
from storage.references import IDEA, make_reference, parse_reference

IDEA_STATUSES = ("submitted", "in_review", "accepted", "rejected", "implemented")
# "merged": a duplicate folded into another idea (see storage.ideas.merging); hidden like rejected
MODERATION_STATES = ("pending", "published", "rejected", "merged")
SupportResult = Literal["added", "already", "own_idea"]


async def create_idea(
    session: AsyncSession,
    *,
    citizen_id: int | None,
    title: str,
    description: str,
    topic_id: int | None,
    place: str | None,
    language: str,
    now: datetime,
    moderation: str = "pending",
) -> NewIdea:
    """Stores a new idea with status submitted and the first entry of its history.

    Three plain statements built once: the ORM's unit of work would cost a chat turn that
    submits an idea more than all of them together."""
    values = {
        "citizen_id": citizen_id,
        "title": title,
        "description": description,
        "topic_id": topic_id,
        "place": place,
        "language": language,
        "status": "submitted",
        "moderation": moderation,
        "created_at": now,
        "support_count": 0,
    }
    idea_id = (await session.execute(_ADD_IDEA, values)).scalar_one()
    ref = make_reference(IDEA, idea_id)
    await session.execute(_SET_REF, {"idea_id": idea_id, "ref": ref})
    history = {"idea_id": idea_id, "status": "submitted", "note": "", "at": now, "by": None}
    await session.execute(_ADD_HISTORY, history)
    return NewIdea(idea_id, ref)


class NewIdea(NamedTuple):
    id: int
    ref: str


_IDEAS = cast(Table, Idea.__table__)
_ADD_IDEA = insert(_IDEAS).returning(_IDEAS.c.id)
_SET_REF = update(_IDEAS).where(_IDEAS.c.id == bindparam("idea_id")).values(ref=bindparam("ref"))
_ADD_HISTORY = insert(cast(Table, IdeaStatusChange.__table__))


async def find_idea(session: AsyncSession, reference: str) -> Idea | None:
    """By reference number ("I-17") or id ("17")."""
    idea_id = parse_reference(reference, IDEA)
    return None if idea_id is None else await session.get(Idea, idea_id)


async def idea_refs(session: AsyncSession, idea_ids: Sequence[int]) -> list[str]:
    """The references ("I-12") of these ideas, in no particular order."""
    refs = await session.scalars(select(Idea.ref).where(Idea.id.in_(idea_ids)))
    return [ref for ref in refs if ref is not None]


async def published_ideas(
    session: AsyncSession,
    *,
    order: Literal["newest", "support"] = "newest",
    topic_id: int | None = None,
    offset: int = 0,
    limit: int = 5,
) -> list[Idea]:
    query = _published(order, by_topic=topic_id is not None)
    values = {"topic_id": topic_id, "offset": max(offset, 0), "limit": max(limit, 0)}
    return list((await session.scalars(query, values)).all())


@cache
def _published(order: Literal["newest", "support"], by_topic: bool) -> Select[Idea]:
    """Built once per kind of list: building a statement costs more than running it."""
    query = select(Idea).where(Idea.moderation == "published")
    if by_topic:
        query = query.where(Idea.topic_id == bindparam("topic_id"))
    if order == "support":
        query = query.order_by(Idea.support_count.desc(), Idea.created_at.desc(), Idea.id.desc())
    else:
        query = query.order_by(Idea.created_at.desc(), Idea.id.desc())
    return query.offset(bindparam("offset")).limit(bindparam("limit"))


async def ideas_of(session: AsyncSession, citizen_id: int) -> list[Idea]:
    return list((await session.scalars(_IDEAS_OF, {"citizen_id": citizen_id})).all())


_IDEAS_OF = select(Idea).where(Idea.citizen_id == bindparam("citizen_id")).order_by(Idea.id.desc())


async def status_history(session: AsyncSession, idea_id: int) -> list[IdeaStatusChange]:
    query = (
        select(IdeaStatusChange)
        .where(IdeaStatusChange.idea_id == idea_id)
        .order_by(IdeaStatusChange.at, IdeaStatusChange.id)
    )
    return list((await session.scalars(query)).all())


async def change_status(
    session: AsyncSession, idea: Idea, status: str, note: str, by: str | None, now: datetime
) -> None:
    """Moves the idea to `status` and records the step in its history."""
    if status not in IDEA_STATUSES:
        raise ValueError(f"unknown idea status {status!r}")
    idea.status = status
    session.add(IdeaStatusChange(idea_id=idea.id, status=status, note=note, at=now, by=by))
    await session.flush()


async def has_supported(session: AsyncSession, idea_id: int, citizen_id: int) -> bool:
    found = await session.scalar(
        select(IdeaSupport.id).where(
            IdeaSupport.idea_id == idea_id, IdeaSupport.citizen_id == citizen_id
        )
    )
    return found is not None


async def add_support(
    session: AsyncSession, idea: Idea, citizen_id: int, now: datetime
) -> SupportResult:
    """Counts the citizen's support once; an author cannot support their own idea."""
    if idea.citizen_id == citizen_id:
        return "own_idea"
    added = await insert_if_absent(
        session, IdeaSupport, {"idea_id": idea.id, "citizen_id": citizen_id, "created_at": now}
    )
    if not added:
        return "already"
    # counted in SQL so two supporters at the same moment both count
    await session.execute(
        update(Idea).where(Idea.id == idea.id).values(support_count=Idea.support_count + 1)
    )
    await session.refresh(idea, ["support_count"])
    return "added"


async def ideas_awaiting_moderation(session: AsyncSession) -> list[Idea]:
    """Ideas citizens proposed that staff have not yet published or rejected, oldest first."""
    query = select(Idea).where(Idea.moderation == "pending").order_by(Idea.created_at, Idea.id)
    return list((await session.scalars(query)).all())


async def set_moderation(session: AsyncSession, idea: Idea, state: str) -> None:
    if state not in MODERATION_STATES:
        raise ValueError(f"unknown moderation state {state!r}")
    idea.moderation = state
    await session.flush()
