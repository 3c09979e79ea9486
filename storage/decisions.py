"""Decisions: drafts, publishing, and who is to hear about one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    cast,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    union,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.council import reference_key
from storage.models.civic import (
    Decision,
    Idea,
    IdeaSupport,
    Participation,
    Subscription,
    Topic,
    decision_consultations,
    decision_ideas,
)
from storage.models.core import Citizen, OutboxMessage
from storage.outbox import CANCELLED, CLAIMED, FAILED, PENDING
from storage.topics import topic_by_id

DRAFT, PUBLISHED, WITHDRAWN = "draft", "published", "withdrawn"
SOURCES = ("staff", "oparl")


async def add_decision(
    session: AsyncSession,
    *,
    title: str,
    text: str,
    link: str | None,
    topic_id: int | None,
    idea_ids: Sequence[int],
    consultation_ids: Sequence[int],
    created_by: str | None,
    now: datetime,
    source: str = "staff",
    external_id: str | None = None,
    paper_reference: str | None = None,
    council_result: str | None = None,
    corrects_id: int | None = None,
) -> Decision:
    if source not in SOURCES:
        raise ValueError(f"unknown decision source {source!r}")
    decision = Decision(
        title=title,
        text=text,
        link=link,
        topic_id=topic_id,
        status=DRAFT,
        source=source,
        external_id=external_id,
        paper_reference=paper_reference,
        council_result=council_result,
        corrects_id=corrects_id,
        created_by=created_by,
        created_at=now,
    )
    session.add(decision)
    await session.flush()
    await link_decision(session, decision.id, idea_ids, consultation_ids)
    return decision


async def decision_by_id(session: AsyncSession, decision_id: int) -> Decision | None:
    return await session.get(Decision, decision_id)


async def update_decision(
    session: AsyncSession, decision: Decision, changes: Mapping[str, object]
) -> bool:
    """Write the fields that differ onto the decision; True when one did. Does not commit."""
    changed = False
    for name, value in changes.items():
        if name not in Decision.__table__.c:  # a typo would otherwise pass unnoticed
            raise ValueError(f"a decision has no field {name!r}")
        if getattr(decision, name) != value:
            setattr(decision, name, value)
            changed = True
    if changed:
        await session.flush()
    return changed


async def delete_decision(session: AsyncSession, decision: Decision) -> None:
    await session.delete(decision)
    await session.flush()


async def link_decision(
    session: AsyncSession,
    decision_id: int,
    idea_ids: Sequence[int],
    consultation_ids: Sequence[int],
) -> None:
    """Replace the ideas and consultations the decision answers."""
    await session.execute(delete(decision_ideas).where(decision_ideas.c.decision_id == decision_id))
    await session.execute(
        delete(decision_consultations).where(decision_consultations.c.decision_id == decision_id)
    )
    if idea_ids:
        await session.execute(
            insert(decision_ideas),
            [{"decision_id": decision_id, "idea_id": i} for i in sorted(set(idea_ids))],
        )
    if consultation_ids:
        await session.execute(
            insert(decision_consultations),
            [
                {"decision_id": decision_id, "consultation_id": c}
                for c in sorted(set(consultation_ids))
            ],
        )


async def linked_ids(session: AsyncSession, decision_id: int) -> tuple[list[int], list[int]]:
    ideas = await session.scalars(
        select(decision_ideas.c.idea_id).where(decision_ideas.c.decision_id == decision_id)
    )
    consultations = await session.scalars(
        select(decision_consultations.c.consultation_id).where(
            decision_consultations.c.decision_id == decision_id
        )
    )
    return sorted(ideas.all()), sorted(consultations.all())


async def decision_by_external_id(session: AsyncSession, external_id: str) -> Decision | None:
    return await session.scalar(select(Decision).where(Decision.external_id == external_id))


async def list_decisions(
    session: AsyncSession, status: str | None = None, limit: int = 50
) -> list[Decision]:
    query = select(Decision).order_by(Decision.created_at.desc(), Decision.id.desc()).limit(limit)
    if status is not None:
        query = query.where(Decision.status == status)
    return list((await session.scalars(query)).all())


def audience(decision: Decision, topic: Topic | None) -> Select[int]:
    """Citizens to tell about the decision, each once.

    Subscribers of its topic and of its council paper, authors, supporters and followers of
    the ideas it answers, and those who took part in (or follow) its consultations. Paused
    subscriptions are left out.
    """
    active = Subscription.paused_at.is_(None)
    idea_ids = select(decision_ideas.c.idea_id).where(decision_ideas.c.decision_id == decision.id)
    consultation_ids = select(decision_consultations.c.consultation_id).where(
        decision_consultations.c.decision_id == decision.id
    )
    parts: list[Select[Any]] = [
        select(Idea.citizen_id).where(Idea.id.in_(idea_ids)),
        select(IdeaSupport.citizen_id).where(IdeaSupport.idea_id.in_(idea_ids)),
        select(Subscription.citizen_id).where(
            active,
            Subscription.kind == "idea",
            Subscription.target.in_(select(Idea.ref).where(Idea.id.in_(idea_ids))),
        ),
        select(Participation.citizen_id).where(
            Participation.consultation_id.in_(consultation_ids),
            Participation.submitted_at.is_not(None),
        ),
    ]
    parts.append(
        select(Subscription.citizen_id).where(
            active,
            Subscription.kind == "consultation",
            Subscription.target.in_(
                select(cast(decision_consultations.c.consultation_id, String)).where(
                    decision_consultations.c.decision_id == decision.id
                )
            ),
        )
    )
    if topic is not None:
        parts.append(
            select(Subscription.citizen_id).where(
                active, Subscription.kind == "topic", Subscription.target == topic.slug
            )
        )
    if decision.paper_reference:
        key = reference_key(decision.paper_reference)
        # "2026/456", followed before the council data had it, is "VO/2026/0456" in the end
        ends_like = and_(
            Subscription.target.contains("/"), literal(key).like("%/" + Subscription.target)
        )
        parts.append(
            select(Subscription.citizen_id).where(
                active, Subscription.kind == "paper", or_(Subscription.target == key, ends_like)
            )
        )
    everyone = union(*parts).subquery()
    return select(Citizen.id).where(Citizen.id.in_(select(everyone.c[0])))


async def audience_size(session: AsyncSession, decision: Decision) -> int:
    """How many citizens publishing the decision reaches."""
    topic = await topic_by_id(session, decision.topic_id)
    counted = await session.scalar(
        select(func.count()).select_from(audience(decision, topic).subquery())
    )
    return int(counted or 0)


async def delivery_counts(session: AsyncSession, decision_id: int) -> dict[str, int]:
    """The decision's messages in the outbox, per state."""
    rows = await session.execute(
        select(OutboxMessage.state, func.count())
        .where(
            OutboxMessage.cause == "decision",
            OutboxMessage.dedupe_key.like(f"decision:{decision_id}:%"),
        )
        .group_by(OutboxMessage.state)
    )
    return {state: int(count) for state, count in rows.all()}


