"""Council results become decision drafts, matched to the town's topics by keywords.

What citizens must not see never becomes a draft: items of non-public sessions and results
of cancelled meetings. Published decisions are followed by corrections.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.civic.decisions import create_decision
from storage.council import paper_of_agenda_item
from storage.decisions import DRAFT, decision_by_external_id, delete_decision, update_decision
from storage.models.civic import Topic
from storage.models.council import CouncilAgendaItem, CouncilPaper
from storage.topics import list_topics


@dataclass
class DraftChanges:
    created: list[int]
    updated: int = 0
    removed: int = 0


def match_topic(topics: Sequence[Topic], words: str) -> Topic | None:
    """The topic with most keywords that start a word of the text; ties go to the first.

    Word starts catch German compounds ("Radweg" finds "Radwegebau") without matching in
    the middle of unrelated words.
    """
    best: Topic | None = None
    best_hits = 0
    for topic in topics:
        hits = sum(
            1
            for keyword in topic.keywords or []
            if keyword.strip()
            and re.search(r"(?<!\w)" + re.escape(keyword.strip()), words, re.IGNORECASE)
        )
        if hits > best_hits:
            best, best_hits = topic, hits
    return best


def draft_text(item: CouncilAgendaItem, told: str | None = None) -> str:
    """The draft's text; for a correction, `told` is the result citizens heard before."""
    if told is None:
        parts = [f"Ergebnis: {item.result}"]
    else:
        parts = [f"Neues Ergebnis: {item.result} (bisher: {told})"]
    if item.meeting_name:
        parts.append(f"Sitzung: {item.meeting_name}")
    if item.resolution_text:
        parts.append("")
        parts.append(item.resolution_text.strip())
    return "\n".join(parts)


def _title(item: CouncilAgendaItem, paper: CouncilPaper | None) -> str:
    return item.name or (paper.name if paper is not None else "") or "Beschluss"


def withheld(item: CouncilAgendaItem) -> bool:
    """Citizens must not see it: discussed behind closed doors, or its meeting never met."""
    return not item.public or item.meeting_cancelled


async def apply_results(
    session: AsyncSession, items: Sequence[CouncilAgendaItem], now: datetime, oldest: datetime
) -> DraftChanges:
    """Create drafts for new results (of meetings since `oldest`), follow changed ones, drop
    drafts whose item is gone or withheld. Decisions no longer drafts are left alone.
    """
    changes = DraftChanges(created=[])
    topics = await list_topics(session)
    for item in items:
        existing = await decision_by_external_id(session, item.external_id)
        if existing is not None and existing.status != DRAFT:
            continue
        if item.deleted or withheld(item) or not (item.result or "").strip():
            if existing is not None:
                await delete_decision(session, existing)
                changes.removed += 1
            continue
        if existing is None and (item.meeting_start or item.modified or now) < oldest:
            continue  # the first run does not turn years of history into drafts
        paper = await paper_of_agenda_item(session, item)
        words = " ".join(
            [item.name, *(paper.keywords if paper else []), paper.name if paper else ""]
        )
        topic = match_topic(topics, words)
        link = item.web_url or (paper.web_url if paper else None)
        reference = paper.reference if paper is not None else None
        if existing is None:
            decision_id = await create_decision(
                session,
                title=_title(item, paper),
                text=draft_text(item),
                link=link,
                topic_slug=topic.slug if topic else None,
                idea_ids=(),
                consultation_ids=(),
                by="oparl",
                now=now,
                source="oparl",
                external_id=item.external_id,
                paper_reference=reference,
                council_result=(item.result or "").strip(),
            )
            changes.created.append(decision_id)
        elif await update_decision(session, existing, _wanted(item, paper, link, reference)):
            changes.updated += 1
    return changes


def _wanted(
    item: CouncilAgendaItem, paper: CouncilPaper | None, link: str | None, reference: str | None
) -> dict[str, object]:
    """A draft as the council's data has it now; staff's topic choice stays."""
    return {
        "title": _title(item, paper)[:300],
        "text": draft_text(item),
        "link": link,
        "paper_reference": reference,
        "council_result": (item.result or "").strip(),
    }
