"""Published council decisions follow the council: a changed result becomes a correction
draft for staff, an item now kept from citizens withdraws its decision.

Corrections are never published automatically: staff read them first, and once published
they reach only the citizens who were told about the decision, each once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.civic.council.drafts import draft_text, withheld
from bot.civic.decisions import withdraw_decision
from storage.decisions import (
    DRAFT,
    PUBLISHED,
    add_decision,
    corrections_of,
    delete_decision,
    published_by_external_id,
    update_decision,
)
from storage.models.civic import Decision
from storage.models.council import CouncilAgendaItem


@dataclass
class PublishedChanges:
    corrections: list[int] = field(default_factory=list)  # correction drafts new or changed
    withdrawn: list[int] = field(default_factory=list)
    messages_cancelled: int = 0


async def follow_published(
    session: AsyncSession, items: Sequence[CouncilAgendaItem], now: datetime
) -> PublishedChanges:
    """Compare each item with the decision published from it, if any."""
    changes = PublishedChanges()
    published = await published_by_external_id(session, [item.external_id for item in items])
    for item in items:
        decision = published.get(item.external_id)
        if decision is None:
            continue
        if withheld(item):
            changes.messages_cancelled += await withdraw_decision(session, decision)
            changes.withdrawn.append(decision.id)
            continue
        correction = await _correct(session, decision, item, now)
        if correction is not None:
            changes.corrections.append(correction)
    return changes


async def _correct(
    session: AsyncSession, decision: Decision, item: CouncilAgendaItem, now: datetime
) -> int | None:
    """Keep the decision's correction draft in step with the council's result; the draft's
    id when it was created or changed."""
    corrections = await corrections_of(session, decision.id)
    pending = next((c for c in corrections if c.status == DRAFT), None)
    told = [decision, *(c for c in corrections if c.status == PUBLISHED)][-1].council_result
    result = (item.result or "").strip()
    if told is None:
        # published before mitreden kept the result: what it said is today's baseline
        await update_decision(session, decision, {"council_result": result or None})
        return None
    if item.deleted or not result or result == told:
        # an emptied result is no news; a result changed back needs no correction
        if pending is not None:
            await delete_decision(session, pending)
        return None
    text = draft_text(item, told=told)
    if pending is not None:
        wanted = {"text": text, "council_result": result}
        return pending.id if await update_decision(session, pending, wanted) else None
    correction = await add_decision(
        session,
        title=decision.title,
        text=text,
        link=decision.link,
        topic_id=decision.topic_id,
        idea_ids=(),
        consultation_ids=(),
        created_by="oparl",
        now=now,
        source="oparl",
        paper_reference=decision.paper_reference,
        council_result=result,
        corrects_id=decision.id,
    )
    return correction.id
