"""The topics port over the store's cached content."""

from __future__ import annotations

from collections.abc import Sequence

from bot.civic.turn_store import TurnStore
from flows.ports.topics import TopicView
from storage.content_cache import TopicEntry


def topic_view(topic: TopicEntry | None, language: str) -> TopicView | None:
    return None if topic is None else TopicView(topic.slug, topic.name(language))


class StoreTopics:
    def __init__(self, store: TurnStore) -> None:
        self._store = store

    async def listed(self, language: str) -> Sequence[TopicView]:
        return [
            TopicView(t.slug, t.name(language), tuple(t.keywords or ()))
            for t in (await self._store.content()).topics
        ]