# corrections: a council result changed after its decision was published


async def corrections_of(session: AsyncSession, decision_id: int) -> list[Decision]:
    """The corrections of a published decision, oldest first."""
    rows = await session.scalars(
        select(Decision).where(Decision.corrects_id == decision_id).order_by(Decision.id)
    )
    return list(rows.all())


async def published_by_external_id(
    session: AsyncSession, external_ids: Sequence[str]
) -> dict[str, Decision]:
    """The published decisions made from these council objects, by their OParl id."""
    found: dict[str, Decision] = {}
    wanted = sorted(set(external_ids))
    for start in range(0, len(wanted), 500):  # well below every backend's parameter limit
        rows = await session.scalars(
            select(Decision).where(
                Decision.external_id.in_(wanted[start : start + 500]),
                Decision.status == PUBLISHED,
            )
        )
        found.update((row.external_id, row) for row in rows if row.external_id)
    return found


async def correction_drafts(session: AsyncSession) -> list[Decision]:
    """Corrections waiting for staff, oldest first."""
    rows = await session.scalars(
        select(Decision)
        .where(Decision.corrects_id.is_not(None), Decision.status == DRAFT)
        .order_by(Decision.id)
    )
    return list(rows.all())


def _messages_of(decision_ids: Sequence[int]) -> ColumnElement[bool]:
    return and_(
        OutboxMessage.cause == "decision",
        or_(*(OutboxMessage.dedupe_key.like(f"decision:{i}:%") for i in decision_ids)),
    )


def told_citizens(decision_ids: Sequence[int]) -> Select[int]:
    """Citizens who were told (or are about to be told) about any of these decisions."""
    told: Select[Any] = select(OutboxMessage.citizen_id).where(  # no NULL passes the filter
        _messages_of(decision_ids),
        OutboxMessage.citizen_id.is_not(None),
        OutboxMessage.state.not_in([FAILED, CANCELLED]),
    )
    return told


async def cancel_decision_messages(session: AsyncSession, decision_ids: Sequence[int]) -> int:
    """Withdraw the decisions' messages that were not handed to a platform yet."""
    if not decision_ids:
        return 0
    result = await session.execute(
        update(OutboxMessage)
        .where(_messages_of(decision_ids), OutboxMessage.state.in_([PENDING, CLAIMED]))
        .values(state=CANCELLED, last_error="the decision was withdrawn")
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
