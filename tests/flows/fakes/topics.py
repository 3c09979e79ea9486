"""The three topics of the fake town."""

from __future__ import annotations

from collections.abc import Sequence

from flows.ports.topics import TopicView
from tests.flows.fakes.memory import TOPICS


class FakeTopics:
    async def listed(self, language: str) -> Sequence[TopicView]:
        return [
            TopicView(slug, de if language == "de" else en) for slug, (de, en) in TOPICS.items()
        ]
