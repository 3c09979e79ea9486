"""The demo town Musterstadt for a fresh install (storage/seed/musterstadt.yml)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.consultations.file_import import upsert_consultation
from storage.consultations.spec import ConsultationSpec
from storage.ideas import change_status, create_idea
from storage.models.civic import Consultation, Idea, Topic
from storage.questions import create_question, record_answer
from storage.topics import topic_by_slug, upsert_topic

DEMO_FILE = Path(__file__).parent / "seed" / "musterstadt.yml"
DEMO_STAFF = "Demo"


def _days(now: datetime, days: int) -> datetime:
    return now + timedelta(days=days)


async def _demo() -> dict[str, Any]:
    text = await asyncio.to_thread(DEMO_FILE.read_text, encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


async def ensure_default_topics(session: AsyncSession) -> int:
    """Adds the eight standard topics when the town has none yet; how many were added.

    A town that defined its own topics keeps them untouched. Does not commit.
    """
    if await session.scalar(select(Topic.id).limit(1)) is not None:
        return 0
    topics = (await _demo())["topics"]
    for position, topic in enumerate(topics, start=1):
        await upsert_topic(
            session, topic["slug"], topic["de"], topic["en"], topic["keywords"], position
        )
    return len(topics)


async def seed_demo(session: AsyncSession, now: datetime) -> bool:
    """Loads the demo town; False (and nothing changes) when it was loaded before.

    Topics that exist already keep their names. Does not commit.
    """
    demo = await _demo()
    slugs = [c["slug"] for c in demo["consultations"]]
    if await session.scalar(select(Consultation.id).where(Consultation.slug.in_(slugs))):
        return False
    for position, topic in enumerate(demo["topics"], start=1):
        if await topic_by_slug(session, topic["slug"]) is None:
            await upsert_topic(
                session, topic["slug"], topic["de"], topic["en"], topic["keywords"], position
            )
    topics = {t.slug: t.id for t in await session.scalars(select(Topic))}
    for item in demo["consultations"]:
        fields = {k: v for k, v in item.items() if not k.endswith("_in_days")}
        fields["opens"] = _days(now, item["opens_in_days"])
        fields["closes"] = _days(now, item["closes_in_days"])
        spec = ConsultationSpec.model_validate(fields)
        await upsert_consultation(session, spec, topics.get(spec.topic or ""))
    for item in demo["ideas"]:
        await _seed_idea(session, item, topics, now)
    for item in demo["questions"]:
        asked_at = _days(now, -item["days_ago"])
        question = await create_question(session, None, item["text"], item["language"], asked_at)
        await record_answer(
            session, question, item["answer"], True, DEMO_STAFF, asked_at + timedelta(days=2)
        )
    return True


async def _seed_idea(
    session: AsyncSession, item: dict[str, Any], topics: dict[str, int], now: datetime
) -> None:
    created = await create_idea(
        session,
        citizen_id=None,
        title=item["title"],
        description=item["description"],
        topic_id=topics.get(item["topic"]),
        place=item.get("place"),
        language=item["language"],
        now=_days(now, -item["days_ago"]),
        moderation="published",
    )
    idea = await session.get_one(Idea, created.id)
    # demo supporters are counted without inventing supporter rows
    idea.support_count = item["supports"]
    for step in item["history"]:
        await change_status(
            session, idea, step["status"], step["note"], DEMO_STAFF, _days(now, -step["days_ago"])
        )
