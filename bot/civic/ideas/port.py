"""The ideas port over the store: new ideas wait for moderation unless the town publishes
them at once, and only published ones are listed or supported."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from bot.civic.topics import topic_view
from bot.civic.turn_store import TurnStore
from flows.ports.ideas import (
    IdeaOrder,
    IdeaStatus,
    IdeaSummaryView,
    IdeaView,
    StatusChangeView,
    SupportOutcome,
)
from storage import ideas, subscriptions
from storage.models.civic import Idea


async def summaries(store: TurnStore, rows: Sequence[Idea], language: str) -> list[IdeaSummaryView]:
    topics = (await store.content()).topics_by_id(row.topic_id for row in rows)
    return [
        IdeaSummaryView(
            id=row.id,
            ref=row.ref or "",
            title=row.title,
            topic=topic_view(topics.get(row.topic_id or 0), language),
            status=cast(IdeaStatus, row.status),
            support_count=row.support_count,
            created_at=row.created_at,
        )
        for row in rows
    ]


class StoreIdeas:
    def __init__(self, store: TurnStore) -> None:
        self._store = store

    async def create(
        self,
        citizen_id: int,
        title: str,
        description: str,
        topic_slug: str | None,
        place: str | None,
        language: str,
    ) -> str:
        store = self._store
        now = store.clock()
        topic = await store.topic(topic_slug) if topic_slug else None
        created = await ideas.create_idea(
            store.session,
            citizen_id=citizen_id,
            title=title,
            description=description,
            topic_id=topic.id if topic is not None else None,
            place=place or None,
            language=language,
            now=now,
            moderation=store.moderation,
        )
        await subscriptions.subscribe(store.session, citizen_id, "idea", created.ref, now)
        return created.ref

    async def published(
        self,
        language: str,
        order: IdeaOrder = "newest",
        topic_slug: str | None = None,
        offset: int = 0,
        limit: int = 5,
    ) -> Sequence[IdeaSummaryView]:
        topic_id = None
        if topic_slug:
            topic = await self._store.topic(topic_slug)
            if topic is None:
                return []
            topic_id = topic.id
        rows = await ideas.published_ideas(
            self._store.session, order=order, topic_id=topic_id, offset=offset, limit=limit
        )
        return await summaries(self._store, rows, language)

    async def find(self, reference: str, citizen_id: int, language: str) -> IdeaView | None:
        session = self._store.session
        row = await ideas.find_idea(session, reference)
        mine = row is not None and row.citizen_id == citizen_id
        if row is None or (row.moderation != "published" and not mine):
            return None
        history = await ideas.status_history(session, row.id)
        return IdeaView(
            summary=(await summaries(self._store, [row], language))[0],
            description=row.description,
            place=row.place,
            history=tuple(
                StatusChangeView(cast(IdeaStatus, h.status), h.note, h.at) for h in history
            ),
            supported_by_me=await ideas.has_supported(session, row.id, citizen_id),
            mine=mine,
        )

    async def support(self, citizen_id: int, idea_id: int) -> str:
        session = self._store.session
        row = await session.get(Idea, idea_id)
        if row is None or row.moderation != "published":
            return SupportOutcome.NOT_FOUND
        outcome = await ideas.add_support(session, row, citizen_id, self._store.clock())
        return {
            "added": SupportOutcome.ADDED,
            "already": SupportOutcome.ALREADY,
            "own_idea": SupportOutcome.OWN_IDEA,
        }[outcome]
