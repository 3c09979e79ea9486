"""Topics: the town's subject areas, in German and English."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.civic import Topic


def topic_name(topic: Topic, language: str) -> str:
    return topic.name_en if language == "en" else topic.name_de


async def list_topics(session: AsyncSession) -> list[Topic]:
    return list((await session.scalars(select(Topic).order_by(Topic.position, Topic.slug))).all())


async def topic_by_slug(session: AsyncSession, slug: str) -> Topic | None:
    return await session.scalar(select(Topic).where(Topic.slug == slug.strip().lower()))


async def topic_by_id(session: AsyncSession, topic_id: int | None) -> Topic | None:
    """The topic, or None for none (a row without a topic passes its None straight on)."""
    return await session.get(Topic, topic_id) if topic_id else None


async def topics_by_id(session: AsyncSession, ids: Sequence[int | None]) -> dict[int, Topic]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = await session.scalars(select(Topic).where(Topic.id.in_(wanted)))
    return {topic.id: topic for topic in rows}


async def upsert_topic(
    session: AsyncSession,
    slug: str,
    name_de: str,
    name_en: str,
    keywords: Sequence[str] = (),
    position: int = 0,
) -> Topic:
    """Creates the topic or updates its names, keywords and position."""
    topic = await topic_by_slug(session, slug)
    if topic is None:
        topic = Topic(slug=slug)
        session.add(topic)
    topic.name_de = name_de
    topic.name_en = name_en
    topic.keywords = list(keywords)
    topic.position = position
    await session.flush()
    return topic
